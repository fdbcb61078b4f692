"""Which files in data/sources are plans, and which reader reads each."""

from __future__ import annotations

from pathlib import Path

from ..errors import Location, Problem, SourceError
from ..model import PlanYear

META_SUFFIX = ".meta.json"
IMPORTED_DIR = "imported"  # CSV plans added by `kyodo-lod import`: <city_code>-<year>.csv
KPIS_SUFFIX = ".kpis.csv"  # the companion KPI file of an imported plan


def kpis_path(csv_path: Path) -> Path:
    """Where the companion kpis.csv of an imported plan lives (it may not exist)."""
    return csv_path.with_name(csv_path.stem + KPIS_SUFFIX)


def discover(sources_dir: Path) -> list[Path]:
    """Plan sources in a stable order: plan texts that have a ``.meta.json`` sidecar, then the
    imported CSV plans in ``imported/`` (not their kpis companions)."""
    if not sources_dir.is_dir():
        raise SourceError(Problem(Location(str(sources_dir)), "sources folder does not exist"))
    texts = sorted(
        path
        for path in sources_dir.iterdir()
        if path.suffix == ".txt" and path.with_name(path.stem + META_SUFFIX).exists()
    )
    imported = sources_dir / IMPORTED_DIR
    csvs = sorted(
        path
        for path in (imported.iterdir() if imported.is_dir() else ())
        if path.suffix == ".csv" and not path.name.endswith(KPIS_SUFFIX)
    )
    return texts + csvs


def read(path: Path) -> PlanYear:
    from .extract.plan_text import read_plan_text

    if path.suffix == ".txt":
        return read_plan_text(path)
    if path.suffix == ".csv":
        from .extract.csv_plan import read_plan_csv

        kpis = kpis_path(path)
        return read_plan_csv(path, kpis if kpis.exists() else None)
    raise SourceError(Problem(Location(str(path)), f"no reader for {path.suffix} files"))


def read_all(sources_dir: Path) -> list[PlanYear]:
    plans = [read(path) for path in discover(sources_dir)]
    seen: dict[tuple[str, str, int], str] = {}
    for plan in plans:
        key = (plan.city.code, plan.basic_plan_key, plan.fiscal_year)
        if key in seen:
            raise SourceError(
                Problem(
                    Location(plan.source_document),
                    f"plan {key} is also given by {seen[key]}",
                )
            )
        seen[key] = plan.source_document
    return plans
