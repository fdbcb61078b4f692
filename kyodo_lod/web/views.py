"""Turn query answers into what templates show: labels (never raw IRIs), links, groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..rdf.iris import SDG_BASE
from ..store import GraphResult, Term
from .i18n import TERM_LABELS, pick
from .state import AppState

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
# the order in which label-like properties are trusted
LABEL_ORDER = (RDFS + "label", SKOS + "prefLabel", DCT + "title")
NOTATION = SKOS + "notation"
COLOR = SCHEMA + "color"


@dataclass
class Labels:
    """Labels by IRI and language, plus notations and colours, gathered from any answer."""

    texts: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    notation: dict[str, str] = field(default_factory=dict)
    color: dict[str, str] = field(default_factory=dict)

    def add(self, s: Term, p: Term, o: Term) -> None:
        if o.kind != "literal" or s.kind != "uri":
            return
        if p.value in LABEL_ORDER:
            by_lang = self.texts.setdefault(s.value, {}).setdefault(p.value, {})
            by_lang.setdefault(o.lang or "", o.value)
        elif p.value == NOTATION:
            self.notation.setdefault(s.value, o.value)
        elif p.value == COLOR:
            self.color.setdefault(s.value, o.value)

    def add_label(self, iri: str, text: Term | None) -> None:
        if text is not None and text.kind == "literal":
            self.texts.setdefault(iri, {}).setdefault(RDFS + "label", {}).setdefault(
                text.lang or "", text.value
            )


class Labeller:
    """Labels and links for templates, in the page language."""

    def __init__(self, st: AppState, labels: Labels, lang: str) -> None:
        self.st = st
        self.labels = labels
        self.lang = lang

    def __call__(self, iri: str | Term) -> str:
        return self.label(iri)

    def label(self, iri: str | Term) -> str:
        key = iri.value if isinstance(iri, Term) else iri
        by_prop = self.labels.texts.get(key, {})
        for prop in LABEL_ORDER:
            if prop in by_prop:
                text = pick(by_prop[prop], self.lang)
                if text:
                    return text
        if key in TERM_LABELS:
            return TERM_LABELS[key].get(self.lang) or TERM_LABELS[key]["ja"]
        return fallback_label(key, self.labels.notation.get(key))

    def has_label_in(self, iri: str, lang: str) -> bool:
        return any(lang in texts for texts in self.labels.texts.get(iri, {}).values())

    def href(self, iri: str | Term) -> str:
        key = iri.value if isinstance(iri, Term) else iri
        return self.st.local_path(key) or key

    def external(self, iri: str | Term) -> bool:
        key = iri.value if isinstance(iri, Term) else iri
        return self.st.local_path(key) is None

    def color(self, iri: str) -> str | None:
        return self.labels.color.get(iri)


def fallback_label(iri: str, notation: str | None = None) -> str:
    """A readable name for an IRI nobody labelled: its notation, SDG code or last segment."""
    if notation:
        return notation
    if iri.startswith(SDG_BASE):
        return iri[len(SDG_BASE) :]
    tail = iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]
    return tail or iri


@dataclass
class Description:
    """One resource as the describe query returned it."""

    iri: str
    outbound: dict[str, list[Term]]
    inbound: dict[str, list[Term]]
    labels: Labels
    inbound_count: int

    @property
    def types(self) -> list[str]:
        return [t.value for t in self.outbound.get(RDF_TYPE, []) if t.is_uri]

    def first(self, prop: str) -> Term | None:
        values = self.outbound.get(prop)
        return values[0] if values else None

    def values(self, prop: str) -> list[Term]:
        return self.outbound.get(prop, [])

    def literal_in(self, prop: str, lang: str) -> str | None:
        texts = {t.lang or "": t.value for t in self.values(prop) if t.kind == "literal"}
        return pick(texts, lang) if texts else None

    @property
    def empty(self) -> bool:
        return not self.outbound and not self.inbound


def describe(iri: str, result: GraphResult) -> Description:
    outbound: dict[str, list[Term]] = defaultdict(list)
    inbound: dict[str, list[Term]] = defaultdict(list)
    labels = Labels()
    count = 0
    for s, p, o in result.triples:
        labels.add(s, p, o)
        if s.value == iri and s.kind == "uri":
            outbound[p.value].append(o)
        elif o.kind == "uri" and o.value == iri:
            inbound[p.value].append(s)
            count += 1
    for values in outbound.values():
        values.sort(key=_term_order)
    for values in inbound.values():
        values.sort(key=_term_order)
    return Description(iri, dict(outbound), dict(inbound), labels, count)


def _term_order(term: Term) -> tuple[int, str]:
    # numbers in IRIs (…/project/9 before …/project/10) sort naturally
    parts = term.value.rsplit("/", 1)
    if len(parts) == 2 and parts[1].isdigit():
        return (0, f"{parts[0]}/{int(parts[1]):08d}")
    return (1 if term.kind == "literal" else 0, term.value)


def literal_text(term: Term) -> str:
    return term.value


def group_terms(terms: Iterable[Term]) -> list[Term]:
    return sorted(set(terms), key=_term_order)
