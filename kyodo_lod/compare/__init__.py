"""Cross-city comparison: which SDG goals and targets each city's plan serves, and how.

Every figure comes from a SPARQL SELECT (``queries``), so the same questions run against the
embedded store (``StoreRunner``) or any kyodo-lod server's endpoint (``EndpointRunner``, over
kyodo_lod.store.http; ``runners``). The queries answer per city; what is *across* cities
(shares, targets shared by all, targets only one city covers) is derived from those rows in
Python, the one place both the local and the federated comparison meet (``tables.merge``).
``report`` writes the result as CSV rows or text tables.

Counting rule: a city's plan in a fiscal year is its implementation plan(s) of that year; its
projects are the numbered rows of that year's table that are not 再掲 (a relisted row repeats a
project already counted). A project serves a goal when the plan tags it with that goal
(``kyodo:statedSdgGoal``) or one of its targets is a target of that goal (``sdgo:isTargetOf`` in
the SDG vocabulary): counted once either way. A plan that tags goals only has no target-level
tags: the per-target tables say so (``NO_TARGET_TAGS``) instead of showing zeros.
Share = projects serving / projects in plan.
The year compared is each city's latest year with numbered projects, unless one is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..store import open_store
from .report import (
    CATEGORY_ORDER,
    NO_TARGET_TAGS,
    category_label,
    change_columns,
    table_rows,
    to_csv,
    to_text,
)
from .runners import CompareError, EndpointRunner, Runner, StoreRunner
from .tables import (
    Changes,
    CityPlan,
    Comparison,
    available_cities,
    cell_projects,
    compare,
    merge,
)

__all__ = [
    "CATEGORY_ORDER",
    "NO_TARGET_TAGS",
    "Changes",
    "CityPlan",
    "CompareError",
    "Comparison",
    "EndpointRunner",
    "Runner",
    "StoreRunner",
    "available_cities",
    "category_label",
    "cell_projects",
    "change_columns",
    "compare",
    "merge",
    "parse_changes",
    "run_compare",
    "table_rows",
    "to_csv",
    "to_text",
]


def parse_changes(text: str | None) -> tuple[int, int] | None:
    """ "2024:2025" → (2024, 2025)."""
    if not text:
        return None
    first, sep, second = text.partition(":")
    if not (sep and first.strip().isdigit() and second.strip().isdigit()):
        raise CompareError(f"--changes takes two fiscal years as A:B (2024:2025), not {text!r}")
    return int(first), int(second)


def run_compare(
    settings: object,
    cities: Sequence[str],
    endpoints: Sequence[str],
    year: int | None,
    changes: str | None,
    csv_file: object | None,
) -> str:
    """What ``kyodo-lod compare`` does: local store from dist/, or the given endpoints. Returns
    the text tables (or a one-line note when the CSV went to a file)."""
    span = parse_changes(changes)
    if endpoints:
        runners: list[Runner] = [EndpointRunner(url) for url in endpoints]
        result = compare(runners, cities, year=year, changes=span)
    else:
        if not cities:
            raise CompareError("name the cities to compare (local government codes)")
        store = open_store(settings, workers=1)
        try:
            result = compare([StoreRunner(store)], cities, year=year, changes=span)
        finally:
            store.close()
    if csv_file is not None:
        path = Path(str(csv_file))
        if str(path) == "-":
            return to_csv(result)
        path.write_text(to_csv(result), encoding="utf-8")
        return f"wrote {path} ({len(table_rows(result))} rows)\n"
    return to_text(result)
