"""One row of the project table: ``№ 区分 事業名`` and the lines under it, read into its name,
department, SDG targets, plan text, KPIs and relist note.

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
- *Relist note.* 「（施策１再掲）」 is not plan text: it names the policy of the relisted project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import Location, Problem, SourceError
from ...model import KPI, Category, Department, SourceSpan
from .departments import parse_department
from .plan_source import Line, PlanSource
from .project_text import plan_text_and_kpis
from .text import DIGIT, SPACE, nfkc, sdg_like, sdg_problem

_RELIST_NOTE = re.compile(rf"^[（(]施策{SPACE}*({DIGIT}+){SPACE}*再掲[）)]$")
_CODE_LIKE = re.compile(r"^\d+(?:\.\w+)+$")
_LAST_TOKEN = re.compile(r"^(.*?)(\S+)\s*$", re.S)
_MAX_NAME_LINES = 3

Code = tuple[str, Line]  # an SDG-shaped token and the line it is on


@dataclass(frozen=True)
class RowBlock:
    """A project row's line (matched by the table's row pattern) and the lines under it."""

    line: Line
    match: re.Match[str]  # groups: indent, №, 区分, the rest of the line
    policy: str
    body: list[Line]


@dataclass
class TableRow:
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


@dataclass(frozen=True)
class _Cells:
    """What a row's lines hold before the plan text is read."""

    name: str
    department: Department
    plan_lines: list[Line]
    codes: list[Code]  # SDG codes printed after the department on its line


def read_row(source: PlanSource, block: RowBlock, pages: dict[int, int]) -> TableRow:
    """The row of ``block``; ``pages`` gives the page of each line of the table."""
    line, match = block.line, block.match
    number = int(nfkc(match.group(2)))
    lines = list(block.body)
    while lines and lines[-1].blank:
        lines.pop()
    last_line = lines[-1].no if lines else line.no
    lines, tail = _trailing_codes(lines)
    if match.group(4).strip():
        cells = _one_line_row(source, number, block, lines) or _name_on_the_row_line(
            source, number, block, lines
        )
    else:
        cells = _name_on_lines_below(source, number, line, lines)
    tail[:0] = cells.codes
    targets = tuple(_target(source, code, at, number) for code, at in tail)
    note, note_line, plan_lines = _relist_note(cells.plan_lines)
    plan_text, kpis = plan_text_and_kpis(plan_lines)
    return TableRow(
        number=number,
        category=Category.from_label(match.group(3)),
        name=cells.name,
        policy=block.policy,
        department=cells.department,
        plan_text=plan_text,
        kpis=kpis,
        sdg_targets=targets,
        relist_note=note,
        relist_note_line=note_line,
        span=source.span(line.no, last_line, pages.get(line.no)),
        last_page=pages.get(last_line),
    )


def _trailing_codes(lines: list[Line]) -> tuple[list[Line], list[Code]]:
    """The SDG codes at the end, one line of them after another (blank lines allowed between
    them), and the lines before."""
    lines = list(lines)
    tail: list[Code] = []
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
    return lines, tail


def _one_line_row(
    source: PlanSource, number: int, block: RowBlock, lines: list[Line]
) -> _Cells | None:
    """Name, plan text and department all on the row line (``None`` if it is not such a row)."""
    line = block.line
    codes, text = _pop_codes(line, line.text[block.match.start(4) :])
    department = _department_at_end(text)
    parts = text.split()
    if not department or len(parts) < 2:
        return None
    found, before = department
    name = parts[0]
    plan = before.strip()[len(name) :].strip()
    if lines:
        raise source.problem(
            lines[0].no,
            f"project {number}: text after the one-line row, where only SDG codes may follow",
            lines[0].text.strip(),
        )
    return _Cells(name, found, [Line(line.no, plan)] if plan else [], codes)


def _name_on_the_row_line(
    source: PlanSource, number: int, block: RowBlock, lines: list[Line]
) -> _Cells:
    department, plan_lines, codes = _read_department(source, number, block.line, lines)
    return _Cells(block.match.group(4).strip(), department, plan_lines, codes)


def _name_on_lines_below(source: PlanSource, number: int, row: Line, lines: list[Line]) -> _Cells:
    """The name on the lines after the row line, up to a blank line; then the body."""
    position = 0
    while position < len(lines) and lines[position].blank:
        position += 1
    name_lines: list[Line] = []
    while position < len(lines) and not lines[position].blank:
        name_lines.append(lines[position])
        position += 1
    if not name_lines:
        raise source.problem(row.no, f"project {number}: no project name (事業名)")
    if len(name_lines) > _MAX_NAME_LINES:
        raise source.problem(
            name_lines[0].no,
            f"project {number}: the name runs over {len(name_lines)} lines (at most 3 expected);"
            " is a blank line missing after it?",
        )
    name = "".join(x.text.strip() for x in name_lines)
    department, plan_lines, codes = _read_department(source, number, row, lines[position:])
    return _Cells(name, department, plan_lines, codes)


def _pop_codes(line: Line, text: str) -> tuple[list[Code], str]:
    """Split SDG codes off the end of ``text`` (a part of ``line``)."""
    codes: list[Code] = []
    while True:
        match = _LAST_TOKEN.match(text)
        if not match or not match.group(1).strip() or not sdg_like(match.group(2)):
            return codes, text
        codes.insert(0, (match.group(2), line))
        text = match.group(1)


def _department_at_end(text: str) -> tuple[Department, str] | None:
    """The department that ends ``text``, and the text before it."""
    match = _LAST_TOKEN.match(text)
    if not match:
        return None
    department = parse_department([match.group(2)])
    return (department, match.group(1)) if department else None


def _read_department(
    source: PlanSource, number: int, row: Line, lines: list[Line]
) -> tuple[Department, list[Line], list[Code]]:
    """The department at the end of ``lines`` (which end before the SDG lines): returns it,
    the plan-text lines before it and any SDG codes printed after it on its line."""
    if not lines:
        raise source.problem(row.no, f"project {number}: no department (担当所属) found")
    last = lines[-1]
    codes, text = _pop_codes(last, last.text)
    found = _department_at_end(text)
    if found:
        department, before = found
        plan = lines[:-1]
        if before.strip():
            plan = [*plan, Line(last.no, before.rstrip())]
        return department, plan, codes
    wrapped = _wrapped_department(lines, text.strip())
    if wrapped:
        department, size = wrapped
        return department, lines[:-size], codes
    fragment = text.strip()
    if _CODE_LIKE.match(nfkc(fragment)):  # e.g. "3.4.1": looks like a code, is not one
        raise SourceError(
            Problem(
                Location(source.where, last.no, last.text.find(fragment) + 1, "sdg_target"),
                f"project {number}: not an SDG target code of the form goal.target",
                fragment,
            )
        )
    raise source.problem(
        last.no,
        f"project {number}: no department (担当所属) before the SDG targets",
        last.text.strip(),
    )


def _wrapped_department(lines: list[Line], fragment: str) -> tuple[Department, int] | None:
    """A department wrapped over the last 2 or 3 lines, one word each (「文化スポーツ観光部
    スポーツ振」 + 「興課」), and how many lines it takes; ``fragment`` is the last line's text
    without its SDG codes."""
    if len(fragment.split()) != 1:
        return None
    for size in (2, 3):
        if len(lines) < size:
            break
        group = lines[-size:-1]
        if any(x.blank or len(x.text.split()) != 1 for x in group):
            break
        department = parse_department([*(x.text for x in group), fragment])
        if department:
            return department, size
    return None


def _target(source: PlanSource, token: str, line: Line, number: int) -> str:
    code = sdg_like(token)
    assert code is not None  # only SDG-shaped tokens get here
    problem = sdg_problem(code)
    if problem:
        column = line.text.find(token) + 1
        raise SourceError(
            Problem(
                Location(source.where, line.no, column, "sdg_target"),
                f"project {number}: {problem}",
                token,
            )
        )
    return code


def _relist_note(lines: list[Line]) -> tuple[str | None, int | None, list[Line]]:
    """The policy a 「（施策N再掲）」 line names, its line, and the other lines."""
    for position, line in enumerate(lines):
        match = _RELIST_NOTE.match(line.text.strip())
        if match:
            rest = lines[:position] + lines[position + 1 :]
            return nfkc(match.group(1)), line.no, rest
    return None, None, lines
