"""The normalised projects.csv and kpis.csv that ``kyodo-lod import`` stores: the rows
``read_plan_csv`` reads back as the same plan, and the CSV text of any rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ...model import DEPARTMENT_SEPARATOR, PlanYear, Policy, Project
from .csv_template import TITLE_SEPARATOR


def plan_rows(plan: PlanYear) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows (projects, KPIs) that ``read_plan_csv`` reads back as ``plan``."""
    titles = {policy.number: _spellings(policy) for policy in plan.policies}
    projects, kpis = [], []
    for project in plan.projects:
        projects.append(_project_row(plan, project, titles))
        kpis.extend(_kpi_rows(plan, project))
    return projects, kpis


def _spellings(policy: Policy) -> Iterator[str]:
    """A level's title for each row that names it, in order: its title first, then each other
    spelling once, then its title again. Read back, the title is still the most frequent
    spelling (or, all being once, the first seen), so the alternatives survive the import."""
    yield policy.title_ja
    yield from policy.alt_titles_ja
    while True:
        yield policy.title_ja


def _project_row(
    plan: PlanYear, project: Project, titles: dict[str, Iterator[str]]
) -> dict[str, str]:
    levels = project.policy_number.split(".")
    title_path = [next(titles[".".join(levels[: i + 1])]) for i in range(len(levels))]
    return {
        "city_code": plan.city.code,
        "city_name": plan.city.name_ja,
        "fiscal_year": str(project.fiscal_year),
        "policy_number": project.policy_number,
        "policy_title": f" {TITLE_SEPARATOR} ".join(title_path),
        "project_number": _text(project.number),
        "category": project.category.label_ja if project.category else "",
        "project_name": project.name,
        "department": DEPARTMENT_SEPARATOR.join(project.department.path),
        "sdg_targets": " ".join(project.sdg_targets),
        "relisted_from": _text(project.relisted_from),
        "plan_key": plan.basic_plan_key,
        "plan_title": plan.basic_plan_title_ja,
        "plan_title_en": plan.basic_plan_title_en,
        "city_name_en": plan.city.name_en,
        "description": project.plan_text,
        "sdg_goals": " ".join(str(goal) for goal in project.sdg_goals),
    }


def _kpi_rows(plan: PlanYear, project: Project) -> list[dict[str, str]]:
    return [
        {
            "city_code": plan.city.code,
            "fiscal_year": str(project.fiscal_year),
            "project_number": str(project.number),
            "kpi_text": kpi.text,
            "value": "" if kpi.value is None else str(kpi.value),
            "unit": kpi.unit or "",
        }
        for kpi in project.kpis
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
