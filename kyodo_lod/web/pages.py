"""Pages for people: the home page (counts, SDG chart) and the SDG goal/target pages.

SDG paths (ours, documented in docs/architecture.md): /sdg/ lists the goals, /sdg/17 a goal with
its targets and our projects, /sdg/17.17 one target and the projects serving it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template, request, send_from_directory
from markupsafe import Markup

from ..model import sdg_code_key
from ..rdf.iris import SDG_BASE, sdg_goal, sdg_target
from ..store import SelectResult
from . import queries
from .conneg import HTML
from .errors import NotFound
from .i18n import choose_language, pick, strings
from .resources import page_number
from .state import VENDOR_DIR, AppState, state
from .svg import Bar, bar_chart
from .views import Labeller, Labels

bp = Blueprint("pages", __name__)

GOAL_CODE = re.compile(r"^(\d{1,2})$")
TARGET_CODE = re.compile(r"^(\d{1,2})\.([0-9]{1,2}|[a-z])$")


def _page(
    template: str,
    lang: str,
    context: Callable[[], dict[str, Any]],
    etag_parts: tuple[str, ...] = (),
) -> Response:
    """A page rendered once per path, query string and language (``context`` runs the
    queries only when the page is not cached yet)."""
    st = state()
    etag = st.etag("page", template, lang, *etag_parts)
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        key = st.response_key("page", request.path, request.query_string, lang)
        body = st.responses.fetch(
            key,
            lambda: render_template(template, lang=lang, t=strings(lang), **context()).encode(),
            len,
        )
        response = Response(body, content_type=HTML.content_type)
    response.headers["Vary"] = "Accept-Language, Cookie"
    if request.args.get("lang") in ("ja", "en"):
        response.set_cookie("lang", request.args["lang"], max_age=31536000, samesite="Lax")
    response.set_etag(etag)
    response.last_modified = st.build.modified
    return response.make_conditional(request)


def goal_rows(st: AppState, lang: str) -> list[dict[str, Any]]:
    """The 17 goals with label, colour and project count (cached per language)."""

    def compute() -> list[dict[str, Any]]:
        result = st.store.query(queries.goals(st.kyodo))
        assert isinstance(result, SelectResult)
        goals: dict[str, dict[str, Any]] = {}
        for row in result.dicts():
            iri = row["goal"].value
            goal = goals.setdefault(
                iri,
                {
                    "iri": iri,
                    "code": iri[len(SDG_BASE) :],
                    "labels": {},
                    "short": {},
                    "count": 0,
                    "color": "",
                },
            )
            if "label" in row:
                goal["labels"][row["label"].lang or ""] = row["label"].value
            if "short" in row:
                goal["short"][row["short"].lang or ""] = row["short"].value
            if "color" in row:
                goal["color"] = row["color"].value
            if "n" in row:
                goal["count"] = int(row["n"].value)
        return sorted(
            (g for g in goals.values() if g["code"].isdigit()), key=lambda g: int(g["code"])
        )

    rows = st.cached("goals", compute)
    return [
        {
            **g,
            "label": pick(g["labels"], lang) or f"Goal {g['code']}",
            "name": pick(g["short"], lang) or "",  # the short name: 貧困をなくそう, No poverty
        }
        for g in rows
    ]


@bp.route("/", methods=["GET", "HEAD"])
def home() -> Response:
    st = state()
    lang = choose_language(request)
    return _page("home.html", lang, lambda: _home_context(st, lang))


def _home_context(st: AppState, lang: str) -> dict[str, Any]:
    counts = st.cached("counts", lambda: _counts(st))
    goals = goal_rows(st, lang)
    t = strings(lang)
    chart = bar_chart(
        [
            Bar(
                key=g["code"],
                label=f"{g['code']} {g['name']}".strip(),
                value=g["count"],
                color=g["color"],
                href=f"/sdg/{g['code']}",
                tooltip=g["label"],
            )
            for g in goals
        ],
        title=t["chart_title"],
        description=t["chart_alt"]
        + ": "
        + ", ".join(f"{t['goal']} {g['code']} = {g['count']}" for g in goals),
    )
    from .sparql import _graph_counts

    return {
        "counts": counts,
        "chart": Markup(chart),  # built from escaped parts in svg.py
        "goals": goals,
        "graphs": _graph_counts(st),
        "title": t["site"],
    }


def _counts(st: AppState) -> dict[str, int]:
    result = st.store.query(queries.counts(st.kyodo))
    assert isinstance(result, SelectResult)
    return {row["what"].value: int(row["n"].value) for row in result.dicts()}


@bp.route("/sdg/", methods=["GET", "HEAD"])
def sdg_index() -> Response:
    st = state()
    lang = choose_language(request)
    return _page(
        "sdg_index.html",
        lang,
        lambda: {"goals": goal_rows(st, lang), "title": strings(lang)["sdg_index"]},
    )


@bp.route("/sdg/<code>", methods=["GET", "HEAD"])
def sdg_page(code: str) -> Response:
    st = state()
    lang = choose_language(request)
    if GOAL_CODE.match(code) and 1 <= int(code) <= 17:
        return _page("sdg_goal.html", lang, lambda: _goal(st, code, lang), (code,))
    if TARGET_CODE.match(code):
        page = (code, str(page_number()))
        return _page("sdg_target.html", lang, lambda: _target(st, code, lang), page)
    raise NotFound(f"no SDG goal or target {code}")


def _sdg_labels(st: AppState, iri: str) -> tuple[Labels, dict[str, Any]]:
    result = st.store.query(queries.sdg_labels(iri))
    assert isinstance(result, SelectResult)
    labels = Labels()
    info: dict[str, Any] = {"color": "", "goal": None}
    for row in result.dicts():
        prop = row["p"].value
        if prop.endswith("#prefLabel"):
            labels.add_label(iri, row["o"])
        elif prop.endswith("#color"):
            info["color"] = row["o"].value
        elif prop.endswith("#isTargetOf"):
            info["goal"] = row["o"].value
        elif prop.endswith("#altLabel"):
            info.setdefault("short", {})[row["o"].lang or ""] = row["o"].value
    return labels, info


def _goal(st: AppState, code: str, lang: str) -> dict[str, Any]:
    iri = str(sdg_goal(code))
    labels, info = _sdg_labels(st, iri)
    if not labels.texts:
        raise NotFound(f"SDG goal {code} is not in the published vocabulary")
    counts = st.store.query(queries.goal_counts(st.kyodo, iri))
    assert isinstance(counts, SelectResult)
    count = {row["t"].value if "t" in row else "": int(row["n"].value) for row in counts.dicts()}
    limit = st.settings.sdg_page_projects
    if sum(count.values()) > limit:  # (a national build: counts, and each target links its page)
        return _goal_summary(st, code, iri, labels, info, count, lang)
    result = st.store.query(queries.goal_page(st.kyodo, iri))
    assert isinstance(result, SelectResult)
    targets: dict[str, dict[str, Any]] = {}
    stated: dict[str, str] = {}  # the projects whose plan states this goal → their year
    for row in result.dicts():
        if "t" not in row:
            stated[row["p"].value] = row["year"].value if "year" in row else ""
            if "plabel" in row:
                labels.add_label(row["p"].value, row["plabel"])
            continue
        t_iri = row["t"].value
        target = targets.setdefault(
            t_iri, {"iri": t_iri, "code": t_iri[len(SDG_BASE) :], "projects": {}}
        )
        if "tlabel" in row:
            labels.add_label(t_iri, row["tlabel"])
        if "p" in row:
            target["projects"][row["p"].value] = row.get("year").value if "year" in row else ""
            if "plabel" in row:
                labels.add_label(row["p"].value, row["plabel"])
    for target in targets.values():  # as the target page orders them, not as the engine gave
        target["projects"] = dict(sorted(target["projects"].items(), key=lambda p: (p[1], p[0])))
    listed = list(targets.values())
    return _goal_view(st, code, iri, info, labels, lang, stated, len(stated), listed)


def _goal_summary(
    st: AppState,
    code: str,
    iri: str,
    labels: Labels,
    info: dict[str, Any],
    count: dict[str, int],
    lang: str,
) -> dict[str, Any]:
    """The goal page when its projects are too many to list (across many cities): each target
    with its count and a link to its own (paged) page; the first projects stating the goal."""
    targets = st.store.query(queries.goal_targets(iri))
    assert isinstance(targets, SelectResult)
    found: dict[str, dict[str, Any]] = {}
    for row in targets.dicts():
        t_iri = row["t"].value
        found.setdefault(
            t_iri, {"iri": t_iri, "code": t_iri[len(SDG_BASE) :], "count": count.get(t_iri, 0)}
        )
        if "tlabel" in row:
            labels.add_label(t_iri, row["tlabel"])
    stated: dict[str, str] = {}
    if count.get(""):
        result = st.store.query(queries.goal_stated(st.kyodo, iri, st.settings.sdg_page_projects))
        assert isinstance(result, SelectResult)
        for row in result.dicts():
            stated.setdefault(row["p"].value, row["year"].value if "year" in row else "")
            if "plabel" in row:
                labels.add_label(row["p"].value, row["plabel"])
    counted = list(found.values())
    return _goal_view(st, code, iri, info, labels, lang, stated, count.get("", 0), counted)


def _goal_view(
    st: AppState,
    code: str,
    iri: str,
    info: dict[str, Any],
    labels: Labels,
    lang: str,
    stated: dict[str, str],
    stated_count: int,
    targets: list[dict[str, Any]],
) -> dict[str, Any]:
    """The goal page's context: targets with projects (listed, or counted) and without."""
    key = lambda t: sdg_code_key(t["code"])  # noqa: E731
    used = [t for t in targets if t.get("projects") or t.get("count")]
    unused = [t for t in targets if not (t.get("projects") or t.get("count"))]
    return {
        "code": code,
        "iri": iri,
        "color": info["color"],
        "L": Labeller(st, labels, lang),
        "stated": dict(sorted(stated.items(), key=lambda p: (p[1], p[0]))),
        "stated_count": stated_count,
        "used": sorted(used, key=key),
        "unused": sorted(unused, key=key),
        "title": f"SDG {code}",
    }


def _target(st: AppState, code: str, lang: str) -> dict[str, Any]:
    iri = str(sdg_target(code))
    labels, info = _sdg_labels(st, iri)
    if not labels.texts:
        raise NotFound(f"SDG target {code} is not in the published vocabulary")
    goal_iri = info["goal"] or str(sdg_goal(code.split(".")[0]))
    goal_labels, goal_info = _sdg_labels(st, goal_iri)
    labels.texts.update(goal_labels.texts)
    size = st.settings.sdg_page_projects
    page = page_number()
    counted = st.store.query(queries.target_count(st.kyodo, iri))
    assert isinstance(counted, SelectResult)
    total = int(next(iter(counted.dicts()))["n"].value)
    result = st.store.query(queries.target_page(st.kyodo, iri, size, (page - 1) * size))
    assert isinstance(result, SelectResult)
    projects: dict[str, dict[str, Any]] = {}
    for row in result.dicts():
        p = row["p"].value
        item = projects.setdefault(p, {"iri": p})
        for var, key in (("dept", "dept"), ("policy", "policy"), ("year", "year")):
            if var in row:
                item[key] = row[var].value
        for var, label_var in (("p", "plabel"), ("dept", "dlabel"), ("policy", "polabel")):
            if var in row and label_var in row:
                labels.add_label(row[var].value, row[label_var])
    return {
        "code": code,
        "iri": iri,
        "goal_iri": goal_iri,
        "goal_code": goal_iri[len(SDG_BASE) :],
        "color": goal_info["color"],
        "L": Labeller(st, labels, lang),
        "projects": sorted(projects.values(), key=lambda x: (x.get("year", ""), x["iri"])),
        "total": total,
        "page": page,
        "pages": max(1, -(-total // size)),
        "title": f"SDG {code}",
    }


@bp.route("/vendor/<path:filename>", methods=["GET", "HEAD"])
def vendor(filename: str) -> Response:
    """The vendored query editor (npm install by scripts/vendor_yasgui.sh)."""
    return send_from_directory(VENDOR_DIR / "build", filename, max_age=86400)
