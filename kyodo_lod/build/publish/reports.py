"""What the build found: the SHACL validation report and anomalies.csv (what the extraction
reconciled)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from ...dist import ANOMALIES_CSV, VALIDATION_REPORT
from ...model import Anomaly
from ...rdf.graphs import sorted_graph
from .projects_csv import csv_bytes

ANOMALY_COLUMNS = ("kind", "project_number", "document", "first_line", "last_line", "message")


def write_validation_report(staging: Path, validation_report: Graph) -> None:
    """The report (blank-node free) as Turtle, its triples in sorted order."""
    (staging / VALIDATION_REPORT).write_bytes(
        sorted_graph(validation_report).serialize(format="turtle", encoding="utf-8")
    )


def write_anomalies_csv(staging: Path, anomalies: Iterable[Anomaly]) -> int:
    """anomalies.csv, a row per anomaly in the order given; returns how many rows."""
    rows = [
        {
            "kind": a.kind,
            "project_number": "" if a.project_number is None else a.project_number,
            "document": a.source.document if a.source else "",
            "first_line": a.source.first_line if a.source else "",
            "last_line": a.source.last_line if a.source else "",
            "message": a.message,
        }
        for a in anomalies
    ]
    (staging / ANOMALIES_CSV).write_bytes(csv_bytes(ANOMALY_COLUMNS, rows))
    return len(rows)
