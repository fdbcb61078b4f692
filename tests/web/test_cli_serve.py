"""`kyodo-lod serve` works from any folder (it does not rely on the repository's server.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.processes import stop

from .conftest import _free_port


def test_kyodo_lod_serve_from_another_folder(dist: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "KYODO_DIST_DIR": str(dist), "KYODO_STORE_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kyodo_lod.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "kyodo-lod serve exited"
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            raise AssertionError("kyodo-lod serve did not come up")
        assert response.status_code == 200
        assert "郡山市" in response.text or "Koriyama" in response.text
    finally:
        stop(process, timeout_s=20)
