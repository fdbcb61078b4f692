"""What is left for pySHACL, and its report when nothing is."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kyodo_lod.build.validate.pyshacl_run import pyshacl_report, shapes_left
from kyodo_lod.rdf.namespaces import SH

EX = "urn:example:"
SHAPE, CONSTRAINT, OTHER = URIRef(EX + "Shape"), URIRef(EX + "sparql"), URIRef(EX + "Other")


def shapes() -> Graph:
    g = Graph()
    g.add((SHAPE, RDF.type, SH.NodeShape))
    g.add((SHAPE, SH.targetClass, URIRef(EX + "City")))
    g.add((SHAPE, SH.sparql, CONSTRAINT))
    g.add((OTHER, RDF.type, SH.NodeShape))
    g.add((OTHER, SH.targetNode, URIRef(EX + "x")))
    g.add((OTHER, SH.minCount, Literal(1)))
    return g


def test_what_the_store_takes_is_left_out() -> None:
    left = shapes_left(shapes(), {(SHAPE, CONSTRAINT)}, {OTHER})
    assert (SHAPE, SH.sparql, CONSTRAINT) not in left
    assert (SHAPE, SH.targetClass, URIRef(EX + "City")) in left
    assert (OTHER, SH.targetNode, URIRef(EX + "x")) not in left
    assert (OTHER, SH.minCount, Literal(1)) in left


def test_no_focus_node_left_gives_an_empty_report_without_pyshacl() -> None:
    left = shapes_left(shapes(), {(SHAPE, CONSTRAINT)}, {SHAPE, OTHER})
    report = pyshacl_report([[(URIRef(EX + "a"), RDF.type, URIRef(EX + "City"))]], left)
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert isinstance(node, BNode) and len(report) == 1
