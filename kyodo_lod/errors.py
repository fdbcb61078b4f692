"""Errors that name where the problem is. Every stage raises these; the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Location:
    """Where a bad input is: file, 1-based line and column, and the field (CSV column, etc.).

    In a workbook (``sheet`` set), ``line`` is the sheet's row and ``column`` its 1-based
    column, shown as the cell's A1 name: ``plan.xlsx, sheet 事業, cell J7 [sdg_targets]``."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            where = self._in_sheet()
            return f"{where} [{self.field}]" if self.field else where
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        where = ":".join(parts)
        return f"{where} [{self.field}]" if self.field else where

    def _in_sheet(self) -> str:
        where = f"{self.file}, sheet {self.sheet}"
        if self.line is None:
            return where
        if self.column is None:
            return f"{where}, row {self.line}"
        return f"{where}, cell {column_letters(self.column)}{self.line}"


def column_letters(column: int) -> str:
    """A spreadsheet column's letters: 1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class Severity(StrEnum):
    """An error stops the import (nothing is written); a warning is listed and never blocks."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    value: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        shown = f" (value: {self.value!r})" if self.value is not None else ""
        return f"{self.location}: {self.message}{shown}"


class KyodoError(Exception):
    """Base of every error kyodo-lod reports to a user (the CLI exits 1 with its text)."""


class SourceError(KyodoError):
    """A source could not be read as it should: one or more problems, each with its location."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SettingsError(KyodoError, ValueError):
    """A ``KYODO_*`` setting that cannot be used; the message names the setting and the value."""


class ConsistencyError(KyodoError):
    """The extraction disagrees with the document's own summary table or lists."""


class ValidationFailed(KyodoError):
    """The graph violates its SHACL shapes; the message is the readable report."""


class PublishFailed(KyodoError):
    """dist/ could not be written (a full disk, no permission): one line naming the cause and
    the folder; the previous build is left as it was."""
