"""The UN SDG vocabulary, vendored into ``data/vocab/``.

Two halves:

* run time: :func:`load_sdg`, :func:`target_codes`, :func:`goal_of` read only ``data/vocab``;
* once, by a maintainer:
  ``python -m kyodo_lod.build.vocab derive --from ../shared/sdg --to data/vocab``
  turns the UN SDG KOS (goals and targets), its ontology and the Japanese MOFA/MIC text into
  ``sdg.ttl`` and ``sdg-ontology.ttl``, fixing the known defects (see data/vocab/SOURCE.md).
  The output is sorted Turtle without blank nodes: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from ..errors import KyodoError
from ..model import sdg_code_key
from ..rdf.iris import SDG_BASE
from ..rdf.namespaces import SCHEMA, SDGO, VOCAB_PREFIXES, prefixes

SDG_FILE = "sdg.ttl"
SDG_ONTOLOGY_FILE = "sdg-ontology.ttl"

SCHEME = URIRef(SDG_BASE.rstrip("/"))  # <http://metadata.un.org/sdg>, the KOS concept scheme
SDG_ONTOLOGY = URIRef(SDG_BASE + "ontology")
SDGIO = "http://purl.unep.org/sdg/SDGIO_"

# The inputs the defect fixes below were written for (../shared/sdg/SOURCE.txt).
SOURCE_FILES: dict[str, str] = {
    "sdg-kos-goals-targets-indicators.ttl": (
        "cb6b5600333b3a4f6498f9817db1a41244dd6b5758c274c42c6240a20259503e"
    ),
    "sdgs-ontology.ttl": "5a00ffa8ae4face41dd293e766f4ea6671eb14d1833132967081935fc6634086",
    "ja/esrijapan-targets-final.json": (
        "172653da8bdf4302f23a4f9c08dbbf13cebfef2fb359e210ee0897bcc13dab1c"
    ),
    "ja/esrijapan-goals-final-ja.json": (
        "256901f29e3ad8f5171de78e3049ac4ac36a10bbe90f6690802bc3d27a1c108c"
    ),
}

CITATION = (
    "Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge "
    "Organization System for the United Nations Sustainable Development Goals. New York, NY. "
    "http://metadata.un.org/sdg"
)

# SDG Communications Guidelines (2019) palette; the Japanese file has the older 2016 one.
GOAL_COLOURS: dict[int, str] = {
    1: "#E5243B",
    2: "#DDA63A",
    3: "#4C9F38",
    4: "#C5192D",
    5: "#FF3A21",
    6: "#26BDE2",
    7: "#FCC30B",
    8: "#A21942",
    9: "#FD6925",
    10: "#DD1367",
    11: "#FD9D24",
    12: "#BF8B2E",
    13: "#3F7E44",
    14: "#0A97D9",
    15: "#56C02B",
    16: "#00689D",
    17: "#19486A",
}

# The Japanese short name of goal 3 in the 2018 file is the early wording; UNIC Tokyo's icons say
# 健康 (health), not 保健.
GOAL_SHORT_JA_FIXES: dict[int, tuple[str, str]] = {
    3: ("すべての人に保健と福祉を", "すべての人に健康と福祉を"),
}

# Labels that are not the concept's text: fragments or labels of other concepts (12.3 carries
# "By 2030,d" and the fr/es names of indicator 17.13.1 "Macroeconomic Dashboard"), and the fr text
# of 17.13 whose end was overwritten by part of an English indicator title.
JUNK_LABELS: dict[str, tuple[Literal, ...]] = {
    "12.3": (
        Literal("By 2030,d", lang="en"),
        Literal("Tableau de bord macroéconomique", lang="fr"),
        Literal("Tablero macroeconómico", lang="es"),
    ),
    "17.13": (
        Literal(
            "Renforcer la stabilité macroéconomique mondiale, notamment en favorisant la "
            "coordination et la  and domestic material consumption per GDP",
            lang="fr",
        ),
    ),
}

# What is kept of a goal or target (indicators, series and tiers are left out).
CONCEPT_PREDICATES = frozenset(
    {
        RDF.type,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.notation,
        SKOS.note,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.broader,
        SKOS.narrower,
        SKOS.exactMatch,
        SDGO.isTargetOf,
        SDGO.hasTarget,
    }
)
# The part of sdgs-ontology.ttl the goal/target graph uses. Its axioms on other vocabularies
# (dct:subject's domain and range skos:Concept, skos:prefLabel ⊑ http://schema.org/name, a
# property chain for schema:keywords) are left out: they are not UN statements about the SDGs, and
# with kyodo:sdgTarget ⊑ dct:subject the first would make every project a skos:Concept.
ONTOLOGY_TERMS = frozenset(
    {
        SDG_ONTOLOGY,
        SDGO.Goal,
        SDGO.Target,
        SDGO.hasTarget,
        SDGO.isTargetOf,
        SDGO.SDGCode,
        SDGO.SDGCodeCompact,
    }
)

_TARGET_CODE = re.compile(r"^(?P<goal>[1-9]|1[0-7])\.(?P<target>[1-9][0-9]?|[a-z])$")
_GOAL_CODE = re.compile(r"^(?P<goal>[1-9]|1[0-7])$")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


# --------------------------------------------------------------------------------------------
# run time
# --------------------------------------------------------------------------------------------


def load_sdg(vocab_dir: Path) -> Graph:
    """The vendored SDG goals and targets plus the part of the SDG ontology they use."""
    graph = Graph()
    for name in (SDG_FILE, SDG_ONTOLOGY_FILE):
        path = Path(vocab_dir) / name
        if not path.is_file():
            raise KyodoError(
                f"{path}: missing vendored SDG vocabulary; regenerate it with "
                "`python -m kyodo_lod.build.vocab derive --from ../shared/sdg --to data/vocab`"
            )
        graph.parse(path, format="turtle")
    return graph


def target_codes(graph: Graph) -> frozenset[str]:
    """The compact codes ("3.a", "17.17") of the SDG targets in ``graph``."""
    return frozenset(
        str(s)[len(SDG_BASE) :]
        for s in graph.subjects(RDF.type, SDGO.Target)
        if isinstance(s, URIRef) and str(s).startswith(SDG_BASE)
    )


def goal_of(code: str) -> int:
    """The goal number of a target code ("3.a" → 3) or of a goal code ("17" → 17)."""
    match = _TARGET_CODE.match(code) or _GOAL_CODE.match(code)
    if match is None:
        raise ValueError(f"not an SDG goal or target code: {code!r}")
    return int(match["goal"])


# --------------------------------------------------------------------------------------------
# derivation (run once by a maintainer; reads ../shared/sdg)
# --------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_sources(source_dir: Path) -> None:
    """Fail unless the inputs are the exact files the fixes were written for."""
    problems = []
    for name, expected in SOURCE_FILES.items():
        path = source_dir / name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif (actual := _sha256(path)) != expected:
            problems.append(f"{path}: sha256 {actual}, expected {expected}")
    if problems:
        raise KyodoError("SDG sources differ from the recorded ones:\n" + "\n".join(problems))


def _code(node: Node) -> str:
    return str(node)[len(SDG_BASE) :]


def _clean_text(literal: Literal) -> Literal:
    """Collapse runs of white space and strip the ends (several UN labels carry stray spaces)."""
    return Literal(" ".join(str(literal).split()), lang=literal.language, datatype=literal.datatype)


def clean_ja(text: str) -> str:
    """The MOFA/MIC text as printed, minus transcription slips: full-width digits become ASCII
    (6 targets mix both), white space at the ends goes, and a stray "." after the final "。"
    (17.14) is dropped."""
    text = text.translate(_FULL_WIDTH_DIGITS).strip()
    if text.endswith("。."):
        text = text[:-1]
    return text


def _sdgio_number(node: Node) -> int:
    return int(str(node)[len(SDGIO) :])


def fix_sdgio_links(graph: Graph, concepts: set[URIRef]) -> list[str]:
    """Move the SDGIO exactMatch links that target "g.10" lost to "g.1".

    In the KOS, 8.1, 16.1 and 17.1 carry two purl.unep.org SDGIO links while 8.10, 16.10 and
    17.10 carry none: "g.10" was read as the number g.1. SDGIO numbers the targets of a goal in
    order, so of the two links on g.1 the one that belongs to g.10 is the one numbered exactly
    between its neighbours' (g.9 and g.a; 17.9 and 17.11). A link is moved only when that holds;
    otherwise both ambiguous links are dropped. Returns one line per change, for SOURCE.md.
    """
    links: dict[str, list[URIRef]] = defaultdict(list)
    for s, o in graph.subject_objects(SKOS.exactMatch):
        if s in concepts and str(o).startswith(SDGIO):
            links[_code(s)].append(o)  # type: ignore[arg-type]
    changes: list[str] = []
    ordered = sorted((_code(c) for c in concepts if "." in _code(c)), key=sdg_code_key)
    for code in sorted(c for c in links if len(links[c]) > 1):
        goal, _, number = code.partition(".")
        tenth = f"{goal}.{int(number) * 10}" if number.isdigit() else ""
        if tenth not in ordered or links.get(tenth):
            fits = []
        else:
            # the neighbours of g.10 in the UN order: g.9 and g.a (17.11 for goal 17)
            at = ordered.index(tenth)
            before, after = links.get(ordered[at - 1], []), links.get(ordered[at + 1], [])
            fits = [
                o
                for o in links[code]
                if len(before) == 1
                and len(after) == 1
                and _sdgio_number(before[0]) + 1 == _sdgio_number(o) == _sdgio_number(after[0]) - 1
            ]
        if len(fits) == 1 and len(links[code]) == 2:
            moved = fits[0]
            graph.remove((URIRef(SDG_BASE + code), SKOS.exactMatch, moved))
            graph.add((URIRef(SDG_BASE + tenth), SKOS.exactMatch, moved))
            changes.append(f"{moved} moved from {code} to {tenth}")
        else:
            for o in links[code]:
                graph.remove((URIRef(SDG_BASE + code), SKOS.exactMatch, o))
                changes.append(f"{o} dropped from {code} (ambiguous)")
    return changes


def derive(source_dir: Path) -> tuple[Graph, Graph, list[str]]:
    """(goals and targets, the SDG ontology subset, the list of fixes applied)."""
    source_dir = Path(source_dir)
    check_sources(source_dir)
    kos = Graph(bind_namespaces="none")
    kos.parse(source_dir / "sdg-kos-goals-targets-indicators.ttl", format="turtle")
    goals = set(kos.subjects(RDF.type, SDGO.Goal))
    targets = set(kos.subjects(RDF.type, SDGO.Target))
    concepts: set[URIRef] = {c for c in goals | targets if isinstance(c, URIRef)}
    fixes: list[str] = []

    out = Graph(bind_namespaces="none")
    for concept in concepts:
        for p, o in kos.predicate_objects(concept):
            if p not in CONCEPT_PREDICATES or isinstance(o, BNode):
                continue
            if p == RDF.type and o not in (SDGO.Goal, SDGO.Target, SKOS.Concept):
                continue
            # links down to indicators go with the indicators
            if (o, RDF.type, SKOS.Concept) in kos and o not in concepts:
                continue
            if isinstance(o, Literal) and o.language:
                cleaned = _clean_text(o)
                if cleaned != o:
                    fixes.append(
                        f"white space normalised in {_code(concept)} {p.n3()}@{o.language}"
                    )
                o = cleaned
            out.add((concept, p, o))

    for code, junk in JUNK_LABELS.items():
        concept = URIRef(SDG_BASE + code)
        for label in map(_clean_text, junk):  # white space was normalised above
            if (concept, SKOS.prefLabel, label) not in out:
                raise KyodoError(f"expected junk label on {code} not found: {label!r}")
            out.remove((concept, SKOS.prefLabel, label))
            fixes.append(f"junk prefLabel dropped from {code}: {label.n3()}")

    fixes.extend(fix_sdgio_links(out, concepts))

    out.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    for o in kos.objects(SCHEME, SKOS.prefLabel):
        out.add((SCHEME, SKOS.prefLabel, o))
    for goal in goals:
        out.add((SCHEME, SKOS.hasTopConcept, goal))
    out.add((SCHEME, DCTERMS.bibliographicCitation, Literal(CITATION)))

    _add_japanese(out, source_dir / "ja", fixes)
    for number, colour in GOAL_COLOURS.items():
        out.add((URIRef(SDG_BASE + str(number)), SCHEMA.color, Literal(colour)))

    _check(out, goals, targets)
    return out, _ontology_subset(source_dir / "sdgs-ontology.ttl"), sorted(set(fixes))


def _add_japanese(out: Graph, ja_dir: Path, fixes: list[str]) -> None:
    for row in json.loads((ja_dir / "esrijapan-targets-final.json").read_text("utf-8")):
        text = clean_ja(row["title"])
        if text != row["title"]:
            fixes.append(f"Japanese text of {row['id']} cleaned (digits/white space/period)")
        out.add((URIRef(SDG_BASE + row["id"]), SKOS.prefLabel, Literal(text, lang="ja")))
    for row in json.loads((ja_dir / "esrijapan-goals-final-ja.json").read_text("utf-8")):
        goal = URIRef(f"{SDG_BASE}{int(row['goal'])}")
        out.add((goal, SKOS.prefLabel, Literal(clean_ja(row["title"]), lang="ja")))
        short = clean_ja(row["short"])
        if int(row["goal"]) in GOAL_SHORT_JA_FIXES:
            old, new = GOAL_SHORT_JA_FIXES[int(row["goal"])]
            if short != old:
                raise KyodoError(f"goal {row['goal']} short name is {short!r}, expected {old!r}")
            short = new
            fixes.append(f"Japanese short name of goal {row['goal']}: {old} → {new}")
        out.add((goal, SKOS.altLabel, Literal(short, lang="ja")))


def _check(out: Graph, goals: set[Node], targets: set[Node]) -> None:
    """The result must have 17 goals, 169 targets, one prefLabel per language en/es/fr/ja."""
    problems = []
    if len(goals) != 17 or len(targets) != 169:
        problems.append(f"{len(goals)} goals and {len(targets)} targets, expected 17 and 169")
    for concept in sorted(goals | targets):
        langs = [o.language for o in out.objects(concept, SKOS.prefLabel)]  # type: ignore[union-attr]
        for lang in ("en", "ja"):
            if langs.count(lang) != 1:
                problems.append(f"{concept}: {langs.count(lang)} prefLabels @{lang}")
        if any(langs.count(lang) > 1 for lang in set(langs)):
            problems.append(f"{concept}: several prefLabels in one language: {sorted(langs)}")
    if problems:
        raise KyodoError("derived SDG vocabulary is inconsistent:\n" + "\n".join(problems))


def _ontology_subset(path: Path) -> Graph:
    source = Graph(bind_namespaces="none")
    source.parse(path, format="turtle")
    out = Graph(bind_namespaces="none")
    for s, p, o in source:
        if s in ONTOLOGY_TERMS and not isinstance(o, BNode):
            out.add((s, p, o))
    return out


PREFIXES = prefixes(VOCAB_PREFIXES)


def serialise(graph: Graph) -> str:
    """Turtle with a fixed set of prefixes; rdflib sorts subjects, predicates and objects."""
    out = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, URIRef(namespace))
    for triple in graph:
        out.add(triple)
    return out.serialize(format="turtle")


def write_vocab(source_dir: Path, out_dir: Path) -> dict[str, int]:
    """Derive and write sdg.ttl and sdg-ontology.ttl; return the triple count of each."""
    kos, ontology, fixes = derive(source_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SDG_FILE).write_text(serialise(kos), encoding="utf-8")
    (out_dir / SDG_ONTOLOGY_FILE).write_text(serialise(ontology), encoding="utf-8")
    for line in fixes:
        print(f"fix: {line}", file=sys.stderr)
    return {SDG_FILE: len(kos), SDG_ONTOLOGY_FILE: len(ontology)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kyodo_lod.build.vocab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    derive_cmd = commands.add_parser("derive", help="regenerate data/vocab from the UN sources")
    derive_cmd.add_argument("--from", dest="source", type=Path, required=True)
    derive_cmd.add_argument("--to", dest="target", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        counts = write_vocab(args.source, args.target)
    except KyodoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, count in counts.items():
        print(f"{args.target / name}: {count} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
