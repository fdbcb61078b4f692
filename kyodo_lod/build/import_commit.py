"""How ``kyodo-lod import`` stores a plan-year: its projects and KPIs as one unit, switched in
by one rename, so that an import killed at any moment leaves the old pair or the new one, never
the new KPIs beside the old projects.

    imported/079995-2025.csv        -> .079995-2025.current/projects.csv
    imported/079995-2025.kpis.csv   -> .079995-2025.current/kpis.csv   (dangling: no KPIs)
    imported/.079995-2025.current   -> .079995-2025.versions/<id>      (the one switch)
    imported/.079995-2025.versions/<id>/projects.csv, kpis.csv

The two file names stay what readers open (``sources.discover``/``read``); only the folder
link moves. A version folder is named (by its content's hash) only once whole; an older
import's plain files are first moved into a version of their own, a step at a time, each
leaving a whole pair.

A reader opens the two names one after the other, so a switch between its two opens would
give it one file of each version: a build reads a pair inside ``reading(folder)``, a shared
``flock`` on the imports' folder, and the switches are made under an exclusive one. The lock
is held for the milliseconds of a switch or of reading one plan, and a killed process's lock
goes with it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..durable import sync_folder, sync_tree
from .publish.swap import process_alive

PROJECTS = "projects.csv"
KPIS = "kpis.csv"
_STAGING = ".staging-"


def commit(target: Path, kpis_target: Path, projects: str, kpis: str | None) -> None:
    """Make ``projects`` (and ``kpis``, None: none) the import read at ``target`` and
    ``kpis_target``, in one atomic switch."""
    folder = target.parent
    versions = folder / f".{target.stem}.versions"
    current = folder / f".{target.stem}.current"
    versions.mkdir(parents=True, exist_ok=True)
    _clean_stale(versions)
    new = _version(versions, projects, kpis)
    with _locked(folder, fcntl.LOCK_EX):
        if _plain(target) or _plain(kpis_target):
            old_kpis = kpis_target.read_text(encoding="utf-8") if _plain(kpis_target) else None
            old = target.read_text(encoding="utf-8") if _plain(target) else ""
            _switch(current, _version(versions, old, old_kpis))
        _switch(current, new)
        # the KPI link first: the plan is found by its projects file, which then has its KPIs
        for link, name in ((kpis_target, KPIS), (target, PROJECTS)):
            if not link.is_symlink():
                _replace_with_link(link, Path(current.name) / name)
        sync_folder(folder)  # the switch itself, on the disk
    _prune(versions, new)


@contextlib.contextmanager
def reading(folder: Path) -> Iterator[None]:
    """While inside, no import in ``folder`` switches: the pairs read there are whole."""
    with _locked(folder, fcntl.LOCK_SH):
        yield


@contextlib.contextmanager
def _locked(folder: Path, kind: int) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, kind)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _plain(path: Path) -> bool:
    """A plain file, as an import before this mechanism wrote it."""
    return path.is_file() and not path.is_symlink()


def _version(versions: Path, projects: str, kpis: str | None) -> Path:
    """A whole version folder holding the pair (reused when the same pair is there)."""
    digest = hashlib.sha256(projects.encode())
    digest.update(b"\0" + (kpis.encode() if kpis is not None else b"-"))
    final = versions / digest.hexdigest()[:16]
    if final.is_dir():
        return final
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-", dir=versions))
    try:
        _write(staging / PROJECTS, projects)
        if kpis is not None:
            _write(staging / KPIS, kpis)
        staging.chmod(0o755)
        sync_tree(staging)  # whole on the disk before it is named
        staging.rename(final)
        sync_folder(versions)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not final.is_dir():
            raise
    return final


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


def _switch(current: Path, version: Path) -> None:
    os.utime(version)  # when it became current: pruning keeps the newest
    _replace_with_link(current, Path(version.parent.name) / version.name)


def _replace_with_link(path: Path, target: Path) -> None:
    """``path`` becomes a symlink to ``target`` (relative), by one rename."""
    link = path.with_name(f".{path.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(target, link)
    os.replace(link, path)


def _prune(versions: Path, current: Path, keep_previous: int = 1) -> None:
    """Remove old versions but the newest ``keep_previous`` (a build may be reading one)."""
    others = [p for p in versions.iterdir() if not p.name.startswith(".") and p != current]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[keep_previous:]:
        trash = versions / f".trash-{old.name}-{os.getpid()}"
        with contextlib.suppress(OSError):
            old.rename(trash)  # never a half-removed version under its name
            shutil.rmtree(trash, ignore_errors=True)


def _clean_stale(versions: Path) -> None:
    """Remove what killed imports left: staging and trash of processes that are gone, and
    links never renamed into place."""
    leftovers = [*versions.glob(".*")]
    leftovers += versions.parent.glob(".*.link-*")
    for path in leftovers:
        pid = path.name.rsplit("-", 1)[-1] if ".link-" in path.name else _staging_pid(path)
        if pid is None or (pid.isdigit() and _alive(int(pid))):
            continue
        if path.is_symlink():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _staging_pid(path: Path) -> str | None:
    if path.name.startswith(_STAGING):
        return path.name[len(_STAGING) :].split("-", 1)[0]
    if path.name.startswith(".trash-"):
        return path.name.rsplit("-", 1)[-1]
    return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours are from an earlier commit of this process, finished or failed
    return process_alive(pid)
