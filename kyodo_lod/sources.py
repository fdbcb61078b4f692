"""Which files in data/sources are plans, and which reader reads each."""

from __future__ import annotations

from pathlib import Path

from .errors import Location, Problem, SourceError
from .model import PlanYear

META_SUFFIX = ".meta.json"


def discover(sources_dir: Path) -> list[Path]:
    """Plan sources in a stable order: plan texts that have a ``.meta.json`` sidecar."""
    if not sources_dir.is_dir():
        raise SourceError(Problem(Location(str(sources_dir)), "sources folder does not exist"))
    return sorted(
        path
        for path in sources_dir.iterdir()
        if path.suffix == ".txt" and path.with_name(path.stem + META_SUFFIX).exists()
    )


def read(path: Path) -> PlanYear:
    from .extract.plan_text import read_plan_text

    if path.suffix == ".txt":
        return read_plan_text(path)
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
