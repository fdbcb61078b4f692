"""dist/catalog.ttl: the DCAT-AP 3 catalogue and the VoID description of a build.

``CatalogWriter`` is a writer of publish's: it reads its facts from the union while the dumps
are being written, then describes the dumps (sizes and checksums, so every count, size and
checksum is computed, never typed in) in one sorted, blank-node-free Turtle file. The catalogue
is not part of the dumps it describes, so the checksums are not circular.

Dates (dct:issued / dct:modified) never come from the wall clock. For each dataset, in this
order: its source document's ``source.issued`` / ``source.modified`` (from the sidecar
``<stem>.meta.json``, handed in by the pipeline); else ``SOURCE_DATE_EPOCH`` (the
reproducible-builds convention) as both; else the first day of the plan's fiscal year (the day
an implementation plan takes effect). The catalogue's dates are the earliest issued and the
latest modified of its datasets.

Links to Wikidata and e-Stat for a city are left out: they cannot be verified offline here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from ...dist import CATALOG, VALIDATION_REPORT, FileHashes
from ...rdf.iris import Iris, sdg_goal
from ...rdf.namespaces import ADMS, CATALOG_PREFIXES, VCARD, bind_prefixes, prefixes
from ...rdf.ntriples import SortedTriples
from ...rdf.turtle import Prefixes, turtle_chunks
from ..attribution import attribution
from .dataset_facts import (
    DatasetFacts,
    goal_labels,
    kyodo_namespace,
    mover,
    read_datasets,
    text_in,
)
from .dcat_vocabulary import (
    ANNUAL,
    DUMPS,
    EU,
    JAPAN,
    LANG_EN,
    LANG_JA,
    LICENCE,
    LOCAL_AUTHORITY,
    REPORT_FILES,
    SDG_SCHEME,
    THEME_GOVERNMENT,
    add_texts,
    describe_vocabulary,
)
from .distributions import add_distributions, add_service
from .union import GraphUnion
from .void import VoidCensus, add_void, void_census

# what catalog.ttl declares: the data's prefixes and DCAT-AP's
CATALOG_PREFIX_IRIS: dict[str, str] = prefixes(CATALOG_PREFIXES)


@dataclass(frozen=True)
class SourceDates:
    """What the catalogue's dates come from (see the module docstring for the order)."""

    # source document file name (as in data/sources) → (issued, modified), from its sidecar
    by_source: Mapping[str, tuple[date, date]] = field(default_factory=dict)
    epoch: date | None = None  # the day of SOURCE_DATE_EPOCH, when it is set

    def of(self, dataset: DatasetFacts) -> tuple[date, date]:
        """(issued, modified) of a dataset."""
        found = self.by_source.get(dataset.source_file or "")
        if found is not None:
            return found
        if self.epoch is not None:
            return self.epoch, self.epoch
        start = date(dataset.fiscal_year, 4, 1)
        return start, start


@dataclass(frozen=True)
class CatalogFacts:
    """What the catalogue reads from the union graph."""

    kyodo: Namespace  # the ontology namespace of the data (its base)
    datasets: list[DatasetFacts]
    census: VoidCensus
    goal_labels: dict[int, tuple[Literal, ...]]  # the SDG goals the datasets have as themes


@dataclass(frozen=True)
class CatalogWriter:
    """Writes catalog.ttl for publish: ``read`` in publish's loader thread while the dumps are
    being written, ``write`` once they exist."""

    iris: Iris
    dates: SourceDates = SourceDates()

    def read(self, union: GraphUnion) -> CatalogFacts:
        """The union's facts (by SPARQL when the union has a store, else by walking)."""
        kyodo = kyodo_namespace(union.graph)
        datasets = read_datasets(union, kyodo, mover(kyodo, self.iris))
        return CatalogFacts(
            kyodo=kyodo,
            datasets=datasets,
            census=void_census(union, str(kyodo)[: -len("def/kyodo#")] + "id/"),
            goal_labels=goal_labels(union.graph, (n for d in datasets for n in d.goals)),
        )

    def write(self, facts: CatalogFacts, staging: Path, hashes: FileHashes) -> list[Path]:
        """catalog.ttl, describing the files in ``staging``."""
        described = [d.file_name for d in DUMPS] + list(REPORT_FILES)
        files = {
            name: hashes.facts(staging / name) for name in described if (staging / name).is_file()
        }
        path = staging / CATALOG
        path.write_bytes(serialise(self.graph(facts, files)))
        return [path]

    def graph(self, facts: CatalogFacts, files: Mapping[str, tuple[int, str]]) -> Graph:
        """The catalogue graph, ``files`` (name → size, sha256) being the files described."""
        iris = self.iris
        g = Graph(store=_TripleSet())
        bind_prefixes(g, CATALOG_PREFIXES)
        describe_vocabulary(g)
        _shared(g, iris)
        dates: list[tuple[date, date]] = []
        for dataset in facts.datasets:
            node = iris.dataset(dataset.code, dataset.plan_key, dataset.fiscal_year)
            issued, modified = self.dates.of(dataset)
            dates.append((issued, modified))
            _dataset(g, iris, dataset, node, files, issued, modified)
            g.add((iris.catalog(), DCAT.dataset, node))
            g.add((iris.sparql_service(), DCAT.servesDataset, node))
        _goals(g, facts.goal_labels)
        _catalog_node(g, iris, len(facts.datasets), files, dates)
        add_service(g, iris)
        add_void(g, iris, facts.census, mover(facts.kyodo, iris), facts.datasets, files)
        return g


def serialise(graph: Graph) -> bytes:
    """Deterministic Turtle from publish's streaming writer (rdflib's serializer took seconds
    here): the blank-node-free graph as sorted N-Triples lines, one block per subject, every
    prefix of ``CATALOG_PREFIX_IRIS`` declared. A blank node raises ValueError."""
    lines = SortedTriples.of(graph, CATALOG).lines()
    return "".join(turtle_chunks(lines, Prefixes(CATALOG_PREFIX_IRIS))).encode("utf-8")


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


# --- the catalogue and what its datasets share ------------------------------------------------


def _catalog_node(
    g: Graph,
    iris: Iris,
    count: int,
    files: Mapping[str, tuple[int, str]],
    dates: list[tuple[date, date]],
) -> None:
    catalog = iris.catalog()
    g.add((catalog, RDF.type, DCAT.Catalog))
    add_texts(g, catalog, DCTERMS.title, "kyodo-lod：自治体の計画のLinked Open Data",
              "kyodo-lod: Linked Open Data of municipal policy plans")  # fmt: skip
    add_texts(
        g,
        catalog,
        DCTERMS.description,
        f"市町村の協働推進計画などの実施計画を、事業・基本施策・担当課・成果指標・SDGsターゲットの"
        f"Linked Open Dataとして公開するカタログ。"
        f"{count}件のデータセット（自治体×計画×年度）を"
        f"収録。",
        f"Catalogue of municipal implementation plans published as Linked Open Data: projects, "
        f"basic policies, responsible departments, KPIs and the SDG targets they serve. "
        f"{count} dataset(s), one per city plan per fiscal year.",
    )
    g.add((catalog, DCTERMS.publisher, iris.publisher()))
    g.add((catalog, FOAF.homepage, iris.home()))
    g.add((catalog, DCTERMS.language, LANG_JA))
    g.add((catalog, DCTERMS.language, LANG_EN))
    g.add((catalog, DCTERMS.license, LICENCE))
    g.add((catalog, DCTERMS.spatial, JAPAN))
    g.add((catalog, DCAT.service, iris.sparql_service()))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    g.add((catalog, DCAT.themeTaxonomy, SDG_SCHEME))
    g.add((catalog, RDFS.seeAlso, iris.void_document()))
    g.add((catalog, RDFS.seeAlso, iris.ontology()))
    if VALIDATION_REPORT in files:
        g.add((catalog, RDFS.seeAlso, iris.dump(VALIDATION_REPORT)))
    if dates:
        g.add((catalog, DCTERMS.issued, Literal(min(d[0] for d in dates), datatype=XSD.date)))
        g.add((catalog, DCTERMS.modified, Literal(max(d[1] for d in dates), datatype=XSD.date)))


def _goals(g: Graph, labels: Mapping[int, Iterable[Literal]]) -> None:
    """The SDG goals the datasets have as themes."""
    for number, found in sorted(labels.items()):
        goal = sdg_goal(number)
        g.add((goal, RDF.type, SKOS.Concept))
        g.add((goal, SKOS.inScheme, SDG_SCHEME))
        g.add((goal, SKOS.notation, Literal(str(number))))
        # the UN's own labels (en) and the vendored Japanese ones, as the data holds them
        for label in list(found) or [Literal(f"Goal {number}", lang="en")]:
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
    add_texts(g, home, DCTERMS.title, "kyodo-lod", "kyodo-lod")

    contact = iris.contact_point()
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("kyodo-lod")))
    g.add((contact, VCARD.hasURL, home))

    ontology = iris.ontology()
    g.add((ontology, RDF.type, DCTERMS.Standard))
    add_texts(g, ontology, DCTERMS.title, "kyodoオントロジー", "The kyodo ontology")
    shapes = iris.shapes()
    g.add((shapes, RDF.type, DCTERMS.Standard))
    add_texts(g, shapes, DCTERMS.title, "kyodo SHACLシェイプ", "kyodo SHACL shapes")


# --- one dataset: a city's implementation plan for one fiscal year ---------------------------


class _Names(NamedTuple):
    city_ja: str
    city_en: str
    title_ja: str
    title_en: str

    @classmethod
    def of(cls, dataset: DatasetFacts) -> _Names:
        city_ja = text_in(dataset.city_names, "ja", dataset.code)
        title_ja = text_in(dataset.title, "ja")
        return cls(
            city_ja=city_ja,
            city_en=text_in(dataset.city_names, "en", city_ja),
            title_ja=title_ja,
            title_en=text_in(dataset.title, "en", title_ja),
        )


def _dataset(
    g: Graph,
    iris: Iris,
    dataset: DatasetFacts,
    node: URIRef,
    files: Mapping[str, tuple[int, str]],
    issued: date,
    modified: date,
) -> None:
    names = _Names.of(dataset)
    g.add((node, RDF.type, DCAT.Dataset))
    _titles_and_descriptions(g, node, dataset, names)
    _terms(g, iris, dataset, node, issued, modified)
    _pages(g, iris, dataset, node, files)
    _city_and_place(g, iris, dataset, node)
    _period(g, iris, node, dataset.fiscal_year)
    _keywords(g, node, names, dataset.fiscal_year)
    _provenance(g, iris, dataset, node, names)
    _rights(g, iris, dataset, node)
    add_distributions(g, iris, node, files, issued, modified)


def _titles_and_descriptions(g: Graph, node: URIRef, dataset: DatasetFacts, names: _Names) -> None:
    city_ja, city_en, title_ja, title_en = names
    fy, count = dataset.fiscal_year, len(dataset.projects)
    add_texts(g, node, DCTERMS.title, f"{city_ja} {title_ja}".strip(),
              f"{city_en}: {title_en}".strip())  # fmt: skip
    add_texts(
        g,
        node,
        DCTERMS.description,
        f"{city_ja}の「{title_ja}」（{fy}年度）に掲載された{count}件の事業を、基本施策・担当課・"
        f"成果指標（KPI）・SDGsターゲットとともにLinked Open Dataにしたもの。各事業は原文の行に"
        f"たどれます。",
        f"The {count} projects listed in {city_en}'s {title_en} (fiscal year {fy}) as Linked "
        f"Open Data, with their basic policies, responsible departments, KPIs and SDG targets. "
        f"Every project links back to the lines of the source document it was read from.",
    )
    add_texts(
        g,
        node,
        ADMS.versionNotes,
        f"{fy}年度版。事業{count}件。抽出時の補正はanomalies.csv、SHACL検証結果は"
        f"validation-report.ttlを参照。",
        f"Fiscal year {fy} edition, {count} projects. What the extraction reconciled is in "
        f"anomalies.csv; the SHACL validation result is in validation-report.ttl.",
    )


def _terms(
    g: Graph, iris: Iris, dataset: DatasetFacts, node: URIRef, issued: date, modified: date
) -> None:
    """Identifier, publisher, licence, dates, languages, themes and the standards it meets."""
    g.add((node, DCTERMS.identifier, Literal(str(node))))
    g.add((node, DCTERMS.publisher, dataset.city))
    g.add((node, DCAT.contactPoint, iris.contact_point()))
    g.add((node, DCTERMS.license, LICENCE))
    g.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    g.add((node, DCTERMS.language, LANG_JA))
    g.add((node, DCTERMS.language, LANG_EN))
    g.add((node, DCTERMS.accrualPeriodicity, ANNUAL))
    g.add((node, DCAT.theme, THEME_GOVERNMENT))
    for number in dataset.goals:
        g.add((node, DCAT.theme, sdg_goal(number)))  # described once, by _goals
    g.add((node, DCTERMS.conformsTo, iris.ontology()))
    g.add((node, DCTERMS.conformsTo, iris.shapes()))


def _pages(
    g: Graph,
    iris: Iris,
    dataset: DatasetFacts,
    node: URIRef,
    files: Mapping[str, tuple[int, str]],
) -> None:
    """The plan's own page (landing page, primary topic) and the reports' pages."""
    doc = iris.document_of(str(dataset.plan))
    if doc:
        page = URIRef(doc)
        g.add((node, DCAT.landingPage, page))
        g.add((page, RDF.type, FOAF.Document))
    g.add((node, FOAF.primaryTopic, dataset.plan))
    for report, (ja, en) in REPORT_FILES.items():
        if report in files:
            page = iris.dump(report)
            g.add((node, FOAF.page, page))
            g.add((page, RDF.type, FOAF.Document))
            add_texts(g, page, DCTERMS.title, ja, en)


def _city_and_place(g: Graph, iris: Iris, dataset: DatasetFacts, node: URIRef) -> None:
    """The city as publisher (a foaf:Agent with its local government code) and as place."""
    city = dataset.city
    g.add((city, RDF.type, FOAF.Agent))
    for name in dataset.city_names:
        g.add((city, FOAF.name, name))
    g.add((city, DCTERMS.identifier, Literal(dataset.code)))
    g.add((city, DCTERMS.type, LOCAL_AUTHORITY))
    place = iris.place(dataset.code)
    g.add((node, DCTERMS.spatial, place))
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, DCTERMS.identifier, Literal(dataset.code)))
    for name in dataset.city_names:
        g.add((place, RDFS.label, name))
    g.add((place, DCTERMS.isPartOf, JAPAN))


def _period(g: Graph, iris: Iris, node: URIRef, fy: int) -> None:
    """The fiscal year: 1 April to 31 March."""
    period = iris.fiscal_year(fy)
    g.add((node, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    add_texts(g, period, RDFS.label, f"{fy}年度", f"Fiscal year {fy}")
    g.add((period, DCAT.startDate, Literal(date(fy, 4, 1), datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(date(fy + 1, 3, 31), datatype=XSD.date)))


def _keywords(g: Graph, node: URIRef, names: _Names, fy: int) -> None:
    # distinct from the English ones: CKAN turns keywords into tags, and a tag is unique
    keywords_ja = [
        names.city_ja,
        "協働",
        "実施計画",
        f"{fy}年度",
        "事業",
        "持続可能な開発目標",
        "オープンデータ",
    ]
    keywords_en = [names.city_en, "collaboration", "implementation plan", f"FY{fy}",
                   "projects", "SDGs", "linked open data"]  # fmt: skip
    for word in keywords_ja:
        g.add((node, DCAT.keyword, Literal(word, lang="ja")))
    for word in keywords_en:
        g.add((node, DCAT.keyword, Literal(word, lang="en")))


def _rights(g: Graph, iris: Iris, dataset: DatasetFacts, node: URIRef) -> None:
    """The attribution a reuser shows (出典…を加工して作成), with our licence and the source
    document's own terms, as the dataset's dct:rights."""
    if not dataset.citation:
        return
    rights = iris.rights(node)
    g.add((node, DCTERMS.rights, rights))
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    citation_ja = text_in(dataset.citation, "ja", str(dataset.citation[0]))
    ja, en = attribution(citation_ja, text_in(dataset.citation, "en", citation_ja))
    add_texts(g, rights, RDFS.label, ja, en)
    terms_ja = text_in(dataset.source_rights, "ja")
    terms_en = text_in(dataset.source_rights, "en", terms_ja)
    add_texts(
        g,
        rights,
        RDFS.comment,
        f"ライセンス：CC BY 4.0（kyodo-lodのデータ）。原文書の{terms_ja}。" if terms_ja else "",
        f"Licence: CC BY 4.0 (kyodo-lod's data). The source document's {terms_en[:1].lower()}"
        f"{terms_en[1:]}."
        if terms_en
        else "",
    )


def _provenance(g: Graph, iris: Iris, dataset: DatasetFacts, node: URIRef, names: _Names) -> None:
    """Where the dataset was extracted from (when the data names its source document)."""
    if dataset.source is None:
        return
    provenance = iris.provenance(node)
    g.add((node, DCTERMS.provenance, provenance))
    g.add((node, PROV.wasDerivedFrom, dataset.source))
    g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
    g.add((provenance, DCTERMS.source, dataset.source))
    source_name = dataset.source_file or str(dataset.source)
    add_texts(
        g,
        provenance,
        RDFS.label,
        f"{names.city_ja}が公表した計画書のテキスト（{source_name}）から抽出。各事業は"
        f"prov:wasDerivedFromと行番号付きの抜粋で原文にたどれます。",
        f"Extracted from the text of the plan published by {names.city_en} ({source_name}). "
        f"Each project links to the source document and the numbered lines it was read from.",
    )
