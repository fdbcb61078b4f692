"""Self-checks of the project table against itself and the front sheet: the № run, the
◆基本施策 headings, and the policies the lists name. Each returns failure messages."""

from __future__ import annotations

from ...errors import Location, Problem, SourceError
from .front_sheet import FrontSheet
from .meta import meta_path
from .plan_source import PlanSource
from .project_rows import TableRow


def numbering_failures(rows: list[TableRow]) -> list[str]:
    """Every № once, and the №s run 1, 2, 3, ... through the table."""
    failures = []
    by_number: dict[int, TableRow] = {}
    for row in rows:
        if row.number in by_number:
            failures.append(
                f"№ {row.number} appears twice (lines {by_number[row.number].span.first_line}"
                f" and {row.span.first_line})"
            )
        by_number.setdefault(row.number, row)
    for previous, row in zip([None, *rows], rows, strict=False):
        expected = 1 if previous is None else previous.number + 1
        if row.number != expected:
            after = f"№ {previous.number}" if previous else "the table's start"
            failures.append(
                f"№ run broken in policy {row.policy}: № {row.number} (line"
                f" {row.span.first_line}) follows {after}{_missing(expected, row.number)}"
            )
    return failures


def _missing(expected: int, found: int) -> str:
    if found > expected + 1:
        return f"; № {expected}–{found - 1} missing"
    if found == expected + 1:
        return f"; № {expected} missing"
    return ""


def policy_failures(
    source: PlanSource, policies: dict[str, tuple[str, int]], front: FrontSheet
) -> list[str]:
    """The ◆ headings run 1, 2, 3, ..., match the summary table's policies and the lists'; a
    policy without an English title in the sidecar is a ``SourceError``."""
    failures = []
    in_table = list(policies)
    expected = [str(n) for n in range(1, len(in_table) + 1)]
    if in_table != expected:
        failures.append(
            f"◆基本施策 headings run {', '.join(in_table)}; expected {', '.join(expected)}"
        )
    if set(in_table) != set(front.summaries):
        failures.append(
            f"the table has policies {', '.join(in_table)} but the summary table has"
            f" {', '.join(front.summaries)}"
        )
    missing = [n for n in in_table if n not in source.meta.policy_titles_en]
    if missing:
        raise SourceError(
            Problem(
                Location(str(meta_path(source.path))),
                f"no English title for policy {', '.join(missing)} (policy_titles_en)",
            )
        )
    for entry in (*front.expanded, *front.completed):
        if entry.policy not in policies:
            failures.append(
                f"the list entry {entry.name!r} (line {entry.line}) names policy"
                f" {entry.policy}, which the table does not have"
            )
    return failures
