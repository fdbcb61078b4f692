"""/compare and /compare/cell answers can sit behind an HTTP cache, as pages do: an ETag keyed
by the build and the request (its path, query string and language), Cache-Control, and 304 for
If-None-Match with the current ETag."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import LiveServer

KORIYAMA = "072036"
HTML = {"Accept": "text/html"}


def test_compare_answers_carry_an_etag_and_304_when_it_matches(live: LiveServer, dist: Path):
    build = json.loads((dist / "build.json").read_text(encoding="utf-8"))["content_hash"]
    requests_ = [
        f"/compare?city={KORIYAMA}",
        f"/compare?city={KORIYAMA}&format=csv",
        "/compare",
        f"/compare/cell?city={KORIYAMA}&year=2025&goal=11",
    ]
    etags = {}
    for path in requests_:
        first = live.get(path, headers=HTML)
        assert first.status_code == 200, (path, first.text[:200])
        etag = first.headers["ETag"]
        assert etag.strip('"').startswith(build[:20]), (path, etag)  # a new build: new ETags
        assert first.headers["Cache-Control"] == "public, max-age=300"
        assert "Accept-Language" in first.headers["Vary"]
        again = live.get(path, headers={**HTML, "If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["ETag"] == etag
        etags[path] = etag
    assert len(set(etags.values())) == len(requests_)  # one per request
    english = live.get(f"/compare?city={KORIYAMA}", headers={**HTML, "Accept-Language": "en"})
    assert english.headers["ETag"] != etags[f"/compare?city={KORIYAMA}"]
    stale = live.get(f"/compare?city={KORIYAMA}", headers={**HTML, "If-None-Match": '"other"'})
    assert stale.status_code == 200 and "<svg" in stale.text


def test_a_refused_compare_carries_no_etag(live: LiveServer):
    bad = live.get("/compare?city=131016", headers=HTML)
    assert bad.status_code == 400 and "ETag" not in bad.headers
