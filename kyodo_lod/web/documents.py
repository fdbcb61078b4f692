"""Making the document of one resource: its description from the store, as RDF in the asked
format or as an HTML page (the project page with its KPIs, SDG targets and related projects).

Where the embedded store runs page jobs (``page_worker``: the site's worker processes, each with
the build open and this module's code), a document is made there, next to the data, and the
web process only hands over the request and the finished bytes: pages are made on every core
and take no round trip between processes. Otherwise (a remote store, or an app made in
process) ``produce`` runs in the web process; the bytes are the same either way."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from ..model import sdg_code_key
from ..rdf.iris import SDG_BASE
from ..store import GraphResult, SelectResult, Serialized
from . import queries
from .conneg import DOCUMENT_FORMATS, HTML, Format
from .errors import NotFound
from .i18n import strings
from .state import AppState
from .views import RDF_TYPE, Description, Labeller, describe

PAGE_SIZE = 100  # inbound links per page
RELATED_ROWS = 500  # (project, target, label) rows of related projects a project page lists
CITY_ROWS_MAX = 1_000_000  # the city's projects' targets, read whole for a project page
FORMATS = {f.key: f for f in DOCUMENT_FORMATS}


def produce(
    st: AppState, iri: str, fmt: Format, lang: str, doc_path: str, page: int
) -> tuple[bytes, bool]:
    """The body of ``iri``'s document and whether a next page of inbound links exists, made
    by a page worker when the store has them, else here."""
    if getattr(st.store, "pages_in_workers", False):  # (the embedded store, from server.py)
        status, *answer = st.store.run_job(  # type: ignore[attr-defined]
            {
                "iri": iri,
                "format": fmt.key,
                "lang": lang,
                "doc_path": doc_path,
                "page": page,
                "path": request.path,
                "query": request.query_string.decode("latin-1"),
            }
        )
        if status == "notfound":
            raise NotFound(answer[0])
        return answer[0], answer[1]
    return make_document(st, iri, fmt, lang, doc_path, page)


def make_document(
    st: AppState, iri: str, fmt: Format, lang: str, doc_path: str, page: int
) -> tuple[bytes, bool]:
    """The body of one document and whether a next page of inbound links exists."""
    offset = (page - 1) * PAGE_SIZE
    if fmt is HTML:
        result = st.store.describe(iri, inbound_limit=PAGE_SIZE, inbound_offset=offset)
        assert isinstance(result, GraphResult)
        desc = describe(iri, result)
        if desc.empty:
            raise NotFound(f"nothing is published as {iri}")
        html = _render_html(st, desc, lang, doc_path, page)
        return html.encode("utf-8"), desc.inbound_count >= PAGE_SIZE
    result = st.store.describe(
        iri, result_format=fmt.key, inbound_limit=PAGE_SIZE, inbound_offset=offset
    )
    assert isinstance(result, Serialized)
    if result.count == 0:
        raise NotFound(f"nothing is published as {iri}")
    return result.body, False


# ------------------------------------------------------------------ HTML


def _render_html(st: AppState, desc: Description, lang: str, doc_path: str, page: int) -> str:
    labeller = Labeller(st, desc.labels, lang)
    common: dict[str, Any] = {
        "lang": lang,
        "t": strings(lang),
        "L": labeller,
        "d": desc,
        "iri": desc.iri,
        "doc_path": doc_path,
        "formats": DOCUMENT_FORMATS[1:],
        "page": page,
        "page_size": PAGE_SIZE,
        "title": labeller(desc.iri),
    }
    if f"{st.kyodo}Project" in desc.types:
        common.update(_project_view(st, desc, labeller, lang))
        return render_template("project.html", **common)
    return render_template("resource.html", **common, sections=_sections(st, desc, labeller))


def _sections(st: AppState, desc: Description, labeller: Labeller) -> dict[str, Any]:
    """Properties in a stable order (type and labels first), and inbound links by property."""
    first = [RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label"]
    props = sorted(
        desc.outbound,
        key=lambda p: (p not in first, first.index(p) if p in first else 0, labeller(p)),
    )
    inbound = sorted(desc.inbound, key=labeller)
    return {"outbound": props, "inbound": inbound}


def _project_view(st: AppState, desc: Description, labeller: Labeller, lang: str) -> dict[str, Any]:
    k = st.kyodo
    # (every row of the city's projects' targets: a city of 2,500 projects is ~10,000 rows)
    result = st.store.query(queries.project_extras(k, desc.iri), max_rows=CITY_ROWS_MAX)
    assert isinstance(result, SelectResult)
    kpis: dict[str, dict[str, Any]] = {}
    targets: dict[str, dict[str, Any]] = {}
    units: dict[str, str] = {}
    excerpt: dict[str, Any] = {}
    related: dict[str, dict[str, Any]] = {}
    city_rows: list[dict[str, Any]] = []
    for row in result.dicts():
        kind = row["kind"].value
        a = row.get("a")
        if a is None:
            continue
        if kind == "kpi":
            kpi = kpis.setdefault(a.value, {"iri": a.value})
            for key, var in (("order", "b"), ("text", "c"), ("value", "d"), ("unit", "e")):
                if var in row:
                    kpi[key] = row[var].value
        elif kind == "target":
            target = targets.setdefault(a.value, {"iri": a.value, "code": _sdg_code(a.value)})
            if "b" in row:
                target["goal"] = row["b"].value
                target["goal_code"] = _sdg_code(row["b"].value)
            if "c" in row:
                target["color"] = row["c"].value
        elif kind == "unit" and "b" in row:
            units[row["b"].value] = row["c"].value if "c" in row else labeller(row["b"])
        elif kind == "excerpt":
            excerpt = {"iri": a.value}
            for key, var in (("start", "b"), ("end", "c"), ("page", "d"), ("label", "e")):
                if var in row:
                    excerpt[key] = row[var].value
        elif kind == "related" and "b" in row:
            city_rows.append(row)
    # the city's projects that share one of this project's targets: their first rows in
    # (project, target, label) order, as many as a page lists
    own = {t.value for t in desc.values(f"{k}sdgTarget")}
    shared = sorted(
        (row for row in city_rows if row["b"].value in own),
        key=lambda row: (row["a"].value, row["b"].value, row["c"].value if "c" in row else ""),
    )
    for row in shared[:RELATED_ROWS]:
        item = related.setdefault(row["a"].value, {"iri": row["a"].value, "targets": set()})
        if "c" in row:
            labeller.labels.add_label(row["a"].value, row["c"])
        item["targets"].add(_sdg_code(row["b"].value))
    kpi_list = sorted(kpis.values(), key=lambda x: int(x.get("order", 0) or 0))
    target_list = sorted(targets.values(), key=lambda x: sdg_code_key(x["code"]))
    for target in target_list:
        target["title_ja"] = _label_in(labeller, target["iri"], "ja")
        target["title_en"] = _label_in(labeller, target["iri"], "en")
    # the bureau: the highest unit above the department (shortest IRI = closest to the city)
    chain = sorted(units, key=len)
    related_list = sorted(
        related.values(), key=lambda x: (sorted(sdg_code_key(c) for c in x["targets"]), x["iri"])
    )
    for item in related_list:
        item["targets"] = sorted(item["targets"], key=sdg_code_key)
    relisted_as = sorted(
        {t.value for t in desc.values(f"{k}relistedAs")}
        | {t.value for t in desc.inbound.get(f"{k}relists", [])}
    )
    return {
        "relisted_as": relisted_as,
        "kpis": kpi_list,
        "targets": target_list,
        "bureaus": [(iri, units[iri]) for iri in chain],
        "excerpt": excerpt,
        "related": related_list,
        "jsonld": _project_jsonld(st, desc, labeller, kpi_list, target_list),
    }


def _label_in(labeller: Labeller, iri: str, lang: str) -> str | None:
    texts = labeller.labels.texts.get(iri, {})
    for prop_texts in texts.values():
        if lang in prop_texts:
            return prop_texts[lang]
    return None


def _sdg_code(iri: str) -> str:
    return iri[len(SDG_BASE) :] if iri.startswith(SDG_BASE) else iri


def _project_jsonld(
    st: AppState,
    desc: Description,
    labeller: Labeller,
    kpis: list[dict[str, Any]],
    targets: list[dict[str, Any]],
) -> dict[str, Any]:
    """schema.org for search engines (serialised with |tojson, which escapes '<')."""
    k = st.kyodo
    name = desc.literal_in("http://www.w3.org/2000/01/rdf-schema#label", "ja") or labeller(desc.iri)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": desc.iri,
        "name": name,
        "url": desc.iri,
        "inLanguage": "ja",
    }
    text = desc.literal_in(f"{k}planText", "ja")
    if text:
        data["description"] = text
    dept = desc.first(f"{k}responsibleDepartment")
    if dept is not None:
        data["sponsor"] = {
            "@type": "GovernmentOrganization",
            "@id": dept.value,
            "name": labeller(dept),
        }
    if targets:
        data["about"] = [
            {
                "@type": "DefinedTerm",
                "@id": t["iri"],
                "termCode": t["code"],
                "name": t.get("title_en") or t.get("title_ja") or t["code"],
                "inDefinedTermSet": "http://metadata.un.org/sdg",
            }
            for t in targets
        ]
    year = desc.first(f"{k}fiscalYear")
    if year is not None:
        data["temporalCoverage"] = year.value
    return data
