"""The plan's front sheet (no page number): the title, the headline 【2025 年度実施事業数 95 】,
the summary table (per 基本施策: FY count, 新規・追加, 拡充, 継続, 完了・統合 printed with
△ = minus, previous FY count; then the 計 row), the 【拡充】 list and the 【完了等】 list
(policy, name, 担当課). It ends where the project table's first page header begins."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...model import PolicySummary
from .checks import ListEntry
from .departments import department_path
from .plan_source import Line, PlanSource
from .text import DIGIT, SPACE, compare_key, nfkc

_LIST_POLICY = re.compile(rf"^基本施策({DIGIT}+)(?:{SPACE}+(.*))?$")
_SUMMARY_ROW = re.compile(r"^(?:基本施策(\d+)|(計))((?:\s+△?\d+){6})$")
_HEADLINE = re.compile(r"^【(\d{4})年度実施事業数(\d+)】$")
_COMPLETED_COLUMN = 4  # the only summary column printed with △ (minus)


@dataclass
class FrontSheet:
    stated_total: int | None = None  # the headline's count
    summaries: dict[str, PolicySummary] = field(default_factory=dict)  # by policy number
    total_row: PolicySummary | None = None  # 計
    expanded: list[ListEntry] = field(default_factory=list)
    completed: list[ListEntry] = field(default_factory=list)
    completed_note: str = ""
    table_start: int = 0  # index into the lines


def read_front_sheet(source: PlanSource) -> FrontSheet:
    """Every non-blank line up to the project table, read or refused (``SourceError``)."""
    return _FrontSheetReader(source).read()


class _FrontSheetReader:
    """The front sheet line by line: first the title and the summary table, then the lists."""

    def __init__(self, source: PlanSource) -> None:
        self.source = source
        self.sheet = FrontSheet()
        fy = source.fiscal_year
        self.titles = {
            compare_key(source.meta.basic_plan_title_ja),
            compare_key(f"{fy}年度実施計画"),
        }
        self.seen_titles: set[str] = set()
        self.summary_heads = {
            compare_key(t)
            for t in (
                f"基本施策 {fy} 年度事業数",
                "内訳",
                f"{fy - 1} 年度事業数",
                "新規・追加 拡充 継続 完了・統合",
            )
        }
        self.seen_heads: set[str] = set()
        self.section = "title"  # then "summary", "expanded", "completed"
        self.policy: str | None = None  # the list's current 基本施策

    def read(self) -> FrontSheet:
        table_heads = (self.source.table_title(), "№")
        for index, line in enumerate(self.source.lines):
            if line.blank:
                continue
            text = line.text.strip()
            if text in table_heads:
                self.sheet.table_start = index
                break
            self.read_line(line, text)
        else:
            raise self.source.problem(None, "no project table found (no page header 「№」)")
        self.check_complete()
        return self.sheet

    def read_line(self, line: Line, text: str) -> None:
        key = compare_key(text)
        if key.startswith("【拡充】"):
            self.section, self.policy = "expanded", None
        elif key.startswith("【完了等】"):
            self.section, self.policy = "completed", None
            self.sheet.completed_note = text.split("】", 1)[1].lstrip("※").strip()
        elif self.section in ("title", "summary"):
            self.read_head_line(line, text, key)
        elif key != compare_key("基本施策 事業名 担当課"):  # the lists' column heads
            self.read_list_line(line, text)

    def read_head_line(self, line: Line, text: str, key: str) -> None:
        """A line of the title or the summary table."""
        if self.section == "title" and key in self.titles:
            self.seen_titles.add(key)
            return
        headline = _HEADLINE.match(key)
        if headline:
            year, total = int(headline.group(1)), int(headline.group(2))
            if year != self.source.fiscal_year:
                raise self.source.problem(
                    line.no, f"headline is for FY{year}, the sidecar says {self.source.fiscal_year}"
                )
            self.sheet.stated_total = total
            self.section = "summary"
            return
        if self.section == "summary" and key in self.summary_heads:
            self.seen_heads.add(key)
            return
        if self.section == "summary" and self.read_summary_row(line):
            return
        raise self.source.problem(line.no, "unexpected text on the front sheet", text)

    def read_summary_row(self, line: Line) -> bool:
        match = _SUMMARY_ROW.match(" ".join(nfkc(line.text).split()))
        if not match:
            return False
        cells = match.group(3).split()
        for position, cell in enumerate(cells):
            if cell.startswith("△") and position != _COMPLETED_COLUMN:
                raise self.source.problem(
                    line.no, "△ (minus) outside the 完了・統合 column", line.text.strip()
                )
        values = [int(c.lstrip("△")) for c in cells]
        number = match.group(1) or "計"
        row = PolicySummary(number, *values)
        if number == "計":
            self.sheet.total_row = row
        elif number in self.sheet.summaries:
            raise self.source.problem(line.no, f"基本施策{number} appears twice in the summary")
        else:
            self.sheet.summaries[number] = row
        return True

    def read_list_line(self, line: Line, text: str) -> None:
        """A line of the 拡充 or 完了等 list: 「基本施策N」, an entry, or both."""
        head = _LIST_POLICY.match(text)
        if head:
            self.policy = nfkc(head.group(1))
            rest = (head.group(2) or "").strip()
            if not rest:
                return
            text = rest
        if self.policy is None:
            raise self.source.problem(line.no, "list entry before any 基本施策 in the list", text)
        entry = self.list_entry(line.no, self.policy, text)
        (self.sheet.expanded if self.section == "expanded" else self.sheet.completed).append(entry)

    def list_entry(self, line_no: int, policy: str, text: str) -> ListEntry:
        """「name department」: the department is the shortest tail of space-separated parts
        that reads as a department (the name may hold spaces: 「５R 推進事業（…）」)."""
        parts = text.split()
        for start in range(len(parts) - 1, 0, -1):
            if department_path("".join(parts[start:])) is not None:
                name = " ".join(parts[:start])
                department = " ".join(parts[start:])
                return ListEntry(policy, name, department, line_no)
        raise self.source.problem(line_no, "list entry without a department (担当課)", text)

    def check_complete(self) -> None:
        """The title and every column head of the summary table were there, and its 計 row."""
        if self.titles - self.seen_titles:
            missing = "、".join(sorted(self.titles - self.seen_titles))
            raise self.source.problem(1, f"the front sheet does not show the plan title {missing}")
        if self.summary_heads - self.seen_heads or self.sheet.total_row is None:
            raise self.source.problem(
                None, "the summary table's column heads or its 計 row are missing or changed"
            )
