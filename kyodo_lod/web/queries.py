"""SPARQL the pages ask (thin routes over query builders). Every IRI is passed in; the kyodo
namespace is the one under the served base."""

from __future__ import annotations

from ..rdf.namespaces import sparql_prologue

PREFIXES = sparql_prologue(("rdfs", "skos", "dct", "org", "sdgo", "schema"))


def _head(kyodo: str) -> str:
    return f"PREFIX kyodo: <{kyodo}>\n{PREFIXES}"


def project_extras(kyodo: str, iri: str) -> str:
    """KPIs, targets with their goal and colour, the department chain, the source excerpt and
    the targets of the city's other projects: one query, rows told apart by ?kind. Which of
    those projects share one of this project's targets is picked by the page (``documents``).

    Related projects stay within the city (its plans' projects, a few hundred at most): across
    1,741 cities a target is shared by thousands, which the target's own page lists. One path
    from the project to its city's projects makes engines start from the project: written as
    joins, Oxigraph scanned every project of every city (1,741 cities: ~25 ms → ~2.7 ms). The
    shared targets are not picked here: Virtuoso starts from a listed target (every city's
    projects serving it) or takes 0.4-0.6 s for FILTER EXISTS, where all the city's projects'
    targets (~380 rows) take 0.04 s."""
    return (
        _head(kyodo)
        + f"""
SELECT ?kind ?a ?b ?c ?d ?e WHERE {{
  {{ BIND("kpi" AS ?kind) <{iri}> kyodo:hasKPI ?a .
     OPTIONAL {{ ?a kyodo:order ?b }} OPTIONAL {{ ?a rdfs:label ?c }}
     OPTIONAL {{ ?a schema:value ?d }} OPTIONAL {{ ?a schema:unitText ?e }} }}
  UNION
  {{ BIND("target" AS ?kind) <{iri}> kyodo:sdgTarget ?a .
     OPTIONAL {{ ?a sdgo:isTargetOf ?b . OPTIONAL {{ ?b schema:color ?c }} }} }}
  UNION
  {{ BIND("unit" AS ?kind) <{iri}> kyodo:responsibleDepartment ?a . ?a org:subOrganizationOf+ ?b .
     ?b a kyodo:Department . OPTIONAL {{ ?b rdfs:label ?c }} }}
  UNION
  {{ BIND("excerpt" AS ?kind) <{iri}> kyodo:sourceExcerpt ?a .
     OPTIONAL {{ ?a kyodo:startLine ?b }} OPTIONAL {{ ?a kyodo:endLine ?c }}
     OPTIONAL {{ ?a kyodo:page ?d }} OPTIONAL {{ ?a rdfs:label ?e }} }}
  UNION
  {{ SELECT DISTINCT ?kind ?a ?b ?c WHERE {{
       BIND("related" AS ?kind)
       <{iri}> kyodo:inPlan/dct:publisher/^dct:publisher/kyodo:hasProject ?a .
       FILTER(?a != <{iri}>) ?a kyodo:sdgTarget ?b . OPTIONAL {{ ?a rdfs:label ?c }} }} }}
}}"""
    )


def counts(kyodo: str) -> str:
    return (
        _head(kyodo)
        + """
SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
  { ?x a kyodo:Project BIND("projects" AS ?what) }
  UNION { ?x a kyodo:Policy BIND("policies" AS ?what) }
  UNION { ?x a kyodo:Department BIND("departments" AS ?what) }
  UNION { ?x a kyodo:City BIND("cities" AS ?what) }
  UNION { ?p kyodo:sdgTarget ?x BIND("targets_used" AS ?what) }
} GROUP BY ?what"""
    )


GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def graph_count(graph: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def goals(kyodo: str) -> str:
    """Every goal with its title, short name (skos:altLabel) and colour, and how many of our
    projects serve it, stated by the plan or through a target: kyodo:sdgGoal, which the inferred
    graph holds for both (a project given a goal both ways counts once). Joining target → goal
    here instead took over 10 s at 1,741 cities, and the home page answered 503; this, 0.6 s."""
    return (
        _head(kyodo)
        + """
SELECT ?goal ?label ?short ?color ?n WHERE {
  ?goal a sdgo:Goal .
  OPTIONAL { ?goal skos:prefLabel ?label FILTER(lang(?label) IN ("ja", "en")) }
  OPTIONAL { ?goal skos:altLabel ?short FILTER(lang(?short) IN ("ja", "en")) }
  OPTIONAL { ?goal schema:color ?color }
  OPTIONAL { SELECT ?goal (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p kyodo:sdgGoal ?goal }
      GROUP BY ?goal }
}"""
    )


def goal_page(kyodo: str, goal: str) -> str:
    return (
        _head(kyodo)
        + f"""
SELECT ?t ?tlabel ?p ?plabel ?year WHERE {{
  {{
    ?t sdgo:isTargetOf <{goal}> .
    OPTIONAL {{ ?t skos:prefLabel ?tlabel FILTER(lang(?tlabel) IN ("ja", "en")) }}
    OPTIONAL {{ ?p kyodo:sdgTarget ?t . OPTIONAL {{ ?p rdfs:label ?plabel }}
                OPTIONAL {{ ?p kyodo:fiscalYear ?year }} }}
  }} UNION {{
    # projects whose plan states the goal itself (no ?t): one query, one round trip
    ?p kyodo:statedSdgGoal <{goal}> .
    OPTIONAL {{ ?p rdfs:label ?plabel }} OPTIONAL {{ ?p kyodo:fiscalYear ?year }}
  }}
}}"""
    )


def goal_counts(kyodo: str, goal: str) -> str:
    """Projects per target of ``goal`` (every target, 0 included), and (no ?t) those whose plan
    states the goal itself: what decides whether the goal page can list them all."""
    return (
        _head(kyodo)
        + f"""
SELECT ?t (COUNT(DISTINCT ?p) AS ?n) WHERE {{
  {{ ?t sdgo:isTargetOf <{goal}> . OPTIONAL {{ ?p kyodo:sdgTarget ?t }} }}
  UNION {{ ?p kyodo:statedSdgGoal <{goal}> }}
}} GROUP BY ?t"""
    )


def goal_targets(goal: str) -> str:
    """The targets of ``goal`` and their labels (the goal page of a national build)."""
    return (
        PREFIXES
        + f"""
SELECT ?t ?tlabel WHERE {{
  ?t sdgo:isTargetOf <{goal}> .
  OPTIONAL {{ ?t skos:prefLabel ?tlabel FILTER(lang(?tlabel) IN ("ja", "en")) }}
}}"""
    )


def goal_stated(kyodo: str, goal: str, limit: int) -> str:
    """The first ``limit`` projects (by year, then IRI) whose plan states ``goal`` itself."""
    return (
        _head(kyodo)
        + f"""
SELECT ?p ?plabel ?year WHERE {{
  {{ SELECT DISTINCT ?p ?year WHERE {{
       ?p kyodo:statedSdgGoal <{goal}> . OPTIONAL {{ ?p kyodo:fiscalYear ?year }}
     }} ORDER BY ?year ?p LIMIT {limit} }}
  OPTIONAL {{ ?p rdfs:label ?plabel }}
}}"""
    )


def target_count(kyodo: str, target: str) -> str:
    return (
        _head(kyodo)
        + f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p kyodo:sdgTarget <{target}> }}"
    )


def target_page(kyodo: str, target: str, limit: int, offset: int) -> str:
    """One page of ``target``'s projects (by year, then IRI) with their department and policy."""
    return (
        _head(kyodo)
        + f"""
SELECT ?p ?plabel ?year ?dept ?dlabel ?policy ?polabel WHERE {{
  {{ SELECT DISTINCT ?p ?year WHERE {{
       ?p kyodo:sdgTarget <{target}> . OPTIONAL {{ ?p kyodo:fiscalYear ?year }}
     }} ORDER BY ?year ?p LIMIT {limit} OFFSET {offset} }}
  OPTIONAL {{ ?p rdfs:label ?plabel }}
  OPTIONAL {{ ?p kyodo:responsibleDepartment ?dept OPTIONAL {{ ?dept rdfs:label ?dlabel }} }}
  OPTIONAL {{ ?p kyodo:underPolicy ?policy OPTIONAL {{ ?policy rdfs:label ?polabel }} }}
}}"""
    )


def sdg_labels(iri: str) -> str:
    return (
        PREFIXES
        + f"""
SELECT ?p ?o WHERE {{
  <{iri}> ?p ?o .
  FILTER(?p IN (skos:prefLabel, skos:altLabel, skos:notation, schema:color, sdgo:isTargetOf))
}}"""
    )


def ontology_graph(graph: str) -> str:
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def ontology_terms(graph: str, ontology: str) -> str:
    """Terms of the ontology (those in its namespace) with types, labels and comments."""
    return (
        PREFIXES
        + f"""
SELECT ?term ?type ?p ?o WHERE {{
  GRAPH <{graph}> {{
    ?term a ?type .
    FILTER(STRSTARTS(STR(?term), "{ontology}#"))
    OPTIONAL {{ ?term ?p ?o FILTER(?p IN (rdfs:label, rdfs:comment, skos:definition)) }}
  }}
}}"""
    )


# example queries a researcher starts from (shown in the query UI); {kyodo} is filled in
EXAMPLES: tuple[tuple[str, str, str, str], ...] = (
    (
        "goals",
        "SDGs ゴール別の事業数",
        "Projects per SDG goal",
        """PREFIX kyodo: <{kyodo}>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# kyodo:sdgGoal: a goal the plan states or one its target implies, each project once
SELECT ?goal ?title (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
  ?project a kyodo:Project ;
           kyodo:sdgGoal ?goal .
  OPTIONAL {{ ?goal skos:prefLabel ?title FILTER(lang(?title) = "ja") }}
}}
GROUP BY ?goal ?title
ORDER BY DESC(?projects)""",
    ),
    (
        "department",
        "担当部署の事業",
        "Projects of a department",
        """PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>

# projects of a bureau (部) and all its sections
SELECT ?department ?project ?name WHERE {{
  ?bureau rdfs:label "市民部"@ja .
  ?department org:subOrganizationOf* ?bureau .
  ?project kyodo:responsibleDepartment ?department ;
           rdfs:label ?name .
}}
ORDER BY ?department ?name""",
    ),
    (
        "target-kpis",
        "あるターゲットに取り組む事業と KPI",
        "Projects serving a target, with their KPIs",
        """PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX sdg: <http://metadata.un.org/sdg/>

SELECT ?project ?name ?kpi ?value ?unit WHERE {{
  ?project kyodo:sdgTarget sdg:17.17 ;
           rdfs:label ?name .
  OPTIONAL {{
    ?project kyodo:hasKPI ?k .
    ?k rdfs:label ?kpi .
    OPTIONAL {{ ?k schema:value ?value ; schema:unitText ?unit }}
  }}
}}
ORDER BY ?name""",
    ),
    (
        "changes",
        "年度間の変化（区分別）",
        "Changes between fiscal years, by category",
        """PREFIX kyodo: <{kyodo}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?year ?category (COUNT(?project) AS ?projects) WHERE {{
  ?project a kyodo:Project ;
           kyodo:fiscalYear ?year ;
           kyodo:category ?c .
  OPTIONAL {{ ?c skos:prefLabel ?category FILTER(lang(?category) = "ja") }}
}}
GROUP BY ?year ?category
ORDER BY ?year ?category""",
    ),
)


def examples(kyodo: str) -> list[dict[str, str]]:
    return [
        {"key": key, "ja": ja, "en": en, "query": text.format(kyodo=kyodo)}
        for key, ja, en, text in EXAMPLES
    ]


def dataset_rights(catalog_graph: str) -> str:
    """Each dataset of the catalogue and its dct:rights labels (the footer's attribution)."""
    return (
        PREFIXES
        + f"""PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?d ?label WHERE {{
  GRAPH <{catalog_graph}> {{ ?d a dcat:Dataset ; dct:rights ?r . ?r rdfs:label ?label }}
}}"""
    )
