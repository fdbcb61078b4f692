"""Switching builds atomically: each build is written into its own folder beside dist/, and
dist/ is a symlink to the current one, replaced by one rename.

    dist -> .dist.builds/<id>          the current build (id: the start of its content hash)
    .dist.builds/<id>                  the previous build, kept for a server still reading it
    .dist.builds/.staging-XXXXXXXX     a build being written (locked by the process writing it)

A reader of ``dist/<file>`` always gets a file of one complete build, old or new; a build that
fails or is killed at any moment leaves the previous one served. What a killed build left
(staging folders no process holds, half-removed old builds) the next build removes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import tempfile
from pathlib import Path

from ...dist import builds_dir
from ...durable import sync_folder, sync_tree
from ...errors import PublishFailed

STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".trash-"  # an old build being removed: renamed first, so no half is ever named
# what publish before versioned builds left beside dist/ when killed (tempfile's 8 characters)
_OLD_LEFTOVERS = re.compile(r"\.(dist|runs)-[A-Za-z0-9_]{8}")


class Staging:
    """The folder a build is written into, locked by this process until it is switched in
    or discarded."""

    def __init__(self, dist_dir: Path) -> None:
        self.dist_dir = Path(dist_dir)
        self.builds = builds_dir(self.dist_dir)
        self.builds.mkdir(parents=True, exist_ok=True)
        clean_stale(self.dist_dir)
        self.path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.builds))
        self._fd: int | None = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        umask = os.umask(0)
        os.umask(umask)
        self.path.chmod(0o777 & ~umask)  # a build is public: not mkdtemp's 0700

    def switch_in(self, build_id: str) -> Path:
        """Name the finished build ``build_id``, point dist/ at it and prune old builds;
        returns the build's folder. Before dist/ points at it nothing is served from it, and
        it is on the disk (``durable``): a power cut after the switch finds it whole."""
        final = self.builds / build_id
        sync_tree(self.path)
        try:
            self.path.rename(final)
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not final.is_dir():
                raise
            self.discard()  # the same content is built already (a folder is named when whole)
        os.utime(final)  # when it became current: what pruning keeps the newest by
        sync_folder(self.builds)
        _point(self.dist_dir, final)
        sync_folder(self.dist_dir.parent)
        self.release()
        _prune(self.builds, final)
        return final

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def failure(error: OSError, dist_dir: Path) -> PublishFailed:
    """The one-line error for a build that could not be written (a full disk, above all)."""
    builds = builds_dir(dist_dir)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        cause = "no space left on device"
    else:
        cause = f"{error.strerror or error}" + (f" ({error.filename})" if error.filename else "")
    return PublishFailed(
        f"{cause}: the build could not be written into {builds} (for {dist_dir}); "
        "the previous build is left as it was"
    )


def _point(dist_dir: Path, final: Path) -> None:
    """dist/ → ``final``, by renaming a new symlink over it (atomic: a reader resolves the old
    build or the new one). A plain dist/ folder, from before versioned builds, is first moved
    in with the builds (kept as the previous build) — the one moment with no dist/."""
    if dist_dir.is_dir() and not dist_dir.is_symlink():
        if any(dist_dir.iterdir()):
            legacy = final.with_name(f"before-{os.getpid()}")
            dist_dir.rename(legacy)
            os.utime(legacy, (final.stat().st_mtime - 1,) * 2)
        else:
            dist_dir.rmdir()
    link = dist_dir.with_name(f".{dist_dir.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(os.path.relpath(final, dist_dir.parent), link)
    os.replace(link, dist_dir)


def _prune(builds: Path, current: Path, keep_previous: int = 1) -> None:
    """Remove old builds but the ``keep_previous`` newest, and any a server holds."""
    others = [
        folder
        for folder in builds.iterdir()
        if not folder.name.startswith(".") and folder.is_dir() and folder != current
    ]
    others.sort(key=lambda folder: folder.stat().st_mtime, reverse=True)
    for folder in others[keep_previous:]:
        _remove_unless_held(folder, TRASH_PREFIX)


def clean_stale(dist_dir: Path) -> None:
    """Remove what killed builds left: staging folders no live build holds, half-removed old
    builds, a symlink never renamed, and the leftovers of publish before versioned builds."""
    builds = builds_dir(dist_dir)
    for path in builds.glob(".*"):
        if path.name.startswith(TRASH_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(STAGING_PREFIX):
            _remove_unless_held(path, None)
    parent = Path(dist_dir).parent
    for path in parent.glob(f".{Path(dist_dir).name}.link-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if path.is_symlink() and pid.isdigit() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)
    for path in parent.glob(".*"):
        old = path.name == f".{Path(dist_dir).name}-old" or _OLD_LEFTOVERS.fullmatch(path.name)
        if old and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _remove_unless_held(folder: Path, trash_prefix: str | None) -> None:
    """Remove ``folder`` if no process holds a lock on it (a live build, a server)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return
    try:
        if trash_prefix is not None:
            trash = folder.with_name(f"{trash_prefix}{folder.name}-{os.getpid()}")
            folder.rename(trash)
            folder = trash
        shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass
    finally:
        os.close(fd)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts: it may still hold its folder)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
