"""Write dist/: the named graphs as TriG, union dumps, projects.csv, the reports, build.json.

Every file is byte-stable: triples are added in sorted order before serialising, so rdflib's
writers (which follow insertion order where they do not sort) give the same bytes each run.
The whole folder is written beside the old one and swapped in at the end: a failed publish
leaves the previous dist/ as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal

from .iris import Iris
from .model import Anomaly, sdg_code_key
from .namespaces import bind_prefixes

TRIG = "kyodo-lod.trig"
TURTLE = "kyodo-lod.ttl"
NTRIPLES = "kyodo-lod.nt"
JSONLD = "kyodo-lod.jsonld"
PROJECTS_CSV = "projects.csv"
VALIDATION_REPORT = "validation-report.ttl"
ANOMALIES_CSV = "anomalies.csv"
BUILD_JSON = "build.json"

PROJECT_COLUMNS = (
    "city_code",
    "city_name",
    "fiscal_year",
    "policy_number",
    "policy_title",
    "project_number",
    "category",
    "project_name",
    "department",
    "sdg_targets",
    "relisted_from",
    "uri",
)
DEPARTMENT_SEPARATOR = "/"  # 保健福祉部/保健所/健康政策課 in projects.csv


def sorted_graph(graph: Graph) -> Graph:
    """A copy whose insertion order is the sorted order of its N-Triples terms."""
    copy = Graph(bind_namespaces="none")
    bind_prefixes(copy)
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        copy.add(triple)
    return copy


def _nt(term: object) -> str:
    """N-Triples form of a term. rdflib's n3() writes a literal with a line break as \"\"\"…\"\"\",
    which N-Triples does not allow (plan texts from CSV imports may have line breaks)."""
    if isinstance(term, Literal) and ("\n" in term or "\r" in term):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return term.n3()  # type: ignore[attr-defined]


def canonical_ntriples(graph: Graph) -> bytes:
    lines = {f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in graph}
    return "".join(sorted(lines)).encode("utf-8")


def trig_bytes(graphs: Mapping[str, Graph], iris: Iris, prefixes_from: Graph) -> bytes:
    """TriG with one block per named graph, in name order, each written as sorted Turtle.

    rdflib's own TriG writer visits graphs in set order, which changes between runs.
    """
    bindings = sorted((p, str(ns)) for p, ns in prefixes_from.namespaces() if p)
    out = [f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in bindings]
    for name in sorted(graphs):
        graph = sorted_graph(graphs[name])
        for prefix, ns in bindings:
            graph.bind(prefix, ns, override=True, replace=True)
        body = graph.serialize(format="turtle")
        lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
        if any(line.startswith("@prefix") for line in body.splitlines()[len(bindings) :]):
            raise ValueError(f"graph {name} needs a prefix the union does not bind")
        indented = "\n".join(f"    {line}" if line else "" for line in lines).strip("\n")
        out.append(f"\n<{iris.graph(name)}> {{\n{indented}\n}}\n")
    return "".join(out).encode("utf-8")


def _sorted_json(value: object) -> object:
    """JSON-LD arrays here are unordered sets (no @list): sort them for stable bytes."""
    if isinstance(value, dict):
        return {key: _sorted_json(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def jsonld_bytes(union: Graph) -> bytes:
    context = {prefix: str(ns) for prefix, ns in union.namespaces() if prefix}
    document = json.loads(union.serialize(format="json-ld", context=context))
    return (
        json.dumps(_sorted_json(document), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")


def _check_blank_node_free(name: str, graph: Graph) -> None:
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            raise ValueError(f"graph {name} holds a blank node: {triple}")


PROJECTS_QUERY = """
PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?project ?cityCode ?cityName ?year ?policyNumber ?policyTitle ?number ?category
       ?name ?department ?relistedNumber
       (GROUP_CONCAT(DISTINCT ?targetCode; separator=" ") AS ?targets)
WHERE {{
  ?project a kyodo:Project ;
      rdfs:label ?name ;
      kyodo:fiscalYear ?year ;
      kyodo:inPlan/kyodo:implementsPlan/dct:publisher ?city ;
      kyodo:underPolicy ?policy ;
      kyodo:category/skos:prefLabel ?category ;
      kyodo:responsibleDepartment ?department .
  FILTER(lang(?name) = "ja" && lang(?category) = "ja")
  ?city kyodo:localGovernmentCode ?cityCode ; rdfs:label ?cityName .
  FILTER(lang(?cityName) = "ja")
  ?policy kyodo:policyNumber ?policyNumber ; dct:title ?policyTitle .
  FILTER(lang(?policyTitle) = "ja")
  OPTIONAL {{ ?project kyodo:projectNumber ?number }}
  OPTIONAL {{ ?project kyodo:relists/kyodo:projectNumber ?relistedNumber }}
  OPTIONAL {{
    ?project kyodo:sdgTarget ?target .
    BIND(STRAFTER(STR(?target), "http://metadata.un.org/sdg/") AS ?targetCode)
  }}
}}
GROUP BY ?project ?cityCode ?cityName ?year ?policyNumber ?policyTitle ?number ?category
         ?name ?department ?relistedNumber
"""

DEPARTMENTS_QUERY = """
PREFIX kyodo: <{kyodo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?department ?label ?parent WHERE {{
  ?department a kyodo:Department ; rdfs:label ?label ; org:subOrganizationOf ?parent .
  FILTER(lang(?label) = "ja")
}}
"""


def _value(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def project_rows(store: pyoxigraph.Store, kyodo_namespace: str) -> list[dict[str, str]]:
    """The projects.csv rows, read back from the built graph by SPARQL."""
    parents: dict[str, tuple[str, str]] = {}
    for row in store.query(DEPARTMENTS_QUERY.format(kyodo=kyodo_namespace)):
        parents[row["department"].value] = (row["label"].value, row["parent"].value)

    def department_path(iri: str) -> str:
        names = []
        while iri in parents:
            label, iri = parents[iri]
            names.append(label)
        return DEPARTMENT_SEPARATOR.join(reversed(names))

    rows = []
    for row in store.query(PROJECTS_QUERY.format(kyodo=kyodo_namespace)):
        targets = sorted(_value(row["targets"]).split(), key=sdg_code_key)
        rows.append(
            {
                "city_code": _value(row["cityCode"]),
                "city_name": _value(row["cityName"]),
                "fiscal_year": _value(row["year"]),
                "policy_number": _value(row["policyNumber"]),
                "policy_title": _value(row["policyTitle"]),
                "project_number": _value(row["number"]),
                "category": _value(row["category"]),
                "project_name": _value(row["name"]),
                "department": department_path(row["department"].value),
                "sdg_targets": " ".join(targets),
                "relisted_from": _value(row["relistedNumber"]),
                "uri": row["project"].value,
            }
        )

    def order(row: dict[str, str]) -> tuple:
        number = row["project_number"]
        return (
            row["city_code"],
            row["fiscal_year"],
            number == "",
            int(number) if number else 0,
            [int(p) for p in row["policy_number"].split(".")],
            row["uri"],
        )

    return sorted(rows, key=order)


def _csv_bytes(columns: Iterable[str], rows: Iterable[Mapping[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Published:
    dist_dir: Path
    files: tuple[str, ...]
    triples_per_graph: dict[str, int]
    content_hash: str


def publish(
    dist_dir: Path,
    graphs: Mapping[str, Graph],
    iris: Iris,
    validation_report: Graph,
    anomalies: Iterable[Anomaly],
    counts: Mapping[str, int],
    extra_writers: Iterable[Callable[[Graph, Path], Iterable[Path]]] = (),
) -> Published:
    """Write every dist/ file into a fresh folder, then swap it in for the old dist/."""
    for name, graph in graphs.items():
        _check_blank_node_free(name, graph)
    dist_dir = Path(dist_dir)
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=dist_dir.parent))
    try:
        files = _write_all(
            staging, graphs, iris, validation_report, anomalies, counts, extra_writers
        )
        content_hash = json.loads((staging / BUILD_JSON).read_text())["content_hash"]
        _swap_in(staging, dist_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Published(
        dist_dir=dist_dir,
        files=tuple(files),
        triples_per_graph={name: len(g) for name, g in graphs.items()},
        content_hash=content_hash,
    )


def _write_all(
    staging: Path,
    graphs: Mapping[str, Graph],
    iris: Iris,
    validation_report: Graph,
    anomalies: Iterable[Anomaly],
    counts: Mapping[str, int],
    extra_writers: Iterable[Callable[[Graph, Path], Iterable[Path]]],
) -> list[str]:
    union = Graph(bind_namespaces="none")
    for graph in graphs.values():
        union += graph
    union = sorted_graph(union)
    # Turtle first: rdflib binds any prefix it needs while writing, and the TriG reuses them.
    (staging / TURTLE).write_bytes(union.serialize(format="turtle", encoding="utf-8"))
    (staging / TRIG).write_bytes(trig_bytes(graphs, iris, union))
    (staging / NTRIPLES).write_bytes(canonical_ntriples(union))
    (staging / JSONLD).write_bytes(jsonld_bytes(union))
    (staging / VALIDATION_REPORT).write_bytes(
        sorted_graph(validation_report).serialize(format="turtle", encoding="utf-8")
    )

    store = pyoxigraph.Store()
    store.load((staging / NTRIPLES).read_bytes(), pyoxigraph.RdfFormat.N_TRIPLES)
    kyodo_namespace = next(str(ns) for prefix, ns in union.namespaces() if prefix == "kyodo")
    (staging / PROJECTS_CSV).write_bytes(
        _csv_bytes(PROJECT_COLUMNS, project_rows(store, kyodo_namespace))
    )
    anomaly_rows = [
        {
            "kind": a.kind,
            "project_number": "" if a.project_number is None else a.project_number,
            "document": a.source.document if a.source else "",
            "first_line": a.source.first_line if a.source else "",
            "last_line": a.source.last_line if a.source else "",
            "message": a.message,
        }
        for a in anomalies
    ]
    (staging / ANOMALIES_CSV).write_bytes(
        _csv_bytes(
            ("kind", "project_number", "document", "first_line", "last_line", "message"),
            anomaly_rows,
        )
    )

    for writer in extra_writers:
        writer(union, staging)

    hashed = sorted(p.name for p in staging.iterdir() if p.is_file())
    digest = hashlib.sha256()
    for name in hashed:
        digest.update(name.encode() + b"\0" + (staging / name).read_bytes())
    info = {
        "content_hash": digest.hexdigest(),
        "graphs": {name: str(iris.graph(name)) for name in sorted(graphs)},
        "triples": {name: len(graphs[name]) for name in sorted(graphs)},
        "triples_total": len(union),
        "counts": dict(sorted(counts.items())),
        "anomalies": len(anomaly_rows),
        "files": [*hashed, BUILD_JSON],
    }
    (staging / BUILD_JSON).write_text(
        json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return [*hashed, BUILD_JSON]


def _swap_in(staging: Path, dist_dir: Path) -> None:
    old = None
    if dist_dir.exists():
        old = dist_dir.with_name(f".{dist_dir.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        dist_dir.rename(old)
    staging.rename(dist_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
