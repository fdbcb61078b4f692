"""The attribution in every page's footer: each dataset's dct:rights label (出典：…を加工して
作成, made by the build from the source document's citation) in the page's language, read from
the published catalogue, and the licence of our data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDFS

from ..dist import CATALOG
from .catalog import catalog_data
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
    if not (Path(state().settings.dist_dir) / CATALOG).is_file():
        return Attribution((), 0)
    data = catalog_data()
    graph = data.graph
    lines = []
    for dataset in data.datasets:
        rights = graph.value(dataset, DCTERMS.rights)
        labels = {
            label.language or "": str(label)
            for label in graph.objects(rights, RDFS.label)
            if isinstance(label, Literal)
        }
        line = pick(labels, lang) if rights is not None else None
        if line:
            lines.append(line)
    if len(lines) > MAX_LISTED:
        return Attribution((), len(lines))
    return Attribution(tuple(lines), 0)
