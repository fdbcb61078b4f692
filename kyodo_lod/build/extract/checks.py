"""Self-checks: the extraction against the plan's own summary table and lists.

Functions return failure messages (the caller raises one ``ConsistencyError`` listing them all)
or anomalies (recorded, not fatal). Each failure names the policy and the numbers.

How the summary table counts (established on the FY2025 plan, and checked every time):
- 継続 includes the 再掲 rows (policy 2: 5 継続 rows + 1 再掲 row, summary 継続 6);
- 2025 count = 新規・追加 + 拡充 + 継続; 2024 count = 2025 count − 新規・追加 + 完了・統合;
- 完了・統合 (printed △n) = the entries of the 【完了等】 list under that policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ...model import Anomaly, Category, PolicySummary, Project, SourceSpan, sdg_code_key
from .text import compare_key, variant_key


@dataclass(frozen=True)
class ListEntry:
    """One entry of the front sheet's 拡充 or 完了等 list."""

    policy: str
    name: str
    department: str  # as printed
    line: int


def _numbers(projects: Iterable[Project]) -> str:
    numbers = sorted(p.number for p in projects if p.number is not None)
    if not numbers:
        return "none"
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
        return f"№ {numbers[0]}–{numbers[-1]}"
    return "№ " + ", ".join(map(str, numbers))


def summary_checks(
    summaries: Mapping[str, PolicySummary],
    total: PolicySummary | None,
    projects: Sequence[Project],
) -> list[str]:
    failures: list[str] = []
    for number, s in summaries.items():
        rows = [p for p in projects if p.policy_number == number and p.number is not None]
        by = {c: [p for p in rows if p.category is c] for c in Category}
        continued = by[Category.CONTINUED] + by[Category.RELISTED]
        if len(rows) != s.project_count:
            failures.append(
                f"policy {number}: the table lists {len(rows)} projects ({_numbers(rows)}) but"
                f" the summary table says {s.project_count}"
            )
        for label, found, stated in (
            ("新規・追加", by[Category.NEW], s.new),
            ("拡充", by[Category.EXPANDED], s.expanded),
            ("継続 (incl. 再掲)", continued, s.continued),
        ):
            if len(found) != stated:
                failures.append(
                    f"policy {number}: the table has {len(found)} {label} rows"
                    f" ({_numbers(found)}) but the summary table says {stated}"
                )
        if s.new + s.expanded + s.continued != s.project_count:
            failures.append(
                f"policy {number}: the summary row's 新規・追加 {s.new} + 拡充 {s.expanded} +"
                f" 継続 {s.continued} = {s.new + s.expanded + s.continued}, not its project"
                f" count {s.project_count}"
            )
        expected_previous = s.project_count - s.new + s.completed
        if s.previous_year_count != expected_previous:
            failures.append(
                f"policy {number}: the summary says {s.previous_year_count} projects the year"
                f" before, but {s.project_count} − 新規・追加 {s.new} + 完了・統合 {s.completed}"
                f" = {expected_previous}"
            )
    if total is not None:
        for attribute, label in (
            ("project_count", "projects"),
            ("new", "新規・追加"),
            ("expanded", "拡充"),
            ("continued", "継続"),
            ("completed", "完了・統合"),
            ("previous_year_count", "previous-year projects"),
        ):
            added = sum(getattr(s, attribute) for s in summaries.values())
            if getattr(total, attribute) != added:
                failures.append(
                    f"the summary's 計 row says {label} {getattr(total, attribute)} but its"
                    f" policy rows add up to {added}"
                )
    return failures


def headline_checks(
    stated: int | None, total: PolicySummary | None, projects: Sequence[Project]
) -> list[str]:
    numbered = [p for p in projects if p.number is not None]
    failures = []
    if stated is not None and total is not None and stated != total.project_count:
        failures.append(
            f"the headline says {stated} projects but the summary's 計 row {total.project_count}"
        )
    if stated is not None and stated != len(numbered):
        failures.append(f"the headline says {stated} projects but the table has {len(numbered)}")
    return failures


def completed_checks(
    summaries: Mapping[str, PolicySummary], completed: Sequence[Project]
) -> list[str]:
    failures = []
    for number, s in summaries.items():
        listed = [p for p in completed if p.policy_number == number]
        if len(listed) != s.completed:
            names = "、".join(p.name for p in listed) or "none"
            failures.append(
                f"policy {number}: the 完了等 list has {len(listed)} projects ({names}) but the"
                f" summary's 完了・統合 says {s.completed}"
            )
    return failures


def expanded_list_checks(
    entries: Sequence[ListEntry], projects: Sequence[Project], document: str
) -> tuple[list[str], list[Anomaly]]:
    """The 【拡充】 list against the table's 拡充 rows: same policy, same name (after NFKC,
    white space and the known-variant rule), same department. Each spelling difference that
    had to be reconciled is an anomaly."""
    failures: list[str] = []
    anomalies: list[Anomaly] = []
    expanded = [p for p in projects if p.category is Category.EXPANDED]
    matched: set[int] = set()
    for entry in entries:
        pool = [p for p in expanded if p.policy_number == entry.policy]
        hits = [p for p in pool if variant_key(p.name) == variant_key(entry.name)]
        if len(hits) != 1:
            failures.append(
                f"policy {entry.policy}: the 拡充 list (line {entry.line}) names"
                f" {entry.name!r}, which matches {len(hits)} 拡充 rows of that policy in the"
                f" table (its 拡充 rows: {_numbers(pool)})"
            )
            continue
        project = hits[0]
        assert project.number is not None
        matched.add(project.number)
        span = SourceSpan(document, entry.line, entry.line)
        if entry.name != project.name:
            anomalies.append(_name_spelling_anomaly(entry, project, span))
        table_department = "".join(project.department.path)
        if compare_key(entry.department) != compare_key(table_department):
            failures.append(
                f"policy {entry.policy}: the 拡充 list (line {entry.line}) gives № "
                f"{project.number} the department {entry.department!r}, the table"
                f" {table_department!r}"
            )
        elif "".join(entry.department.split()) != table_department:
            anomalies.append(
                Anomaly(
                    "character-width",
                    f"the 拡充 list prints the department of № {project.number} as"
                    f" {entry.department!r}, the table as {table_department!r}; they differ"
                    " only in character width and spacing. The table's spelling is kept.",
                    span,
                    project.number,
                )
            )
    for project in expanded:
        if project.number not in matched:
            failures.append(
                f"policy {project.policy_number}: № {project.number} {project.name!r} is 拡充 in"
                " the table but not in the 拡充 list"
            )
    return failures, anomalies


def _name_spelling_anomaly(entry: ListEntry, project: Project, span: SourceSpan) -> Anomaly:
    """The 拡充 list spells the name of a table row another way, which the matching bridged."""
    if compare_key(entry.name) == compare_key(project.name):
        kind, how = "character-width", "differ only in character width and spacing"
    else:
        kind, how = "name-spelling", "differ by a known spelling variant (継承/承継)"
    return Anomaly(
        kind,
        f"the 拡充 list prints the name of № {project.number} as {entry.name!r},"
        f" the table as {project.name!r}; they {how}. The table's spelling is kept.",
        span,
        project.number,
    )


def sdg_order_anomalies(projects: Iterable[Project]) -> list[Anomaly]:
    anomalies = []
    for p in projects:
        targets = list(p.sdg_targets)
        if targets != sorted(targets, key=sdg_code_key):
            anomalies.append(
                Anomaly(
                    "sdg-order",
                    f"the SDG targets of № {p.number} are not in the UN order:"
                    f" {', '.join(targets)}; kept in document order.",
                    p.source,
                    p.number,
                )
            )
        repeated = sorted({t for t in targets if targets.count(t) > 1}, key=sdg_code_key)
        if repeated:
            anomalies.append(
                Anomaly(
                    "sdg-duplicate",
                    f"№ {p.number} lists SDG target(s) {', '.join(repeated)} more than once.",
                    p.source,
                    p.number,
                )
            )
    return anomalies


# A phrase of 5+ characters printed twice in a row, with some letters in it (not "――――").
_REPEAT = re.compile(r"(.{5,}?)\1")
_LETTER = re.compile(r"[\w\u3040-\u30ff\u4e00-\u9fff]")


def duplicated_phrase_anomalies(projects: Iterable[Project]) -> list[Anomaly]:
    anomalies = []
    for p in projects:
        for match in _REPEAT.finditer(p.plan_text):
            phrase = match.group(1)
            if len(_LETTER.findall(phrase)) < 3:
                continue
            anomalies.append(
                Anomaly(
                    "duplicated-phrase",
                    f"the plan text of № {p.number} prints {phrase!r} twice in a row"
                    f" ({match.group(0)!r}), an apparent typo in the source; kept as printed.",
                    p.source,
                    p.number,
                )
            )
    return anomalies
