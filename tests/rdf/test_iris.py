from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kyodo_lod.config import DEFAULT_BASE_IRI
from kyodo_lod.model import sdg_code_key
from kyodo_lod.rdf.graphs import rebase
from kyodo_lod.rdf.iris import Iris, normalise_segment, sdg_target


def test_department_segments_are_nfkc_and_readable():
    iris = Iris()
    assert normalise_segment("市民・ＮＰＯ活動推進課") == "市民・NPO活動推進課"
    assert normalise_segment("５Ｒ 推進課") == "5R推進課"
    assert normalise_segment("a/b") == "a%2Fb"
    assert iris.department("072036", ("保健福祉部", "保健所", "健康政策課")) == URIRef(
        DEFAULT_BASE_IRI + "id/072036/org/保健福祉部/保健所/健康政策課"
    )


def test_documents_are_the_id_path_under_doc():
    iris = Iris("http://example.org/")
    assert iris.document_of("http://example.org/id/072036") == "http://example.org/doc/072036"
    assert iris.document_of("http://elsewhere.org/id/072036") is None


def test_rebase_moves_iris_and_leaves_others():
    g = Graph()
    ours = URIRef(DEFAULT_BASE_IRI + "id/072036")
    g.add((ours, URIRef(DEFAULT_BASE_IRI + "def/kyodo#p"), sdg_target("17.17")))
    g.add((ours, RDFS.label, Literal("郡山市", lang="ja")))
    moved = rebase(g, "http://example.org/lod/")
    assert (
        URIRef("http://example.org/lod/id/072036"),
        URIRef("http://example.org/lod/def/kyodo#p"),
        URIRef("http://metadata.un.org/sdg/17.17"),
    ) in moved
    assert len(moved) == 2


def test_sdg_codes_sort_in_the_un_order():
    codes = ["16.10", "3.a", "4.7", "3.8", "16.6", "17.17", "3.4"]
    assert sorted(codes, key=sdg_code_key) == ["3.4", "3.8", "3.a", "4.7", "16.6", "16.10", "17.17"]
