"""The national registry of local governments (全国地方公共団体コード): city codes checked
against it, and a registered city given its kana reading and its prefecture.

The registry is data/registry/ (``KYODO_REGISTRY_DIR``), written by scripts/refresh_registry.py
from Japan Post's data (data/registry/SOURCE.md). It lacks the designated cities themselves and
the prefectures' own codes; a code it lacks (those, or a test city's) is accepted with a
warning and gets no prefecture and no reading: nothing is guessed. A registered code with
another name is an error that names both.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..errors import Location, Problem, SourceError
from ..model import City, PlanYear, Prefecture

GOVERNMENTS = "local_governments.csv"
PREFECTURES = "prefectures.csv"
# the small ケ and ヶ (and カ/ヵ) are written either way in place names: 龍ケ崎市, 龍ヶ崎市
_SAME_IN_NAMES = str.maketrans({"ヶ": "ケ", "ヵ": "カ"})


@dataclass(frozen=True)
class Registered:
    code: str  # 6 digits with the check digit
    name: str
    kana: str


@dataclass(frozen=True)
class Registry:
    governments: Mapping[str, Registered]  # by 6-digit code
    prefectures: Mapping[str, Prefecture]  # by 2-digit code

    def prefecture_of(self, code: str) -> Prefecture | None:
        """The prefecture of a registered code: the one its first two digits name."""
        return self.prefectures.get(code[:2]) if code in self.governments else None


@lru_cache(maxsize=4)
def load_registry(folder: Path) -> Registry:
    """The registry in ``folder`` (read once per folder and process)."""
    governments = {
        row["code"]: Registered(row["code"], row["name"], row["kana"])
        for row in _rows(folder / GOVERNMENTS)
    }
    prefectures = {
        row["code"]: Prefecture(row["code"], row["name"], row["name_en"], row["kana"])
        for row in _rows(folder / PREFECTURES)
    }
    return Registry(governments, prefectures)


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except OSError as exc:
        raise SourceError(
            Problem(Location(str(path)), f"cannot read the registry: {exc.strerror}")
        ) from exc


def same_name(a: str, b: str) -> bool:
    def key(name: str) -> str:
        return unicodedata.normalize("NFKC", name).strip().translate(_SAME_IN_NAMES)

    return key(a) == key(b)


def city_problems(city: City, registry: Registry, where: Location) -> tuple[Problem | None, ...]:
    """(error, warning) for ``city`` at ``where``: an error when its code is registered under
    another name, a warning when the registry lacks its code."""
    registered = registry.governments.get(city.code)
    if registered is None:
        message = (
            f"city code {city.code} is not in the registry of local governments: accepted, "
            "without a prefecture or kana reading (the registry lacks test cities, the "
            "designated cities themselves and the prefectures)"
        )
        return None, Problem(where, message, city.code)
    if not same_name(registered.name, city.name_ja):
        message = (
            f"city code {city.code} is registered as 「{registered.name}」, not "
            f"「{city.name_ja}」 (check the code or the name)"
        )
        return Problem(where, message, city.name_ja), None
    return None, None


def registered_city(city: City, registry: Registry) -> City:
    """``city`` with its kana reading and prefecture, when its code is registered."""
    registered = registry.governments.get(city.code)
    if registered is None or not same_name(registered.name, city.name_ja):
        return city
    return replace(city, kana=registered.kana, prefecture=registry.prefecture_of(city.code))


def registered_plans(
    plans: Iterable[PlanYear], registry: Registry
) -> tuple[list[PlanYear], list[Problem]]:
    """Every plan's city checked and given what the registry knows of it, and the warnings
    (codes the registry lacks). Raises ``SourceError`` with every name that does not match."""
    out, errors, warnings = [], [], []
    for plan in plans:
        where = Location(plan.source_document, None, None, "city_name")
        error, warning = city_problems(plan.city, registry, where)
        errors += [error] if error else []
        warnings += [warning] if warning else []
        out.append(replace(plan, city=registered_city(plan.city, registry)))
    if errors:
        raise SourceError(errors)
    return out, warnings
