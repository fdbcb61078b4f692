"""``kyodo-lod import``: add one city's plan-year (projects.csv template) to the sources.

The file is checked completely first (every problem reported at once, SDG codes against the
vendored UN vocabulary); only a clean file is written, as a normalised copy in
``<sources>/imported/<city_code>-<fiscal_year>.csv`` (+ ``.kpis.csv``), so the next build
includes it. A second import of the same city-year replaces the first. The copy is written to a
temporary name and renamed into place, so a reader sees the old file or the new one, never half.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..config import Settings
from ..dist import PROJECTS_CSV
from ..errors import Location, Problem, SourceError
from ..model import PlanYear
from . import sources, vocab
from .extract.csv_plan import read_plan_csv
from .extract.csv_template import KPI_COLUMNS, WRITTEN_COLUMNS
from .extract.normalised_csv import csv_text, plan_rows


def imported_path(settings: Settings, city_code: str, fiscal_year: int) -> Path:
    return settings.sources_dir / sources.IMPORTED_DIR / f"{city_code}-{fiscal_year}.csv"


def check_plan_csv(settings: Settings, csv_path: Path, kpis_path: Path | None = None) -> PlanYear:
    """The plan a file holds, fully checked (raises ``SourceError`` with every problem)."""
    known = vocab.target_codes(vocab.load_sdg(settings.vocab_dir))
    plan = read_plan_csv(Path(csv_path), kpis_path, known_targets=known)
    _check_not_given_elsewhere(settings, plan, Path(csv_path))
    return plan


def import_plan(
    settings: Settings,
    csv_path: Path,
    kpis_path: Path | None = None,
    warn: Callable[[Problem], None] | None = None,
) -> Path:
    """Validate ``csv_path`` (and ``kpis_path``) and store it for the next build.

    Returns the stored file. On any error nothing is written and ``SourceError`` lists all.
    Warnings (accepted, but the user should know) go to ``warn`` once the file is stored."""
    plan = check_plan_csv(settings, csv_path, kpis_path)
    target = imported_path(settings, plan.city.code, plan.fiscal_year)
    target.parent.mkdir(parents=True, exist_ok=True)
    projects, kpis = plan_rows(plan)
    companion = sources.kpis_path(target)
    if kpis:
        _write_atomically(companion, csv_text(KPI_COLUMNS, kpis))
    elif companion.exists():
        companion.unlink()  # the new import has no KPIs: the old ones must not linger
    _write_atomically(target, csv_text(WRITTEN_COLUMNS, projects))
    if warn is not None:
        for warning in plan.warnings:
            warn(warning)
    return target


def _check_not_given_elsewhere(settings: Settings, plan: PlanYear, csv_path: Path) -> None:
    """The same city, plan and year from another source would make the build fail later."""
    if not settings.sources_dir.is_dir() and not settings.bundled_sources:
        return
    key = (plan.city.code, plan.basic_plan_key, plan.fiscal_year)
    own = imported_path(settings, plan.city.code, plan.fiscal_year)
    for path in sources.discover(settings.sources_dir, settings.bundled_sources):
        if path == own:
            continue  # the earlier import of this city-year: replaced, not duplicated
        # other imports are named by city-year: only the same city and year can clash
        other_import = path.parent.name == sources.IMPORTED_DIR
        if other_import and path.stem != f"{plan.city.code}-{plan.fiscal_year}":
            continue
        other = sources.read(path)
        if (other.city.code, other.basic_plan_key, other.fiscal_year) == key:
            raise SourceError(
                Problem(
                    Location(str(csv_path), None, None, "city_code"),
                    f"{plan.city.name_ja}'s plan {plan.basic_plan_key} for FY{plan.fiscal_year} "
                    f"is already given by {path.name}",
                    plan.city.code,
                )
            )


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_projects(settings: Settings, cities: Sequence[str] = ()) -> str:
    """The built projects.csv (dist/), only the rows of ``cities`` when given: a file
    ``import_plan`` takes back (its ``uri`` column gives the plan key)."""
    path = settings.dist_dir / PROJECTS_CSV
    if not path.is_file():
        raise SourceError(Problem(Location(str(path)), "no build found: run kyodo-lod build"))
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or ())
        rows = [row for row in reader if not cities or row["city_code"] in cities]
    if cities and not rows:
        raise SourceError(
            Problem(Location(str(path)), "no project of these cities", ", ".join(cities))
        )
    return csv_text(columns, rows)
