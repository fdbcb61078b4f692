"""/compare: cities side by side (SDG goals and targets, departments, changes between years).

The figures come from kyodo_lod.compare's SPARQL queries over this server's store; the page adds
a heat map (SDG goals × cities) drawn as SVG on the server, each cell linking to the projects
behind it (/compare/cell).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from ..compare import (
    CATEGORY_ORDER,
    NO_TARGET_TAGS,
    CityPlan,
    CompareError,
    Comparison,
    StoreRunner,
    available_cities,
    category_label,
    cell_projects,
    change_columns,
    compare,
    parse_changes,
    to_csv,
)
from .errors import error_response
from .i18n import choose_language, strings
from .state import state
from .svg import label_margin

bp = Blueprint("compare", __name__)

MAX_CITIES = 20  # one page, one heat map: more columns would not be readable
NO_PREFECTURE = {
    "ja": "都道府県なし（登録簿にない団体コード）",
    "en": "No prefecture (code not in the registry)",
}
CityGroups = list[tuple[str, list[tuple[str, str]]]]


def city_groups(cities: Iterable[CityPlan], lang: str) -> CityGroups:
    """The cities to choose from as (prefecture, [(code, name)]): prefectures in code order,
    cities by code; the cities the registry of local governments lacks come last."""
    groups: dict[tuple[bool, str], tuple[str, set[tuple[str, str]]]] = {}
    for city in cities:
        name = city.prefecture_ja if lang == "ja" else city.prefecture_en
        key = (not city.prefecture_code, city.prefecture_code)
        label = name if city.prefecture_code else NO_PREFECTURE[lang]
        groups.setdefault(key, (label, set()))[1].add((city.code, city.name))
    return [(label, sorted(members)) for _, (label, members) in sorted(groups.items())]


def cell_url(code: str, year: int, kind: str, value: str) -> str:
    return "/compare/cell?" + urlencode({"city": code, "year": year, kind: value})


def heat_map(comparison: Comparison, lang: str = "ja") -> str:
    """SDG goals (rows) × cities (columns); the colour's strength is the share of the plan.
    Every text is escaped: names come from data."""
    codes = comparison.codes
    labels = {
        goal: f"{goal} {comparison.goal_labels.get(goal, '')}".strip() for goal in range(1, 18)
    }
    # the left margin fits the longest goal name whole (names were cut at the left edge)
    left, top, cell_w, cell_h = label_margin(labels.values()), 56, 120, 26
    width = left + cell_w * len(codes) + 8
    height = top + cell_h * 17 + 8
    title = "SDGゴール別の事業の割合" if lang == "ja" else "Share of plan projects per SDG goal"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="heat-title" '
        'class="heatmap" id="heatmap">',
        f'<title id="heat-title">{escape(title)}</title>',
    ]
    for column, city in enumerate(comparison.cities):
        x = left + column * cell_w + cell_w // 2
        out.append(
            f'<text x="{x}" y="{top - 30}" text-anchor="middle" class="heat-city">'
            f"{escape(city.name)}</text>"
            f'<text x="{x}" y="{top - 12}" text-anchor="middle" class="heat-city-sub">'
            f"{escape(city.code)} FY{city.fiscal_year} ({city.projects})</text>"
        )
    peak = max(
        (comparison.share(c, n) for by in comparison.goals.values() for c, n in by.items()),
        default=0.0,
    )
    for row, goal in enumerate(range(1, 18)):
        y = top + row * cell_h
        out.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" class="heat-goal">'
            f"{escape(labels[goal])}</text>"
        )
        colour = comparison.goal_colours.get(goal, "#5b6770")
        if not (colour.startswith("#") and len(colour) == 7):
            colour = "#5b6770"
        by = comparison.goals.get(goal, {})
        for column, city in enumerate(comparison.cities):
            n = by.get(city.code, 0)
            share = comparison.share(city.code, n)
            x = left + column * cell_w
            opacity = 0.08 + 0.92 * (share / peak) if n and peak else 0.0
            tip = f"{city.name} — SDG {goal}: {n} ({share:.1%})"
            rect = (
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{colour}" fill-opacity="{opacity:.3f}" stroke="#d0d4d8" '
                f'data-goal="{goal}" data-city={quoteattr(city.code)} data-projects="{n}">'
                f"<title>{escape(tip)}</title></rect>"
                f'<text x="{x + cell_w // 2}" y="{y + 17}" text-anchor="middle" '
                f'class="heat-value">{n} · {share:.0%}</text>'
                if n
                else f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" '
                f'height="{cell_h - 2}" fill="#ffffff" stroke="#d0d4d8" data-goal="{goal}" '
                f'data-city={quoteattr(city.code)} data-projects="0"><title>{escape(tip)}'
                "</title></rect>"
            )
            if n:
                href = quoteattr(cell_url(city.code, city.fiscal_year, "goal", str(goal)))
                rect = f"<a href={href}>{rect}</a>"
            out.append(rect)
    out.append("</svg>")
    return "".join(out)


def _runner() -> StoreRunner:
    # (the city-years are asked once per build: at 1,741 cities that query takes ~5 s)
    return StoreRunner(state().store, name="this server", memo=state().cache)


def _cacheable(lang: str, answer: Callable[[], Response]) -> Response:
    """``answer()``, or 304 without asking the store when If-None-Match holds its ETag: the
    build, the request (path and query string) and the language. Refusals get none."""
    request_key = hashlib.sha256(request.full_path.encode("utf-8")).hexdigest()[:24]
    etag = state().etag("compare", lang, request_key)
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = answer()
        if response.status_code != 200:
            return response
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@bp.get("/compare")
def compare_page() -> Response:
    lang = choose_language(request)
    return _cacheable(lang, lambda: _compare_page(lang))


def _compare_page(lang: str) -> Response:
    codes = [c.strip() for c in request.args.getlist("city") if c.strip()]
    runner = _runner()
    try:
        year = int(request.args["year"]) if request.args.get("year") else None
        changes = parse_changes(request.args.get("changes"))
        if len(codes) > MAX_CITIES:
            raise CompareError(f"compare at most {MAX_CITIES} cities at once")
        cities = available_cities(runner)
        comparison = compare([runner], codes, year=year, changes=changes) if codes else None
    except (CompareError, ValueError) as exc:
        return error_response(400, str(exc))
    if comparison is not None and request.args.get("format") == "csv":
        return Response(to_csv(comparison), content_type="text/csv; charset=utf-8")
    body = render_template(
        "compare.html",
        lang=lang,
        t=strings(lang),
        title="都市の比較" if lang == "ja" else "Compare cities",
        city_groups=city_groups(cities, lang),
        chosen=codes,
        comparison=comparison,
        heat_map=Markup(heat_map(comparison, lang)) if comparison else "",
        cell_url=cell_url,
        categories=change_columns(comparison) if comparison else CATEGORY_ORDER,
        category_label=category_label,
        no_target_tags=NO_TARGET_TAGS[lang],
        csv_url=request.full_path + "&format=csv" if comparison else "",
    )
    return Response(body, content_type="text/html; charset=utf-8")


@bp.get("/compare/cell")
def cell_page() -> Response:
    """The projects behind one cell: ?city=&year= and one of goal=, target=, kind=."""
    lang = choose_language(request)
    return _cacheable(lang, lambda: _cell_page(lang))


def _cell_page(lang: str) -> Response:
    st = state()
    code, year = request.args.get("city", ""), request.args.get("year", "")
    kind = next((k for k in ("goal", "target", "kind") if request.args.get(k)), None)
    if not code or not year.isdigit() or kind is None:
        return error_response(400, "give city, year and one of goal, target or kind")
    value = request.args[kind]
    try:
        rows = cell_projects(_runner(), code, int(year), kind, value)
    except CompareError as exc:
        return error_response(400, str(exc))
    projects = [
        {"href": st.local_path(iri) or iri, "iri": iri, "number": number, "name": name}
        for iri, number, name in rows
    ]
    if request.args.get("format") == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["project", "number", "name"])
        writer.writerows(rows)
        return Response(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    body = render_template(
        "compare.html",
        lang=lang,
        t=strings(lang),
        title=f"{code} FY{year} {kind} {value}",
        cell={"city": code, "year": year, "kind": kind, "value": value, "projects": projects},
        city_groups=[],
        chosen=[code],
        comparison=None,
        heat_map="",
        cell_url=cell_url,
        categories=CATEGORY_ORDER,
        category_label=category_label,
        csv_url="",
    )
    return Response(body, content_type="text/html; charset=utf-8")
