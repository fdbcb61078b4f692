"""Errors that name where the problem is. Every stage raises these; the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Location:
    """Where a bad input is: file, 1-based line and column, and the field (CSV column, etc.)."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        where = ":".join(parts)
        return f"{where} [{self.field}]" if self.field else where


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


class ConsistencyError(KyodoError):
    """The extraction disagrees with the document's own summary table or lists."""


class ValidationFailed(KyodoError):
    """The graph violates its SHACL shapes; the message is the readable report."""
