"""Where the tests find the repository's files, whatever folder a test module lives in."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHAPE_CASES = ROOT / "tests" / "shapes"
SOURCES = ROOT / "data" / "sources"
