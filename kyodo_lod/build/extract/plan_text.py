"""Read the text extraction of a city's implementation plan into a ``PlanYear``.

The text is what a PDF-to-text tool made of the plan (see data/sources/SOURCE.md). It has two
parts, and every non-blank line of both is accounted for (read, or skipped as layout by a named
rule); a line no rule knows is a ``SourceError``, so nothing is dropped silently.

**Front sheet** (``front_sheet``, no page number): the plan's title, the headline
【2025 年度実施事業数 95 】, the summary table (per 基本施策: FY count, 新規・追加, 拡充, 継続,
完了・統合 printed with △ = minus, previous FY count; then the 計 row), the 【拡充】 list and the
【完了等】 list (policy, name, 担当課).

**Project table** (``project_table``): a page header (the title 「…_2025年度実施計画」 and/or the
column heads from 「№」 down to 「SDGsの取り組み」), ◆基本施策 headings, and one row per project
(``project_rows``): ``№ 区分 事業名`` then the name's wrapped lines, the 事業計画 text with its
KPI lines (〇/○, ``project_text``), the 担当所属 and the SDG targets, one per line. Each module
states the layout rules it relies on: pages and footers; names, one-line rows, departments,
SDG targets and relist notes; wrapped plan text and KPIs.

Then the self-checks: the № run and the headings (``table_checks``), the 再掲 links
(``relists``), and the table against the summary table and the lists (``checks``). The summary
table counts 再掲 rows under 継続 (policy 2: 5 継続 + 1 再掲 rows, summary 継続 6; likewise
policies 3, 6, 7), and the checks follow that rule. Any failure is one ``ConsistencyError``
listing them all; anomalies are recorded in the plan and in each project's notes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ...errors import ConsistencyError
from ...model import Anomaly, Category, PlanYear, Policy, Project
from . import checks
from .departments import parse_department
from .front_sheet import FrontSheet, read_front_sheet
from .meta import read_meta
from .plan_source import Findings, PlanSource, read_lines
from .project_rows import TableRow
from .project_table import ProjectTable, read_project_table
from .relists import resolve_relists
from .table_checks import numbering_failures, policy_failures


def read_plan_text(path: Path) -> PlanYear:
    """Read ``path`` (a plan's text extraction) and its sidecar ``<stem>.meta.json``.

    Raises ``SourceError`` when the text cannot be read as a plan (with file, line and column)
    and ``ConsistencyError`` when what was read disagrees with the plan's own summary table and
    lists (naming the policy and the numbers)."""
    path = Path(path)
    meta = read_meta(path)
    source = PlanSource(path, read_lines(path), meta)
    findings = Findings()
    front = read_front_sheet(source)
    table = read_project_table(source, front.table_start, findings)
    findings.failures += numbering_failures(table.rows)
    relists = resolve_relists(table.rows, table.policies, findings)
    findings.failures += policy_failures(source, table.policies, front)
    completed = _completed_projects(source, front)
    projects = [_project(source, row, relists.get(row.number), findings) for row in table.rows]
    _check_against_the_front_sheet(source, front, projects, completed, findings)
    if findings.failures:
        listed = "\n".join(f"- {f}" for f in findings.failures)
        raise ConsistencyError(
            f"{source.where}: the extraction disagrees with the document itself:\n{listed}"
        )
    anomalies = sorted(
        findings.anomalies, key=lambda a: (a.source.first_line if a.source else 0, a.kind)
    )
    projects = _with_notes(projects, anomalies)
    return _plan_year(source, front, table, (*projects, *completed), anomalies)


def _check_against_the_front_sheet(
    source: PlanSource,
    front: FrontSheet,
    projects: list[Project],
    completed: list[Project],
    findings: Findings,
) -> None:
    """The checks of ``checks``: the summary table, the headline and the two lists."""
    findings.failures += checks.summary_checks(front.summaries, front.total_row, projects)
    findings.failures += checks.headline_checks(front.stated_total, front.total_row, projects)
    findings.failures += checks.completed_checks(front.summaries, completed)
    failures, anomalies = checks.expanded_list_checks(front.expanded, projects, source.document)
    findings.failures += failures
    findings.anomalies += anomalies
    findings.anomalies += checks.sdg_order_anomalies(projects)
    findings.anomalies += checks.duplicated_phrase_anomalies(projects)


def _with_notes(projects: list[Project], anomalies: list[Anomaly]) -> list[Project]:
    """Each project with the messages of its anomalies as notes."""
    notes: dict[int, list[str]] = {}
    for a in anomalies:
        if a.project_number is not None:
            notes.setdefault(a.project_number, []).append(a.message)
    return [
        replace(p, notes=tuple(notes.get(p.number, []))) if p.number in notes else p
        for p in projects
    ]


def _project(
    source: PlanSource, row: TableRow, relisted_from: int | None, findings: Findings
) -> Project:
    if row.last_page is not None and row.last_page != row.span.page:
        findings.anomaly(
            "page-break",
            f"№ {row.number} runs from page {row.span.page} to page {row.last_page}; the"
            " page header between was skipped.",
            row.span,
            row.number,
        )
    return Project(
        number=row.number,
        category=row.category,
        name=row.name,
        policy_number=row.policy,
        department=row.department,
        fiscal_year=source.fiscal_year,
        plan_text=row.plan_text,
        kpis=row.kpis,
        sdg_targets=row.sdg_targets,
        relisted_from=relisted_from,
        source=row.span,
    )


def _completed_projects(source: PlanSource, front: FrontSheet) -> list[Project]:
    """The 完了等 list's projects: of the year before, keyed c1, c2, ... in list order."""
    projects = []
    for position, entry in enumerate(front.completed, start=1):
        department = parse_department([entry.department])
        if department is None:  # the front sheet only accepts parsable departments
            raise source.problem(entry.line, "unreadable department", entry.department)
        projects.append(
            Project(
                number=None,
                key=f"c{position}",
                category=Category.COMPLETED,
                name=entry.name,
                policy_number=entry.policy,
                department=department,
                fiscal_year=source.fiscal_year - 1,
                source=source.span(entry.line),
            )
        )
    return projects


def _plan_year(
    source: PlanSource,
    front: FrontSheet,
    table: ProjectTable,
    projects: tuple[Project, ...],
    anomalies: list[Anomaly],
) -> PlanYear:
    meta = source.meta
    total = front.total_row
    return PlanYear(
        city=meta.city,
        basic_plan_key=meta.basic_plan_key,
        basic_plan_title_ja=meta.basic_plan_title_ja,
        basic_plan_title_en=meta.basic_plan_title_en,
        title_ja=meta.title_ja,
        title_en=meta.title_en,
        fiscal_year=source.fiscal_year,
        source_document=source.document,
        policies=tuple(
            Policy(number, title, meta.policy_titles_en.get(number, ""))
            for number, (title, _line) in table.policies.items()
        ),
        projects=projects,
        summaries=tuple(front.summaries.values()),
        anomalies=tuple(anomalies),
        stated_project_count=total.project_count if total else None,
        stated_previous_year_count=total.previous_year_count if total else None,
        policy_term_ja="基本施策",  # the table's own word: ◆基本施策１
        policy_term_en="Basic policy",
        source_title=meta.source_title,
        source_url=meta.source_url,
        source_rights=meta.source_rights,
        source_rights_url=meta.source_rights_url,
        source_issued=meta.source_issued,
        source_modified=meta.source_modified,
        extra={"pages": str(table.pages), "completed_list_note": front.completed_note},
    )
