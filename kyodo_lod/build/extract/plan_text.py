"""Read the text extraction of a city's implementation plan into a ``PlanYear``.

The text is what a PDF-to-text tool made of the plan (see data/sources/SOURCE.md). It has two
parts, and every non-blank line of both is accounted for (read, or skipped as layout by a named
rule); a line no rule knows is a ``SourceError``, so nothing is dropped silently.

**Front sheet** (no page number): the plan's title, the headline 【2025 年度実施事業数 95 】,
the summary table (per 基本施策: FY count, 新規・追加, 拡充, 継続, 完了・統合 printed with
△ = minus, previous FY count; then the 計 row), the 【拡充】 list and the 【完了等】 list
(policy, name, 担当課).

**Project table**: a page header (the title 「…_2025年度実施計画」 and/or the column heads from
「№」 down to 「SDGsの取り組み」), ◆基本施策 headings, and one row per project:
``№ 区分 事業名`` then the name's wrapped lines, the 事業計画 text with its KPI lines (〇/○), the
担当所属 and the SDG targets, one per line. Layout rules this module relies on:

- *Pages.* Each page begins either with the page header or, where the extraction dropped the
  header, with a row or ◆ heading that starts with a single space. That gives 20 page starts for
  this plan, and the one printed footer, 「2/20」 after №10, closes the second of them: the table's
  first page is page 1 and the front sheet is unnumbered (``page=None`` for the completed
  projects). Footers are checked against the count.
- *Names.* Either on the row line, or (row line ``№ 区分`` alone) on the following lines up to a
  blank line, joined without a separator.
- *One-line rows* (№9, 28, 46, 53): name, plan text and department on the row line, separated by
  spaces; the name is the first space-separated part, the department the last one before any
  SDG codes.
- *Department.* The last text before the SDG codes, read with ``departments.department_path``;
  when the last line is a fragment (「興課」, 「課」, 「ター」) it is joined to the line(s) above.
  Text before it on the same line is plan text (№34's KPI line).
- *SDG targets.* Trailing lines made only of SDG-shaped codes (blank lines allowed between them)
  plus codes after the department on its line, in document order, NFKC-normalised.
- *Plan text.* Lines are re-joined without a separator where the layout wrapped them (the
  previous line is at least ``WRAP_WIDTH`` columns and this one is not indented and starts no
  item); other line breaks are kept as ``\\n``. Leading and trailing spaces (layout indentation)
  and blank lines are dropped; the characters are kept as printed (no NFKC). A relist note
  「（施策１再掲）」 is not plan text: it becomes ``relisted_from``.
- *KPIs.* A line starting with 〇/○ plus the indented lines under it (「　　首都圏イベント　１回」,
  「　・教養課程…」), joined with ``\\n``. ``value``/``unit`` come from the 〇 line when it states
  exactly one number; when the 〇 line has no number and exactly one line sits under it, from
  that line (№5 「首都圏イベント　１回」 → 1 回); otherwise the KPI is text only. A lone number
  without a unit (№50 「…クラブ数（予定）164」) gives a value and no unit.
- *再掲.* The summary table counts 再掲 rows under 継続 (policy 2: 5 継続 + 1 再掲 rows, summary
  継続 6; likewise policies 3, 6, 7), and the checks follow that rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...errors import ConsistencyError, Location, Problem, SourceError
from ...model import (
    KPI,
    Anomaly,
    Category,
    Department,
    PlanYear,
    Policy,
    PolicySummary,
    Project,
    SourceSpan,
)
from . import checks
from .checks import ListEntry
from .departments import department_path, parse_department
from .meta import PlanMeta, read_meta
from .text import (
    BULLETS,
    KPI_BULLETS,
    WRAP_WIDTH,
    base_name_key,
    compare_key,
    display_width,
    has_number,
    is_blank,
    nfkc,
    one_figure,
    sdg_like,
    sdg_problem,
)

_DIGITS = "[0-9０-９]"
_SP = "[ \u3000]"
_ROW = re.compile(rf"^( ?)({_DIGITS}{{1,3}}) (継続|拡充|再掲|新規・追加|新規|追加){_SP}*(.*)$")
_POLICY = re.compile(rf"^( ?)◆基本施策({_DIGITS}+){_SP}+(\S.*)$")
_FOOTER = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_RELIST_NOTE = re.compile(rf"^[（(]施策{_SP}*({_DIGITS}+){_SP}*再掲[）)]$")
_LIST_POLICY = re.compile(rf"^基本施策({_DIGITS}+)(?:{_SP}+(.*))?$")
_SUMMARY_ROW = re.compile(r"^(?:基本施策(\d+)|(計))((?:\s+△?\d+){6})$")
_HEADLINE = re.compile(r"^【(\d{4})年度実施事業数(\d+)】$")
_CODE_LIKE = re.compile(r"^\d+(?:\.\w+)+$")
_LAST_TOKEN = re.compile(r"^(.*?)(\S+)\s*$", re.S)


@dataclass(frozen=True)
class _Line:
    no: int  # 1-based line number
    text: str  # as read, without the line break

    @property
    def blank(self) -> bool:
        return is_blank(self.text)


@dataclass
class _Front:
    stated_total: int | None = None
    summaries: dict[str, PolicySummary] = field(default_factory=dict)
    total_row: PolicySummary | None = None
    expanded: list[ListEntry] = field(default_factory=list)
    completed: list[ListEntry] = field(default_factory=list)
    completed_note: str = ""
    table_start: int = 0  # index into the lines


@dataclass
class _Row:
    """One project row as read from the table, before relists are resolved."""

    number: int
    category: Category
    name: str
    policy: str
    department: Department
    plan_text: str
    kpis: tuple[KPI, ...]
    sdg_targets: tuple[str, ...]
    relist_note: str | None  # the policy number a 「（施策N再掲）」 note names
    relist_note_line: int | None
    span: SourceSpan
    last_page: int | None


def read_plan_text(path: Path) -> PlanYear:
    """Read ``path`` (a plan's text extraction) and its sidecar ``<stem>.meta.json``.

    Raises ``SourceError`` when the text cannot be read as a plan (with file, line and column)
    and ``ConsistencyError`` when what was read disagrees with the plan's own summary table and
    lists (naming the policy and the numbers)."""
    path = Path(path)
    meta = read_meta(path)
    return _Reader(path, _read_lines(path), meta).read()


def _read_lines(path: Path) -> list[_Line]:
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(Location(where), f"cannot read the plan text: {exc}")) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.end].hex()
        raise SourceError(
            Problem(Location(where, line, column), "not UTF-8 text", f"bytes {bad}")
        ) from exc
    raw = text.split("\n")
    return [_Line(i, line.rstrip("\r")) for i, line in enumerate(raw, start=1)]


class _Reader:
    def __init__(self, path: Path, lines: list[_Line], meta: PlanMeta):
        self.path = path
        self.where = str(path)
        self.document = path.name
        self.lines = lines
        self.meta = meta
        self.fy = meta.fiscal_year
        self.anomalies: list[Anomaly] = []
        self.failures: list[str] = []
        self.pages: dict[int, int] = {}  # line number → page, for table lines

    # -- helpers -------------------------------------------------------------------------
    def problem(self, line: int | None, message: str, value: str | None = None) -> SourceError:
        return SourceError(Problem(Location(self.where, line), message, value))

    def span(self, first: int, last: int | None = None, page: int | None = None) -> SourceSpan:
        return SourceSpan(self.document, first, first if last is None else last, page)

    def anomaly(self, kind: str, message: str, span: SourceSpan, number: int | None) -> None:
        self.anomalies.append(Anomaly(kind, message, span, number))

    # -- the whole document ---------------------------------------------------------------
    def read(self) -> PlanYear:
        front = self.read_front()
        policies, rows, page_count = self.read_table(front.table_start)
        self.check_numbering(rows)
        relists = self.resolve_relists(rows, policies)
        self.check_policies(policies, front)
        completed = self.completed_projects(front)
        projects = [self.project(row, relists.get(row.number)) for row in rows]
        self.failures += checks.summary_checks(front.summaries, front.total_row, projects)
        self.failures += checks.headline_checks(front.stated_total, front.total_row, projects)
        self.failures += checks.completed_checks(front.summaries, completed)
        failures, anomalies = checks.expanded_list_checks(front.expanded, projects, self.document)
        self.failures += failures
        self.anomalies += anomalies
        self.anomalies += checks.sdg_order_anomalies(projects)
        self.anomalies += checks.duplicated_phrase_anomalies(projects)
        if self.failures:
            listed = "\n".join(f"- {f}" for f in self.failures)
            raise ConsistencyError(
                f"{self.where}: the extraction disagrees with the document itself:\n{listed}"
            )
        self.anomalies.sort(key=lambda a: (a.source.first_line if a.source else 0, a.kind))
        notes: dict[int, list[str]] = {}
        for a in self.anomalies:
            if a.project_number is not None:
                notes.setdefault(a.project_number, []).append(a.message)
        projects = [
            replace(p, notes=tuple(notes.get(p.number, []))) if p.number in notes else p
            for p in projects
        ]
        return PlanYear(
            city=self.meta.city,
            basic_plan_key=self.meta.basic_plan_key,
            basic_plan_title_ja=self.meta.basic_plan_title_ja,
            basic_plan_title_en=self.meta.basic_plan_title_en,
            title_ja=self.meta.title_ja,
            title_en=self.meta.title_en,
            fiscal_year=self.fy,
            source_document=self.document,
            policies=tuple(
                Policy(number, title, self.meta.policy_titles_en.get(number, ""))
                for number, (title, _line) in policies.items()
            ),
            projects=(*projects, *completed),
            summaries=tuple(front.summaries.values()),
            anomalies=tuple(self.anomalies),
            stated_project_count=front.total_row.project_count if front.total_row else None,
            stated_previous_year_count=(
                front.total_row.previous_year_count if front.total_row else None
            ),
            policy_term_ja="基本施策",  # the table's own word: ◆基本施策１
            policy_term_en="Basic policy",
            source_title=self.meta.source_title,
            source_url=self.meta.source_url,
            source_issued=self.meta.source_issued,
            source_modified=self.meta.source_modified,
            extra={"pages": str(page_count), "completed_list_note": front.completed_note},
        )

    # -- front sheet ----------------------------------------------------------------------
    def table_title(self) -> str:
        return f"{self.meta.basic_plan_title_ja}_{self.fy}年度実施計画"

    def is_table_header_start(self, text: str) -> bool:
        return text.strip() in (self.table_title(), "№")

    def read_front(self) -> _Front:
        front = _Front()
        titles = {compare_key(self.meta.basic_plan_title_ja), compare_key(f"{self.fy}年度実施計画")}
        seen_titles: set[str] = set()
        summary_heads = {
            compare_key(t)
            for t in (
                f"基本施策 {self.fy} 年度事業数",
                "内訳",
                f"{self.fy - 1} 年度事業数",
                "新規・追加 拡充 継続 完了・統合",
            )
        }
        seen_heads: set[str] = set()
        list_head = compare_key("基本施策 事業名 担当課")
        section = "title"
        policy: str | None = None
        for index, line in enumerate(self.lines):
            if line.blank:
                continue
            text = line.text.strip()
            key = compare_key(text)
            if self.is_table_header_start(text):
                front.table_start = index
                break
            if key.startswith("【拡充】"):
                section, policy = "expanded", None
                continue
            if key.startswith("【完了等】"):
                section, policy = "completed", None
                front.completed_note = text.split("】", 1)[1].lstrip("※").strip()
                continue
            if section in ("title", "summary"):
                if section == "title" and key in titles:
                    seen_titles.add(key)
                    continue
                headline = _HEADLINE.match(key)
                if headline:
                    year, total = int(headline.group(1)), int(headline.group(2))
                    if year != self.fy:
                        raise self.problem(
                            line.no, f"headline is for FY{year}, the sidecar says {self.fy}"
                        )
                    front.stated_total = total
                    section = "summary"
                    continue
                if section == "summary" and key in summary_heads:
                    seen_heads.add(key)
                    continue
                if section == "summary" and self.read_summary_row(line, front):
                    continue
                raise self.problem(line.no, "unexpected text on the front sheet", text)
            # the two lists
            if key == list_head:
                continue
            head = _LIST_POLICY.match(text)
            if head:
                policy = nfkc(head.group(1))
                rest = (head.group(2) or "").strip()
                if not rest:
                    continue
                text = rest
            if policy is None:
                raise self.problem(line.no, "list entry before any 基本施策 in the list", text)
            entry = self.read_list_entry(line.no, policy, text)
            (front.expanded if section == "expanded" else front.completed).append(entry)
        else:
            raise self.problem(None, "no project table found (no page header 「№」)")
        if titles - seen_titles:
            missing = "、".join(sorted(titles - seen_titles))
            raise self.problem(1, f"the front sheet does not show the plan title {missing}")
        if summary_heads - seen_heads or front.total_row is None:
            raise self.problem(
                None, "the summary table's column heads or its 計 row are missing or changed"
            )
        return front

    def read_summary_row(self, line: _Line, front: _Front) -> bool:
        match = _SUMMARY_ROW.match(" ".join(nfkc(line.text).split()))
        if not match:
            return False
        cells = match.group(3).split()
        for position, cell in enumerate(cells):
            if cell.startswith("△") and position != 4:
                raise self.problem(
                    line.no, "△ (minus) outside the 完了・統合 column", line.text.strip()
                )
        values = [int(c.lstrip("△")) for c in cells]
        number = match.group(1) or "計"
        row = PolicySummary(number, *values)
        if number == "計":
            front.total_row = row
        else:
            if number in front.summaries:
                raise self.problem(line.no, f"基本施策{number} appears twice in the summary")
            front.summaries[number] = row
        return True

    def read_list_entry(self, line_no: int, policy: str, text: str) -> ListEntry:
        """「name department」: the department is the shortest tail of space-separated parts
        that reads as a department (the name may hold spaces: 「５R 推進事業（…）」)."""
        parts = text.split()
        for start in range(len(parts) - 1, 0, -1):
            if department_path("".join(parts[start:])) is not None:
                name = " ".join(parts[:start])
                department = " ".join(parts[start:])
                return ListEntry(policy, name, department, line_no)
        raise self.problem(line_no, "list entry without a department (担当課)", text)

    # -- project table --------------------------------------------------------------------
    def read_table(self, start: int) -> tuple[dict[str, tuple[str, int]], list[_Row], int]:
        header_cells = {
            "№",
            str(self.fy),
            "区分",
            "事業名",
            f"事業計画（{self.fy}）",
            "（実施予定及び数値目標等）",
            "担当所属",
            "SDGs",
            "ゴール.",
            "ターゲット",
            "SDGsの取り組み",
        }
        policies: dict[str, tuple[str, int]] = {}
        blocks: list[tuple[_Line, re.Match[str], str, list[_Line]]] = []
        footers: list[tuple[int, int, int, int]] = []  # line, printed n, printed m, our page
        page = 0
        page_has_content = False
        in_header = False
        policy: str | None = None
        current: list[_Line] | None = None
        for line in self.lines[start:]:
            text = line.text.strip()
            if line.blank:
                if current is not None:
                    current.append(line)
                self.pages[line.no] = page
                continue
            if text == self.table_title() or (text == "№" and not in_header):
                page += 1
                page_has_content = False
                in_header = True
                self.pages[line.no] = page
                continue
            if in_header and text in header_cells:
                self.pages[line.no] = page
                continue
            in_header = False
            if text == "SDGsの取り組み":  # the header's last cell, sometimes extracted late
                self.pages[line.no] = page
                continue
            footer = _FOOTER.match(text)
            if footer:
                footers.append((line.no, int(footer.group(1)), int(footer.group(2)), page))
                self.pages[line.no] = page
                continue
            heading = _POLICY.match(line.text)
            row = _ROW.match(line.text)
            marker = heading or row
            if marker is not None and marker.group(1) == " " and page_has_content:
                page += 1  # a page whose header the extraction dropped
            self.pages[line.no] = page
            if heading:
                page_has_content = True
                policy = nfkc(heading.group(2))
                if policy in policies:
                    raise self.problem(line.no, f"基本施策{policy} heading appears twice")
                policies[policy] = (heading.group(3).strip(), line.no)
                current = None
                continue
            if row:
                page_has_content = True
                if policy is None:
                    raise self.problem(line.no, "project row before any ◆基本施策 heading")
                current = []
                blocks.append((line, row, policy, current))
                continue
            if current is None:
                raise self.problem(line.no, "text outside any project row", text)
            current.append(line)
        self.check_footers(footers, page)
        rows = [self.read_row(line, match, pol, body) for line, match, pol, body in blocks]
        return policies, rows, page

    def check_footers(self, footers: list[tuple[int, int, int, int]], pages: int) -> None:
        for line, printed, total, ours in footers:
            if printed != ours or total != pages:
                self.failures.append(
                    f"page footer 「{printed}/{total}」 at line {line} does not match the page"
                    f" headers: it ends page {ours} of {pages}"
                )

    def read_row(self, line: _Line, match: re.Match[str], policy: str, body: list[_Line]) -> _Row:
        number = int(nfkc(match.group(2)))
        category = Category.from_label(match.group(3))
        rest = match.group(4).strip()
        lines = list(body)
        while lines and lines[-1].blank:
            lines.pop()
        last_line = lines[-1].no if lines else line.no
        # SDG codes at the end, one per line (blank lines allowed between them)
        tail: list[tuple[str, _Line]] = []
        while lines:
            candidate = lines[-1]
            tokens = candidate.text.split()
            if candidate.blank:
                lines.pop()
            elif all(sdg_like(t) for t in tokens):
                tail[:0] = [(t, candidate) for t in tokens]
                lines.pop()
            else:
                break
        where = f"project {number}"
        name_lines: list[_Line] = []
        plan_lines: list[_Line] = []
        if rest:
            # the row line holds the name, or (one-line row) name, plan text and department
            codes, text = self.pop_codes(line, line.text[match.start(4) :])
            department = self.department_at_end(text)
            parts = text.split()
            if department and len(parts) >= 2:
                dept, before = department
                name = parts[0]
                plan = before.strip()[len(name) :].strip()
                if lines:
                    raise self.problem(
                        lines[0].no,
                        f"{where}: text after the one-line row, where only SDG codes may follow",
                        lines[0].text.strip(),
                    )
                plan_lines = [_Line(line.no, plan)] if plan else []
                tail[:0] = codes
            else:
                name = rest
                dept, plan_lines, codes = self.read_department(number, line, lines)
                tail[:0] = codes
        else:
            position = 0
            while position < len(lines) and lines[position].blank:
                position += 1
            while position < len(lines) and not lines[position].blank:
                name_lines.append(lines[position])
                position += 1
            if not name_lines:
                raise self.problem(line.no, f"{where}: no project name (事業名)")
            if len(name_lines) > 3:
                raise self.problem(
                    name_lines[0].no,
                    f"{where}: the name runs over {len(name_lines)} lines (at most 3 expected);"
                    " is a blank line missing after it?",
                )
            name = "".join(x.text.strip() for x in name_lines)
            dept, plan_lines, codes = self.read_department(number, line, lines[position:])
            tail[:0] = codes
        targets = tuple(self.target(code, at, number) for code, at in tail)
        note, note_line, plan_lines = self.relist_note(plan_lines)
        plan_text, kpis = _plan_text_and_kpis(plan_lines)
        page = self.pages.get(line.no)
        return _Row(
            number=number,
            category=category,
            name=name,
            policy=policy,
            department=dept,
            plan_text=plan_text,
            kpis=kpis,
            sdg_targets=targets,
            relist_note=note,
            relist_note_line=note_line,
            span=self.span(line.no, last_line, page),
            last_page=self.pages.get(last_line),
        )

    def pop_codes(self, line: _Line, text: str) -> tuple[list[tuple[str, _Line]], str]:
        """Split SDG codes off the end of ``text`` (a part of ``line``)."""
        codes: list[tuple[str, _Line]] = []
        while True:
            match = _LAST_TOKEN.match(text)
            if not match or not match.group(1).strip() or not sdg_like(match.group(2)):
                return codes, text
            codes.insert(0, (match.group(2), line))
            text = match.group(1)

    def department_at_end(self, text: str) -> tuple[Department, str] | None:
        match = _LAST_TOKEN.match(text)
        if not match:
            return None
        department = parse_department([match.group(2)])
        return (department, match.group(1)) if department else None

    def read_department(
        self, number: int, row: _Line, lines: list[_Line]
    ) -> tuple[Department, list[_Line], list[tuple[str, _Line]]]:
        """The department at the end of ``lines`` (which end before the SDG lines): returns it,
        the plan-text lines before it and any SDG codes printed after it on its line."""
        if not lines:
            raise self.problem(row.no, f"project {number}: no department (担当所属) found")
        last = lines[-1]
        codes, text = self.pop_codes(last, last.text)
        found = self.department_at_end(text)
        if found:
            department, before = found
            plan = lines[:-1]
            if before.strip():
                plan = [*plan, _Line(last.no, before.rstrip())]
            return department, plan, codes
        # a wrapped department: 「文化スポーツ観光部スポーツ振」 + 「興課」
        fragment = text.strip()
        if len(fragment.split()) == 1:
            for size in (2, 3):
                if len(lines) < size:
                    break
                group = lines[-size:-1]
                if any(x.blank or len(x.text.split()) != 1 for x in group):
                    break
                department = parse_department([*(x.text for x in group), fragment])
                if department:
                    return department, lines[:-size], codes
        if _CODE_LIKE.match(nfkc(fragment)):  # e.g. "3.4.1": looks like a code, is not one
            raise SourceError(
                Problem(
                    Location(self.where, last.no, last.text.find(fragment) + 1, "sdg_target"),
                    f"project {number}: not an SDG target code of the form goal.target",
                    fragment,
                )
            )
        raise self.problem(
            last.no,
            f"project {number}: no department (担当所属) before the SDG targets",
            last.text.strip(),
        )

    def target(self, token: str, line: _Line, number: int) -> str:
        code = sdg_like(token)
        assert code is not None  # only SDG-shaped tokens get here
        problem = sdg_problem(code)
        if problem:
            column = line.text.find(token) + 1
            raise SourceError(
                Problem(
                    Location(self.where, line.no, column, "sdg_target"),
                    f"project {number}: {problem}",
                    token,
                )
            )
        return code

    def relist_note(self, lines: list[_Line]) -> tuple[str | None, int | None, list[_Line]]:
        for position, line in enumerate(lines):
            match = _RELIST_NOTE.match(line.text.strip())
            if match:
                rest = lines[:position] + lines[position + 1 :]
                return nfkc(match.group(1)), line.no, rest
        return None, None, lines

    # -- numbering, relists, policies -----------------------------------------------------
    def check_numbering(self, rows: list[_Row]) -> None:
        by_number: dict[int, _Row] = {}
        for row in rows:
            if row.number in by_number:
                self.failures.append(
                    f"№ {row.number} appears twice (lines {by_number[row.number].span.first_line}"
                    f" and {row.span.first_line})"
                )
            by_number.setdefault(row.number, row)
        for previous, row in zip([None, *rows], rows, strict=False):
            expected = 1 if previous is None else previous.number + 1
            if row.number != expected:
                after = f"№ {previous.number}" if previous else "the table's start"
                missing = (
                    f"; № {expected}–{row.number - 1} missing"
                    if row.number > expected + 1
                    else f"; № {expected} missing"
                    if row.number == expected + 1
                    else ""
                )
                self.failures.append(
                    f"№ run broken in policy {row.policy}: № {row.number} (line"
                    f" {row.span.first_line}) follows {after}{missing}"
                )

    def resolve_relists(
        self, rows: list[_Row], policies: dict[str, tuple[str, int]]
    ) -> dict[int, int]:
        """Link each 再掲 row to the row it repeats: by base name within the policy its note
        names, or (no note) by base name in the whole plan, recording the anomaly."""
        links: dict[int, int] = {}
        originals = [r for r in rows if r.category is not Category.RELISTED]
        for row in rows:
            if row.category is not Category.RELISTED:
                if row.relist_note is not None:
                    self.failures.append(
                        f"project {row.number} (policy {row.policy}, line"
                        f" {row.relist_note_line}) carries a relist note but its 区分 is"
                        f" {row.category.label_ja}"
                    )
                continue
            key = base_name_key(row.name)
            if row.relist_note is not None:
                pool = [r for r in originals if r.policy == row.relist_note]
                scope = f"policy {row.relist_note}"
                if row.relist_note not in policies:
                    self.failures.append(
                        f"project {row.number} (policy {row.policy}): its note (line"
                        f" {row.relist_note_line}) names policy {row.relist_note}, which the"
                        " table does not have"
                    )
                    continue
            else:
                pool = [r for r in originals if r.number != row.number]
                scope = "the whole plan"
            matches = [r for r in pool if base_name_key(r.name) == key]
            if len(matches) != 1:
                found = ", ".join(f"№ {m.number}" for m in matches) or "none"
                self.failures.append(
                    f"project {row.number} (policy {row.policy}, line {row.span.first_line}) is"
                    f" 再掲 but {scope} has {len(matches)} project(s) named {key!r} (found:"
                    f" {found}); exactly one expected"
                )
                continue
            original = matches[0]
            links[row.number] = original.number
            if row.relist_note is None:
                self.anomaly(
                    "missing-relist-note",
                    f"№ {row.number} is 再掲 but has no 「（施策N再掲）」 note; linked by name to"
                    f" № {original.number} (policy {original.policy}), the only project named"
                    f" {row.name!r} that is not itself relisted.",
                    row.span,
                    row.number,
                )
            elif compare_key(row.name) != compare_key(original.name):
                self.anomaly(
                    "relist-name",
                    f"№ {row.number} {row.name!r} relists № {original.number}"
                    f" {original.name!r} (policy {original.policy}, as its note says); the names"
                    f" differ after the parenthesis and were matched on {key!r}.",
                    row.span,
                    row.number,
                )
            if row.department.path != original.department.path:
                self.anomaly(
                    "relist-department",
                    f"№ {row.number} relists № {original.number} but names another department:"
                    f" {'/'.join(row.department.path)} vs {'/'.join(original.department.path)}.",
                    row.span,
                    row.number,
                )
        return links

    def check_policies(self, policies: dict[str, tuple[str, int]], front: _Front) -> None:
        in_table = list(policies)
        expected = [str(n) for n in range(1, len(in_table) + 1)]
        if in_table != expected:
            self.failures.append(
                f"◆基本施策 headings run {', '.join(in_table)}; expected {', '.join(expected)}"
            )
        if set(in_table) != set(front.summaries):
            self.failures.append(
                f"the table has policies {', '.join(in_table)} but the summary table has"
                f" {', '.join(front.summaries)}"
            )
        missing = [n for n in in_table if n not in self.meta.policy_titles_en]
        if missing:
            raise SourceError(
                Problem(
                    Location(str(self.path.with_name(f"{self.path.stem}.meta.json"))),
                    f"no English title for policy {', '.join(missing)} (policy_titles_en)",
                )
            )
        for entry in (*front.expanded, *front.completed):
            if entry.policy not in policies:
                self.failures.append(
                    f"the list entry {entry.name!r} (line {entry.line}) names policy"
                    f" {entry.policy}, which the table does not have"
                )

    # -- records ------------------------------------------------------------------------
    def project(self, row: _Row, relisted_from: int | None) -> Project:
        if row.last_page is not None and row.last_page != row.span.page:
            self.anomaly(
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
            fiscal_year=self.fy,
            plan_text=row.plan_text,
            kpis=row.kpis,
            sdg_targets=row.sdg_targets,
            relisted_from=relisted_from,
            source=row.span,
        )

    def completed_projects(self, front: _Front) -> list[Project]:
        projects = []
        for position, entry in enumerate(front.completed, start=1):
            department = parse_department([entry.department])
            if department is None:  # read_list_entry only accepts parsable departments
                raise self.problem(entry.line, "unreadable department", entry.department)
            projects.append(
                Project(
                    number=None,
                    key=f"c{position}",
                    category=Category.COMPLETED,
                    name=entry.name,
                    policy_number=entry.policy,
                    department=department,
                    fiscal_year=self.fy - 1,
                    source=self.span(entry.line),
                )
            )
        return projects


@dataclass
class _Logical:
    """A line of plan text after re-joining the layout's wraps."""

    text: str
    indented: bool
    after_blank: bool


def _logical_lines(lines: list[_Line]) -> Iterator[_Logical]:
    current: _Logical | None = None
    previous_raw: str | None = None
    after_blank = True
    for line in lines:
        if line.blank:
            after_blank, previous_raw = True, None
            continue
        raw = line.text.rstrip()
        stripped = raw.strip()
        indented = raw[0] in " \u3000\t"
        wrapped = (
            current is not None
            and previous_raw is not None
            and not indented
            and stripped[0] not in BULLETS
            and display_width(previous_raw) >= WRAP_WIDTH
        )
        if wrapped and current is not None:
            current.text += stripped
        else:
            if current is not None:
                yield current
            current = _Logical(stripped, indented, after_blank)
        after_blank, previous_raw = False, raw
    if current is not None:
        yield current


def _plan_text_and_kpis(lines: list[_Line]) -> tuple[str, tuple[KPI, ...]]:
    logical = list(_logical_lines(lines))
    kpis: list[KPI] = []
    position = 0
    while position < len(logical):
        head = logical[position]
        position += 1
        if head.text[0] not in KPI_BULLETS:
            continue
        under: list[_Logical] = []
        while position < len(logical):
            item = logical[position]
            if item.after_blank or not item.indented or item.text[0] in KPI_BULLETS:
                break
            under.append(item)
            position += 1
        if has_number(head.text):
            figure = one_figure(head.text)
        elif len(under) == 1:
            figure = one_figure(under[0].text)
        else:
            figure = None
        text = "\n".join([head.text, *(u.text for u in under)])
        kpis.append(KPI(text, *(figure or (None, None))))
    return "\n".join(item.text for item in logical), tuple(kpis)
