"""The cell rules of projects.csv: each turns one cell into a field of the record, or reports
at the cell why it cannot (its exact message, and the value shown).

``read_project_cells`` reads a row's project fields and ``plan_wide_values`` the values a row
states about the whole plan; the checks across rows are in ``csv_checks``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass

from ...model import DEPARTMENT_SEPARATOR, Category, sdg_code_key, sdg_goal_of
from .csv_template import PLAN_WIDE_COLUMNS, TITLE_SEPARATOR
from .table import Cell, Problems, Row

_POLICY_NUMBER = re.compile(r"^\d+(\.\d+)*$")
_SDG_CODE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
_SDG_SEPARATORS = re.compile(r"[\s,、;；]+")
SDG_GOALS = range(1, 18)


def nfkc(text: str) -> str:
    """Full-width digits and letters made ASCII, spaces around dropped."""
    return unicodedata.normalize("NFKC", text).strip()


def check_digit(first_five: str) -> int:
    """Check digit of a local government code: (11 − Σ dᵢ·(6,5,4,3,2) mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def city_code_problem(code: str) -> str | None:
    """Why ``code`` is not a 6-digit local government code, or ``None`` if it is one."""
    if not re.fullmatch(r"\d{6}", code):
        return "the city code must be the 6-digit local government code (e.g. 072036)"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"the city code's check digit is wrong (expected {code[:5]}{expected})"
    return None


def normalise_sdg_codes(text: str) -> list[str]:
    """Target codes from a cell: full-width digits and dots made ASCII (NFKC), stray spaces and
    separators (comma, 、, ;) dropped, letters lower-cased: "３．４　 17.A" → ["3.4", "17.a"]."""
    text = unicodedata.normalize("NFKC", text)
    return [part.lower() for part in _SDG_SEPARATORS.split(text) if part]


def policy_levels(policy: str) -> list[str]:
    """Every level of a dotted policy number from the top: 2.3.1 → 2, 2.3, 2.3.1."""
    parts = policy.split(".")
    return [".".join(parts[: depth + 1]) for depth in range(len(parts))]


# ---------------------------------------------------------------------------- the rules


def city_code(cell: Cell, problems: Problems) -> str | None:
    code = nfkc(cell.text)
    problem = city_code_problem(code) if code else "the city code is missing"
    if problem:
        problems.add(cell.location, problem, cell.text)
        return None
    return code


def city_name(cell: Cell, problems: Problems) -> str | None:
    if not cell.text:
        problems.add(cell.location, "the city name is missing", cell.text)
        return None
    return cell.text


def fiscal_year(cell: Cell, problems: Problems) -> int | None:
    year = nfkc(cell.text)
    if re.fullmatch(r"\d{4}", year) and 1900 < int(year) < 2200:
        return int(year)
    if not year:
        problems.add(cell.location, "the fiscal year is missing", cell.text)
    else:
        problems.add(cell.location, "the fiscal year must be a year like 2025", year)
    return None


def category(cell: Cell, problems: Problems) -> Category | None:
    """The category; a blank cell is "not stated" (None, no problem): many project lists
    state none, and the user must not have to invent one."""
    if not nfkc(cell.text):
        return None
    try:
        return Category.from_label(cell.text)
    except ValueError as exc:
        problems.add(cell.location, str(exc), cell.text)
        return None


def project_number(
    cell: Cell, category: Category | None, problems: Problems, category_stated: bool = True
) -> int | None:
    """The №; only 完了・統合 rows may leave it out (their keys are c1, c2, ...).
    ``category`` None with ``category_stated``: the category cell is bad (reported there)."""
    text = nfkc(cell.text)
    if text:
        if text.isdigit() and int(text) > 0:
            return int(text)
        problems.add(cell.location, "the project number must be a whole number from 1", cell.text)
    elif (category is not None or not category_stated) and category is not Category.COMPLETED:
        message = "the project number is missing (only 完了・統合 projects may have none)"
        problems.add(cell.location, message, cell.text)
    return None


def policy_number(cell: Cell, problems: Problems) -> str | None:
    """The dotted path of levels (2.3.1), without leading zeros."""
    policy = nfkc(cell.text)
    if not _POLICY_NUMBER.match(policy):
        message = (
            "the policy number must be a number or a dotted path of levels (1, 2.3, 2.3.1)"
            if policy
            else "the policy number is missing"
        )
        problems.add(cell.location, message, cell.text)
        return None
    return ".".join(str(int(part)) for part in policy.split("."))


def policy_title(cell: Cell, policy: str, problems: Problems) -> tuple[tuple[str, str], ...] | None:
    """(level, title) for the levels the cell titles: the deepest one, or every level from the
    top joined by '/'."""
    levels = policy_levels(policy)
    titles = [t.strip() for t in cell.text.split(TITLE_SEPARATOR)]
    if not cell.text or not all(titles):
        problems.add(cell.location, "the policy title is missing", cell.text)
        return None
    if len(titles) not in (1, len(levels)):
        message = (
            f"the policy title has {len(titles)} parts for the {len(levels)} levels of "
            f"policy {policy}: give one title per level joined by '/', or only the "
            f"title of {policy}"
        )
        problems.add(cell.location, message, cell.text)
        return None
    return tuple(zip(levels[-len(titles) :], titles, strict=True))


def project_name(cell: Cell, problems: Problems) -> str | None:
    if not cell.text:
        problems.add(cell.location, "the project name is missing", cell.text)
        return None
    return cell.text


def department(cell: Cell, problems: Problems) -> tuple[str, ...]:
    """The units from the top (総務部/総務課)."""
    parts = tuple(p.strip() for p in cell.text.split(DEPARTMENT_SEPARATOR))
    if not cell.text or not all(parts):
        message = "the department must be its units from the top joined by '/' (総務部/総務課)"
        problems.add(cell.location, message, cell.text)
    return parts


def sdg_targets(cell: Cell, known: Set[str] | None, problems: Problems) -> tuple[str, ...]:
    """The SDG target codes in UN order, each once; ``known`` (when given) are the codes that
    exist. Every bad code is reported."""
    codes: list[str] = []
    for code in normalise_sdg_codes(cell.text):
        if not _SDG_CODE.match(code):
            message = "not an SDG target code (like 3.4 or 17.a); separate codes by spaces"
            problems.add(cell.location, message, code)
        elif known is not None and code not in known:
            message = f"SDG target {code} does not exist in the UN SDG vocabulary"
            problems.add(cell.location, message, code)
        elif code not in codes:
            codes.append(code)
    return tuple(sorted(codes, key=sdg_code_key))


def sdg_goals(cell: Cell, problems: Problems) -> tuple[int, ...]:
    """The SDG goal numbers (1-17) the city tagged the project with, ascending, each once;
    full-width digits and stray spaces are fine ("３　11" → (3, 11)). Every bad one is reported."""
    goals: set[int] = set()
    for part in normalise_sdg_codes(cell.text):
        if part.isdigit() and int(part) in SDG_GOALS:
            goals.add(int(part))
        else:
            message = "not an SDG goal number (1 to 17); separate goals by spaces"
            problems.add(cell.location, message, part)
    return tuple(sorted(goals))


def goals_include_targets(
    cell: Cell, goals: tuple[int, ...], targets: tuple[str, ...], problems: Problems
) -> bool:
    """A target implies its goal: when a row gives goals as well as targets, the goals must
    include each target's goal (reported at the goals cell, naming the target and the goals)."""
    if not goals:
        return True
    missing = [t for t in targets if sdg_goal_of(t) not in goals]
    for target in missing:
        stated = " ".join(str(g) for g in goals)
        message = (
            f"SDG target {target} belongs to goal {sdg_goal_of(target)}, which sdg_goals "
            f"({stated}) does not include: add the goal, or leave sdg_goals empty"
        )
        problems.add(cell.location, message, cell.text)
    return not missing


def relisted_from(
    cell: Cell, category: Category | None, problems: Problems, category_stated: bool = True
) -> int | None:
    """The № a 再掲 row relists (required there, refused elsewhere)."""
    relisted = nfkc(cell.text)
    if relisted:
        if not relisted.isdigit():
            message = "relisted_from must be the № of the project this row relists"
            problems.add(cell.location, message, cell.text)
        elif (category is not None or not category_stated) and category is not Category.RELISTED:
            problems.add(cell.location, "relisted_from is only for 再掲 rows", cell.text)
        else:
            return int(relisted)
    elif category is Category.RELISTED:
        message = "a 再掲 row needs relisted_from: the № of the project it relists"
        problems.add(cell.location, message, cell.text)
    return None


# ---------------------------------------------------------------------------- a row


@dataclass(frozen=True)
class ProjectCells:
    """What one row says about its project, each field as its rule read it (None: the cell is
    bad, or empty where that is allowed)."""

    row: Row
    year: int | None
    category: Category | None  # also None when the cell is blank: not stated
    number: int | None
    policy: str | None
    policy_titles: tuple[tuple[str, str], ...] | None  # (level, title) the row names
    name: str | None
    department: tuple[str, ...]
    targets: tuple[str, ...]
    goals: tuple[int, ...]  # stated in sdg_goals (the targets' goals are implied, not added)
    relisted: int | None
    plan_text: str  # the optional description, as written
    readable: bool  # every project cell passed its rule

    def year_in(self, plan_year: int) -> int:
        """The row's fiscal year; the plan's when the cell is bad."""
        return plan_year if self.year is None else self.year


def read_project_cells(row: Row, known: Set[str] | None, problems: Problems) -> ProjectCells:
    """The project fields of ``row``; every bad cell is reported."""
    before = len(problems)
    year = fiscal_year(row.cell("fiscal_year"), problems)
    read_category = category(row.cell("category"), problems)
    stated = bool(nfkc(row.text("category")))  # blank: not stated; else None means a bad cell
    number = project_number(row.cell("project_number"), read_category, problems, stated)
    policy = policy_number(row.cell("policy_number"), problems)
    titles = policy_title(row.cell("policy_title"), policy, problems) if policy else None
    targets = sdg_targets(row.cell("sdg_targets"), known, problems)
    goals_cell = row.cell("sdg_goals")
    goals = sdg_goals(goals_cell, problems)
    goals_include_targets(goals_cell, goals, targets, problems)
    return ProjectCells(
        row=row,
        year=year,
        category=read_category,
        number=number,
        policy=policy,
        policy_titles=titles,
        name=project_name(row.cell("project_name"), problems),
        department=department(row.cell("department"), problems),
        targets=targets,
        goals=goals,
        relisted=relisted_from(row.cell("relisted_from"), read_category, problems, stated),
        plan_text=row.text("description"),
        readable=len(problems) == before,
    )


def plan_wide_values(row: Row, problems: Problems) -> dict[str, str]:
    """The values ``row`` states about the whole plan (city, basic plan), by column; a bad or
    empty cell states nothing (the city code and name must be there: reported)."""
    stated = {
        "city_code": city_code(row.cell("city_code"), problems),
        "city_name": city_name(row.cell("city_name"), problems),
    }
    for name in PLAN_WIDE_COLUMNS:  # the others are free text
        stated.setdefault(name, row.text(name) or None)
    return {name: value for name, value in stated.items() if value}
