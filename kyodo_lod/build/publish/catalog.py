"""The DCAT-AP 3 catalogue and the VoID description of a build, written to ``dist/catalog.ttl``.

``write_catalog`` reads the union graph and the files already in ``dist/`` (so every count, size and
checksum is computed, never typed in) and writes one sorted, blank-node-free Turtle file. The
catalogue is not part of the dumps it describes, so the checksums are not circular.

Dates (dct:issued / dct:modified) never come from the wall clock. For each source document, in
this order: ``source.issued`` / ``source.modified`` (ISO dates) in
``data/sources/<stem>.meta.json``; else
``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) as both; else the first day of the
plan's fiscal year (the day an implementation plan takes effect). The catalogue's dates are the
earliest issued and the latest modified of its datasets.

Links to Wikidata and e-Stat for a city are left out: they cannot be verified offline here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from ...config import DEFAULT_BASE_IRI, Settings
from ...dist import (
    ANOMALIES_CSV,
    CATALOG,
    JSONLD,
    NTRIPLES,
    PROJECTS_CSV,
    TRIG,
    TURTLE,
    VALIDATION_REPORT,
    file_facts,
)
from ...rdf.iris import SDG_BASE, Iris, sdg_goal
from ...rdf.namespaces import ADMS, CATALOG_PREFIXES, DCATAP, SPDX, VCARD, bind_prefixes, prefixes
from ...rdf.ntriples import SortedTriples
from ...rdf.terms import OPAQUE_XSD, to_rdflib
from ...rdf.turtle import Prefixes, turtle_chunks
from . import oxigraph_store, store_memo

CATALOG_FILE = CATALOG
# what catalog.ttl declares: the data's prefixes and DCAT-AP's
CATALOG_PREFIX_IRIS: dict[str, str] = prefixes(CATALOG_PREFIXES)

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = "http://www.w3.org/ns/formats/"

# The EU authority tables (and ADMS code lists) we use. Each concept is described minimally in the
# catalogue graph (type, scheme, notation, a display label) so the DCAT-AP range and vocabulary
# shapes can check it without fetching anything; the authoritative record is the IRI itself.
SCHEMES: dict[str, str] = {
    EU + "language": "Languages (EU authority table)",
    EU + "file-type": "File types (EU authority table)",
    EU + "frequency": "Frequencies (EU authority table)",
    EU + "data-theme": "Data themes (EU authority table)",
    EU + "country": "Countries and territories (EU authority table)",
    EU + "licence": "Licences (EU authority table)",
    "http://purl.org/adms/publishertype/1.0": "Publisher type (ADMS)",
    "http://purl.org/adms/licencetype/1.0": "Licence type (ADMS)",
    EU + "planned-availability": "Planned availability (EU authority table)",
}
LANG_JA = URIRef(EU + "language/JPN")
LANG_EN = URIRef(EU + "language/ENG")
THEME_GOVERNMENT = URIRef(EU + "data-theme/GOVE")
ANNUAL = URIRef(EU + "frequency/ANNUAL")
STABLE = URIRef(EU + "planned-availability/STABLE")
JAPAN = URIRef(EU + "country/JPN")
LICENCE = URIRef(EU + "licence/CC_BY_4_0")
LICENCE_PAGE = URIRef("https://creativecommons.org/licenses/by/4.0/")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
# DCAT-AP 3.0.1's vocabulary shape wants the algorithm IRI to start with https://spdx.org/rdf/terms
# while the SPDX 2 term is http://; we use the https form and state it is the same term.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
SDG_SCHEME = URIRef("http://metadata.un.org/sdg")
SDG_VOID = URIRef("http://metadata.un.org/sdg/void.ttl#SDG")  # the UN KOS's own VoID dataset
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

# (concept, scheme, notation, labels)
CONCEPTS: tuple[tuple[URIRef, str, str, dict[str, str]], ...] = (
    (LANG_JA, EU + "language", "JPN", {"en": "Japanese", "ja": "日本語"}),
    (LANG_EN, EU + "language", "ENG", {"en": "English", "ja": "英語"}),
    (THEME_GOVERNMENT, EU + "data-theme", "GOVE", {"en": "Government and public sector"}),
    (ANNUAL, EU + "frequency", "ANNUAL", {"en": "annual"}),
    (STABLE, EU + "planned-availability", "STABLE", {"en": "stable"}),
    (JAPAN, EU + "country", "JPN", {"en": "Japan", "ja": "日本"}),
    (LICENCE, EU + "licence", "CC_BY_4_0", {"en": "Creative Commons Attribution 4.0"}),
    (LOCAL_AUTHORITY, "http://purl.org/adms/publishertype/1.0", "LocalAuthority",
     {"en": "Local Authority"}),
    (ATTRIBUTION, "http://purl.org/adms/licencetype/1.0", "Attribution", {"en": "Attribution"}),
)  # fmt: skip


@dataclass(frozen=True)
class DumpFormat:
    key: str  # the distribution's IRI key
    file_name: str
    media_type: str  # IANA name
    file_type: str  # EU file-type code
    label_en: str
    label_ja: str
    rdf: bool = True
    feature: str | None = None  # W3C format IRI, for void:feature


DUMPS: tuple[DumpFormat, ...] = (
    DumpFormat("trig", TRIG, "application/trig", "RDF_TRIG",
               "TriG (named graphs)", "TriG（名前付きグラフ）", feature="TriG"),
    DumpFormat("turtle", TURTLE, "text/turtle", "RDF_TURTLE",
               "Turtle", "Turtle", feature="Turtle"),
    DumpFormat("ntriples", NTRIPLES, "application/n-triples", "RDF_N_TRIPLES",
               "N-Triples", "N-Triples", feature="N-Triples"),
    DumpFormat("jsonld", JSONLD, "application/ld+json", "JSON_LD",
               "JSON-LD", "JSON-LD", feature="JSON-LD"),
    DumpFormat("csv", PROJECTS_CSV, "text/csv", "CSV",
               "projects (CSV, one row per project per year)", "事業一覧（CSV、年度ごとに1行）",
               rdf=False),
)  # fmt: skip
FILE_TYPE_LABELS = {
    "RDF_TRIG": "RDF TriG",
    "RDF_TURTLE": "RDF Turtle",
    "RDF_N_TRIPLES": "RDF N-Triples",
    "JSON_LD": "JSON-LD",
    "CSV": "CSV",
    "SPARQLQ": "SPARQL",
}
REPORT_FILES = {
    VALIDATION_REPORT: ("SHACL検証レポート", "SHACL validation report"),
    ANOMALIES_CSV: ("抽出時に補正した箇所の一覧", "What the extraction reconciled"),
}


@dataclass(frozen=True)
class PlanYear:
    """One implementation plan (city × plan × fiscal year) as the union graph states it."""

    plan: URIRef
    city: URIRef
    code: str
    plan_key: str
    fiscal_year: int
    title: tuple[Literal, ...]
    city_names: tuple[Literal, ...]
    source: URIRef | None
    source_file: str | None
    projects: tuple[URIRef, ...]
    goals: tuple[int, ...]


def write_catalog(settings: Settings, data: Graph, dist_dir: Path) -> Path:
    """Write ``dist_dir/catalog.ttl`` (DCAT-AP 3 catalogue + VoID) for the build in ``dist_dir``."""
    graph = build_catalog(settings, data, dist_dir)
    path = Path(dist_dir) / CATALOG_FILE
    path.write_bytes(serialise(graph))
    return path


def serialise(graph: Graph) -> bytes:
    """Deterministic Turtle from publish's streaming writer (rdflib's serializer took seconds
    here): the blank-node-free graph as sorted N-Triples lines, one block per subject, every
    prefix of ``CATALOG_PREFIX_IRIS`` declared. A blank node raises ValueError."""
    lines = SortedTriples.of(graph, CATALOG_FILE).lines()
    return "".join(turtle_chunks(lines, Prefixes(CATALOG_PREFIX_IRIS))).encode("utf-8")


def build_catalog(settings: Settings, data: Graph, dist_dir: Path) -> Graph:
    """The catalogue graph (see ``write_catalog``)."""
    iris = Iris(settings.base_iri)
    g = Graph(store=_TripleSet())
    bind_prefixes(g, CATALOG_PREFIXES)
    facts = read_union(data, iris)
    kyodo, plans = facts.kyodo, facts.plans
    dist_dir = Path(dist_dir)
    files = {
        name: file_facts(dist_dir / name)
        for name in [d.file_name for d in DUMPS] + list(REPORT_FILES)
        if (dist_dir / name).is_file()
    }

    _vocabulary(g)
    _shared(g, iris)
    catalog = iris.catalog()
    service = iris.sparql_service()
    dates: list[tuple[date, date]] = []
    for plan in plans:
        dataset = iris.dataset(plan.code, plan.plan_key, plan.fiscal_year)
        issued, modified = _dates(settings, plan)
        dates.append((issued, modified))
        _dataset(g, iris, plan, dataset, files, issued, modified)
        g.add((catalog, DCAT.dataset, dataset))
        g.add((service, DCAT.servesDataset, dataset))
    _goals(g, data, (number for plan in plans for number in plan.goals))

    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, "kyodo-lod：自治体の計画のLinked Open Data",
           "kyodo-lod: Linked Open Data of municipal policy plans")  # fmt: skip
    _texts(
        g,
        catalog,
        DCTERMS.description,
        f"市町村の協働推進計画などの実施計画を、事業・基本施策・担当課・成果指標・SDGsターゲットの"
        f"Linked Open Dataとして公開するカタログ。"
        f"{len(plans)}件のデータセット（自治体×計画×年度）を"
        f"収録。",
        f"Catalogue of municipal implementation plans published as Linked Open Data: projects, "
        f"basic policies, responsible departments, KPIs and the SDG targets they serve. "
        f"{len(plans)} dataset(s), one per city plan per fiscal year.",
    )
    g.add((catalog, DCTERMS.publisher, iris.publisher()))
    g.add((catalog, FOAF.homepage, iris.home()))
    g.add((catalog, DCTERMS.language, LANG_JA))
    g.add((catalog, DCTERMS.language, LANG_EN))
    g.add((catalog, DCTERMS.license, LICENCE))
    g.add((catalog, DCTERMS.spatial, JAPAN))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    g.add((catalog, DCAT.themeTaxonomy, SDG_SCHEME))
    g.add((catalog, RDFS.seeAlso, iris.void_document()))
    g.add((catalog, RDFS.seeAlso, iris.ontology()))
    if VALIDATION_REPORT in files:
        g.add((catalog, RDFS.seeAlso, iris.dump(VALIDATION_REPORT)))
    if dates:
        g.add((catalog, DCTERMS.issued, Literal(min(d[0] for d in dates), datatype=XSD.date)))
        g.add((catalog, DCTERMS.modified, Literal(max(d[1] for d in dates), datatype=XSD.date)))

    _service(g, iris)
    _void(g, iris, facts.census, kyodo, plans, files)
    return g


class _TripleSet(Memory):
    """The catalogue's store: rdflib's in-memory store keeps the prefix bindings (the partition
    keys come from them), the triples go to a set. Memory indexes each triple three ways,
    seconds for a national catalogue that is only written out; a pattern here scans them all."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: set[tuple[Node, Node, Node]] = set()

    def add(self, triple, context, quoted=False):  # type: ignore[no-untyped-def,override]
        self.kept.add(triple)

    def remove(self, triple, context=None):  # type: ignore[no-untyped-def,override]
        raise NotImplementedError("the catalogue graph is write-once")

    def triples(self, triple_pattern, context=None):  # type: ignore[no-untyped-def,override]
        s, p, o = triple_pattern
        for triple in self.kept:
            if (
                (s is None or s == triple[0])
                and (p is None or p == triple[1])
                and (o is None or o == triple[2])
            ):
                yield triple, iter(())

    def __len__(self, context=None) -> int:  # type: ignore[no-untyped-def,override]
        return len(self.kept)


# --- reading the union graph ---------------------------------------------------------------


@dataclass(frozen=True)
class UnionFacts:
    """What the catalogue reads from the union graph."""

    kyodo: Namespace
    plans: list[PlanYear]
    census: VoidCensus


def read_union(data: Graph, iris: Iris) -> UnionFacts:
    """The union's facts for the catalogue. Over a publish store they are kept with the store
    (``publish.store_memo``): publish reads them while its second process still writes the
    dumps the catalogue describes, and the writer, called after, finds them there."""
    memo = store_memo(data)
    key = ("catalog.read_union", iris.base)
    found = memo.get(key) if memo is not None else None
    if isinstance(found, UnionFacts):
        return found
    kyodo = _kyodo_namespace(data)
    facts = UnionFacts(
        kyodo=kyodo,
        plans=_plan_years(data, kyodo, _mover(kyodo, iris)),
        census=void_census(data, str(kyodo)[: -len("def/kyodo#")] + "id/"),
    )
    if memo is not None:
        memo[key] = facts
    return facts


def _kyodo_namespace(data: Graph) -> Namespace:
    """The ontology namespace the data uses (default base, or the rebased one)."""
    for plan_class in data.subjects(RDFS.subClassOf, None):
        if str(plan_class).endswith("#ImplementationPlan"):
            return Namespace(str(plan_class)[: -len("ImplementationPlan")])
    for _, _, cls in data.triples((None, RDF.type, None)):
        if str(cls).endswith("/def/kyodo#ImplementationPlan"):
            return Namespace(str(cls)[: -len("ImplementationPlan")])
    return Namespace(DEFAULT_BASE_IRI + "def/kyodo#")


def _mover(kyodo: Namespace, iris: Iris):  # type: ignore[no-untyped-def]
    """Map an IRI of the data's base onto the configured base (identity when they agree)."""
    data_base = str(kyodo)[: -len("def/kyodo#")]

    def move(node: Node) -> Node:
        if data_base != iris.base and isinstance(node, URIRef) and node.startswith(data_base):
            return URIRef(iris.base + node[len(data_base) :])
        return node

    return move


def _plan_years(data: Graph, kyodo: Namespace, move) -> list[PlanYear]:  # type: ignore[no-untyped-def]
    """Implementation plans whose own project table is in the data (numbered projects): plan
    nodes known only from a later year's completed list do not make a dataset."""
    store = oxigraph_store(data)
    if store is None:
        projects, numbered, plan_goals = _projects_by_walking(data, kyodo)
    else:
        projects, numbered, plan_goals = _projects_in_store(store, kyodo)
    result = []
    for plan in sorted(data.subjects(RDF.type, kyodo.ImplementationPlan)):
        if plan not in numbered:
            continue
        city = data.value(plan, DCTERMS.publisher)
        code = data.value(city, kyodo.localGovernmentCode) if city is not None else None
        year = data.value(plan, kyodo.fiscalYear)
        basic = data.value(plan, kyodo.implementsPlan)
        if city is None or code is None or year is None or basic is None:
            continue
        source = data.value(plan, PROV.wasDerivedFrom)
        source_file = data.value(source, DCTERMS.source) if source is not None else None
        result.append(
            PlanYear(
                plan=move(plan),
                city=move(city),
                code=str(code),
                plan_key=str(basic).rstrip("/").rsplit("/", 1)[-1],
                fiscal_year=int(str(year)[:4]),
                title=tuple(sorted(_literals(data, plan, DCTERMS.title, RDFS.label))),
                city_names=tuple(sorted(_literals(data, city, RDFS.label))),
                source=move(source) if isinstance(source, URIRef) else None,
                source_file=str(source_file) if source_file is not None else None,
                projects=tuple(sorted(move(p) for p in projects[plan])),
                goals=tuple(sorted(plan_goals.get(plan, ()))),
            )
        )
    return result


# per plan: its projects, whether any is numbered, the SDG goals its projects serve
_PlanProjects = tuple[dict[Node, list[Node]], set[Node], dict[Node, set[int]]]


def _goal_number(target: str) -> int:
    """The goal of an SDG IRI (``…/sdg/3.4`` → 3)."""
    return int(target[len(SDG_BASE) :].split(".")[0])


def _projects_by_walking(data: Graph, kyodo: Namespace) -> _PlanProjects:
    projects: dict[Node, list[Node]] = defaultdict(list)
    numbered: set[Node] = set()
    goals: dict[Node, set[int]] = defaultdict(set)
    for project, _, plan in data.triples((None, kyodo.inPlan, None)):
        projects[plan].append(project)
        if (project, kyodo.projectNumber, None) in data:
            numbered.add(plan)
        for target in data.objects(project, kyodo.sdgTarget):
            if str(target).startswith(SDG_BASE):
                goals[plan].add(_goal_number(str(target)))
    return projects, numbered, goals


def _projects_in_store(store: pyoxigraph.Store, kyodo: Namespace) -> _PlanProjects:
    """As ``_projects_by_walking``, by SPARQL on a publish store: a Python walk over every
    project and its targets through the rdflib view took seconds a few hundred cities."""
    in_plan, number = f"<{kyodo.inPlan}>", f"<{kyodo.projectNumber}>"
    target, base = f"<{kyodo.sdgTarget}>", _sparql_string(SDG_BASE)

    def plans(query: str) -> Iterator[tuple[Node, pyoxigraph.QuerySolution]]:
        for row in store.query(query):  # type: ignore[union-attr]
            yield to_rdflib(row["plan"]), row

    # a row per plan (IRIs hold no space): a row per project cost more than the work it did
    projects: dict[Node, list[Node]] = {}
    numbered: set[Node] = set()
    for plan, row in plans(
        "SELECT ?plan (GROUP_CONCAT(STR(?project); separator=' ') AS ?projects)"
        f" (SUM(IF(EXISTS {{ ?project {number} ?number }}, 1, 0)) AS ?numbered)"
        f" WHERE {{ ?project {in_plan} ?plan }} GROUP BY ?plan"
    ):
        projects[plan] = [URIRef(p) for p in row["projects"].value.split(" ")]  # type: ignore[union-attr]
        if int(row["numbered"].value):  # type: ignore[union-attr]
            numbered.add(plan)
    # a row per plan and goal: the first segment after the SDG base ("…/sdg/3.4" → "3")
    goals: dict[Node, set[int]] = defaultdict(set)
    for plan, row in plans(
        f"SELECT DISTINCT ?plan ?goal WHERE {{ ?project {in_plan} ?plan ; {target} ?target"
        f" FILTER(STRSTARTS(STR(?target), {base}))"
        f" BIND(STRBEFORE(CONCAT(STRAFTER(STR(?target), {base}), '.'), '.') AS ?goal) }}"
    ):
        goals[plan].add(int(row["goal"].value))  # type: ignore[union-attr]
    return projects, numbered, goals


def _literals(data: Graph, subject: Node, *predicates: URIRef) -> list[Literal]:
    """Literals of the first predicate that has any, one per language."""
    for predicate in predicates:
        found: dict[str | None, Literal] = {}
        for value in sorted(data.objects(subject, predicate)):
            if isinstance(value, Literal):
                found.setdefault(value.language, value)
        if found:
            return list(found.values())
    return []


def _text(literals: Iterable[Literal], language: str, fallback: str = "") -> str:
    for literal in literals:
        if literal.language == language:
            return str(literal)
    return fallback


def _dates(settings: Settings, plan: PlanYear) -> tuple[date, date]:
    """(issued, modified) of a plan-year dataset; see the module docstring for the order."""
    if plan.source_file:
        stem = plan.source_file.rsplit(".", 1)[0]
        meta_path = settings.sources_dir / f"{stem}.meta.json"
        if meta_path.is_file():
            source = json.loads(meta_path.read_text(encoding="utf-8")).get("source") or {}
            if source.get("issued"):
                issued = date.fromisoformat(source["issued"])
                return issued, date.fromisoformat(source.get("modified") or source["issued"])
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        day = datetime.fromtimestamp(int(epoch), tz=UTC).date()
        return day, day
    start = date(plan.fiscal_year, 4, 1)
    return start, start


# --- writing the catalogue -----------------------------------------------------------------


def _texts(g: Graph, subject: URIRef, predicate: URIRef, ja: str, en: str) -> None:
    if ja:
        g.add((subject, predicate, Literal(ja, lang="ja")))
    if en:
        g.add((subject, predicate, Literal(en, lang="en")))


def _vocabulary(g: Graph) -> None:
    """Minimal typed descriptions of the controlled-vocabulary IRIs used (see SCHEMES)."""
    for scheme, title in SCHEMES.items():
        node = URIRef(scheme)
        g.add((node, RDF.type, SKOS.ConceptScheme))
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
    for concept, scheme, notation, labels in CONCEPTS:
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, URIRef(scheme)))
        g.add((concept, SKOS.notation, Literal(notation)))
        g.add((concept, DCTERMS.source, URIRef(scheme)))
        for language, label in labels.items():
            g.add((concept, SKOS.prefLabel, Literal(label, lang=language)))
    for language in (LANG_JA, LANG_EN):
        g.add((language, RDF.type, DCTERMS.LinguisticSystem))
    g.add((ANNUAL, RDF.type, DCTERMS.Frequency))
    g.add((JAPAN, RDF.type, DCTERMS.Location))
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    _texts(g, LICENCE, DCTERMS.title, "クリエイティブ・コモンズ 表示 4.0 国際",
           "Creative Commons Attribution 4.0 International")  # fmt: skip
    g.add((LICENCE, DCTERMS.type, ATTRIBUTION))
    g.add((LICENCE, RDFS.seeAlso, LICENCE_PAGE))
    for dump in DUMPS:
        media = URIRef(IANA + dump.media_type)
        g.add((media, RDF.type, DCTERMS.MediaType))
        g.add((media, RDFS.label, Literal(dump.media_type)))
    for code, label in FILE_TYPE_LABELS.items():
        node = URIRef(EU + "file-type/" + code)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((node, SKOS.inScheme, URIRef(EU + "file-type")))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((node, DCTERMS.source, URIRef(EU + "file-type")))
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((SHA256, RDFS.label, Literal("SHA-256", lang="en")))
    g.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))
    g.add((SDG_SCHEME, RDF.type, SKOS.ConceptScheme))
    # the title the UN gives its KOS in its own VoID description
    g.add(
        (
            SDG_SCHEME,
            DCTERMS.title,
            Literal(
                "A Knowledge Organization System for the United Nations Sustainable "
                "Development Goals",
                lang="en",
            ),
        )
    )
    g.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    g.add((SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))


def _goals(g: Graph, data: Graph, numbers: Iterable[int]) -> None:
    """The SDG goals the datasets have as themes."""
    for number in sorted(set(numbers)):
        goal = sdg_goal(number)
        g.add((goal, RDF.type, SKOS.Concept))
        g.add((goal, SKOS.inScheme, SDG_SCHEME))
        g.add((goal, SKOS.notation, Literal(str(number))))
        # the UN's own labels (en) and the vendored Japanese ones, as the data holds them
        labels = [x for x in _literals(data, goal, SKOS.prefLabel) if x.language in {"en", "ja"}]
        for label in labels or [Literal(f"Goal {number}", lang="en")]:
            g.add((goal, SKOS.prefLabel, label))


def _shared(g: Graph, iris: Iris) -> None:
    """Nodes every dataset shares: our publisher agent, contact point, ontology, shapes."""
    agent = iris.publisher()
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal("kyodo-lod", lang="en")))
    g.add((agent, FOAF.name, Literal("kyodo-lod", lang="ja")))
    g.add((agent, FOAF.homepage, iris.home()))
    home = iris.home()
    g.add((home, RDF.type, FOAF.Document))
    _texts(g, home, DCTERMS.title, "kyodo-lod", "kyodo-lod")

    contact = iris.contact_point()
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("kyodo-lod")))
    g.add((contact, VCARD.hasURL, home))

    ontology = iris.ontology()
    g.add((ontology, RDF.type, DCTERMS.Standard))
    _texts(g, ontology, DCTERMS.title, "kyodoオントロジー", "The kyodo ontology")
    shapes = iris.shapes()
    g.add((shapes, RDF.type, DCTERMS.Standard))
    _texts(g, shapes, DCTERMS.title, "kyodo SHACLシェイプ", "kyodo SHACL shapes")


def _dataset(
    g: Graph,
    iris: Iris,
    plan: PlanYear,
    dataset: URIRef,
    files: dict[str, tuple[int, str]],
    issued: date,
    modified: date,
) -> None:
    city_ja = _text(plan.city_names, "ja", plan.code)
    city_en = _text(plan.city_names, "en", city_ja)
    title_ja = _text(plan.title, "ja")
    title_en = _text(plan.title, "en", title_ja)
    fy = plan.fiscal_year
    count = len(plan.projects)

    g.add((dataset, RDF.type, DCAT.Dataset))
    _texts(g, dataset, DCTERMS.title, f"{city_ja} {title_ja}".strip(),
           f"{city_en}: {title_en}".strip())  # fmt: skip
    _texts(
        g,
        dataset,
        DCTERMS.description,
        f"{city_ja}の「{title_ja}」（{fy}年度）に掲載された{count}件の事業を、基本施策・担当課・"
        f"成果指標（KPI）・SDGsターゲットとともにLinked Open Dataにしたもの。各事業は原文の行に"
        f"たどれます。",
        f"The {count} projects listed in {city_en}'s {title_en} (fiscal year {fy}) as Linked "
        f"Open Data, with their basic policies, responsible departments, KPIs and SDG targets. "
        f"Every project links back to the lines of the source document it was read from.",
    )
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, plan.city))
    g.add((dataset, DCAT.contactPoint, iris.contact_point()))
    g.add((dataset, DCTERMS.license, LICENCE))
    g.add((dataset, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((dataset, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    g.add((dataset, DCTERMS.language, LANG_JA))
    g.add((dataset, DCTERMS.language, LANG_EN))
    g.add((dataset, DCTERMS.accrualPeriodicity, ANNUAL))
    g.add((dataset, DCAT.theme, THEME_GOVERNMENT))
    g.add((dataset, DCTERMS.conformsTo, iris.ontology()))
    g.add((dataset, DCTERMS.conformsTo, iris.shapes()))
    doc = iris.document_of(str(plan.plan))
    if doc:
        page = URIRef(doc)
        g.add((dataset, DCAT.landingPage, page))
        g.add((page, RDF.type, FOAF.Document))
    g.add((dataset, FOAF.primaryTopic, plan.plan))
    for report, (ja, en) in REPORT_FILES.items():
        if report in files:
            page = iris.dump(report)
            g.add((dataset, FOAF.page, page))
            g.add((page, RDF.type, FOAF.Document))
            _texts(g, page, DCTERMS.title, ja, en)

    # the city: publisher (foaf:Agent with its local government code) and place
    city = plan.city
    g.add((city, RDF.type, FOAF.Agent))
    for name in plan.city_names:
        g.add((city, FOAF.name, name))
    g.add((city, DCTERMS.identifier, Literal(plan.code)))
    g.add((city, DCTERMS.type, LOCAL_AUTHORITY))
    place = iris.place(plan.code)
    g.add((dataset, DCTERMS.spatial, place))
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, DCTERMS.identifier, Literal(plan.code)))
    for name in plan.city_names:
        g.add((place, RDFS.label, name))
    g.add((place, DCTERMS.isPartOf, JAPAN))

    period = iris.fiscal_year(fy)
    g.add((dataset, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    _texts(g, period, RDFS.label, f"{fy}年度", f"Fiscal year {fy}")
    g.add((period, DCAT.startDate, Literal(date(fy, 4, 1), datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(date(fy + 1, 3, 31), datatype=XSD.date)))

    for number in plan.goals:
        g.add((dataset, DCAT.theme, sdg_goal(number)))  # described once, by _goals

    # distinct from the English ones: CKAN turns keywords into tags, and a tag is unique
    keywords_ja = [
        city_ja,
        "協働",
        "実施計画",
        f"{fy}年度",
        "事業",
        "持続可能な開発目標",
        "オープンデータ",
    ]
    keywords_en = [city_en, "collaboration", "implementation plan", f"FY{fy}", "projects",
                   "SDGs", "linked open data"]  # fmt: skip
    for word in keywords_ja:
        g.add((dataset, DCAT.keyword, Literal(word, lang="ja")))
    for word in keywords_en:
        g.add((dataset, DCAT.keyword, Literal(word, lang="en")))

    if plan.source is not None:
        provenance = iris.provenance(dataset)
        g.add((dataset, DCTERMS.provenance, provenance))
        g.add((dataset, PROV.wasDerivedFrom, plan.source))
        g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((provenance, DCTERMS.source, plan.source))
        source_name = plan.source_file or str(plan.source)
        _texts(
            g,
            provenance,
            RDFS.label,
            f"{city_ja}が公表した計画書のテキスト（{source_name}）から抽出。各事業は"
            f"prov:wasDerivedFromと行番号付きの抜粋で原文にたどれます。",
            f"Extracted from the text of the plan published by {city_en} ({source_name}). "
            f"Each project links to the source document and the numbered lines it was read from.",
        )
    _texts(
        g,
        dataset,
        ADMS.versionNotes,
        f"{fy}年度版。事業{count}件。抽出時の補正はanomalies.csv、SHACL検証結果は"
        f"validation-report.ttlを参照。",
        f"Fiscal year {fy} edition, {count} projects. What the extraction reconciled is in "
        f"anomalies.csv; the SHACL validation result is in validation-report.ttl.",
    )

    for dump in DUMPS:
        if dump.file_name in files:
            size, sha256 = files[dump.file_name]
            _distribution(g, iris, dataset, dump, size, sha256, issued, modified)
    _sparql_distribution(g, iris, dataset)


def _distribution(
    g: Graph,
    iris: Iris,
    dataset: URIRef,
    dump: DumpFormat,
    size: int,
    sha256: str,
    issued: date,
    modified: date,
) -> None:
    node = iris.distribution(dataset, dump.key)
    url = iris.dump(dump.file_name)
    g.add((dataset, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    scope_ja = "（全自治体・全年度を含む一括ダウンロード）"
    scope_en = " (bulk download: every city and fiscal year)"
    _texts(g, node, DCTERMS.title, f"{dump.label_ja}{scope_ja}", f"{dump.label_en}{scope_en}")
    _texts(
        g,
        node,
        DCTERMS.description,
        f"{dump.file_name}：kyodo-lodの全データ{'（RDF）' if dump.rdf else ''}。",
        f"{dump.file_name}: all kyodo-lod data{' (RDF)' if dump.rdf else ''}.",
    )
    g.add((node, DCAT.accessURL, url))
    g.add((node, DCAT.downloadURL, url))
    g.add((node, DCATAP.availability, STABLE))
    g.add((node, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    g.add((node, DCTERMS.format, URIRef(EU + "file-type/" + dump.file_type)))
    g.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    g.add((node, DCTERMS.license, LICENCE))
    g.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    if dump.rdf:
        g.add((node, DCTERMS.conformsTo, iris.ontology()))
    checksum = iris.checksum(node)
    g.add((node, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SHA256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def _sparql_distribution(g: Graph, iris: Iris, dataset: URIRef) -> None:
    node = iris.distribution(dataset, "sparql")
    g.add((dataset, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    _texts(g, node, DCTERMS.title, "SPARQLエンドポイント", "SPARQL endpoint")
    _texts(g, node, DCTERMS.description,
           "SPARQL 1.1で問い合わせできます（全グラフの和が既定グラフ）。",
           "Query with SPARQL 1.1 (the default graph is the union of all graphs).")  # fmt: skip
    g.add((node, DCAT.accessURL, iris.sparql_endpoint()))
    g.add((node, DCAT.accessService, iris.sparql_service()))
    g.add((node, DCATAP.availability, STABLE))
    g.add((node, DCTERMS.format, URIRef(EU + "file-type/SPARQLQ")))
    g.add((node, DCTERMS.license, LICENCE))


def _service(g: Graph, iris: Iris) -> None:
    service = iris.sparql_service()
    endpoint = iris.sparql_endpoint()
    g.add((service, RDF.type, DCAT.DataService))
    _texts(g, service, DCTERMS.title, "kyodo-lod SPARQLエンドポイント",
           "kyodo-lod SPARQL endpoint")  # fmt: skip
    _texts(g, service, DCTERMS.description,
           "全データをSPARQL 1.1で問い合わせるサービス。"
           "サービス記述はエンドポイントで取得できます。",
           "SPARQL 1.1 query service over all kyodo-lod data; GET the endpoint for its "
           "service description.")  # fmt: skip
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCTERMS.publisher, iris.publisher()))
    g.add((service, DCAT.contactPoint, iris.contact_point()))
    g.add((service, DCTERMS.license, LICENCE))
    g.add((service, DCAT.theme, THEME_GOVERNMENT))
    for word, language in (("SPARQL", "en"), ("linked open data", "en"), ("SPARQL", "ja")):
        g.add((service, DCAT.keyword, Literal(word, lang=language)))


# --- VoID ----------------------------------------------------------------------------------


def _local(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri.rstrip("/#"):
            return iri.rstrip("/#").rsplit(separator, 1)[-1]
    return iri


def _namespace_of(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _void(
    g: Graph,
    iris: Iris,
    census: VoidCensus,
    kyodo: Namespace,
    plans: list[PlanYear],
    files: dict[str, tuple[int, str]],
) -> None:
    move = _mover(kyodo, iris)
    void = iris.void_dataset()
    document = iris.void_document()
    g.add((document, RDF.type, VOID.DatasetDescription))
    _texts(g, document, DCTERMS.title, "kyodo-lodのVoID記述", "VoID description of kyodo-lod")
    g.add((document, FOAF.primaryTopic, void))

    g.add((void, RDF.type, VOID.Dataset))
    _texts(g, void, DCTERMS.title, "kyodo-lod 全データ", "kyodo-lod: all data")
    _texts(g, void, DCTERMS.description,
           "データ・推論結果・オントロジー・SDG語彙の全グラフの和。",
           "The union of every graph: asserted data, inferred triples, ontology, "
           "SDG vocabulary.")  # fmt: skip
    g.add((void, DCTERMS.publisher, iris.publisher()))
    g.add((void, DCTERMS.license, LICENCE))
    g.add((void, FOAF.homepage, iris.home()))
    g.add((void, VOID.sparqlEndpoint, iris.sparql_endpoint()))
    g.add((void, VOID.uriSpace, Literal(f"{iris.base}id/")))
    g.add((void, VOID.rootResource, iris.catalog()))
    for dump in DUMPS:
        if dump.rdf and dump.file_name in files:
            g.add((void, VOID.dataDump, iris.dump(dump.file_name)))
            if dump.feature:
                g.add((void, VOID.feature, URIRef(FORMATS + dump.feature)))
    for plan in plans[:1]:
        g.add((void, VOID.exampleResource, plan.city))
        g.add((void, VOID.exampleResource, plan.plan))
        if plan.projects:
            g.add((void, VOID.exampleResource, plan.projects[0]))

    predicates, class_members, links = census.predicates, census.classes, census.links
    g.add((void, VOID.triples, Literal(census.triples, datatype=XSD.integer)))
    g.add((void, VOID.entities, Literal(census.entities, datatype=XSD.integer)))
    g.add((void, VOID.distinctSubjects, Literal(census.subjects, datatype=XSD.integer)))
    g.add((void, VOID.distinctObjects, Literal(census.objects, datatype=XSD.integer)))
    g.add((void, VOID.classes, Literal(len(class_members), datatype=XSD.integer)))
    g.add((void, VOID.properties, Literal(len(predicates), datatype=XSD.integer)))

    vocabularies = {_namespace_of(str(p)) for p in predicates} | {
        _namespace_of(str(c)) for c in class_members
    }
    for vocabulary in sorted(vocabularies):
        if vocabulary:
            g.add((void, VOID.vocabulary, move(URIRef(vocabulary))))

    for cls, members in class_members.items():
        node = iris.partition("class", _partition_key(g, move(cls)))
        g.add((void, VOID.classPartition, node))
        g.add((node, VOID["class"], move(cls)))
        g.add((node, VOID.entities, Literal(members, datatype=XSD.integer)))
    for predicate, count in predicates.items():
        node = iris.partition("property", _partition_key(g, move(predicate)))
        g.add((void, VOID.propertyPartition, node))
        g.add((node, VOID.property, move(predicate)))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))

    g.add((SDG_VOID, RDF.type, VOID.Dataset))
    g.add((SDG_VOID, FOAF.homepage, SDG_SCHEME))
    g.add((SDG_VOID, RDFS.label, Literal("UN SDG Knowledge Organization System", lang="en")))
    for predicate, count in sorted(links.items()):
        node = iris.linkset(f"sdg-{_local(str(predicate))}")
        g.add((void, VOID.subset, node))
        g.add((node, RDF.type, VOID.Linkset))
        g.add((node, VOID.subjectsTarget, void))
        g.add((node, VOID.objectsTarget, SDG_VOID))
        g.add((node, VOID.linkPredicate, move(predicate)))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        _texts(g, node, RDFS.label, f"UN SDG語彙へのリンク（{_local(str(predicate))}）",
               f"Links to the UN SDG vocabulary ({_local(str(predicate))})")  # fmt: skip


@dataclass(frozen=True)
class VoidCensus:
    """What the VoID description counts in the union, as rdflib's terms would count it."""

    triples: int
    subjects: int  # distinct subjects
    entities: int  # distinct IRI subjects
    objects: int  # distinct objects
    predicates: dict[Node, int]  # triples per predicate
    classes: dict[Node, int]  # distinct members per rdf:type class
    links: dict[Node, int]  # per predicate: our IRIs (``ours``) → the UN SDG vocabulary


def void_census(data: Graph, ours: str) -> VoidCensus:
    """Count in pyoxigraph when ``data`` is a view over a publish store (a Python walk over a
    national build's 10M+ triples takes minutes), else walk the rdflib graph."""
    store = oxigraph_store(data)
    if store is None:
        return _census_by_walking(data, ours)
    return _census_in_store(store, ours)


def _census_by_walking(data: Graph, ours: str) -> VoidCensus:
    predicates: Counter[Node] = Counter()
    subjects: set[Node] = set()
    objects: set[Node] = set()
    class_members: dict[Node, set[Node]] = defaultdict(set)
    links: Counter[Node] = Counter()
    for s, p, o in data:
        predicates[p] += 1
        subjects.add(s)
        objects.add(o)
        if p == RDF.type:
            class_members[o].add(s)
        if isinstance(o, URIRef) and o.startswith(SDG_BASE) and str(s).startswith(ours):
            links[p] += 1
    return VoidCensus(
        triples=len(data),
        subjects=len(subjects),
        entities=sum(1 for s in subjects if isinstance(s, URIRef)),
        objects=len(objects),
        predicates=dict(predicates),
        classes={cls: len(members) for cls, members in class_members.items()},
        links=dict(links),
    )


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _census_in_store(store: pyoxigraph.Store, ours: str) -> VoidCensus:
    def number(term: object) -> int:
        return int(term.value)  # type: ignore[attr-defined]

    def rows(query: str) -> list[pyoxigraph.QuerySolution]:
        return list(store.query(query))  # type: ignore[arg-type]

    predicates = {
        to_rdflib(row["p"]): number(row["n"])
        for row in rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    }
    [row] = rows(
        "SELECT (COUNT(?s) AS ?n) (SUM(IF(isIRI(?s), 1, 0)) AS ?iris)"
        " WHERE { SELECT DISTINCT ?s WHERE { ?s ?p ?o } }"
    )
    subjects, entities = number(row["n"]), number(row["iris"])
    # rdflib normalises some XSD lexical forms ("0012"^^xsd:integer is "12"), so two objects
    # the store keeps apart can be one rdflib term. One pass over the distinct objects gives
    # the count of the others (?t unbound) and, one by one, each XSD-typed literal (counted
    # here as rdflib terms) and each IRI of the SDG vocabulary (for the linksets below)
    objects = 0
    typed = set()
    sdg_iris = []
    for row in rows(
        "SELECT ?t (COUNT(?o) AS ?n) WHERE { { SELECT DISTINCT ?o WHERE { ?s ?p ?o } }"
        " BIND(IF(isLiteral(?o),"
        f" IF(STRSTARTS(STR(DATATYPE(?o)), {_sparql_string(OPAQUE_XSD)}), ?o, ?unbound),"
        f" IF(isIRI(?o) && STRSTARTS(STR(?o), {_sparql_string(SDG_BASE)}), ?o, ?unbound))"
        " AS ?t) } GROUP BY ?t"
    ):
        term = row["t"]
        if term is None:
            objects += number(row["n"])
        elif isinstance(term, pyoxigraph.NamedNode):
            objects += 1
            sdg_iris.append(term)
        else:
            typed.add(to_rdflib(term))
    objects += len(typed)
    by_class: dict[Node, list[object]] = defaultdict(list)
    counts: dict[object, int] = {}
    for row in rows(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF.type}> ?c }} GROUP BY ?c"
    ):
        by_class[to_rdflib(row["c"])].append(row["c"])
        counts[row["c"]] = number(row["n"])
    classes = {}
    for cls, terms in by_class.items():
        if len(terms) == 1:
            classes[cls] = counts[terms[0]]
        else:  # store terms that are one rdflib term (see above): their members' union
            members = {
                quad.subject
                for term in terms
                for quad in store.quads_for_pattern(
                    None, pyoxigraph.NamedNode(str(RDF.type)), term, pyoxigraph.DefaultGraph()
                )
            }
            classes[cls] = len(members)

    # the links: triples whose object is one of those SDG IRIs (the object index finds them)
    sdg_values = " ".join(f"<{term.value}>" for term in sdg_iris)
    links = {
        to_rdflib(row["p"]): number(row["n"])
        for row in rows(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?o {{ {sdg_values} }} ?s ?p ?o"
            f" FILTER(STRSTARTS(STR(?s), {_sparql_string(ours)})) }} GROUP BY ?p"
        )
    }
    return VoidCensus(
        triples=len(store),
        subjects=subjects,
        entities=entities,
        objects=objects,
        predicates=predicates,
        classes=classes,
        links=links,
    )


def _partition_key(g: Graph, iri: Node) -> str:
    """A readable, stable key for a partition IRI: prefix-local name (``kyodo-Project``)."""
    try:
        prefix, _, local = g.namespace_manager.compute_qname(str(iri), generate=False)
        return f"{prefix}-{local}"
    except (KeyError, ValueError):
        return hashlib.sha1(str(iri).encode()).hexdigest()[:12]
