"""What a page worker runs: the embedded store's site workers, given these page jobs
(``serve.py``), make whole documents next to the data with the web layer's own code
(``documents.make_document``) over the build they hold open (``store.local.LocalStore``)."""

from __future__ import annotations

import gc
from dataclasses import replace
from typing import Any

from ..config import Settings
from ..store.local import LocalStore
from . import create_app
from .attribution import footer_attribution
from .documents import FORMATS, make_document
from .errors import NotFound
from .i18n import LANGUAGES
from .state import state


def page_jobs(settings: Settings, store: Any) -> Any:
    """In a page worker (``store.worker.serve_queries``), with the build open as ``store``: the
    function that makes the document a ``produce`` job asks for."""
    # the web process keeps finished documents (memory, page store); a worker keeps none
    app = create_app(
        replace(settings, response_cache_mb=0, page_store_mb=0),
        LocalStore(store, settings.max_result_rows),
    )

    with app.test_request_context("/"):
        for lang in LANGUAGES:  # what every page's footer shows (it reads the catalogue)
            footer_attribution(lang)
    # what exists now lives as long as the worker: the collector need not look at it again
    # (its full passes over the app's objects cost about a sixth of each page)
    gc.freeze()

    def answer(job: dict[str, Any]) -> tuple[Any, ...]:
        with app.test_request_context(job["path"], query_string=job["query"]):
            try:
                body, has_next = make_document(
                    state(),
                    job["iri"],
                    FORMATS[job["format"]],
                    job["lang"],
                    job["doc_path"],
                    job["page"],
                )
            except NotFound as exc:
                return ("notfound", str(exc))
        return ("ok", body, has_next)

    return answer
