"""Documents that are not in the store's data: the named graphs (``B graph/asserted`` ...) and
the SHACL shapes (``B def/kyodo/shapes``), negotiated like every other document.

A named graph's document is a short VoID description: what it holds, how many triples, where to
query it and which dump has it. The shapes are the ones the build validated with, as it
published them (dist/shapes.ttl, under the build's base).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, VOID, XSD

from ..dist import CATALOG, SHAPES, TRIG
from ..rdf.graphs import rebase
from ..rdf.iris import GRAPH_NAMES
from ..rdf.namespaces import SD
from .conneg import DOCUMENT_FORMATS, HTML, Format
from .errors import NotFound
from .i18n import strings
from .resources import serve
from .sparql import _graph_counts
from .state import AppState, state

bp = Blueprint("graphs", __name__)

GRAPH_TEXTS: dict[str, dict[str, str]] = {
    "asserted": {
        "ja": "計画から抽出して表明したデータ（市、計画、施策、事業、KPI、部署、出典）",
        "en": "Data asserted from the plans (cities, plans, policies, projects, KPIs, "
        "departments, sources)",
    },
    "inferred": {
        "ja": "OWL RL 推論で得た新しいトリプル（逆プロパティ、上位クラス、ゴールへの連鎖など）",
        "en": "New triples from OWL RL reasoning (inverses, super-classes, the target → goal "
        "chain, ...)",
    },
    "ontology": {
        "ja": "kyodo オントロジーと分類（事業区分、部署の種類）",
        "en": "The kyodo ontology and its schemes (project categories, department kinds)",
    },
    "sdg": {
        "ja": "国連 SDGs 語彙（ゴール、ターゲット、指標）と日本語ラベル",
        "en": "The UN SDG vocabulary (goals, targets, indicators) with Japanese labels",
    },
    "catalog": {
        "ja": "データカタログ（DCAT-AP、VoID）",
        "en": "The data catalogue (DCAT-AP, VoID)",
    },
}
GRAPH_TITLES = {"ja": "名前付きグラフ", "en": "Named graph"}


def _rdf(graph: Graph, fmt: Format) -> bytes:
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    graph.bind("dct", DCTERMS)
    graph.bind("sh", SH)
    data = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


# ------------------------------------------------------------------ /graph/{name}


def graph_facts(st: AppState, name: str) -> dict[str, Any]:
    iri = str(st.iris.graph(name))
    counts = dict(_graph_counts(st))
    if iri not in counts and iri not in st.store.graph_names():
        raise NotFound(f"the graph {iri} is not published in this build")
    dump = CATALOG if name == "catalog" else TRIG
    return {
        "name": name,
        "iri": iri,
        "triples": counts.get(iri, 0),
        "texts": GRAPH_TEXTS[name],
        "endpoint": str(st.iris.sparql_endpoint()),
        "dump": str(st.iris.dump(dump)),
        "dump_name": dump,
        "dump_path": st.local_path(str(st.iris.dump(dump))),
        "dataset": str(st.iris.void_dataset()),
        "example": f"SELECT * WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 100",
    }


def graph_description(facts: dict[str, Any]) -> Graph:
    g = Graph()
    node = URIRef(facts["iri"])
    g.add((node, RDF.type, SD.Graph))
    g.add((node, RDF.type, VOID.Dataset))
    for lang, text in facts["texts"].items():
        g.add((node, RDFS.label, Literal(f"{GRAPH_TITLES[lang]} {facts['name']}", lang=lang)))
        g.add((node, DCTERMS.description, Literal(text, lang=lang)))
    g.add((node, VOID.triples, Literal(facts["triples"], datatype=XSD.integer)))
    g.add((node, VOID.sparqlEndpoint, URIRef(facts["endpoint"])))
    g.add((node, VOID.dataDump, URIRef(facts["dump"])))
    g.add((node, DCTERMS.isPartOf, URIRef(facts["dataset"])))
    return g


@bp.route("/graph/<name>", methods=["GET", "HEAD"])
def named_graph(name: str) -> Response:
    st = state()
    stem, _, ext = name.partition(".")
    if stem not in GRAPH_NAMES or (ext and not any(f.extension == ext for f in DOCUMENT_FORMATS)):
        raise NotFound(f"no graph named {name}")

    def produce(fmt: Format, lang: str) -> bytes:
        facts = graph_facts(st, stem)
        if fmt is not HTML:
            return _rdf(graph_description(facts), fmt)
        t = strings(lang)
        return render_template(
            "graph.html",
            lang=lang,
            t=t,
            g=facts,
            description=facts["texts"][lang],
            formats=DOCUMENT_FORMATS[1:],
            doc_path=f"/graph/{stem}",
            title=f"{GRAPH_TITLES[lang]} {stem}",
        ).encode("utf-8")

    return serve(st, str(st.iris.graph(stem)), f"/graph/{stem}", ext or None, producer=produce)


# ------------------------------------------------------------------ /def/kyodo/shapes


def shapes_graph(dist_dir: Path, base: str, document: str) -> Graph:
    """The build's SHACL shapes under ``base``, with a node for the document that lists its
    parts. A build publishes its shapes under its own base (then ``rebase`` changes nothing);
    a default-base build served under another base gets them moved."""
    path = Path(dist_dir) / SHAPES
    if not path.is_file():
        raise NotFound(f"no shapes are published with this build ({SHAPES})")
    moved = rebase(Graph().parse(path, format="turtle"), base)
    doc = URIRef(document)
    moved.add((doc, RDF.type, DCTERMS.Standard))
    moved.add((doc, RDFS.label, Literal("kyodo SHACLシェイプ", lang="ja")))
    moved.add((doc, RDFS.label, Literal("kyodo SHACL shapes", lang="en")))
    for ontology in moved.subjects(SH.declare, None, unique=True):
        moved.add((doc, DCTERMS.hasPart, ontology))
    return moved


def _local(iri: Any) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]


def shapes_view(graph: Graph, kyodo: str) -> list[dict[str, Any]]:
    """Node shapes with their target, severity, message and property shapes, for the page."""
    shapes = []
    for node in sorted(graph.subjects(RDF.type, SH.NodeShape, unique=True)):
        targets = sorted(str(t) for t in graph.objects(node, SH.targetClass))
        properties = []
        for prop in sorted(graph.objects(node, SH.property)):
            path = graph.value(prop, SH.path)
            properties.append(
                {
                    "path": _local(path) if isinstance(path, URIRef) else "",
                    "message": str(graph.value(prop, SH.message) or ""),
                }
            )
        severity = graph.value(node, SH.severity)
        shapes.append(
            {
                "id": _local(node),
                "iri": str(node),
                "name": str(graph.value(node, SH.name) or _local(node)),
                "targets": [
                    {
                        "name": _local(t),
                        "href": f"/def/kyodo#{_local(t)}" if t.startswith(kyodo) else t,
                    }
                    for t in targets
                ],
                "severity": _local(severity) if severity is not None else "Violation",
                "message": str(graph.value(node, SH.message) or ""),
                "properties": properties,
            }
        )
    return shapes


@bp.route("/def/kyodo/shapes", methods=["GET", "HEAD"])
@bp.route("/def/kyodo/shapes.<ext>", methods=["GET", "HEAD"])
def shapes(ext: str | None = None) -> Response:
    st = state()
    if ext is not None and not any(f.extension == ext for f in DOCUMENT_FORMATS):
        raise NotFound(f"no such document: /def/kyodo/shapes.{ext}")
    iri = str(st.iris.shapes())

    def produce(fmt: Format, lang: str) -> bytes:
        graph = shapes_graph(st.settings.dist_dir, st.base, iri)
        if fmt is not HTML:
            return _rdf(graph, fmt)
        title = "SHACL シェイプ" if lang == "ja" else "SHACL shapes"
        return render_template(
            "shapes.html",
            lang=lang,
            t=strings(lang),
            iri=iri,
            shapes=shapes_view(graph, st.kyodo),
            formats=DOCUMENT_FORMATS[1:],
            doc_path="/def/kyodo/shapes",
            title=title,
        ).encode("utf-8")

    return serve(st, iri, "/def/kyodo/shapes", ext, producer=produce)
