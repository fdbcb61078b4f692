"""A plan's text extraction as numbered lines, with what every part of its reader shares: how
to name where a problem is, and the failures and anomalies found so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Location, Problem, SourceError
from ...model import Anomaly, SourceSpan
from .meta import PlanMeta
from .text import is_blank


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number
    text: str  # as read, without the line break

    @property
    def blank(self) -> bool:
        return is_blank(self.text)


def read_lines(path: Path) -> list[Line]:
    """The lines of a UTF-8 text file (a BOM is dropped); a ``SourceError`` names the first
    byte that is not UTF-8 by line and column."""
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
    return [Line(i, line.rstrip("\r")) for i, line in enumerate(raw, start=1)]


@dataclass(frozen=True)
class PlanSource:
    """The text being read and its sidecar."""

    path: Path
    lines: list[Line]
    meta: PlanMeta

    @property
    def where(self) -> str:
        return str(self.path)

    @property
    def document(self) -> str:
        return self.path.name

    @property
    def fiscal_year(self) -> int:
        return self.meta.fiscal_year

    def table_title(self) -> str:
        """The title printed on each page of the project table."""
        return f"{self.meta.basic_plan_title_ja}_{self.fiscal_year}年度実施計画"

    def problem(self, line: int | None, message: str, value: str | None = None) -> SourceError:
        return SourceError(Problem(Location(self.where, line), message, value))

    def span(self, first: int, last: int | None = None, page: int | None = None) -> SourceSpan:
        return SourceSpan(self.document, first, first if last is None else last, page)


@dataclass
class Findings:
    """What the self-checks found: failures (the reader raises one ``ConsistencyError`` listing
    them all) and anomalies (recorded in the plan, not fatal), each in the order found."""

    failures: list[str] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    def anomaly(self, kind: str, message: str, span: SourceSpan, number: int | None) -> None:
        self.anomalies.append(Anomaly(kind, message, span, number))
