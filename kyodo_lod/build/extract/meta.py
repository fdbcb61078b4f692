"""The sidecar ``<stem>.meta.json`` beside a plan text: what the text itself does not say
(city code and English names, the basic plan's key) and our English translations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ...errors import Location, Problem, SourceError
from ...model import RIGHTS_NOT_STATED, City

# stand-ins for "we do not know" that a sidecar must spell as RIGHTS_NOT_STATED instead
VAGUE_RIGHTS = {"", "unknown", "none", "n/a", "na", "-", "?", "tbd", "不明", "なし"}


@dataclass(frozen=True)
class PlanMeta:
    city: City
    basic_plan_key: str
    basic_plan_title_ja: str
    basic_plan_title_en: str
    title_ja: str
    title_en: str
    fiscal_year: int
    policy_titles_en: dict[str, str]
    source_title: str
    source_url: str
    source_issued: date | None = None
    source_modified: date | None = None
    source_rights: str = RIGHTS_NOT_STATED
    source_rights_url: str = ""


def meta_path(text_path: Path) -> Path:
    return text_path.with_name(f"{text_path.stem}.meta.json")


def read_meta(text_path: Path) -> PlanMeta:
    path = meta_path(text_path)
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(Problem(Location(where), f"cannot read the sidecar: {exc}")) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(Problem(Location(where), f"not UTF-8: {exc}")) from exc
    except json.JSONDecodeError as exc:
        loc = Location(where, exc.lineno, exc.colno)
        raise SourceError(Problem(loc, f"not valid JSON: {exc.msg}")) from exc

    problems: list[Problem] = []

    def text(section: str, key: str, *, required: bool = True) -> str:
        block = data.get(section)
        value = block.get(key) if isinstance(block, dict) else None
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            shown = None if value is None else repr(value)
            msg = "missing or not a non-empty string"
            problems.append(Problem(Location(where, field=f"{section}.{key}"), msg, shown))
            return ""
        return value

    city = City(
        code=text("city", "code"),
        name_ja=text("city", "name_ja"),
        name_en=text("city", "name_en"),
        prefecture_ja=text("city", "prefecture_ja", required=False),
        prefecture_en=text("city", "prefecture_en", required=False),
    )
    if city.code and not (len(city.code) == 6 and city.code.isascii() and city.code.isdigit()):
        problems.append(
            Problem(Location(where, field="city.code"), "not a 6-digit code", city.code)
        )
    plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
    year = plan.get("fiscal_year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.append(
            Problem(Location(where, field="plan.fiscal_year"), "not an integer", repr(year))
        )
        year = 0
    titles = data.get("policy_titles_en")
    if not isinstance(titles, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in titles.items()
    ):
        problems.append(
            Problem(
                Location(where, field="policy_titles_en"),
                "expected an object of policy number → English title",
            )
        )
        titles = {}

    def day(key: str) -> date | None:
        raw = text("source", key, required=False)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            loc = Location(where, field=f"source.{key}")
            problems.append(Problem(loc, "not an ISO date (YYYY-MM-DD)", raw))
            return None

    issued = day("issued")
    modified = day("modified") or issued
    if modified is not None and issued is None:
        loc = Location(where, field="source.modified")
        problems.append(Problem(loc, "a modified date needs source.issued too", str(modified)))
    rights, rights_url = _rights(data.get("source"), where, problems)
    meta = PlanMeta(
        city=city,
        basic_plan_key=text("basic_plan", "key"),
        basic_plan_title_ja=text("basic_plan", "title_ja"),
        basic_plan_title_en=text("basic_plan", "title_en"),
        title_ja=text("plan", "title_ja"),
        title_en=text("plan", "title_en"),
        fiscal_year=year,
        policy_titles_en=dict(titles),
        source_title=text("source", "title"),
        source_url=text("source", "url", required=False),
        source_issued=issued,
        source_modified=modified,
        source_rights=rights,
        source_rights_url=rights_url,
    )
    if problems:
        raise SourceError(problems)
    return meta


def _rights(source: object, where: str, problems: list[Problem]) -> tuple[str, str]:
    """``source.rights`` (the document's terms of use as its publisher states them, or
    "not stated"; missing means not stated) and ``source.rights_url`` (where the terms are)."""
    block = source if isinstance(source, dict) else {}
    rights = block.get("rights", RIGHTS_NOT_STATED)
    url = block.get("rights_url", "")
    if not isinstance(rights, str) or rights.strip().lower() in VAGUE_RIGHTS:
        problems.append(
            Problem(
                Location(where, field="source.rights"),
                f'expected the terms of use the document states, or "{RIGHTS_NOT_STATED}"',
                repr(rights),
            )
        )
        rights = RIGHTS_NOT_STATED
    rights = rights.strip()
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
        problems.append(
            Problem(Location(where, field="source.rights_url"), "not an http(s) URL", repr(url))
        )
        url = ""
    elif url and rights == RIGHTS_NOT_STATED:
        msg = f'terms at a URL are stated: give them in source.rights, not "{RIGHTS_NOT_STATED}"'
        problems.append(Problem(Location(where, field="source.rights_url"), msg, url))
    return rights, url
