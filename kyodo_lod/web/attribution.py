"""The attribution in every page's footer: each dataset's dct:rights label (出典：…を加工して
作成, made by the build from the source document's citation) in the page's language, read from
the published catalogue, and the licence of our data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..dist import CATALOG
from ..store import SelectResult
from . import queries
from .i18n import pick
from .state import state

MAX_LISTED = 3  # past this many datasets the footer points to the catalogue instead


@dataclass(frozen=True)
class Attribution:
    lines: tuple[str, ...]  # one per dataset, in the page's language
    more: int  # datasets not listed (their attributions are in the catalogue)


def footer_attribution(lang: str) -> Attribution:
    """What the footer shows in ``lang`` (nothing when the build has no catalogue)."""
    # (made once per build and language: a build is immutable while it is served)
    return state().cached(f"attribution:{lang}", lambda: _attribution(lang))


def _attribution(lang: str) -> Attribution:
    st = state()
    if not (Path(st.settings.dist_dir) / CATALOG).is_file():
        return Attribution((), 0)
    # asked of the store's catalogue graph, not parsed from catalog.ttl: at 1,741 cities that
    # file is 30 MB, and parsing it held up the first page after a start for ~27 s
    result = st.store.query(queries.dataset_rights(str(st.iris.graph("catalog"))))
    assert isinstance(result, SelectResult)
    labels: dict[str, dict[str, str]] = {}
    for row in result.dicts():
        label = row["label"]
        labels.setdefault(row["d"].value, {})[label.lang or ""] = label.value
    lines = [line for _, texts in sorted(labels.items()) if (line := pick(texts, lang))]
    if len(lines) > MAX_LISTED:
        return Attribution((), len(lines))
    return Attribution(tuple(lines), 0)
