"""再掲 rows linked to the project they repeat.

A 再掲 row is linked by base name (the name without its parenthesised detail) within the
policy its note 「（施策N再掲）」 names, or, without a note, within the whole plan; exactly one
project must match. Each difference that had to be bridged is recorded as an anomaly.
"""

from __future__ import annotations

from ...model import Category
from .plan_source import Findings
from .project_rows import TableRow
from .text import base_name_key, compare_key


def resolve_relists(
    rows: list[TableRow], policies: dict[str, tuple[str, int]], findings: Findings
) -> dict[int, int]:
    """The № each 再掲 row relists, by its own №; what cannot be linked is a failure."""
    links: dict[int, int] = {}
    originals = [r for r in rows if r.category is not Category.RELISTED]
    for row in rows:
        if row.category is not Category.RELISTED:
            if row.relist_note is not None:
                findings.failures.append(
                    f"project {row.number} (policy {row.policy}, line"
                    f" {row.relist_note_line}) carries a relist note but its 区分 is"
                    f" {row.category.label_ja}"
                )
            continue
        original = _original(row, originals, policies, findings)
        if original is not None:
            links[row.number] = original.number
            _record_differences(row, original, findings)
    return links


def _original(
    row: TableRow,
    originals: list[TableRow],
    policies: dict[str, tuple[str, int]],
    findings: Findings,
) -> TableRow | None:
    """The one project ``row`` relists, or ``None`` (a failure recorded)."""
    key = base_name_key(row.name)
    if row.relist_note is not None:
        if row.relist_note not in policies:
            findings.failures.append(
                f"project {row.number} (policy {row.policy}): its note (line"
                f" {row.relist_note_line}) names policy {row.relist_note}, which the"
                " table does not have"
            )
            return None
        pool = [r for r in originals if r.policy == row.relist_note]
        scope = f"policy {row.relist_note}"
    else:
        pool = [r for r in originals if r.number != row.number]
        scope = "the whole plan"
    matches = [r for r in pool if base_name_key(r.name) == key]
    if len(matches) != 1:
        found = ", ".join(f"№ {m.number}" for m in matches) or "none"
        findings.failures.append(
            f"project {row.number} (policy {row.policy}, line {row.span.first_line}) is"
            f" 再掲 but {scope} has {len(matches)} project(s) named {key!r} (found:"
            f" {found}); exactly one expected"
        )
        return None
    return matches[0]


def _record_differences(row: TableRow, original: TableRow, findings: Findings) -> None:
    """Anomalies: no note, a name that differs after the parenthesis, another department."""
    if row.relist_note is None:
        findings.anomaly(
            "missing-relist-note",
            f"№ {row.number} is 再掲 but has no 「（施策N再掲）」 note; linked by name to"
            f" № {original.number} (policy {original.policy}), the only project named"
            f" {row.name!r} that is not itself relisted.",
            row.span,
            row.number,
        )
    elif compare_key(row.name) != compare_key(original.name):
        findings.anomaly(
            "relist-name",
            f"№ {row.number} {row.name!r} relists № {original.number}"
            f" {original.name!r} (policy {original.policy}, as its note says); the names"
            f" differ after the parenthesis and were matched on {base_name_key(row.name)!r}.",
            row.span,
            row.number,
        )
    if row.department.path != original.department.path:
        findings.anomaly(
            "relist-department",
            f"№ {row.number} relists № {original.number} but names another department:"
            f" {'/'.join(row.department.path)} vs {'/'.join(original.department.path)}.",
            row.span,
            row.number,
        )
