"""The project table: page headers, ◆基本施策 headings and project rows, page by page.

*Pages.* Each page begins either with the page header (the title 「…_2025年度実施計画」 and/or
the column heads from 「№」 down to 「SDGsの取り組み」) or, where the extraction dropped the
header, with a row or ◆ heading that starts with a single space. That gives 20 page starts for
the FY2025 plan, and the one printed footer, 「2/20」 after №10, closes the second of them: the
table's first page is page 1 and the front sheet is unnumbered. Footers are checked against the
count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .plan_source import Findings, Line, PlanSource
from .project_rows import RowBlock, TableRow, read_row
from .text import DIGIT, SPACE, nfkc

# the first line of a project row: (indent)(№)(区分)(the rest)
ROW_LINE = re.compile(rf"^( ?)({DIGIT}{{1,3}}) (継続|拡充|再掲|新規・追加|新規|追加){SPACE}*(.*)$")
_POLICY = re.compile(rf"^( ?)◆基本施策({DIGIT}+){SPACE}+(\S.*)$")
_FOOTER = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_LAST_HEADER_CELL = "SDGsの取り組み"


@dataclass(frozen=True)
class Footer:
    line: int
    printed: int  # n of 「n/m」
    printed_total: int  # m
    page: int  # the page it ends by our count


@dataclass(frozen=True)
class ProjectTable:
    policies: dict[str, tuple[str, int]]  # number → (title, line of its heading)
    rows: list[TableRow]
    pages: int


def read_project_table(source: PlanSource, start: int, findings: Findings) -> ProjectTable:
    """The table from line index ``start`` to the end; footers that disagree with the page
    count are failures."""
    pages = _TablePages(source)
    for line in source.lines[start:]:
        pages.read(line)
    findings.failures += footer_failures(pages.footers, pages.page)
    rows = [read_row(source, block, pages.of_line) for block in pages.blocks]
    return ProjectTable(pages.policies, rows, pages.page)


def footer_failures(footers: list[Footer], pages: int) -> list[str]:
    return [
        f"page footer 「{f.printed}/{f.printed_total}」 at line {f.line} does not match the page"
        f" headers: it ends page {f.page} of {pages}"
        for f in footers
        if f.printed != f.page or f.printed_total != pages
    ]


def _header_cells(fiscal_year: int) -> frozenset[str]:
    """The column heads of a page header, as the extraction prints them one per line."""
    return frozenset(
        {
            "№",
            str(fiscal_year),
            "区分",
            "事業名",
            f"事業計画（{fiscal_year}）",
            "（実施予定及び数値目標等）",
            "担当所属",
            "SDGs",
            "ゴール.",
            "ターゲット",
            _LAST_HEADER_CELL,
        }
    )


@dataclass
class _TablePages:
    """The table line by line: which page each line is on, the ◆ headings, and each project
    row's line with the lines under it (their reading is ``project_rows``')."""

    source: PlanSource
    page: int = 0
    of_line: dict[int, int] = field(default_factory=dict)  # line number → page
    policies: dict[str, tuple[str, int]] = field(default_factory=dict)
    blocks: list[RowBlock] = field(default_factory=list)
    footers: list[Footer] = field(default_factory=list)
    page_has_content: bool = False
    in_header: bool = False
    policy: str | None = None
    current: list[Line] | None = None  # the lines under the row being read

    def __post_init__(self) -> None:
        self.header_cells = _header_cells(self.source.fiscal_year)

    def read(self, line: Line) -> None:
        text = line.text.strip()
        if line.blank:
            if self.current is not None:
                self.current.append(line)
        elif text == self.source.table_title() or (text == "№" and not self.in_header):
            self.page += 1
            self.page_has_content = False
            self.in_header = True
        elif not (self.in_header and text in self.header_cells):
            self.in_header = False
            self.read_content(line, text)
            return
        self.of_line[line.no] = self.page

    def read_content(self, line: Line, text: str) -> None:
        if text == _LAST_HEADER_CELL:  # the header's last cell, sometimes extracted late
            self.of_line[line.no] = self.page
            return
        footer = _FOOTER.match(text)
        if footer:
            self.footers.append(
                Footer(line.no, int(footer.group(1)), int(footer.group(2)), self.page)
            )
            self.of_line[line.no] = self.page
            return
        heading = _POLICY.match(line.text)
        row = ROW_LINE.match(line.text)
        marker = heading or row
        if marker is not None and marker.group(1) == " " and self.page_has_content:
            self.page += 1  # a page whose header the extraction dropped
        self.of_line[line.no] = self.page
        if heading:
            self.read_heading(line, heading)
        elif row:
            self.page_has_content = True
            if self.policy is None:
                raise self.source.problem(line.no, "project row before any ◆基本施策 heading")
            self.current = []
            self.blocks.append(RowBlock(line, row, self.policy, self.current))
        elif self.current is None:
            raise self.source.problem(line.no, "text outside any project row", text)
        else:
            self.current.append(line)

    def read_heading(self, line: Line, heading: re.Match[str]) -> None:
        self.page_has_content = True
        policy = nfkc(heading.group(2))
        if policy in self.policies:
            raise self.source.problem(line.no, f"基本施策{policy} heading appears twice")
        self.policies[policy] = (heading.group(3).strip(), line.no)
        self.policy = policy
        self.current = None
