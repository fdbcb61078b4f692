"""The on-disk pyoxigraph store of a build: written once per build (by a one-off process) into
a cache folder, reused while the build does not change, forgotten when nobody opened it for a
week. The gzip copies of a build's dumps and its made pages live beside it
(``build_cache_dir``), by the same rule."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..dist import TRIG, BuildFacts
from .base import StoreError
from .worker import spawn, write_disk_store

READY_MARK = "KYODO-STORE-READY"
USED_MARK = "KYODO-USED"  # in a per-build cache folder: touched when a server opens it
UNUSED_DAYS = 7.0  # cached stores and gzip copies of builds unused this long are removed
# where on-disk stores are written unless Settings.store_cache_dir says otherwise
DEFAULT_CACHE_DIR = Path(tempfile.gettempdir()) / "kyodo-lod-stores"


def prepare_disk_store(
    ctx: Any,
    dist_dir: Path,
    cache_dir: Path,
    extras: list[tuple[str, str]],
    timeout_s: float = 3600.0,
) -> Path:
    """The on-disk pyoxigraph store of the build in ``dist_dir``, written once into
    ``cache_dir/store-<key>`` (key: the build's content hash and the extra graphs' names) and
    reused while the build does not change (a build is immutable while it is served)."""
    trig = Path(dist_dir) / TRIG
    key = hashlib.sha256(
        json.dumps([BuildFacts.read(dist_dir).content_hash, extras], sort_keys=True).encode()
    ).hexdigest()[:24]
    cache_dir = Path(cache_dir)
    final = cache_dir / f"store-{key}"
    if (final / READY_MARK).is_file():
        os.utime(final / READY_MARK)  # last used: what _forget_old_stores goes by
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f".store-{key}.{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(partial, ignore_errors=True)
    _write(ctx, trig, extras, partial, timeout_s)
    (partial / READY_MARK).write_text(f"{trig}\n", encoding="utf-8")
    try:
        partial.rename(final)  # atomic: readers see a whole store or none
    except OSError:
        # another server finished the same build first: use theirs
        shutil.rmtree(partial, ignore_errors=True)
        if not (final / READY_MARK).is_file():
            raise
    _forget_unused(cache_dir, "store-*", READY_MARK, keep=final)
    return final


def dump_copies_dir(cache_dir: Path, content_hash: str) -> Path:
    """The folder for the gzip copies of the dumps of the build ``content_hash``:
    ``cache_dir/gzip-<hash>`` (``build_cache_dir``)."""
    return build_cache_dir(cache_dir, "gzip", content_hash)


def build_cache_dir(cache_dir: Path, kind: str, content_hash: str) -> Path:
    """The folder of one ``kind`` of cache (gzip copies of dumps, made pages) of the build
    ``content_hash``: ``cache_dir/<kind>-<hash>``, shared by every server of that build and by
    its restarts, marked as used now. Those of builds no server opened for a week are removed,
    as stores are."""
    folder = Path(cache_dir) / f"{kind}-{content_hash[:24]}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / USED_MARK).touch()
    _forget_unused(Path(cache_dir), f"{kind}-*", USED_MARK, keep=folder)
    return folder


def _write(
    ctx: Any, trig: Path, extras: list[tuple[str, str]], target: Path, timeout_s: float
) -> None:
    """Write the store into ``target`` in a one-off process (``worker.write_disk_store``)."""
    conn, process = spawn(ctx, write_disk_store, str(trig), extras, str(target))
    try:
        if not conn.poll(timeout_s):
            process.kill()
            raise StoreError(f"the query store was not written within {timeout_s:.0f} s")
        status, payload = conn.recv()
    except EOFError as exc:
        raise StoreError(f"the process writing the query store died ({exc!r})") from exc
    finally:
        process.join(timeout=60)
        conn.close()
    if status != "ready":
        shutil.rmtree(target, ignore_errors=True)
        raise StoreError(f"could not write the query store from {trig}: {payload}")


def _forget_unused(cache_dir: Path, pattern: str, mark_name: str, keep: Path) -> None:
    """Remove the folders ``pattern`` names whose ``mark_name`` (touched on each use) is older
    than ``UNUSED_DAYS``, except ``keep`` (each build writes new ones)."""
    limit = time.time() - UNUSED_DAYS * 86400
    for folder in cache_dir.glob(pattern):
        mark = folder / mark_name
        try:
            if folder != keep and mark.is_file() and mark.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
