"""The checks of projects.csv across rows: one city and basic plan throughout, the plan's year,
unique №s, rows of another year, policy titles, and relists that point inside the file.

Each check reports at the cell that breaks it, and returns what the next steps need (the
first value stated, the №s in use, the titles) and the rows it failed, which take no further
part in the checks that follow (their problems are reported already).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ...errors import Location
from ...model import Category
from .csv_template import DEFAULT_PLAN_KEY
from .plan_cells import ProjectCells, policy_levels
from .table import Problems, Row

_PLAN_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_URI_PLAN_KEY = re.compile(r"/id/\d{6}/plan/([^/]+)/\d{4}/project/[^/]+$")


class Stated(NamedTuple):
    """The first good value of a plan-wide column, and where it was."""

    value: str
    location: Location


def agreed_plan_values(
    rows: Sequence[Row], values: Sequence[dict[str, str]], problems: Problems
) -> dict[str, Stated]:
    """One city, one name, one plan key and title: the first good value of each plan-wide
    column wins, and every other row that states one must agree with it."""
    first: dict[str, Stated] = {}
    for row, stated in zip(rows, values, strict=True):
        for name, value in stated.items():
            if name not in first:
                first[name] = Stated(value, row.location(name))
            elif first[name].value != value:
                what = f"the {name.replace('_', ' ')}"
                earlier = first[name]
                message = f"{what} differs from line {earlier.location.line}'s {earlier.value!r}"
                problems.add(row.location(name), message, value)
    return first


def basic_plan_key(stated: dict[str, Stated], rows: Sequence[Row], problems: Problems) -> str:
    """The ``plan_key`` column, else the key in an exported file's ``uri``, else ``plan``."""
    key = stated.get("plan_key")
    if key is not None:
        if not _PLAN_KEY.match(key.value):
            message = "the plan key must be lower-case ASCII letters, digits and '-' (e.g. kyodo2)"
            problems.add(key.location, message, key.value)
        return key.value
    found = next((m for r in rows if (m := _URI_PLAN_KEY.search(r.text("uri")))), None)
    return found.group(1) if found else DEFAULT_PLAN_KEY


def plan_year(projects: Sequence[ProjectCells]) -> int:
    """The file's plan year: the latest fiscal year in it (0 when no row has a good one)."""
    return max((p.year for p in projects if p.year is not None), default=0)


def unique_numbers(
    projects: Sequence[ProjectCells], year: int, problems: Problems
) -> tuple[dict[tuple[int, int], int], set[int]]:
    """The line of each (fiscal year, №) in use, and the lines that repeat one."""
    numbers: dict[tuple[int, int], int] = {}
    repeated: set[int] = set()
    for p in projects:
        if p.number is None:
            continue
        key = (p.year_in(year), p.number)
        if key in numbers:
            message = f"project number {p.number} is used twice in FY{key[0]} (line {numbers[key]})"
            problems.add(p.row.location("project_number"), message, p.row.text("project_number"))
            repeated.add(p.row.line)
        else:
            numbers[key] = p.row.line
    return numbers, repeated


def other_year_rows(projects: Sequence[ProjectCells], year: int, problems: Problems) -> set[int]:
    """The lines of rows of another year than the plan's that are not what the plan's list of
    completed projects gives: 完了・統合 projects of the year before, without a №."""
    failed: set[int] = set()
    for p in projects:
        if not year or p.year is None or p.year == year:
            continue
        if p.year != year - 1 or p.category is not Category.COMPLETED or p.number is not None:
            message = (
                f"the file's plan year is {year}: rows of another year may only be "
                f"完了・統合 projects of FY{year - 1} without a project number"
            )
            problems.add(p.row.location("fiscal_year"), message, p.row.text("fiscal_year"))
            failed.add(p.row.line)
    return failed


@dataclass
class PolicyTitles:
    titles: dict[str, tuple[str, int]] = field(default_factory=dict)  # level → (title, line)
    first_use: dict[str, Location] = field(default_factory=dict)  # level → first title cell
    # level → the other spellings rows give it (skos:altLabel), first seen first
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Spellings:
    """How the rows spell one level's title: each spelling's count, in first-seen order, and
    where each row gave which."""

    counts: dict[str, int] = field(default_factory=dict)  # insertion order = first seen
    uses: list[tuple[str, Location, str]] = field(default_factory=list)  # (title, cell, text)

    def label(self) -> str:
        """The most frequent spelling; on a tie the one seen first (deterministic)."""
        return max(self.counts, key=lambda t: (self.counts[t], -list(self.counts).index(t)))


def policy_titles(projects: Sequence[ProjectCells], problems: Problems) -> PolicyTitles:
    """Each policy level's title. Real exports spell a level differently on different rows
    (…快適な生活環境の創造 / …快適な都市環境の創造): the most frequent spelling becomes its title,
    the others alternative titles, and every row that gives another spelling gets a warning."""
    found = PolicyTitles()
    spellings: dict[str, _Spellings] = {}
    for p in projects:
        if p.policy is None or p.policy_titles is None:
            continue
        cell = p.row.location("policy_title")
        for level in policy_levels(p.policy):
            found.first_use.setdefault(level, cell)
        for level, title in p.policy_titles:
            seen = spellings.setdefault(level, _Spellings())
            seen.counts[title] = seen.counts.get(title, 0) + 1
            seen.uses.append((title, cell, p.row.text("policy_title")))
    for level, seen in spellings.items():
        label = seen.label()
        first_line = next(cell.line for title, cell, _ in seen.uses if title == label) or 0
        found.titles[level] = (label, first_line)
        found.alternatives[level] = tuple(t for t in seen.counts if t != label)
        for title, cell, text in seen.uses:
            if title != label:
                message = (
                    f"policy {level} is spelled {title!r} here but {label!r} on "
                    f"{seen.counts[label]} row(s) (from line {first_line}): {label!r} becomes "
                    "its title and this spelling an alternative label"
                )
                problems.warn(cell, message, text)
    return found


def every_level_titled(titles: PolicyTitles, problems: Problems) -> None:
    """Every level a policy number uses has a title on some row."""
    for level, cell in sorted(titles.first_use.items(), key=lambda kv: kv[1].line or 0):
        if level not in titles.titles:
            message = (
                f"policy {level} has no title: on at least one row, write the titles of every "
                "level joined by '/'"
            )
            problems.add(cell, message, level)


def relists_inside_the_file(
    projects: Sequence[ProjectCells],
    year: int,
    numbers: dict[tuple[int, int], int],
    problems: Problems,
) -> None:
    """A 再掲 row relists a project of its own year in the file, and not itself."""
    for p in projects:
        target = p.relisted
        if target is None:
            continue
        row_year = p.year_in(year)
        cell = p.row.location("relisted_from")
        if (row_year, target) not in numbers:
            message = f"relisted_from points to project {target}, which is not in FY{row_year}"
            problems.add(cell, message, p.row.text("relisted_from"))
        elif target == p.number:
            problems.add(cell, "a row cannot relist itself", str(target))
