"""Every kind of page is valid HTML by the Nu HTML Checker (the W3C validator's engine)."""

from __future__ import annotations

from urllib.parse import quote

from ..tools import NU_CHECKER, needs
from .conftest import LiveServer
from .htmlcheck import nu_errors

pytestmark = needs(NU_CHECKER)


def test_pages_are_valid_html(live: LiveServer, sample_project: dict[str, str]) -> None:
    policy = live.select(
        f"SELECT ?p WHERE {{ <{sample_project['p']}> "
        "<https://kyodo-lod.example/def/kyodo#underPolicy> ?p }"
    )[0]["p"]
    code = sample_project["target"].rsplit("/", 1)[-1]
    paths = {
        "home": "/",
        "project": sample_project["doc"],
        "department": sample_project["dept"].replace("https://kyodo-lod.example/id/", "/doc/"),
        "policy": policy.replace("https://kyodo-lod.example/id/", "/doc/"),
        "city": "/doc/072036",
        "sdg index": "/sdg/",
        "sdg goal": f"/sdg/{code.split('.')[0]}",
        "sdg target": f"/sdg/{code}",
        "ontology": "/def/kyodo",
        "shapes": "/def/kyodo/shapes",
        "catalogue": "/catalog",
        "named graph": "/graph/asserted",
        "query ui": "/sparql",
        "compare": "/compare",
        "results": "/sparql?format=html&query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 5"),
        "not found": "/doc/072036/nothing-here",
        "search": "/search?q=" + quote("防災 </script>"),
        "search results": "/search?q=" + quote("協働"),
        "search form": "/search",
    }
    pages = {}
    for lang in ("ja", "en"):
        for name, path in paths.items():
            response = live.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
            assert response.headers["Content-Type"].startswith("text/html"), (name, path)
            pages[f"{name} ({lang})"] = response.text
    errors = nu_errors(pages)
    assert not errors, "\n".join(errors[:30])
