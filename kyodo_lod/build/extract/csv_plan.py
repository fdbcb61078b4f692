"""Reading one city's plan-year from the projects.csv template (and its companion kpis.csv).

The reader checks everything before it returns: every problem is collected with its file, line
(the physical line where the CSV record starts), column (1-based) and field, and all of them are
raised together as one ``SourceError``. No rdflib here: the SDG codes to accept are passed in.

Conventions (README, "Adding another city"):
- one file = one city's implementation plan for one fiscal year (the latest ``fiscal_year`` in
  the file); rows of the year before are allowed only for 完了・統合 projects without a №, as the
  plan's list of completed projects gives them (they get the keys c1, c2, ... in file order);
- ``policy_number`` is a dotted path of levels (政策 → 施策 → 基本事業: ``2.3.1``);
  ``policy_title`` is either the title of that deepest level, or the titles of every level from
  the top joined by ``/`` (``安心なまち / 子育て支援 / 保育の充実``); each level must be titled on
  at least one row;
- the basic plan's key is the optional ``plan_key`` column, else the ``/plan/<key>/`` part of the
  ``uri`` column (a file exported by kyodo-lod), else ``plan``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ...errors import Location, Problem, SourceError
from ...model import (
    DEPARTMENT_SEPARATOR,
    KPI,
    PROJECT_COLUMNS,
    Category,
    City,
    Department,
    PlanYear,
    Policy,
    Project,
    SourceSpan,
    sdg_code_key,
)

# The projects.csv template (README) without ``uri``; the same order as dist/projects.csv.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in PROJECT_COLUMNS if c != "uri")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "plan_key",  # short ASCII id of the basic plan in IRIs (default: from uri, else "plan")
    "plan_title",  # the basic plan's title in Japanese
    "plan_title_en",
    "city_name_en",
    "description",  # the project's plan text
    "uri",  # written by kyodo-lod's own export; read only for the plan key
)
KPI_COLUMNS: tuple[str, ...] = (
    "city_code",
    "fiscal_year",
    "project_number",
    "kpi_text",
    "value",
    "unit",
)
DEFAULT_PLAN_KEY = "plan"
TITLE_SEPARATOR = "/"

_PLAN_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_URI_PLAN_KEY = re.compile(r"/id/\d{6}/plan/([^/]+)/\d{4}/project/[^/]+$")
_URI_KEY = re.compile(r"/project/(c\d+)$")
_POLICY_NUMBER = re.compile(r"^\d+(\.\d+)*$")
_SDG_CODE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
_SDG_SEPARATORS = re.compile(r"[\s,、;；]+")


# ---------------------------------------------------------------------------- single values


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


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


# ---------------------------------------------------------------------------- the CSV layer


@dataclass(frozen=True)
class _Record:
    line: int  # physical line where the record starts
    last_line: int
    cells: dict[str, str]


class _Collector:
    """Problems of one file; ``at`` turns a column name into a 1-based column index."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[Problem] = []
        self.header: list[str] = []

    def column(self, name: str) -> int | None:
        return self.header.index(name) + 1 if name in self.header else None

    def at(self, line: int | None, name: str | None, message: str, value: str | None) -> None:
        column = self.column(name) if name else None
        self.problems.append(Problem(Location(self.where, line, column, name), message, value))


def _decode(data: bytes, errors: _Collector) -> str | None:
    """UTF-8 text (a BOM is dropped); on bad bytes, one problem per bad line, naming its cell."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    header = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip().split(",")
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            index = raw[: exc.start].count(b",")
            cell = raw.split(b",")[index] if index < len(raw.split(b",")) else raw
            field = header[index].strip() if index < len(header) else None
            errors.problems.append(
                Problem(
                    Location(errors.where, number, index + 1, field),
                    "the file is not UTF-8 (save it as UTF-8, with or without BOM)",
                    cell.decode("utf-8", "backslashreplace").strip(),
                )
            )
    return None


def _read_records(
    path: Path, required: Iterable[str], optional: Iterable[str], errors: _Collector
) -> list[_Record] | None:
    """The records of a CSV file as {column: stripped text}, or ``None`` if it cannot be read
    (bad encoding, unusable header). Rows with the wrong number of cells are reported."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.at(None, None, f"cannot read the file: {exc.strerror}", None)
        return None
    text = _decode(data, errors)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[_Record] = []
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not errors.header:
                if not _check_header(cells, required, optional, start, errors):
                    return None
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            if len(cells) != len(errors.header):
                missing = len(cells) < len(errors.header)
                name = errors.header[len(cells)] if missing else None
                errors.problems.append(
                    Problem(
                        # the first missing cell, or the first cell past the header
                        Location(
                            errors.where, start, min(len(cells), len(errors.header)) + 1, name
                        ),
                        f"the row has {len(cells)} cells but the header has "
                        f"{len(errors.header)} (a comma or line break in a cell must be "
                        'inside double quotes: "a, b")',
                        ",".join(cells),
                    )
                )
                continue
            values = {name: cell.strip() for name, cell in zip(errors.header, cells, strict=True)}
            records.append(_Record(start, previous_end, values))
    except csv.Error as exc:
        errors.at(reader.line_num, None, f"the CSV does not parse: {exc}", None)
        return None
    if not errors.header:
        errors.at(1, None, "the file is empty: it needs a header row", None)
        return None
    return records


def _check_header(
    cells: list[str], required: Iterable[str], optional: Iterable[str], line: int, e: _Collector
) -> bool:
    header = [cell.strip() for cell in cells]
    e.header = header
    required, allowed = list(required), {*required, *optional}
    ok = True
    for index, name in enumerate(header, start=1):
        if name not in allowed:
            ok = False
            e.problems.append(
                Problem(
                    Location(e.where, line, index, name or None),
                    f"unknown column; the columns are: {', '.join([*required, *optional])}",
                    name,
                )
            )
        elif header.index(name) != index - 1:
            ok = False
            e.problems.append(
                Problem(Location(e.where, line, index, name), "the column is repeated", name)
            )
    missing = [name for name in required if name not in header]
    if missing:
        ok = False
        e.at(line, None, f"missing column(s): {', '.join(missing)}", ",".join(header))
    return ok


# ---------------------------------------------------------------------------- the plan


def read_plan_csv(
    path: Path, kpis: Path | None = None, known_targets: Iterable[str] | None = None
) -> PlanYear:
    """One plan-year from a projects.csv-template file (and its kpis.csv), fully checked.

    ``known_targets`` are the SDG target codes to accept (the UN vocabulary); ``None`` checks
    only their form (the pipeline checks them against the vocabulary again)."""
    path = Path(path)
    e = _Collector(str(path))
    records = _read_records(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, e)
    if records is None:
        raise SourceError(e.problems)
    if not records:
        e.at(None, None, "the file has a header but no project rows", None)
        raise SourceError(e.problems)
    known = frozenset(known_targets) if known_targets is not None else None

    # one city, one name, one plan key and title: the first good value wins, others must agree
    firsts: dict[str, tuple[str, int]] = {}

    def same_everywhere(record: _Record, name: str, value: str, what: str) -> None:
        if name not in firsts:
            firsts[name] = (value, record.line)
        elif firsts[name][0] != value:
            first, line = firsts[name]
            e.at(record.line, name, f"{what} differs from line {line}'s {first!r}", value)

    years: dict[int, int] = {}
    for record in records:
        c = record.cells
        code = _nfkc(c["city_code"])
        problem = city_code_problem(code) if code else "the city code is missing"
        if problem:
            e.at(record.line, "city_code", problem, c["city_code"])
        else:
            same_everywhere(record, "city_code", code, "the city code")
        if not c["city_name"]:
            e.at(record.line, "city_name", "the city name is missing", c["city_name"])
        else:
            same_everywhere(record, "city_name", c["city_name"], "the city name")
        for name in ("plan_key", "plan_title", "plan_title_en", "city_name_en"):
            if c.get(name):
                same_everywhere(record, name, c[name], f"the {name.replace('_', ' ')}")
        year = _nfkc(c["fiscal_year"])
        if re.fullmatch(r"\d{4}", year) and 1900 < int(year) < 2200:
            years[record.line] = int(year)
        elif not year:
            e.at(record.line, "fiscal_year", "the fiscal year is missing", c["fiscal_year"])
        else:
            e.at(record.line, "fiscal_year", "the fiscal year must be a year like 2025", year)
    fiscal_year = max(years.values(), default=0)

    plan_key = firsts.get("plan_key", ("", 0))[0]
    if plan_key and not _PLAN_KEY.match(plan_key):
        line = firsts["plan_key"][1]
        msg = "the plan key must be lower-case ASCII letters, digits and '-' (e.g. kyodo2)"
        e.at(line, "plan_key", msg, plan_key)
    if not plan_key:
        uri_match = next(
            (m for r in records if (m := _URI_PLAN_KEY.search(r.cells.get("uri", "")))), None
        )
        plan_key = uri_match.group(1) if uri_match else DEFAULT_PLAN_KEY

    # projects
    numbers: dict[tuple[int, int], int] = {}  # (year, №) → line
    rows: list[tuple[_Record, dict[str, object]]] = []
    policy_titles: dict[str, tuple[str, int]] = {}  # number → (title, line)
    policy_lines: dict[str, int] = {}  # number → first line that uses it (or a sub-level)
    for record in records:
        c = record.cells
        row: dict[str, object] = {}
        ok = record.line in years
        year = years.get(record.line, fiscal_year)

        try:
            category = Category.from_label(c["category"])
            row["category"] = category
        except ValueError as exc:
            e.at(record.line, "category", str(exc), c["category"])
            category, ok = None, False

        number_text = _nfkc(c["project_number"])
        number: int | None = None
        if number_text:
            if number_text.isdigit() and int(number_text) > 0:
                number = int(number_text)
                if (year, number) in numbers:
                    first = numbers[(year, number)]
                    msg = f"project number {number} is used twice in FY{year} (line {first})"
                    e.at(record.line, "project_number", msg, c["project_number"])
                    ok = False
                else:
                    numbers[(year, number)] = record.line
            else:
                e.at(
                    record.line,
                    "project_number",
                    "the project number must be a whole number from 1",
                    c["project_number"],
                )
                ok = False
        elif category is not None and category is not Category.COMPLETED:
            msg = "the project number is missing (only 完了・統合 projects may have none)"
            e.at(record.line, "project_number", msg, c["project_number"])
            ok = False
        row["number"] = number

        other_year = fiscal_year and record.line in years and year != fiscal_year
        if other_year and (
            year != fiscal_year - 1 or category is not Category.COMPLETED or number is not None
        ):
            msg = (
                f"the file's plan year is {fiscal_year}: rows of another year may only be "
                f"完了・統合 projects of FY{fiscal_year - 1} without a project number"
            )
            e.at(record.line, "fiscal_year", msg, c["fiscal_year"])
            ok = False

        policy = _nfkc(c["policy_number"])
        if not _POLICY_NUMBER.match(policy):
            msg = (
                "the policy number must be a number or a dotted path of levels (1, 2.3, 2.3.1)"
                if policy
                else "the policy number is missing"
            )
            e.at(record.line, "policy_number", msg, c["policy_number"])
            ok = False
        else:
            policy = ".".join(str(int(part)) for part in policy.split("."))
            row["policy"] = policy
            levels = policy.split(".")
            titles = [t.strip() for t in c["policy_title"].split(TITLE_SEPARATOR)]
            if not c["policy_title"] or not all(titles):
                e.at(record.line, "policy_title", "the policy title is missing", c["policy_title"])
                ok = False
            elif len(titles) not in (1, len(levels)):
                msg = (
                    f"the policy title has {len(titles)} parts for the {len(levels)} levels of "
                    f"policy {policy}: give one title per level joined by '/', or only the "
                    f"title of {policy}"
                )
                e.at(record.line, "policy_title", msg, c["policy_title"])
                ok = False
            else:
                for depth in range(len(levels)):
                    policy_lines.setdefault(".".join(levels[: depth + 1]), record.line)
                numbered = zip(
                    [".".join(levels[: i + 1]) for i in range(len(levels))][-len(titles) :],
                    titles,
                    strict=True,
                )
                for level, title in numbered:
                    if level not in policy_titles:
                        policy_titles[level] = (title, record.line)
                    elif policy_titles[level][0] != title:
                        first, line = policy_titles[level]
                        msg = f"policy {level} is titled {first!r} on line {line}"
                        e.at(record.line, "policy_title", msg, c["policy_title"])
                        ok = False

        if not c["project_name"]:
            e.at(record.line, "project_name", "the project name is missing", c["project_name"])
            ok = False

        parts = tuple(p.strip() for p in c["department"].split(DEPARTMENT_SEPARATOR))
        if not c["department"] or not all(parts):
            msg = "the department must be its units from the top joined by '/' (総務部/総務課)"
            e.at(record.line, "department", msg, c["department"])
            ok = False
        row["department"] = parts

        codes: list[str] = []
        for code in normalise_sdg_codes(c["sdg_targets"]):
            if not _SDG_CODE.match(code):
                msg = "not an SDG target code (like 3.4 or 17.a); separate codes by spaces"
                e.at(record.line, "sdg_targets", msg, code)
                ok = False
            elif known is not None and code not in known:
                msg = f"SDG target {code} does not exist in the UN SDG vocabulary"
                e.at(record.line, "sdg_targets", msg, code)
                ok = False
            elif code not in codes:
                codes.append(code)
        row["targets"] = tuple(sorted(codes, key=sdg_code_key))

        relisted = _nfkc(c["relisted_from"])
        row["relisted"] = None
        if relisted:
            if not relisted.isdigit():
                msg = "relisted_from must be the № of the project this row relists"
                e.at(record.line, "relisted_from", msg, c["relisted_from"])
                ok = False
            elif category is not None and category is not Category.RELISTED:
                msg = "relisted_from is only for 再掲 rows"
                e.at(record.line, "relisted_from", msg, c["relisted_from"])
                ok = False
            else:
                row["relisted"] = int(relisted)
        elif category is Category.RELISTED:
            msg = "a 再掲 row needs relisted_from: the № of the project it relists"
            e.at(record.line, "relisted_from", msg, c["relisted_from"])
            ok = False
        row["year"] = year
        if ok:
            rows.append((record, row))

    # cross-row checks: relisted rows point into the file; every policy level has a title
    for record, row in rows:
        target = row["relisted"]
        if target is None:
            continue
        if (row["year"], target) not in numbers:
            msg = f"relisted_from points to project {target}, which is not in FY{row['year']}"
            e.at(record.line, "relisted_from", msg, record.cells["relisted_from"])
        elif target == row["number"]:
            e.at(record.line, "relisted_from", "a row cannot relist itself", str(target))
    for level, line in sorted(policy_lines.items(), key=lambda kv: kv[1]):
        if level not in policy_titles:
            msg = (
                f"policy {level} has no title: on at least one row, write the titles of every "
                "level joined by '/'"
            )
            e.at(line, "policy_title", msg, level)

    kpi_lists = _read_kpis(kpis, firsts, numbers, e) if kpis is not None else {}

    if e.problems:
        # the projects file first, then its kpis.csv; each in line and column order
        raise SourceError(sorted(e.problems, key=lambda p: _order(p, str(path))))

    code, city_name = firsts["city_code"][0], firsts["city_name"][0]
    city_name_en = firsts.get("city_name_en", ("", 0))[0] or f"Local government {code}"
    plan_title = firsts.get("plan_title", ("", 0))[0] or f"{city_name}の計画"
    plan_title_en = firsts.get("plan_title_en", ("", 0))[0] or f"Plan of {city_name_en}"
    completed = 0
    projects = []
    for record, row in rows:
        number = row["number"]
        key = ""
        if number is None:
            # an exported file names the key in its uri; else c1, c2, ... in file order
            completed += 1
            found = _URI_KEY.search(record.cells.get("uri", ""))
            key = found.group(1) if found else f"c{completed}"
        projects.append(
            Project(
                number=number,  # type: ignore[arg-type]
                category=row["category"],  # type: ignore[arg-type]
                name=record.cells["project_name"],
                policy_number=row["policy"],  # type: ignore[arg-type]
                department=Department(
                    path=row["department"],  # type: ignore[arg-type]
                    source_text=record.cells["department"],
                ),
                fiscal_year=row["year"],  # type: ignore[arg-type]
                plan_text=record.cells.get("description", ""),
                kpis=tuple(kpi_lists.get((row["year"], number), ())),  # type: ignore[arg-type]
                sdg_targets=row["targets"],  # type: ignore[arg-type]
                relisted_from=row["relisted"],  # type: ignore[arg-type]
                source=SourceSpan(path.name, record.line, record.last_line),
                key=key,
            )
        )
    policies = tuple(
        Policy(number=level, title_ja=title)
        for level, (title, _) in sorted(
            policy_titles.items(), key=lambda kv: [int(p) for p in kv[0].split(".")]
        )
    )
    return PlanYear(
        city=City(code=code, name_ja=city_name, name_en=city_name_en),
        basic_plan_key=plan_key,
        basic_plan_title_ja=plan_title,
        basic_plan_title_en=plan_title_en,
        title_ja=f"{plan_title} {fiscal_year}年度実施計画",
        title_en=f"{plan_title_en}: FY{fiscal_year} Implementation Plan",
        fiscal_year=fiscal_year,
        source_document=path.name,
        policies=policies,
        projects=tuple(projects),
        extra={"kpis_document": kpis.name} if kpis is not None else {},
    )


def _order(problem: Problem, main_file: str) -> tuple[bool, int, int]:
    loc = problem.location
    return (loc.file != main_file, loc.line or 0, loc.column or 0)


def _read_kpis(
    path: Path,
    firsts: dict[str, tuple[str, int]],
    numbers: dict[tuple[int, int], int],
    plan_errors: _Collector,
) -> dict[tuple[int, int], list[KPI]]:
    """KPI lines by (year, №), in file order; problems go to ``plan_errors``."""
    e = _Collector(str(path))
    records = _read_records(Path(path), KPI_COLUMNS, (), e)
    kpis: dict[tuple[int, int], list[KPI]] = {}
    code = firsts.get("city_code", ("", 0))[0]
    for record in records or []:
        c = record.cells
        ok = True
        if _nfkc(c["city_code"]) != code:
            msg = f"the city code is not the plan's ({code})"
            e.at(record.line, "city_code", msg, c["city_code"])
            ok = False
        year, number = _nfkc(c["fiscal_year"]), _nfkc(c["project_number"])
        key = (int(year), int(number)) if year.isdigit() and number.isdigit() else None
        if key is None or key not in numbers:
            msg = "no project with this fiscal year and number in the projects file"
            e.at(record.line, "project_number", msg, f"{year} {number}".strip())
            ok = False
        if not c["kpi_text"]:
            e.at(record.line, "kpi_text", "the KPI text is missing", c["kpi_text"])
            ok = False
        value: Decimal | None = None
        raw = _nfkc(c["value"]).replace(",", "")
        if raw:
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                e.at(record.line, "value", "the value must be a number (600, 12.5)", c["value"])
                ok = False
        if bool(c["unit"]) != bool(raw):  # a figure and its unit come together (shapes)
            msg = "a unit needs a value" if c["unit"] else "a value needs a unit (人, 件, %)"
            e.at(record.line, "unit", msg, c["unit"] or c["value"])
            ok = False
        if ok and key is not None:
            kpis.setdefault(key, []).append(KPI(c["kpi_text"], value, c["unit"] or None))
    plan_errors.problems.extend(e.problems)
    return kpis


# ---------------------------------------------------------------------------- writing


WRITTEN_COLUMNS: tuple[str, ...] = (
    *REQUIRED_COLUMNS,
    "plan_key",
    "plan_title",
    "plan_title_en",
    "city_name_en",
    "description",
)


def plan_rows(plan: PlanYear) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows (projects, KPIs) that ``read_plan_csv`` reads back as ``plan``."""
    titles = {policy.number: policy.title_ja for policy in plan.policies}

    def title_path(number: str) -> str:
        levels = number.split(".")
        path = [titles[".".join(levels[: i + 1])] for i in range(len(levels))]
        return f" {TITLE_SEPARATOR} ".join(path)

    projects, kpis = [], []
    for project in plan.projects:
        projects.append(
            {
                "city_code": plan.city.code,
                "city_name": plan.city.name_ja,
                "fiscal_year": str(project.fiscal_year),
                "policy_number": project.policy_number,
                "policy_title": title_path(project.policy_number),
                "project_number": _text(project.number),
                "category": project.category.label_ja,
                "project_name": project.name,
                "department": DEPARTMENT_SEPARATOR.join(project.department.path),
                "sdg_targets": " ".join(project.sdg_targets),
                "relisted_from": _text(project.relisted_from),
                "plan_key": plan.basic_plan_key,
                "plan_title": plan.basic_plan_title_ja,
                "plan_title_en": plan.basic_plan_title_en,
                "city_name_en": plan.city.name_en,
                "description": project.plan_text,
            }
        )
        for kpi in project.kpis:
            kpis.append(
                {
                    "city_code": plan.city.code,
                    "fiscal_year": str(project.fiscal_year),
                    "project_number": str(project.number),
                    "kpi_text": kpi.text,
                    "value": "" if kpi.value is None else str(kpi.value),
                    "unit": kpi.unit or "",
                }
            )
    return projects, kpis


def _text(value: object) -> str:
    return "" if value is None else str(value)


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
