"""``kyodo-lod import``: add one city's plan-year (projects.csv template) to the sources.

The template comes as CSV (UTF-8 or Shift_JIS) or as a workbook (.xlsx); what is stored is
the same normalised UTF-8 CSV whichever it came as, so the same data gives the same bytes.

The file is checked completely first (every problem reported at once, SDG codes against the
vendored UN vocabulary); only a clean file is written, as a normalised copy in
``<sources>/imported/<city_code>-<fiscal_year>.csv`` (+ ``.kpis.csv``), so the next build
includes it. A second import of the same city-year replaces the first. Projects and KPIs are
switched in together by one rename (``import_commit``): a reader, or an import killed at any
moment, sees the old pair or the new one, never half of each.
"""

from __future__ import annotations

import csv
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
from .import_commit import commit
from .registry import city_problems, load_registry


def imported_path(settings: Settings, city_code: str, fiscal_year: int) -> Path:
    return settings.sources_dir / sources.IMPORTED_DIR / f"{city_code}-{fiscal_year}.csv"


Warn = Callable[[Problem], None]  # told of what is accepted but worth a look


def check_plan_csv(
    settings: Settings,
    csv_path: Path,
    kpis_path: Path | None = None,
    sheet: str | None = None,
    warn: Warn | None = None,
) -> PlanYear:
    """The plan a file holds, fully checked (raises ``SourceError`` with every problem).

    ``sheet`` names a workbook's sheet (default: its first sheet not named ``kpis``);
    ``warn`` is told of a city code the registry of local governments lacks."""
    known = vocab.target_codes(vocab.load_sdg(settings.vocab_dir))
    plan = read_plan_csv(Path(csv_path), kpis_path, known_targets=known, sheet=sheet)
    where = Location(str(csv_path), None, None, "city_name", None)
    error, warning = city_problems(plan.city, load_registry(settings.registry_dir), where)
    if error is not None:
        raise SourceError(error)
    if warning is not None and warn is not None:
        warn(warning)
    _check_not_given_elsewhere(settings, plan, Path(csv_path))
    return plan


def import_plan(
    settings: Settings,
    csv_path: Path,
    kpis_path: Path | None = None,
    sheet: str | None = None,
    warn: Warn | None = None,
) -> Path:
    """Validate ``csv_path`` (and ``kpis_path``; a workbook's ``sheet``) and store it for the
    next build; ``warn`` is told of what is accepted but worth a look.

    Returns the stored file. On any problem nothing is written and ``SourceError`` lists all."""
    registry_warnings: list[Problem] = []
    plan = check_plan_csv(settings, csv_path, kpis_path, sheet, registry_warnings.append)
    target = imported_path(settings, plan.city.code, plan.fiscal_year)
    target.parent.mkdir(parents=True, exist_ok=True)
    projects, kpis = plan_rows(plan)
    kpis_text = csv_text(KPI_COLUMNS, kpis) if kpis else None  # none: the old must not linger
    commit(target, sources.kpis_path(target), csv_text(WRITTEN_COLUMNS, projects), kpis_text)
    # told once the file is stored: warnings never block an import
    for warning in (*registry_warnings, *plan.warnings) if warn is not None else ():
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
