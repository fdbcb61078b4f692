"""The comparison as typed tables: what each runner answers for its cities (``compare``), merged
into one ``Comparison``; and the projects behind one cell (``cell_projects``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import sdg_code_key
from ..rdf.iris import SDG_BASE, sdg_goal, sdg_target
from .queries import (
    CELL_PATTERNS,
    CELL_QUERY,
    CHANGES_QUERY,
    CITIES_QUERY,
    GOAL_LABELS_QUERY,
    GOALS_QUERY,
    KIND_LABELS_QUERY,
    KINDS_QUERY,
    NOT_STATED_QUERY,
    TARGETS_QUERY,
    Vocabulary,
    change_values,
    city_year_values,
    string_literal,
)
from .runners import CompareError, Runner, select_once


@dataclass(frozen=True)
class CityPlan:
    """One city-year in the comparison and where its data came from."""

    code: str
    name: str
    fiscal_year: int
    projects: int
    source: str = ""
    # from the registry of local governments; empty for a city it lacks
    prefecture_code: str = ""
    prefecture_ja: str = ""
    prefecture_en: str = ""


@dataclass(frozen=True)
class Changes:
    """Projects of one city between two fiscal years, by category key (new, expanded, ...)."""

    code: str
    year_a: int
    year_b: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Comparison:
    cities: tuple[CityPlan, ...]
    goals: dict[int, dict[str, int]]  # goal → city code → projects
    targets: dict[str, dict[str, int]]  # target code → city code → projects
    kinds: dict[str, dict[str, int]]  # department kind key → city code → projects
    changes: tuple[Changes, ...] = ()
    goal_labels: dict[int, str] = field(default_factory=dict)
    goal_colours: dict[int, str] = field(default_factory=dict)
    kind_labels: dict[str, str] = field(default_factory=dict)

    def city(self, code: str) -> CityPlan:
        return next(c for c in self.cities if c.code == code)

    def share(self, code: str, projects: int) -> float:
        total = self.city(code).projects
        return projects / total if total else 0.0

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.cities]

    def tags_targets(self, code: str) -> bool:
        """Whether the city's plan tags any project with an SDG target. A plan that marks only
        goals has no target-level tags: its per-target figures are unknown, not zeros."""
        return any(by.get(code, 0) for by in self.targets.values())

    @property
    def target_codes(self) -> list[str]:
        """The compared cities whose plans tag targets (the per-target tables compare these)."""
        return [code for code in self.codes if self.tags_targets(code)]

    def shared_targets(self) -> list[str]:
        """Targets every compared city that tags targets serves."""
        codes = set(self.target_codes)
        if not codes:
            return []
        return [t for t, by in self.targets.items() if codes <= {c for c, n in by.items() if n}]

    def single_city_targets(self) -> list[tuple[str, str]]:
        """(target, city code) for targets exactly one of the cities that tag targets serves."""
        out = []
        for target, by in self.targets.items():
            serving = [c for c, n in by.items() if n]
            if len(serving) == 1 and len(self.target_codes) > 1:
                out.append((target, serving[0]))
        return out


# ---------------------------------------------------------------------------- running


@dataclass(frozen=True)
class _Part:
    """What one runner answered for its cities."""

    runner: Runner
    vocabulary: Vocabulary
    cities: tuple[CityPlan, ...]
    goals: list[dict[str, str]]
    targets: list[dict[str, str]]
    kinds: list[dict[str, str]]
    changes: list[Changes]
    goal_labels: list[dict[str, str]]
    kind_labels: list[dict[str, str]]


def available_cities(runner: Runner) -> list[CityPlan]:
    """Every city-year a store holds, with its number of plan projects."""
    vocabulary = Vocabulary.of(runner)
    return _city_years(runner, vocabulary)


def _city_years(runner: Runner, vocabulary: Vocabulary) -> list[CityPlan]:
    return [
        CityPlan(
            r["code"],
            r["name"],
            int(r["year"]),
            int(r["projects"]),
            runner.name,
            r.get("prefecture") or "",
            r.get("prefecture_ja") or "",
            r.get("prefecture_en") or "",
        )
        for r in select_once(runner, vocabulary.query(CITIES_QUERY))
    ]


def _choose(city_years: Iterable[CityPlan], year: int | None) -> dict[str, CityPlan]:
    """Per city: the given year, else its latest."""
    chosen: dict[str, CityPlan] = {}
    for plan in city_years:
        if year is not None and plan.fiscal_year != year:
            continue
        if plan.code not in chosen or plan.fiscal_year > chosen[plan.code].fiscal_year:
            chosen[plan.code] = plan
    return chosen


def _changes(
    runner: Runner,
    vocabulary: Vocabulary,
    cities: Sequence[CityPlan],
    changes: tuple[int, int] | None,
) -> list[Changes]:
    """Per city: the given span of years, else its year before and its year."""
    if not cities:
        return []
    spans = []
    for city in cities:
        year_a, year_b = changes or (city.fiscal_year - 1, city.fiscal_year)
        spans.append((city.code, year_a, year_b))
    values = change_values(spans)
    rows = runner.select(vocabulary.query(CHANGES_QUERY, values=values))
    rows += runner.select(vocabulary.query(NOT_STATED_QUERY, values=values))
    return [
        Changes(code, a, b, {r["category"]: int(r["projects"]) for r in rows if r["code"] == code})
        for code, a, b in spans
    ]


def _ask(
    runner: Runner,
    cities: Sequence[CityPlan],
    changes: tuple[int, int] | None,
) -> _Part:
    vocabulary = Vocabulary.of(runner)
    values = city_year_values((c.code, c.fiscal_year) for c in cities)

    def select(template: str, **extra: str) -> list[dict[str, str]]:
        return runner.select(vocabulary.query(template, values=values, **extra))

    change_rows = _changes(runner, vocabulary, cities, changes)
    scheme = str(vocabulary.iris.department_kind_scheme())
    return _Part(
        runner=runner,
        vocabulary=vocabulary,
        cities=tuple(cities),
        goals=select(GOALS_QUERY) if cities else [],
        targets=select(TARGETS_QUERY) if cities else [],
        kinds=select(KINDS_QUERY) if cities else [],
        changes=change_rows,
        goal_labels=runner.select(vocabulary.query(GOAL_LABELS_QUERY)),
        kind_labels=runner.select(vocabulary.query(KIND_LABELS_QUERY, scheme=scheme)),
    )


def compare(
    runners: Sequence[Runner],
    cities: Sequence[str] = (),
    *,
    year: int | None = None,
    changes: tuple[int, int] | None = None,
) -> Comparison:
    """Compare ``cities`` (local government codes) over one or more stores or endpoints.

    With one runner (the local store) every city must be in it. With several (one kyodo-lod
    server each), each city is taken from the first runner that has it; no ``cities`` means
    every city of every runner."""
    wanted = [c.strip() for c in cities if c.strip()]
    parts: list[_Part] = []
    taken: set[str] = set()
    for runner in runners:
        vocabulary = Vocabulary.of(runner)
        years = _city_years(runner, vocabulary)
        chosen = _choose(years, year)
        mine = [
            chosen[code]
            for code in (wanted or sorted(chosen))
            if code in chosen and code not in taken
        ]
        taken.update(c.code for c in mine)
        parts.append(_ask(runner, mine, changes))
    missing = [code for code in wanted if code not in taken]
    if missing:
        where = ", ".join(r.name for r in runners)
        in_year = f" with projects in FY{year}" if year is not None else ""
        raise CompareError(f"no city {', '.join(missing)}{in_year} in {where}")
    if not taken:
        raise CompareError("no city to compare")
    return merge(parts, order=wanted)


# ---------------------------------------------------------------------------- merging


def _table(rows: Iterable[dict[str, str]], key: str, codes: list[str], strip: str = "") -> dict:
    """{row[key] without ``strip``: {city code: projects}}, every code present (0 if none)."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        out.setdefault(row[key].removeprefix(strip), {})[row["code"]] = int(row["projects"])
    return {k: {code: by.get(code, 0) for code in codes} for k, by in out.items()}


def _labels(parts: Sequence[_Part]) -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
    """Goal labels, goal colours and kind labels: the first runner's that has each."""
    goal_labels: dict[int, str] = {}
    goal_colours: dict[int, str] = {}
    kind_labels: dict[str, str] = {}
    for part in parts:
        for row in part.goal_labels:
            number = int(row["goal"].removeprefix(SDG_BASE))
            if "label" in row:
                goal_labels.setdefault(number, row["label"])
            if "color" in row:
                goal_colours.setdefault(number, row["color"])
        for row in part.kind_labels:
            kind_labels.setdefault(row["kind"], row["label"])
    return goal_labels, goal_colours, kind_labels


def merge(parts: Sequence[_Part], order: Sequence[str] = ()) -> Comparison:
    """One comparison from the answers of several stores (each about its own cities)."""
    cities = [c for part in parts for c in part.cities]
    rank = {code: i for i, code in enumerate(order)}
    cities.sort(key=lambda c: (rank.get(c.code, len(rank)), c.code))
    codes = [c.code for c in cities]
    goal_rows = [r for p in parts for r in p.goals]
    target_rows = [r for p in parts for r in p.targets]
    kind_rows = [r for p in parts for r in p.kinds]
    goals = {int(k): v for k, v in _table(goal_rows, "goal", codes, SDG_BASE).items()}
    targets = _table(target_rows, "target", codes, SDG_BASE)
    kinds = _table(kind_rows, "kind", codes)
    goal_labels, goal_colours, kind_labels = _labels(parts)
    return Comparison(
        cities=tuple(cities),
        goals=dict(sorted(goals.items())),
        targets=dict(sorted(targets.items(), key=lambda kv: sdg_code_key(kv[0]))),
        kinds=dict(sorted(kinds.items())),
        changes=tuple(
            sorted(
                (ch for p in parts for ch in p.changes),
                key=lambda ch: codes.index(ch.code),
            )
        ),
        goal_labels=goal_labels,
        goal_colours=goal_colours,
        kind_labels=kind_labels,
    )


# ---------------------------------------------------------------------------- one cell


def _cell_term(kind: str, value: str) -> str:
    """The SPARQL term a cell's ``value`` stands for (checked: it goes into the query)."""
    if kind not in CELL_PATTERNS:
        raise CompareError(f"unknown cell kind {kind!r}; known: {', '.join(CELL_PATTERNS)}")
    if kind == "goal":
        if not value.isdigit():
            raise CompareError(f"not a goal number: {value!r}")
        return str(sdg_goal(value))
    if kind == "target":
        if not value or not all(part.isalnum() for part in value.split(".")):
            raise CompareError(f"not a target code: {value!r}")
        return str(sdg_target(value))
    return string_literal(value)


def cell_projects(
    runner: Runner, code: str, fiscal_year: int, kind: str, value: str
) -> list[tuple[str, str, str]]:
    """(IRI, №, name) of the plan projects behind one table cell: ``kind`` is goal (value
    "3"), target ("3.a") or kind ("ka")."""
    term = _cell_term(kind, value)
    vocabulary = Vocabulary.of(runner)
    cell = CELL_PATTERNS[kind].format(value=term)
    values = city_year_values([(code, fiscal_year)])
    rows = runner.select(vocabulary.query(CELL_QUERY, values=values, cell=cell))
    return [(r["project"], r.get("number", ""), r.get("name", "")) for r in rows]
