"""Harvest a kyodo-lod catalogue the way a CKAN portal does, and print what CKAN would create.

Runs inside .venv-ckan (scripts/setup_ckan_venv.sh), never in the project's venv: it imports
CKAN's own RDF parser, ``ckanext.dcat.processors.RDFParser``, which needs CKAN installed but no
database, search index or running site. It fetches the catalogue over HTTP, follows Hydra pages
(``RDFParser.next_page``) as the DCAT harvester does, and prints one JSON object:
``{"pages": n, "datasets": [<CKAN dataset dicts>]}``.

    .venv-ckan/bin/python scripts/harvest_check.py http://127.0.0.1:8000/catalog \
        --profile euro_dcat_ap_3 --format turtle [--licenses licenses.json] \
        [--locale ja --locales-offered "ja en"]

``--licenses`` is a CKAN licence list (as a portal configures with ``licenses_group_url``);
without it CKAN's built-in list is used, which has no CC BY 4.0 entry, so ``license_id`` stays
empty while each resource still carries the licence IRI. ``--locale`` is the portal's
``ckan.locale_default`` (the parser picks titles and notes in that language; default ``en``)
and ``--locales-offered`` its ``ckan.locales_offered``, as a Japanese portal sets them.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

ACCEPT = {
    "turtle": "text/turtle",
    "xml": "application/rdf+xml",
    "json-ld": "application/ld+json",
}


def fetch(url: str, rdf_format: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": ACCEPT[rdf_format]})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8")


def harvest(url: str, profile: str, rdf_format: str, max_pages: int = 1000) -> dict:
    from ckanext.dcat.processors import RDFParser

    datasets: list[dict] = []
    pages = 0
    next_url: str | None = url
    seen: set[str] = set()
    while next_url and pages < max_pages:
        if next_url in seen:
            raise SystemExit(f"Hydra paging loops back to {next_url}")
        seen.add(next_url)
        parser = RDFParser(profiles=[profile])
        parser.parse(fetch(next_url, rdf_format), _format=rdf_format)
        datasets.extend(parser.datasets())
        pages += 1
        next_url = parser.next_page()
    return {"pages": pages, "datasets": datasets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--profile", default="euro_dcat_ap_3")
    parser.add_argument("--format", default="turtle", choices=sorted(ACCEPT))
    parser.add_argument("--licenses", help="a CKAN licence list (JSON file)")
    parser.add_argument("--locale", default="en", help="ckan.locale_default")
    parser.add_argument("--locales-offered", default="", help="ckan.locales_offered")
    args = parser.parse_args(argv)
    from ckantoolkit import config

    config["ckan.locale_default"] = args.locale
    config["ckan.locales_offered"] = args.locales_offered or args.locale
    if args.licenses:
        config["licenses_group_url"] = "file://" + args.licenses
    result = harvest(args.url, args.profile, args.format)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
