"""Typed records handed from the extractors to ``rdfize``. No rdflib here: plain values only.

A source (plan text, CSV) becomes one ``PlanYear``: one city's implementation plan for one fiscal
year, with the policies, projects, departments and KPIs it states, where each came from, and the
anomalies the extractor reconciled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import Problem


class Category(StrEnum):
    """区分: how a project stands in a fiscal year relative to the year before."""

    NEW = "new"  # 新規・追加
    EXPANDED = "expanded"  # 拡充
    CONTINUED = "continued"  # 継続
    RELISTED = "relisted"  # 再掲: listed again under another policy
    COMPLETED = "completed"  # 完了・統合: ended (completed, merged, made routine)

    @property
    def label_ja(self) -> str:
        return CATEGORY_LABELS_JA[self]

    @classmethod
    def from_label(cls, text: str) -> Category:
        """Accept the key (``continued``) or the Japanese label (``継続``, ``完了``, ``新規``)."""
        value = text.strip()
        for category in cls:
            if value == category.value or value == category.label_ja:
                return category
        aliases = {"新規": cls.NEW, "追加": cls.NEW, "完了": cls.COMPLETED, "統合": cls.COMPLETED}
        if value in aliases:
            return aliases[value]
        allowed = ", ".join(f"{c.label_ja} ({c.value})" for c in cls)
        raise ValueError(f"unknown category {text!r}; allowed: {allowed}")


# The columns of projects.csv, which is also the import template (README); ``uri`` is left out
# when importing, and the columns after it are optional there. New columns go at the end.
PROJECT_COLUMNS = (
    "city_code",
    "city_name",
    "fiscal_year",
    "policy_number",
    "policy_title",
    "project_number",
    "category",
    "project_name",
    "department",
    "sdg_targets",
    "relisted_from",
    "uri",
    "sdg_goals",  # the goals the city tagged itself ("3 11"); a target's goal is implied
)
DEPARTMENT_SEPARATOR = "/"  # 保健福祉部/保健所/健康政策課 in projects.csv


# What a project whose source states no category counts under (compare's key and labels).
NOT_STATED = "not-stated"
NOT_STATED_LABELS = {"ja": "記載なし", "en": "not stated"}

CATEGORY_LABELS_JA: dict[Category, str] = {
    Category.NEW: "新規・追加",
    Category.EXPANDED: "拡充",
    Category.CONTINUED: "継続",
    Category.RELISTED: "再掲",
    Category.COMPLETED: "完了・統合",
}


# what a source document's terms of use are recorded as when the document states none
RIGHTS_NOT_STATED = "not stated"


@dataclass(frozen=True)
class SourceSpan:
    """Where something was read: a document id (file name in data/sources) and 1-based lines."""

    document: str
    first_line: int
    last_line: int
    page: int | None = None  # the printed page number, where the source shows one


@dataclass(frozen=True)
class Prefecture:
    """A prefecture as the registry of local governments gives it."""

    code: str  # 2 digits: the first two of each of its local government codes, e.g. "07"
    name_ja: str
    name_en: str
    kana: str


@dataclass(frozen=True)
class City:
    code: str  # 6-digit local government code with check digit, e.g. "072036"
    name_ja: str
    name_en: str
    prefecture_ja: str = ""
    prefecture_en: str = ""
    # from the registry of local governments (build/registry.py); empty for a code it lacks
    kana: str = ""  # the reading of the name in katakana: コオリヤマシ
    prefecture: Prefecture | None = None


@dataclass(frozen=True)
class Department:
    """A responsible unit as a path from the bureau down: ("保健福祉部", "保健所", "健康政策課").

    The special unit 「各課」 (every section) is the one-element path ("各課",).
    """

    path: tuple[str, ...]
    source_text: str = ""  # as printed, before unwrapping and normalisation

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class KPI:
    """A numeric target line (〇/○ ...). ``text`` is always the full line; ``value`` and ``unit``
    are set only where the line states one target figure."""

    text: str
    value: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Policy:
    """基本施策 (or a deeper level): ``number`` is a dotted path, "1" or "2.3"."""

    number: str
    title_ja: str
    title_en: str = ""
    # other spellings of the title the source uses on some rows (skos:altLabel), first seen first
    alt_titles_ja: tuple[str, ...] = ()

    @property
    def parent_number(self) -> str | None:
        head, _, _ = self.number.rpartition(".")
        return head or None


@dataclass(frozen=True)
class PolicySummary:
    """One row of the plan's own summary table: the counts the extraction must agree with."""

    policy_number: str
    project_count: int  # this fiscal year
    new: int
    expanded: int
    continued: int
    completed: int  # printed with △ (minus); stored as a non-negative count
    previous_year_count: int


@dataclass(frozen=True)
class Project:
    """A project as one fiscal year's implementation plan lists it.

    ``number`` is the № in that year's table; ``None`` for projects known only from the
    completed list. ``relisted_from`` is the № (same plan-year) a 再掲 row repeats.
    """

    number: int | None
    category: Category | None  # None: the source states no category (not 継続 by default)
    name: str
    policy_number: str
    department: Department
    fiscal_year: int
    plan_text: str = ""
    kpis: tuple[KPI, ...] = ()
    sdg_targets: tuple[str, ...] = ()  # UN codes in document order: "17.14", "3.a"
    # the goals the source tags the project with itself (1-17, ascending), apart from the
    # goals its targets imply: many plans mark only goals, one icon per goal
    sdg_goals: tuple[int, ...] = ()
    relisted_from: int | None = None
    source: SourceSpan | None = None
    notes: tuple[str, ...] = ()  # editorial notes: what was reconciled for this project
    key: str = ""  # stable id within the city-year when there is no number ("c1", ...)


@dataclass(frozen=True)
class Anomaly:
    """Something in the source that did not read cleanly and how it was reconciled."""

    kind: str  # short code, e.g. "name-spelling", "duplicated-phrase", "page-header"
    message: str
    source: SourceSpan | None = None
    project_number: int | None = None


@dataclass(frozen=True)
class PlanYear:
    """One city's implementation plan for one fiscal year (e.g. FY2025), with its basic plan."""

    city: City
    basic_plan_key: str  # short id of the basic plan within the city, e.g. "kyodo2"
    basic_plan_title_ja: str
    basic_plan_title_en: str
    title_ja: str  # the implementation plan's own title
    title_en: str
    fiscal_year: int
    source_document: str  # file name in data/sources
    policies: tuple[Policy, ...]
    projects: tuple[Project, ...]
    summaries: tuple[PolicySummary, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()
    policy_term_ja: str = "施策"  # what the plan calls its policies: 基本施策, 政策, 施策
    policy_term_en: str = "Policy"
    stated_project_count: int | None = None  # the plan's own total, e.g. 95
    stated_previous_year_count: int | None = None  # e.g. 98
    source_title: str = ""
    source_url: str = ""
    # the source document's terms of use as its publisher states them (sidecar source.rights),
    # else RIGHTS_NOT_STATED, in so many words; source_rights_url: where those terms are
    source_rights: str = RIGHTS_NOT_STATED
    source_rights_url: str = ""
    # when the source document was issued and last changed, where its sidecar says so (the
    # catalogue's dct:issued / dct:modified); never the wall clock
    source_issued: date | None = None
    source_modified: date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # what the reader accepted but the user should know (file, line, column, field each)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def project(self, number: int) -> Project:
        for project in self.projects:
            if project.number == number:
                return project
        raise KeyError(number)


def sdg_goal_of(code: str) -> int:
    """The goal a target code belongs to: "3.a" → 3, "17.17" → 17."""
    return int(code.partition(".")[0])


def sdg_code_key(code: str) -> tuple[int, int, int, str]:
    """Sort key of an SDG target code in the UN's own order: 3.8 < 3.a < 4.7 < 16.6 < 16.10."""
    goal, _, target = code.partition(".")
    if target.isdigit():
        return (int(goal), 0, int(target), "")
    return (int(goal), 1, 0, target)
