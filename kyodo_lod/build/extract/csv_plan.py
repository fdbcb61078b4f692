"""Reading one city's plan-year from the projects.csv template (and its companion kpis.csv),
as a CSV file or a workbook's sheet of the same columns (its KPIs on a sheet named ``kpis``).

The reader checks everything before it returns: every problem is collected with its file, line
(the physical line where the CSV record starts), column (1-based) and field, and all of them are
raised together as one ``SourceError``. No rdflib here: the SDG codes to accept are passed in.

The steps, one module each: ``table`` reads the file into rows of located cells,
``plan_cells`` reads each row's cells into fields, ``csv_checks`` checks across rows and
``kpi_csv`` reads the KPIs; this module runs them and assembles the ``PlanYear``.
(``normalised_csv`` writes a plan back as the template.)

Conventions (README, "Adding another city"):
- one file = one city's implementation plan for one fiscal year (the latest ``fiscal_year`` in
  the file); rows of the year before are allowed only for 完了・統合 projects without a №, as the
  plan's list of completed projects gives them (they get the keys c1, c2, ... in file order);
- ``policy_number`` is a dotted path of levels (政策 → 施策 → 基本事業: ``2.3.1``);
  ``policy_title`` is either the title of that deepest level, or the titles of every level from
  the top joined by ``/`` (``安心なまち / 子育て支援 / 保育の充実``); each level must be titled on
  at least one row;
- a blank ``category`` is "not stated" (the project has no category); the optional
  ``sdg_goals`` column holds the goals the city tagged itself, which must include each target's
  goal when a row gives both;
- the basic plan's key is the optional ``plan_key`` column, else the ``/plan/<key>/`` part of the
  ``uri`` column (a file exported by kyodo-lod), else ``plan``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ...errors import Location, Problem, SourceError
from ...model import KPI, City, Department, PlanYear, Policy, Project, SourceSpan
from . import csv_checks
from .csv_checks import PolicyTitles, Stated
from .csv_template import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .kpi_csv import read_kpis
from .plan_cells import ProjectCells, plan_wide_values, read_project_cells
from .table import Problems, Row
from .table_file import kpi_source, read_table

_URI_KEY = re.compile(r"/project/(c\d+)$")


@dataclass(frozen=True)
class _CheckedRows:
    """What the checks across rows leave for the assembly."""

    stated: dict[str, Stated]  # the plan-wide values
    plan_key: str
    fiscal_year: int
    projects: list[ProjectCells]  # the rows that passed every check
    numbers: dict[tuple[int, int], int]  # (fiscal year, №) → line
    titles: PolicyTitles


def read_plan_csv(
    path: Path,
    kpis: Path | None = None,
    known_targets: Iterable[str] | None = None,
    sheet: str | None = None,
) -> PlanYear:
    """One plan-year from a projects.csv-template file (and its kpis.csv), fully checked.

    A workbook (.xlsx) is read from ``sheet`` (default: its first sheet not named ``kpis``),
    its KPIs from ``kpis`` or else its sheet named ``kpis`` (``table_file.kpi_source``).
    ``known_targets`` are the SDG target codes to accept (the UN vocabulary); ``None`` checks
    only their form (the pipeline checks them against the vocabulary again)."""
    path = Path(path)
    problems = Problems()
    rows = _project_rows(path, sheet, problems)
    known = frozenset(known_targets) if known_targets is not None else None
    checked = _read_and_check(rows, known, problems)
    kpi_lists: dict[tuple[int, int], list[KPI]] = {}
    source = kpi_source(path, Path(kpis) if kpis is not None else None, problems)
    if source is not None:
        city_code = checked.stated["city_code"].value if "city_code" in checked.stated else ""
        kpi_lists = read_kpis(source[0], city_code, checked.numbers, problems, source[1])
    main = (str(path), rows[0].sheet)
    if problems.found:
        # the projects first, then the KPIs; each in line and column order
        raise SourceError(sorted(problems.found, key=lambda p: _order(p, main)))
    warnings = tuple(sorted(problems.warnings, key=lambda p: _order(p, main)))
    kpi_path = source[0] if source is not None else None
    return replace(_plan_year(path, kpi_path, checked, kpi_lists), warnings=warnings)


def _project_rows(path: Path, sheet: str | None, problems: Problems) -> list[Row]:
    """The rows of the projects file; raises when there are none to read."""
    table = read_table(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, problems, sheet)
    if table is None:
        raise SourceError(problems.found)
    if not table.rows:
        problems.add(Location(str(path)), "the file has a header but no project rows", None)
        raise SourceError(problems.found)
    return table.rows


def _read_and_check(
    rows: Sequence[Row], known: frozenset[str] | None, problems: Problems
) -> _CheckedRows:
    """Every row's cells read, then the checks across rows; a row that fails one takes no part
    in the next."""
    stated = csv_checks.agreed_plan_values(
        rows, [plan_wide_values(row, problems) for row in rows], problems
    )
    projects = [read_project_cells(row, known, problems) for row in rows]
    year = csv_checks.plan_year(projects)
    plan_key = csv_checks.basic_plan_key(stated, rows, problems)
    numbers, repeated = csv_checks.unique_numbers(projects, year, problems)
    other_year = csv_checks.other_year_rows(projects, year, problems)
    titles = csv_checks.policy_titles(projects, problems)
    failed = repeated | other_year
    sound = [p for p in projects if p.readable and p.row.line not in failed]
    csv_checks.relists_inside_the_file(sound, year, numbers, problems)
    csv_checks.every_level_titled(titles, problems)
    return _CheckedRows(stated, plan_key, year, sound, numbers, titles)


def _order(problem: Problem, main: tuple[str, str | None]) -> tuple[bool, int, int]:
    loc = problem.location
    other = loc.file != main[0] or loc.sheet not in (None, main[1])
    return (other, loc.line or 0, loc.column or 0)


# ---------------------------------------------------------------------------- assembly


def _plan_year(
    path: Path,
    kpis: Path | None,
    checked: _CheckedRows,
    kpi_lists: dict[tuple[int, int], list[KPI]],
) -> PlanYear:
    def stated(name: str) -> str:
        return checked.stated[name].value if name in checked.stated else ""

    code, city_name = stated("city_code"), stated("city_name")
    city_name_en = stated("city_name_en") or f"Local government {code}"
    plan_title = stated("plan_title") or f"{city_name}の計画"
    plan_title_en = stated("plan_title_en") or f"Plan of {city_name_en}"
    fiscal_year = checked.fiscal_year
    return PlanYear(
        city=City(code=code, name_ja=city_name, name_en=city_name_en),
        basic_plan_key=checked.plan_key,
        basic_plan_title_ja=plan_title,
        basic_plan_title_en=plan_title_en,
        title_ja=f"{plan_title} {fiscal_year}年度実施計画",
        title_en=f"{plan_title_en}: FY{fiscal_year} Implementation Plan",
        fiscal_year=fiscal_year,
        source_document=path.name,
        policies=_policies(checked.titles),
        projects=_projects(path, checked, kpi_lists),
        extra={"kpis_document": kpis.name} if kpis is not None else {},
    )


def _projects(
    path: Path, checked: _CheckedRows, kpi_lists: dict[tuple[int, int], list[KPI]]
) -> tuple[Project, ...]:
    completed = 0
    projects = []
    for p in checked.projects:
        year = p.year_in(checked.fiscal_year)
        key = ""
        if p.number is None:
            # an exported file names the key in its uri; else c1, c2, ... in file order
            completed += 1
            found = _URI_KEY.search(p.row.text("uri"))
            key = found.group(1) if found else f"c{completed}"
        projects.append(
            Project(
                number=p.number,  # type: ignore[arg-type]
                category=p.category,  # type: ignore[arg-type]
                name=p.name,  # type: ignore[arg-type]
                policy_number=p.policy,  # type: ignore[arg-type]
                department=Department(path=p.department, source_text=p.row.text("department")),
                fiscal_year=year,
                plan_text=p.plan_text,
                kpis=tuple(kpi_lists.get((year, p.number), ())),  # type: ignore[arg-type]
                sdg_targets=p.targets,
                sdg_goals=p.goals,
                relisted_from=p.relisted,
                source=SourceSpan(path.name, p.row.line, p.row.last_line),
                key=key,
            )
        )
    return tuple(projects)


def _policies(titles: PolicyTitles) -> tuple[Policy, ...]:
    return tuple(
        Policy(number=level, title_ja=title, alt_titles_ja=titles.alternatives.get(level, ()))
        for level, (title, _) in sorted(
            titles.titles.items(), key=lambda kv: [int(p) for p in kv[0].split(".")]
        )
    )
