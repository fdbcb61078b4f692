"""The wheel is a working tool: built from this checkout, installed into a fresh venv, run in an
empty folder. build (the bundled Koriyama plan), import the fixture city, build again, serve;
then /sparql answers for both cities over HTTP and the query page's scripts all load. Nothing
is written inside the installed package.

Slow (a fresh venv, its dependencies from PyPI or pip's cache, two builds): marked ``install``,
so ``pytest -m install`` runs it alone and ``-m "not install"`` leaves it out.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.processes import stop

from .locations import FIXTURES, ROOT
from .tools import YASGUI, needs
from .web.conftest import _free_port
from .web.htmlcheck import page_assets

pytestmark = [pytest.mark.install, needs(YASGUI)]

BASE = "https://kyodo-lod.example/"
KORIYAMA, KAKU = "072036", "079995"  # the bundled plan's city and the fixture city


def _run(*command: str | Path, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time; __pycache__ left out
    (pip compiles the package when it installs it; Python may add bytecode, which is not ours)."""
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the wheel built from this checkout installed; yields its bin/."""
    folder = tmp_path_factory.mktemp("install")
    wheels = folder / "wheels"
    # hatchling from the test venv when it has it (the [test] extra); else pip fetches it
    no_isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *no_isolation,
        "-w", wheels, ROOT, cwd=folder, env=env,
    )  # fmt: skip
    (wheel,) = wheels.glob("kyodo_lod-*.whl")
    venv = folder / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=folder, env=env)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=folder, env=env)
    yield venv / "bin"


def test_the_installed_wheel_works_in_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    # only what a user's shell would have: no KYODO_* of the test run, no path to this checkout
    env = {k: v for k, v in os.environ.items() if not k.startswith("KYODO_") and k != "PYTHONPATH"}
    env["KYODO_STORE_CACHE_DIR"] = str(tmp_path / "stores")
    python = installed / "python"
    package = Path(
        _run(
            python, "-c", "import kyodo_lod; print(kyodo_lod.__file__)", cwd=project, env=env
        ).strip()
    ).parent
    assert "site-packages" in package.parts, package  # the installed copy, not this checkout
    assert (package / "bundled" / "ontology" / "kyodo.ttl").is_file()
    assert (package / "web" / "vendor" / "LICENSES.txt").is_file()
    before = _listing(package)

    kyodo_lod = installed / "kyodo-lod"
    shown = _run(kyodo_lod, "settings", cwd=project, env=env)
    assert f"KYODO_DIST_DIR             {project / 'dist'}" in shown
    assert f"KYODO_ONTOLOGY_PATH        {package / 'bundled' / 'ontology' / 'kyodo.ttl'}" in shown

    _run(kyodo_lod, "build", cwd=project, env=env)
    assert (project / "dist" / "build.json").is_file()
    _run(
        kyodo_lod, "import", FIXTURES / "kaku-2025.csv",
        "--kpis", FIXTURES / "kaku-2025.kpis.csv", cwd=project, env=env,
    )  # fmt: skip
    assert (project / "data" / "sources" / "imported" / f"{KAKU}-2025.csv").is_file()
    _run(kyodo_lod, "build", cwd=project, env=env)

    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(kyodo_lod), "serve", "--port", str(port)],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if requests.get(url + "/sparql", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "kyodo-lod serve did not come up"
            time.sleep(0.2)

        for city in (KAKU, KORIYAMA):
            asked = requests.get(
                url + "/sparql",
                params={"query": f"ASK {{ <{BASE}id/{city}> ?p ?o }}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            )
            assert asked.status_code == 200 and asked.json()["boolean"] is True, city

        page = requests.get(url + "/sparql", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200
        assets = page_assets(page.text)
        assert "/vendor/yasgui.min.js" in assets, assets  # the same query page as a checkout
        for asset in assets:
            assert requests.get(url + asset, timeout=30).status_code == 200, asset
    finally:
        stop(server, timeout_s=20)
        log.close()

    assert _listing(package) == before  # nothing written inside the installed package
    written = sorted(str(p.relative_to(project)) for p in project.iterdir())
    # dist is a link to the build in .dist.builds/ (crash-safe builds, decision 0007)
    assert written == [".dist.builds", "data", "dist"]
