"""A comparison written out: long CSV rows (``table_rows``, ``to_csv``) and plain-text tables
for a terminal (``to_text``)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence

from ..model import NOT_STATED, NOT_STATED_LABELS, Category
from .tables import Comparison

# the categories of the changes table; "not-stated" counts the projects whose source states none
CATEGORY_ORDER = [*(c.value for c in Category), NOT_STATED]
# what the per-target tables say for a city whose plan tags goals only (never zeros)
NO_TARGET_TAGS = {"ja": "ターゲット単位の記載なし", "en": "no target-level tags"}

CSV_COLUMNS = (
    "table",
    "key",
    "label",
    "city_code",
    "city_name",
    "fiscal_year",
    "projects",
    "share",
)


def _cell(comparison: Comparison, code: str, projects: int) -> str:
    return f"{projects} ({comparison.share(code, projects):.1%})" if projects else "-"


def table_rows(comparison: Comparison) -> list[dict[str, str]]:
    """The comparison as long rows (one per table, key and city): what --csv writes."""
    rows: list[dict[str, str]] = []

    def add(section: str, key: str, label: str, code: str, projects: int, share: bool) -> None:
        city = comparison.city(code)
        rows.append(
            {
                "table": section,
                "key": key,
                "label": label,
                "city_code": code,
                "city_name": city.name,
                "fiscal_year": str(city.fiscal_year),
                "projects": str(projects),
                "share": f"{comparison.share(code, projects):.4f}" if share else "",
            }
        )

    for city in comparison.cities:
        add("plan", "projects", "plan projects", city.code, city.projects, True)
    for goal, by in comparison.goals.items():
        for code, n in by.items():
            add("goal", str(goal), comparison.goal_labels.get(goal, ""), code, n, True)
    for target, by in comparison.targets.items():
        for code, n in by.items():
            if comparison.tags_targets(code):
                add("target", target, "", code, n, True)
    for code in comparison.codes:
        if not comparison.tags_targets(code):
            add("target", "", NO_TARGET_TAGS["en"], code, 0, False)
            rows[-1]["projects"] = ""  # not known at target level: no figure at all
    for target in comparison.shared_targets():
        for code in comparison.codes:
            add("shared-target", target, "", code, comparison.targets[target][code], True)
    for target, code in comparison.single_city_targets():
        add("single-city-target", target, "", code, comparison.targets[target][code], True)
    for kind, by in comparison.kinds.items():
        for code, n in by.items():
            add("department-kind", kind, comparison.kind_labels.get(kind, ""), code, n, True)
    for change in comparison.changes:
        for category in CATEGORY_ORDER:
            if category in change.counts:
                key = f"{change.year_a}-{change.year_b}:{category}"
                label = NOT_STATED_LABELS["en"] if category == NOT_STATED else category
                add("changes", key, label, change.code, change.counts[category], False)
    return rows


def change_columns(comparison: Comparison) -> list[str]:
    """The categories of the changes table: "not stated" only when some project has none."""
    stated_none = any(NOT_STATED in change.counts for change in comparison.changes)
    return [c for c in CATEGORY_ORDER if c != NOT_STATED or stated_none]


def category_label(key: str, lang: str) -> str:
    """A changes column's heading: the category key, "not stated" in the page's language."""
    return NOT_STATED_LABELS.get(lang, NOT_STATED_LABELS["en"]) if key == NOT_STATED else key


def to_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table_rows(comparison))
    return buffer.getvalue()


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for row in [header, *rows]:
        cells = [cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)]
        out.append("  ".join(cells).rstrip())
    return out


def _count_grid(
    comparison: Comparison,
    first: str,
    names: list[str],
    table: dict,
    labels: dict,
    codes: list[str] | None = None,
) -> list[str]:
    """One table of projects per key and city (``codes``, default all), each cell with its
    share of the plan."""
    codes = comparison.codes if codes is None else codes
    rows = [
        [f"{key} {labels.get(key, '')}".strip()] + [_cell(comparison, c, by[c]) for c in codes]
        for key, by in table.items()
    ]
    return _grid([first, *names], rows)


def to_text(comparison: Comparison) -> str:
    """The comparison as plain-text tables for a terminal."""
    codes = comparison.codes
    names = [f"{c.name} {c.code} FY{c.fiscal_year}" for c in comparison.cities]
    lines = ["Plan projects (numbered, not 再掲): "]
    lines[0] += ", ".join(f"{c.name} {c.projects}" for c in comparison.cities)
    lines += ["", "Projects per SDG goal (share of the plan)"]
    lines += _count_grid(comparison, "goal", names, comparison.goals, comparison.goal_labels)
    lines += ["", "Projects per SDG target (share of the plan)"]
    tagging = comparison.target_codes
    if tagging:
        tagging_names = [names[codes.index(code)] for code in tagging]
        lines += _count_grid(comparison, "target", tagging_names, comparison.targets, {}, tagging)
    for code in codes:
        if code not in tagging:
            lines.append(f"  {names[codes.index(code)]}: {NO_TARGET_TAGS['en']}")
    shared = comparison.shared_targets()
    which = f"{len(tagging)} cities" + (" that tag targets" if len(tagging) < len(codes) else "")
    lines += ["", f"Targets shared by all {which}: " + (" ".join(shared) or "none")]
    lines += ["", "Targets only one city covers"]
    single = comparison.single_city_targets()
    for code in codes:
        mine = [t for t, c in single if c == code]
        shown = " ".join(mine) or "none" if code in tagging else NO_TARGET_TAGS["en"]
        lines.append(f"  {comparison.city(code).name}: {shown}")
    lines += ["", "Projects per department kind (the responsible unit)"]
    lines += _count_grid(comparison, "kind", names, comparison.kinds, comparison.kind_labels)
    if comparison.changes:
        lines += ["", "Changes between fiscal years (year B's categories + year A's completed)"]
        rows = [
            [f"{comparison.city(ch.code).name} FY{ch.year_a}→FY{ch.year_b}"]
            + [str(ch.counts.get(cat, 0)) for cat in change_columns(comparison)]
            for ch in comparison.changes
        ]
        header = [category_label(c, "en") for c in change_columns(comparison)]
        lines += _grid(["city", *header], rows)
    return "\n".join(lines) + "\n"
