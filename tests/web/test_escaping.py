"""Data that looks like markup stays text, and IRIs with escaped ASCII round-trip.

A tiny plan (an invented city, as in tests/fixtures) goes through the real importer and pipeline:
its labels hold ``<script>``, ``&`` and quotes, and a department name with parentheses, an ``&``
and a space, which the IRI carries as %28, %29 and %26 (the space is dropped by NFKC
normalisation)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
import requests
from rdflib import Graph, Literal, URIRef

from kyodo_lod.build.importer import import_plan
from kyodo_lod.compare.tables import CityPlan, Comparison
from kyodo_lod.config import Settings
from kyodo_lod.web.compare import heat_map
from kyodo_lod.web.svg import Bar, bar_chart

from ..tools import NU_CHECKER, needs
from .conftest import LiveServer, start_server, stop_server
from .htmlcheck import markup, nu_errors

BASE = "https://kyodo-lod.example/"
PROJECT_NAME = "<script>alert('x')</script> & 事業"
POLICY_TITLE = '安心 & <まち> "ok"'
DEPARTMENT = "協働(NPO)&連携 課"
# a city name that would end a <script> or open a comment in one if any place missed escaping
CITY_NAME = "架空市</script><!--\"'&"
CITY_CSV, POLICY_CSV = (text.replace('"', '""') for text in (CITY_NAME, POLICY_TITLE))
DEPT_IRI = BASE + "id/079995/org/市民部/協働%28NPO%29%26連携課"
PLAN_CSV = f"""city_code,city_name,fiscal_year,policy_number,policy_title,project_number,\
category,project_name,department,sdg_targets,relisted_from,plan_title,city_name_en,description
079995,"{CITY_CSV}",2025,1,"{POLICY_CSV}",1,新規・追加,{PROJECT_NAME},\
市民部/{DEPARTMENT},17.17,,架空市の計画 <i>テスト,Kaku <City> & Co,\
"説明 <img src=x onerror=alert(1)> & 〈本文〉"
079995,"{CITY_CSV}",2025,1,"{POLICY_CSV}",2,継続,普通の事業,\
市民部/{DEPARTMENT},11.2,,架空市の計画 <i>テスト,Kaku <City> & Co,
"""
KPIS_CSV = """city_code,fiscal_year,project_number,kpi_text,value,unit
079995,2025,1,〇登録数 <50> & more　120団体,120,団体
"""


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from kyodo_lod.build.pipeline import build

    folder = tmp_path_factory.mktemp("tricky")
    (folder / "plan.csv").write_text(PLAN_CSV, encoding="utf-8")
    (folder / "kpis.csv").write_text(KPIS_CSV, encoding="utf-8")
    settings = Settings.from_env({}, sources_dir=folder / "sources", dist_dir=folder / "dist")
    import_plan(settings, folder / "plan.csv", folder / "kpis.csv")
    build(settings)
    server = start_server(settings.dist_dir, folder)
    yield server
    stop_server(server)


def _doc(iri: str) -> str:
    return iri.replace(BASE + "id/", "/doc/")


def test_escaped_ascii_round_trips(tricky: LiveServer) -> None:
    turtle = tricky.get(_doc(DEPT_IRI) + ".ttl")
    assert turtle.status_code == 200
    assert (URIRef(DEPT_IRI), None, None) in Graph().parse(data=turtle.content, format="turtle")
    # the IRI as minted (%28 %29 %26) and as a browser may send it (raw parentheses and &)
    for path in (
        DEPT_IRI.replace(BASE, "/"),
        "/id/079995/org/市民部/協働(NPO)&連携課",
    ):
        redirect = tricky.get(path, headers={"Accept": "text/html"})
        assert redirect.status_code == 303, path
        location = redirect.headers["Location"]
        assert unquote(location).endswith("/doc/079995/org/市民部/協働(NPO)&連携課")
        page = requests.get(tricky.url + location, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200
        assert "協働(NPO)&amp;連携課" in page.text
        assert "普通の事業" in page.text  # its projects, inbound


def _project_pages(server: LiveServer) -> dict[str, str]:
    rows = server.select(
        """SELECT ?p ?policy ?city WHERE {
          ?p <https://kyodo-lod.example/def/kyodo#projectNumber> 1 ;
             <https://kyodo-lod.example/def/kyodo#underPolicy> ?policy .
          ?city a <https://kyodo-lod.example/def/kyodo#City> }"""
    )
    row = rows[0]
    pages = {}
    for lang in ("ja", "en"):
        for name, path in (
            ("project", _doc(row["p"])),
            ("policy", _doc(row["policy"])),
            ("department", _doc(DEPT_IRI)),
            ("city", _doc(row["city"])),
            ("target", "/sdg/17.17"),
            ("home", "/"),
        ):
            response = server.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
            assert response.status_code == 200, path
            pages[f"{name} ({lang})"] = response.text
    return pages


def test_every_literal_is_escaped(tricky: LiveServer) -> None:
    pages = _project_pages(tricky)
    for name, html in pages.items():
        parsed = markup(html)
        for tag, attrs in parsed.tags:
            assert not any(a.startswith("on") for a in attrs), (name, tag, attrs)
            if tag == "script":  # only ours: JSON-LD, or files from our own server
                assert attrs.get("type") == "application/ld+json" or (
                    attrs.get("src") or ""
                ).startswith("/"), (name, attrs)
        text = "".join(parsed.text)
        assert "alert(1)" not in "".join(str(a) for _, a in parsed.tags)
        if name.startswith(("project", "department", "target")):
            assert PROJECT_NAME in text, name  # shown as text, exactly
    project = pages["project (ja)"]
    assert "&lt;script&gt;alert(" in project
    assert "<img src=x" not in project and "&lt;img src=x onerror=alert(1)&gt;" in project
    assert "〇登録数 &lt;50&gt; &amp; more" in project
    assert "<script>alert" not in project.replace('<script type="application/ld+json">', "")
    # the plan title's "<i>" never becomes an element (inside JSON-LD it is JSON text)
    assert not any(tag == "i" for html in pages.values() for tag, _ in markup(html).tags)
    assert all(html.count("</script>") == html.count("<script") for html in pages.values())


def test_rdf_keeps_the_literals(tricky: LiveServer) -> None:
    rows = tricky.select(
        "SELECT ?p WHERE { ?p <https://kyodo-lod.example/def/kyodo#projectNumber> 1 }"
    )
    response = tricky.get(_doc(rows[0]["p"]) + ".ttl")
    graph = Graph().parse(data=response.content, format="turtle")
    assert Literal(PROJECT_NAME, lang="ja") in set(graph.objects(URIRef(rows[0]["p"]), None))


@needs(NU_CHECKER)
def test_pages_with_markup_in_the_data_are_valid(tricky: LiveServer) -> None:
    errors = nu_errors(_project_pages(tricky))
    assert not errors, "\n".join(errors[:30])


# -- the places that escape by hand: the heat map and the charts (SVG written as text), the
#    catalogue's JSON-LD (JSON written into a <script>)

HOSTILE = ["</script><script>alert(1)</script>", "<!--", "\"quoted\" 'single'", "a & b &amp;"]


def _svg(html: str, marker: str) -> ET.Element:
    """The SVG element of a page that holds ``marker`` (in its start tag), parsed as XML."""
    start = html.index("<svg", html.index(marker) - 400)
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])  # not well-formed: a text broke out


def _texts(element: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in element.iter() if e.tag.endswith(("text", "title"))]


def _json_ld(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)


def test_heat_map_keeps_a_hostile_city_name_as_text(tricky: LiveServer) -> None:
    response = tricky.get("/compare?city=079995", headers={"Accept": "text/html"})
    assert response.status_code == 200
    svg = _svg(response.text, 'id="heatmap"')
    assert CITY_NAME in _texts(svg)  # exactly the name, as text
    assert CITY_NAME not in response.text  # never raw anywhere in the page
    scripts = [attrs for tag, attrs in markup(response.text).tags if tag == "script"]
    assert all((a.get("src") or "").startswith("/") or a.get("type") for a in scripts)


def test_catalogue_json_ld_writes_lt_as_u003c(tricky: LiveServer) -> None:
    for path in ("/catalog", "/"):
        html = tricky.get(path, headers={"Accept": "text/html"}).text
        [script] = _json_ld(html)
        assert not set("<>&") & set(script), script[:300]
        assert "\\u003c" in script  # the plan title's <i> and the city's </script>
        text = json.dumps(json.loads(script), ensure_ascii=False)
        assert "<i>" in text  # parsed, the JSON gives the data back as it was
        assert html.count("</script>") == html.count("<script")


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


def test_project_json_ld_writes_lt_as_u003c(tricky: LiveServer) -> None:
    html = _project_pages(tricky)["project (ja)"]
    [script] = _json_ld(html)
    assert not set("<>&") & set(script)
    assert PROJECT_NAME in _strings(json.loads(script))


def test_bar_chart_escapes_every_text_and_attribute() -> None:
    """The home page's chart (labels, tooltips, links and colours come from the data)."""
    bars = [
        Bar(
            key=str(i),
            label=text,
            value=i + 1,
            color=f'#fff" onload="{text}',
            href=f"/x?{text}",
            tooltip=text,
        )
        for i, text in enumerate(HOSTILE)
    ]
    svg = ET.fromstring(bar_chart(bars, title=HOSTILE[0], description=HOSTILE[1]))
    texts = _texts(svg)
    for text in HOSTILE:
        assert text in texts and f"{text}: " in "".join(texts)
    links = [e.get("href") for e in svg.iter() if e.tag.endswith("}a")]
    assert links == [f"/x?{text}" for text in HOSTILE]
    for element in svg.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
        assert element.get("fill", "#").startswith("#") and '"' not in element.get("fill", "")
    tags = {element.tag.rsplit("}", 1)[-1] for element in svg.iter()}
    assert tags <= {"svg", "title", "desc", "text", "rect", "a"}


def test_heat_map_escapes_every_text_and_attribute() -> None:
    code = '079995" onmouseover="alert(1)'
    comparison = Comparison(
        cities=(CityPlan(code=code, name=HOSTILE[0], fiscal_year=2025, projects=2),),
        goals={17: {code: 2}},
        targets={},
        kinds={},
        goal_labels={17: HOSTILE[1]},
        goal_colours={17: '#123456" onload="x'},
    )
    svg = ET.fromstring(heat_map(comparison, "en"))
    texts = _texts(svg)
    assert HOSTILE[0] in texts and f"17 {HOSTILE[1]}" in texts
    assert {e.get("data-city") for e in svg.iter() if e.get("data-city")} == {code}
    for element in svg.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
    assert {e.get("fill") for e in svg.iter() if e.tag.endswith("rect")} <= {"#5b6770", "#ffffff"}
