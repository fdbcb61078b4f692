"""Which files are plans, and which reader reads each: the plans bundled with kyodo-lod and
the project's data/sources."""

from __future__ import annotations

from pathlib import Path

from ..config import bundled_plan_texts
from ..errors import Location, Problem, SourceError
from ..model import PlanYear
from .import_commit import reading

META_SUFFIX = ".meta.json"
IMPORTED_DIR = "imported"  # CSV plans added by `kyodo-lod import`: <city_code>-<year>.csv
KPIS_SUFFIX = ".kpis.csv"  # the companion KPI file of an imported plan


def kpis_path(csv_path: Path) -> Path:
    """Where the companion kpis.csv of an imported plan lives (it may not exist)."""
    return csv_path.with_name(csv_path.stem + KPIS_SUFFIX)


def discover(sources_dir: Path, bundled: bool = False) -> list[Path]:
    """Plan sources in a stable order: plan texts that have a ``.meta.json`` sidecar, by file
    name, then the imported CSV plans in ``imported/`` (not their kpis companions).

    With ``bundled``, the plan texts that ship with kyodo-lod are added, unless ``sources_dir``
    has a file of the same name (in a checkout it is the same file); ``sources_dir`` may then be
    missing (a new project has none yet)."""
    if not sources_dir.is_dir() and not bundled:
        raise SourceError(Problem(Location(str(sources_dir)), "sources folder does not exist"))
    own = sources_dir.iterdir() if sources_dir.is_dir() else iter(())
    texts = {
        path.name: path
        for path in own
        if path.suffix == ".txt" and path.with_name(path.stem + META_SUFFIX).exists()
    }
    if bundled:
        for path in bundled_plan_texts():
            texts.setdefault(path.name, path)
    imported = sources_dir / IMPORTED_DIR
    csvs = sorted(
        path
        for path in (imported.iterdir() if imported.is_dir() else ())
        if path.suffix == ".csv" and not path.name.endswith(KPIS_SUFFIX)
    )
    return [texts[name] for name in sorted(texts)] + csvs


def read(path: Path) -> PlanYear:
    from .extract.plan_text import read_plan_text

    if path.suffix == ".txt":
        return read_plan_text(path)
    if path.suffix == ".csv":
        from .extract.csv_plan import read_plan_csv

        kpis = kpis_path(path)
        if path.parent.name != IMPORTED_DIR:
            return read_plan_csv(path, kpis if kpis.exists() else None)
        with reading(path.parent):  # an import switching the pair meanwhile waits
            return read_plan_csv(path, kpis if kpis.exists() else None)
    raise SourceError(Problem(Location(str(path)), f"no reader for {path.suffix} files"))


def read_all(sources_dir: Path, bundled: bool = False) -> list[PlanYear]:
    plans = [read(path) for path in discover(sources_dir, bundled)]
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
