"""The SHACL shape cases in tests/shapes/cases: their names, what each expects, and each one
validated once (added to tests/shapes/base.ttl, a small clean city graph, not real data).

A case's header says what must fail, one line per (node shape, path, constraint):

    # expect: ProjectShape kyodo:category sh:MinCountConstraintComponent       a violation
    # expect-warning: ProjectRecommendedShape kyodo:sdgTarget kys:ProjectRecommendedShape-sdgGoal
    # expect: CityShape - sh:NodeKindConstraintComponent      "-": no sh:resultPath

The constraint is the constraint component a core result names, or the SPARQL constraint's
own IRI (each sh:sparql constraint is a constraint of its own).
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from kyodo_lod.build.validate import ValidationOutcome, ValidationResult, validate
from tests.locations import ROOT, SHAPE_CASES

SHAPES_DIR = ROOT / "shapes"
BASE = SHAPE_CASES / "base.ttl"
CASES = sorted((SHAPE_CASES / "cases").glob("*.ttl"))
CASE_NAME = re.compile(r"^(?P<shape>[A-Za-z]+Shape)-(?P<kind>valid|invalid)(-(?P<n>\d{2}))?$")
EXPECT = re.compile(
    r"^#\s*expect(?P<warning>-warning)?:\s*(?P<shape>\S+)\s+(?P<path>\S+)\s+(?P<constraint>\S+)\s*$"
)
EXPECT_ANY = re.compile(r"^#\s*expect(-warning)?:")

Expected = tuple[str, str, str]  # node shape (kys:...), path ("-": none), constraint


def expectations(case: Path) -> tuple[set[Expected], set[Expected]]:
    """The violations and the warnings a case's header expects."""
    violations: set[Expected] = set()
    warnings: set[Expected] = set()
    for number, line in enumerate(case.read_text(encoding="utf-8").splitlines(), 1):
        match = EXPECT.match(line)
        if match:
            key = ("kys:" + match["shape"], match["path"], match["constraint"])
            (warnings if match["warning"] else violations).add(key)
        elif EXPECT_ANY.match(line):
            raise ValueError(f"{case.name}:{number}: expect needs shape, path and constraint")
    return violations, warnings


def found(results: list[ValidationResult]) -> set[Expected]:
    return {(r.node_shape, r.path or "-", r.constraint) for r in results}


_OUTCOMES: dict[Path, ValidationOutcome] = {}  # each case validated once per session


def check(base: Graph, shapes: Graph, case: Path) -> ValidationOutcome:
    """``case`` added to ``base``, validated against ``shapes`` (once per session)."""
    if case not in _OUTCOMES:
        data = Graph()
        data += base
        data.parse(case, format="turtle")
        _OUTCOMES[case] = validate(data, shapes)
    return _OUTCOMES[case]
