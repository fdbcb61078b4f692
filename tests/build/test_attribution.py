"""The source document's rights and citation in the graph, the attribution on each dataset
(出典：…を加工して作成, ja and en), and the same words in the README."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kyodo_lod.build.attribution import attribution, citation, rights_labels
from kyodo_lod.model import RIGHTS_NOT_STATED
from kyodo_lod.rdf.iris import Iris
from tests.locations import ROOT


def labels(graph: Graph, node: URIRef, predicate: URIRef = RDFS.label) -> dict[str, str]:
    return {o.language: str(o) for o in graph.objects(node, predicate) if isinstance(o, Literal)}


def test_source_document_states_its_rights_and_citation(build, dist: Path) -> None:  # type: ignore[no-untyped-def]
    union = Graph().parse(dist / "kyodo-lod.nt", format="nt")
    plan = build.plans[0]
    iris = Iris()  # the session build uses the default base
    document = iris.source_document(plan.city.code, plan.source_document)
    rights = union.value(document, DCTERMS.rights)
    assert rights == iris.rights(document)
    assert (rights, RDF.type, DCTERMS.RightsStatement) in union
    assert labels(union, rights)["en"] == "Terms of use: not stated"
    assert "not stated" in labels(union, rights)["ja"]
    cited = labels(union, document, DCTERMS.bibliographicCitation)
    assert cited["ja"] == "郡山市「第二次郡山市協働推進基本計画_2025年度実施計画」（2025年度）"
    assert cited["en"].startswith('Koriyama City, "第二次郡山市協働推進基本計画_2025年度実施計画"')
    assert cited["en"].endswith("(fiscal year 2025)")


def test_each_dataset_carries_the_attribution(build, dist: Path) -> None:  # type: ignore[no-untyped-def]
    catalogue = Graph().parse(dist / "catalog.ttl", format="turtle")
    plan = build.plans[0]
    dataset = Iris().dataset(plan.city.code, plan.basic_plan_key, plan.fiscal_year)
    rights = catalogue.value(dataset, DCTERMS.rights)
    assert (rights, RDF.type, DCTERMS.RightsStatement) in catalogue
    said = labels(catalogue, rights)
    assert said["ja"] == (
        "出典：郡山市「第二次郡山市協働推進基本計画_2025年度実施計画」（2025年度）を加工して作成"
    )
    assert said["en"].startswith("Source: Koriyama City, ") and "adapted" in said["en"]
    notes = labels(catalogue, rights, RDFS.comment)
    assert "CC BY 4.0" in notes["ja"] and "not stated" in notes["en"]


def test_the_readme_shows_the_attribution_the_build_makes(build) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in attribution(*citation(build.plans[0])):
        assert text in readme


def test_the_year_is_the_issue_year_when_the_sidecar_gives_it(build) -> None:  # type: ignore[no-untyped-def]
    plan = replace(build.plans[0], source_issued=date(2025, 5, 1), source_title="")
    ja, en = citation(plan)
    assert ja == f"郡山市「{plan.title_ja}」（2025年）"
    assert en.endswith("(2025)") and "fiscal year" not in en
    assert attribution(ja, en)[0] == f"出典：{ja}を加工して作成"


def test_stated_terms_are_shown_as_stated() -> None:
    assert rights_labels("公共データ利用規約 第1.0版") == (
        "利用条件：公共データ利用規約 第1.0版",
        "Terms of use: 公共データ利用規約 第1.0版",
    )
    assert RIGHTS_NOT_STATED in rights_labels(RIGHTS_NOT_STATED)[1]
