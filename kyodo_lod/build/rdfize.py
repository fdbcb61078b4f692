"""Records → RDF: one city's plan-year becomes the triples of docs/model.md (asserted graph)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from ..errors import Location, Problem, SourceError
from ..model import City, Department, PlanYear, Policy, Project
from ..rdf.graphs import Triple, as_graph
from ..rdf.iris import Iris, sdg_goal, sdg_target
from ..rdf.namespaces import KYODO, SCHEMA, bind_prefixes
from .attribution import citation, rights_labels


class _CachedNamespace:
    """A namespace's terms by attribute, each made once: rdflib makes (and checks) a new URIRef
    on every attribute access, which a national build does millions of times here."""

    def __init__(self, namespace: object):
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)  # found in the instance from now on: no __getattr__ call
        return term


DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD, KYODO, SCHEMA = (  # type: ignore[misc]
    _CachedNamespace(ns) for ns in (DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD, KYODO, SCHEMA)
)

# Department kinds by the suffix of the unit's name (longest suffix first).
DEPARTMENT_KIND_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("センター", "center"),
    ("部", "bu"),
    ("局", "kyoku"),
    ("課", "ka"),
    ("室", "shitsu"),
    ("館", "kan"),
    ("所", "sho"),
)
ALL_SECTIONS = "各課"
KANA = "ja-Hrkt"  # BCP 47: Japanese in hiragana or katakana, the tag of a reading


def department_kind(name: str) -> str:
    """The department-kind key of a unit name: 健康政策課 → ka, 保健所 → sho, 各課 → kakuka."""
    if name == ALL_SECTIONS:
        return "kakuka"
    for suffix, key in DEPARTMENT_KIND_SUFFIXES:
        if name.endswith(suffix):
            return key
    return "other"


def _ja(text: str) -> Literal:
    return Literal(text, lang="ja")


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _year(fiscal_year: int) -> Literal:
    return Literal(str(fiscal_year), datatype=XSD.gYear)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def check_sdg_codes(plan: PlanYear, known_codes: Iterable[str]) -> None:
    """Every target a project names must exist in the UN vocabulary; report all that do not."""
    known = frozenset(known_codes)
    problems = []
    for project in plan.projects:
        for code in project.sdg_targets:
            if code in known:
                continue
            span = project.source
            problems.append(
                Problem(
                    Location(
                        span.document if span else plan.source_document,
                        span.first_line if span else None,
                        field="sdg_targets",
                    ),
                    f"project {project.number or project.key} names SDG target {code}, "
                    "which the UN SDG vocabulary does not have",
                    code,
                )
            )
    if problems:
        raise SourceError(problems)


def rdfize(plan: PlanYear, iris: Iris | None = None) -> Graph:
    """The asserted triples of one plan-year as a graph. Pure: same records, same graph."""
    g = as_graph(asserted_triples(plan, iris))
    bind_prefixes(g)
    return g


def _add_registered(g: set[Triple], iris: Iris, city_iri: URIRef, city: City) -> None:
    """What the registry of local governments says of a city: its reading, its prefecture."""
    if city.kana:
        g.add((city_iri, KYODO.kanaReading, Literal(city.kana, lang=KANA)))
    prefecture = city.prefecture
    if prefecture is None:
        return
    node = iris.prefecture(prefecture.code)
    g.add((city_iri, KYODO.prefecture, node))
    g.add((node, RDF.type, KYODO.Prefecture))
    g.add((node, RDFS.label, _ja(prefecture.name_ja)))
    g.add((node, RDFS.label, _en(prefecture.name_en)))
    g.add((node, KYODO.prefectureCode, Literal(prefecture.code)))
    g.add((node, DCTERMS.identifier, Literal(prefecture.code)))
    g.add((node, KYODO.kanaReading, Literal(prefecture.kana, lang=KANA)))


def asserted_triples(plan: PlanYear, iris: Iris | None = None) -> set[Triple]:
    """The asserted triples of one plan-year, as a set: the build's hot path (a batch of
    cities is ~90k triples, and rdflib's Graph.add and iteration cost several times a set's)."""
    iris = iris or Iris()
    g: set[Triple] = set()
    city = plan.city
    code, key = city.code, plan.basic_plan_key

    city_iri = iris.city(code)
    g.add((city_iri, RDF.type, KYODO.City))
    g.add((city_iri, RDFS.label, _ja(city.name_ja)))
    g.add((city_iri, RDFS.label, _en(city.name_en)))
    g.add((city_iri, KYODO.localGovernmentCode, Literal(code)))
    g.add((city_iri, DCTERMS.identifier, Literal(code)))
    _add_registered(g, iris, city_iri, city)

    basic = iris.basic_plan(code, key)
    g.add((basic, RDF.type, KYODO.BasicPlan))
    for predicate in (RDFS.label, DCTERMS.title):
        g.add((basic, predicate, _ja(plan.basic_plan_title_ja)))
        g.add((basic, predicate, _en(plan.basic_plan_title_en)))
    g.add((basic, DCTERMS.publisher, city_iri))

    document = iris.source_document(code, plan.source_document)
    g.add((document, RDF.type, KYODO.SourceDocument))
    title = plan.source_title or plan.title_ja
    g.add((document, RDFS.label, _ja(title)))
    g.add((document, DCTERMS.title, _ja(title)))
    g.add((document, DCTERMS.publisher, city_iri))
    g.add((document, DCTERMS.source, Literal(plan.source_document)))
    if plan.source_url:
        g.add((document, DCTERMS.source, URIRef(plan.source_url)))
    _source_rights(g, iris, plan, document)

    this_year = _add_implementation_plan(g, iris, plan, plan.fiscal_year, document)
    if plan.stated_project_count is not None:
        g.add((this_year, KYODO.projectCount, _int(plan.stated_project_count)))
    years = {project.fiscal_year for project in plan.projects} - {plan.fiscal_year}
    if plan.stated_previous_year_count is not None:
        years.add(plan.fiscal_year - 1)
    for year in sorted(years):
        other = _add_implementation_plan(g, iris, plan, year, document)
        if year == plan.fiscal_year - 1 and plan.stated_previous_year_count is not None:
            g.add((other, KYODO.previousYearProjectCount, _int(plan.stated_previous_year_count)))
            g.add((other, KYODO.projectCount, _int(plan.stated_previous_year_count)))
    if plan.stated_previous_year_count is not None:
        g.add((this_year, KYODO.previousYearProjectCount, _int(plan.stated_previous_year_count)))

    for policy in plan.policies:
        _add_policy(g, iris, plan, policy)
    for summary in plan.summaries:
        node = iris.policy_summary(code, key, plan.fiscal_year, summary.policy_number)
        g.add((node, RDF.type, KYODO.PolicySummary))
        g.add(
            (
                node,
                RDFS.label,
                _ja(f"{plan.fiscal_year}年度 {plan.policy_term_ja}{summary.policy_number} 事業数"),
            )
        )
        g.add((node, KYODO.summaryOf, this_year))
        g.add((node, KYODO.summarisesPolicy, iris.policy(code, key, summary.policy_number)))
        g.add((node, KYODO.projectCount, _int(summary.project_count)))
        g.add((node, KYODO.newCount, _int(summary.new)))
        g.add((node, KYODO.expandedCount, _int(summary.expanded)))
        g.add((node, KYODO.continuedCount, _int(summary.continued)))
        g.add((node, KYODO.completedCount, _int(summary.completed)))
        g.add((node, KYODO.previousYearProjectCount, _int(summary.previous_year_count)))

    for project in plan.projects:
        _add_project(g, iris, plan, project, document)
    return g


def _add_implementation_plan(
    g: set[Triple], iris: Iris, plan: PlanYear, fiscal_year: int, document: URIRef
) -> URIRef:
    code, key = plan.city.code, plan.basic_plan_key
    node = iris.implementation_plan(code, key, fiscal_year)
    g.add((node, RDF.type, KYODO.ImplementationPlan))
    title_ja = plan.title_ja.replace(str(plan.fiscal_year), str(fiscal_year))
    title_en = plan.title_en.replace(str(plan.fiscal_year), str(fiscal_year))
    for predicate in (RDFS.label, DCTERMS.title):
        g.add((node, predicate, _ja(title_ja)))
        g.add((node, predicate, _en(title_en)))
    g.add((node, KYODO.fiscalYear, _year(fiscal_year)))
    g.add((node, KYODO.implementsPlan, iris.basic_plan(code, key)))
    g.add((node, DCTERMS.publisher, iris.city(code)))
    if fiscal_year == plan.fiscal_year:
        g.add((node, PROV.wasDerivedFrom, document))
    return node


def _add_policy(g: set[Triple], iris: Iris, plan: PlanYear, policy: Policy) -> None:
    code, key = plan.city.code, plan.basic_plan_key
    node = iris.policy(code, key, policy.number)
    g.add((node, RDF.type, KYODO.Policy))
    g.add((node, RDFS.label, _ja(f"{plan.policy_term_ja}{policy.number} {policy.title_ja}")))
    g.add((node, DCTERMS.title, _ja(policy.title_ja)))
    for alternative in policy.alt_titles_ja:  # other spellings the source uses on some rows
        g.add((node, SKOS.altLabel, _ja(alternative)))
    if policy.title_en:
        g.add((node, RDFS.label, _en(f"{plan.policy_term_en} {policy.number}: {policy.title_en}")))
        g.add((node, DCTERMS.title, _en(policy.title_en)))
    g.add((node, KYODO.policyNumber, Literal(policy.number)))
    g.add((node, SKOS.notation, Literal(policy.number)))
    g.add((node, KYODO.partOfPlan, iris.basic_plan(code, key)))
    if policy.parent_number:
        g.add((node, KYODO.broaderPolicy, iris.policy(code, key, policy.parent_number)))


def _add_department(g: set[Triple], iris: Iris, code: str, department: Department) -> URIRef:
    city = parent = iris.city(code)
    node = parent
    for depth in range(1, len(department.path) + 1):
        path = department.path[:depth]
        node = iris.department(code, path)
        if (node, RDF.type, KYODO.Department) in g:
            parent = node  # described already, by an earlier project of the same unit
            continue
        g.add((node, RDF.type, KYODO.Department))
        g.add((node, RDFS.label, _ja(path[-1])))
        # ORG: a unit is org:unitOf the formal organisation (the city) at every depth; the
        # unit directly above it is its org:subOrganizationOf.
        g.add((node, ORG.unitOf, city))
        g.add((node, ORG.subOrganizationOf, parent))
        g.add((node, KYODO.departmentKind, iris.department_kind(department_kind(path[-1]))))
        parent = node
    return node


def project_iri(iris: Iris, plan: PlanYear, project: Project) -> URIRef:
    number_or_key = project.number if project.number is not None else project.key
    return iris.project(plan.city.code, plan.basic_plan_key, project.fiscal_year, number_or_key)


def _add_project(
    g: set[Triple], iris: Iris, plan: PlanYear, project: Project, document: URIRef
) -> None:
    code, key = plan.city.code, plan.basic_plan_key
    node = project_iri(iris, plan, project)
    g.add((node, RDF.type, KYODO.Project))
    g.add((node, RDFS.label, _ja(project.name)))
    g.add((node, DCTERMS.title, _ja(project.name)))
    if project.number is not None:
        g.add((node, KYODO.projectNumber, _int(project.number)))
    g.add((node, KYODO.fiscalYear, _year(project.fiscal_year)))
    g.add((node, KYODO.inPlan, iris.implementation_plan(code, key, project.fiscal_year)))
    g.add((node, KYODO.underPolicy, iris.policy(code, key, project.policy_number)))
    if project.category is not None:  # None: the source states none (never 継続 by default)
        g.add((node, KYODO.category, iris.category(project.category.value)))
    if project.plan_text:
        g.add((node, KYODO.planText, _ja(project.plan_text)))
    g.add((node, KYODO.responsibleDepartment, _add_department(g, iris, code, project.department)))
    for target in project.sdg_targets:
        g.add((node, KYODO.sdgTarget, sdg_target(target)))
    for goal in project.sdg_goals:  # the goals the plan states; a target's goal is inferred
        g.add((node, KYODO.statedSdgGoal, sdg_goal(goal)))
    if project.relisted_from is not None:
        relisted = plan.project(project.relisted_from)
        g.add((node, KYODO.relists, project_iri(iris, plan, relisted)))
    for position, kpi in enumerate(project.kpis, start=1):
        kpi_node = iris.kpi(node, position)
        g.add((node, KYODO.hasKPI, kpi_node))
        g.add((kpi_node, RDF.type, KYODO.KPI))
        g.add((kpi_node, RDFS.label, _ja(kpi.text)))
        g.add((kpi_node, KYODO.kpiOf, node))
        g.add((kpi_node, KYODO.order, _int(position)))
        if kpi.value is not None:
            g.add((kpi_node, SCHEMA.value, Literal(kpi.value, datatype=XSD.decimal)))
            if kpi.unit:
                g.add((kpi_node, SCHEMA.unitText, Literal(kpi.unit)))
    g.add((node, PROV.wasDerivedFrom, document))
    if project.source is not None:
        span = project.source
        excerpt = iris.source_excerpt(document, span.first_line, span.last_line)
        g.add((node, KYODO.sourceExcerpt, excerpt))
        g.add((excerpt, RDF.type, KYODO.SourceExcerpt))
        where = f"{span.first_line}–{span.last_line}"
        g.add((excerpt, RDFS.label, _en(f"{span.document} lines {where}")))
        g.add((excerpt, RDFS.label, _ja(f"{span.document} {where}行")))
        g.add((excerpt, DCTERMS.isPartOf, document))
        g.add((excerpt, KYODO.startLine, _int(span.first_line)))
        g.add((excerpt, KYODO.endLine, _int(span.last_line)))
        if span.page is not None:
            g.add((excerpt, KYODO.page, _int(span.page)))
    for note in project.notes:
        g.add((node, SKOS.editorialNote, _en(note)))


def _source_rights(g: Graph, iris: Iris, plan: PlanYear, document: URIRef) -> None:
    """The document's terms of use as its publisher states them ("not stated" when it states
    none) and its citation, from which every attribution is made (build/attribution.py)."""
    rights = iris.rights(document)
    g.add((document, DCTERMS.rights, rights))
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    rights_ja, rights_en = rights_labels(plan.source_rights)
    g.add((rights, RDFS.label, _ja(rights_ja)))
    g.add((rights, RDFS.label, _en(rights_en)))
    if plan.source_rights_url:
        g.add((rights, RDFS.seeAlso, URIRef(plan.source_rights_url)))
    citation_ja, citation_en = citation(plan)
    g.add((document, DCTERMS.bibliographicCitation, _ja(citation_ja)))
    g.add((document, DCTERMS.bibliographicCitation, _en(citation_en)))
