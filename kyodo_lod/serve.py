"""Serve a build with granian: what ``python server.py`` and ``kyodo-lod serve`` both run.

granian's HTTP layer is Rust: parsing, keep-alive and socket IO happen off the GIL, and the
WSGI app runs in ``threads`` Python threads of ONE worker process. One, because the per-client
limits, the response cache and the query/page worker pools live in that process (more web
processes would need those shared). The store and app are opened inside that worker, and
closed there when it stops (SIGTERM/SIGINT to the server), so no query worker outlives it."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from .config import Settings
from .dist import TRIG, PinnedBuild
from .errors import KyodoError, SettingsError
from .follow import BuildFollower, WSGIApp
from .store import open_store

if TYPE_CHECKING:
    from .web.prerender import Progress

log = logging.getLogger(__name__)

# our lines (store/pool.py, follow.py, ...) on stderr, as before granian
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"
# a request line plus headers larger than this gets 431 (README, "HTTP itself")
MAX_REQUEST_HEAD_BYTES = 256 * 1024
# a client that has not sent its whole request head in this time is disconnected (slowloris)
HEADER_READ_TIMEOUT_MS = 30_000
# granian's own log: warnings and errors only, on stderr, and no access log
GRANIAN_LOG = {
    "handlers": {
        "console": {
            "formatter": "generic",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "formatter": "access",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        },
    }
}


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    workers: int | None = None,
) -> None:
    """Serve the last build in ``settings.dist_dir``, building first if there is none.

    Returns when stopped by SIGTERM or SIGINT (the store closed, its workers stopped); exits
    with status 1 when the web process ends otherwise (the build could not be opened, ...)."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    if settings.store == "oxigraph" and not (settings.dist_dir / TRIG).is_file():
        from .build.pipeline import build

        print(f"no build in {settings.dist_dir}; building first", file=sys.stderr)
        build(settings)

    serve_wsgi(
        OpenApp(settings, host, port, workers),
        host,
        port,
        threads,
        spawn_target=serve_in_worker,
        # past this, a web process that does not stop (its store not closing) is killed
        stop_timeout_s=int(settings.query_timeout_s) + 30,
    )


def serve_wsgi(
    load_app: Callable[[], Any],
    host: str,
    port: int,
    threads: int,
    spawn_target: Callable[..., None] | None = None,
    stop_timeout_s: int | None = None,
) -> None:
    """Serve the WSGI app ``load_app()`` returns, called in granian's one worker process, in
    ``threads`` threads: how kyodo-lod is served (and so the benchmarks' bare apps too).
    ``load_app`` must be picklable (a module-level function, or a partial of one) where the
    worker is spawned rather than forked."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings, HTTP2Settings
    from granian.log import LogLevels
    from granian.server.mp import MPServer

    server = MPServer(
        target="kyodo-lod",  # a name only: the app comes from load_app
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=threads,
        # HTTP/1.1, and HTTP/2 without TLS for a client that starts with it: the same head limit
        # in both (granian's HTTP/2 default is 16 MB). (granian 2.8's HTTP/1-only mode ignores
        # max_buffer_size: keep "auto")
        http=HTTPModes.auto,
        http1_settings=HTTP1Settings(
            header_read_timeout=HEADER_READ_TIMEOUT_MS, max_buffer_size=MAX_REQUEST_HEAD_BYTES
        ),
        http2_settings=HTTP2Settings(max_headers_size=MAX_REQUEST_HEAD_BYTES),
        log_level=LogLevels.warning,
        log_dictconfig=GRANIAN_LOG,
        workers_kill_timeout=stop_timeout_s,
    )
    # granian warns when threads outnumber cores; ours mostly wait on the worker processes
    logging.getLogger("_granian").addFilter(
        lambda record: "Python threads" not in record.getMessage()
    )
    server.serve(spawn_target=spawn_target, target_loader=load_app, wrap_loader=False)


class OpenApp:
    """Opens the build's store and app in granian's worker process, and closes them there.

    Picklable (settings and numbers), for a worker that is spawned rather than forked."""

    def __init__(self, settings: Settings, host: str, port: int, workers: int | None) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self.workers = workers
        self.app: BuildFollower | None = None

    def __call__(self) -> WSGIApp:
        # granian configured logging in this process for its own loggers: ours again
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, force=True)
        settings = self.settings
        # one build at a time, from its own folder: a build switched in meanwhile never mixes
        # its files with this one's store; it is served once opened (KYODO_FOLLOW_DIST_S)
        follows = settings.follow_dist_s if settings.store == "oxigraph" else 0.0
        self.app = BuildFollower(
            settings,
            partial(open_build, self.workers),
            follows,
            grace_s=settings.query_timeout_s + 5,
        )
        print(
            f"serving {settings.dist_dir} ({self.app.folder}) at http://{self.host}:{self.port}/",
            file=sys.stderr,
        )
        hide_request_like_variables()
        if settings.web_process_one_cpu:
            # (after the store started its workers: they and the processes they start keep
            # every CPU)
            keep_on_one_cpu()
        return whole_bodies(self.app)

    def close(self) -> None:
        """Close the app opened (its store, and so its worker processes), if any."""
        if self.app is not None:
            folder = self.app.folder
            self.app.close()
            self.app = None
            log.info("stopped serving %s: its store is closed", folder)


def keep_on_one_cpu() -> None:
    """Pin every thread of this process (and so the threads it starts later) to one CPU of
    those it may use, chosen by process id so that servers on one machine spread out. Linux
    only; nothing to do on a single CPU."""
    if not hasattr(os, "sched_setaffinity"):
        return
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return
    cpu = {allowed[os.getpid() % len(allowed)]}
    for task in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(task), cpu)
        except OSError:  # (a thread that ended meanwhile)
            continue
    log.info("web process on CPU %d (its workers use all %d)", *cpu, len(allowed))


# bodies up to this size are handed to granian whole (a page, a document, a query result);
# larger ones (dumps) stay streamed
WHOLE_BODY_BYTES = 256 * 1024


def whole_bodies(app: WSGIApp) -> WSGIApp:
    """``app``, handing granian every body of known length up to ``WHOLE_BODY_BYTES`` as one
    list item. werkzeug returns even a finished body as an iterator, and for an iterator granian
    calls back into Python for each chunk (14 % of the web process's time holding the GIL on a
    page); a list it writes from Rust in one go."""

    def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        lengths: list[int] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            lengths.extend(int(v) for k, v in headers if k.lower() == "content-length")
            return start_response(status, headers, exc_info)

        body = app(environ, start)
        if isinstance(body, list) or not lengths or lengths[0] > WHOLE_BODY_BYTES:
            return body
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return answer


# what the app would read as the request's own, were it in os.environ
REQUEST_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")


def hide_request_like_variables() -> None:
    """Remove ``HTTP_*`` (and CONTENT_TYPE/LENGTH) variables from this process's environment.

    granian starts every request's WSGI environ from a copy of os.environ, made after the app
    is loaded: a variable ``HTTP_ACCEPT_LANGUAGE=en`` of the server would otherwise read as a
    header of every request that sends none. Called in the web process once its store has
    started its workers (they keep the environment they started with); nothing in the web
    process reads these variables (the remote store's client ignores proxy variables)."""
    for key in [k for k in os.environ if k.startswith("HTTP_") or k in REQUEST_KEYS]:
        del os.environ[key]


def open_build(workers: int | None, pinned: Settings) -> tuple[Any, Callable[[], None]]:
    """The app of one pinned build, and what closes its store."""
    from .web.prerender import start_prerender

    app, close_store = _open_app(pinned, workers)
    prerender = start_prerender(app)  # (a crawler's first visit finds the page made)

    def close() -> None:
        if prerender is not None:
            prerender.close()
        close_store()

    # the app's objects live as long as the build: not worth collecting again (unfrozen
    # first, so that a replaced build's cycles can still be collected at the next switch)
    gc.unfreeze()
    gc.freeze()
    # (the gzip copies of the build's dumps and its made pages stay in the store cache, shared
    # with other servers of the build and its restarts: store/disk.py removes them when unused)
    return app, close


def _open_app(pinned: Settings, workers: int | None) -> tuple[Any, Callable[[], None]]:
    """The app of one pinned build over its store, and what closes both (page store, store)."""
    from .web import create_app
    from .web.page_worker import page_jobs

    # pages are made in the site's workers, next to the data, on every core
    store = open_store(pinned, workers=workers, page_jobs=partial(page_jobs, pinned))
    try:
        app = create_app(pinned, store)
    except BaseException:
        store.close()
        raise
    pages = app.extensions["kyodo"].pages

    def close() -> None:
        if pages is not None:
            pages.close()
        store.close()

    return app, close


def prerender_build(settings: Settings, jobs: int, report: Callable[[Progress], None]) -> Progress:
    """``kyodo-lod prerender``: make every resource's HTML page of the build ``settings`` names
    into its page store, ``jobs`` at a time (as many page workers), and return the run's
    ``Progress``; ``report(progress)`` every 10 s. A server of the build, running or started
    later, serves those pages and makes only what is left."""
    from .web.prerender import Prerenderer

    if settings.page_store_mb <= 0:
        raise SettingsError(
            "KYODO_PAGE_STORE_MB=0: the page store is off, so there is nowhere to keep pages"
        )
    if settings.store == "oxigraph" and not (settings.dist_dir / TRIG).is_file():
        raise KyodoError(f"no build in {settings.dist_dir}: run `kyodo-lod build` first")
    pinned = PinnedBuild(settings.dist_dir)
    try:
        # one query worker (the list of resources); the pages on ``jobs`` page workers
        app, close = _open_app(
            replace(settings, dist_dir=pinned.folder, page_workers=jobs, query_workers=1), 1
        )
        if app.extensions["kyodo"].pages is None:
            close()
            raise KyodoError(
                f"the build in {pinned.folder} has no content hash to key a page store by "
                "(build.json): rebuild it with `kyodo-lod build`"
            )
        prerenderer = Prerenderer(app, jobs)
        try:
            return prerenderer.run(report)
        finally:
            prerenderer.close()
            close()
    finally:
        pinned.release()


def serve_in_worker(
    worker_id: int, process_name: str | None, open_app: OpenApp, *args: Any
) -> None:
    """granian's WSGI worker, then the app closed: its serve loop returns on SIGTERM/SIGINT and
    the process then ends with os._exit (no atexit), so the close is here."""
    from granian.server.mp import MPServer

    stop_with_parent()
    if hasattr(os, "setpgrp"):
        # a process group of its own (with the store's workers): a terminal's Ctrl-C reaches
        # only the server, which then stops this process with one SIGTERM. (Given SIGINT and
        # then SIGTERM, granian 2.8's worker can miss both and never stop.)
        os.setpgrp()
    try:
        MPServer._spawn_wsgi_worker(worker_id, process_name, open_app, *args)
    except KyodoError as error:  # the build could not be opened: one line, as the CLI says it
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        open_app.close()


def stop_with_parent() -> None:
    """Have Linux send this process SIGTERM when the server's first process dies, even killed
    with SIGKILL: a web process must not go on serving (and holding its workers) orphaned."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before that took effect
        os.kill(os.getpid(), signal.SIGTERM)
