"""The usefulness filter: which derived triples say something about our data."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kyodo_lod.build.reason.useful import RDFLIB_TERMS, data_nodes, useful
from kyodo_lod.build.vocab import load_sdg
from kyodo_lod.config import Settings
from kyodo_lod.rdf.iris import Iris, sdg_target
from kyodo_lod.rdf.namespaces import KYODO
from tests.build.reason.test_owlrl import BUREAU, CITY, KPI, PLAN, PROJECT, SECTION, _asserted

IRIS = Iris()


def test_data_nodes_leave_out_vocabulary() -> None:
    settings = Settings.from_env({})
    ontology = Graph().parse(settings.ontology_path, format="turtle")
    ours = data_nodes(_asserted(), ontology, load_sdg(settings.vocab_dir))
    assert {CITY, BUREAU, SECTION, PLAN, PROJECT, KPI} <= ours
    assert sdg_target("3.8") not in ours
    assert IRIS.category("continued") not in ours
    assert KYODO.Project not in ours


def test_useful_keeps_what_is_about_our_resources() -> None:
    ours = frozenset({PROJECT})
    stated = Literal("600", datatype=XSD.decimal)

    def keeps(triple: tuple) -> bool:
        return useful(triple, ours, {stated}, RDFLIB_TERMS)

    assert keeps((PROJECT, RDF.type, KYODO.Project))
    assert keeps((sdg_target("3.8"), KYODO.servedByProject, PROJECT))  # an inverse link
    assert keeps((PROJECT, KYODO.planText, stated))
    assert not keeps((PROJECT, RDF.type, OWL.Thing))  # the reasoner's machinery
    assert not keeps((PROJECT, OWL.sameAs, PROJECT))
    assert not keeps((PROJECT, KYODO.planText, Literal("600.0", datatype=XSD.decimal)))
    assert not keeps((KYODO.Project, RDFS.subClassOf, URIRef("urn:x")))  # not about our data
