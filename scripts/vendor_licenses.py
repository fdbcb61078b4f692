"""Write the licences of the vendored npm packages into one text file, shipped beside them.

    python scripts/vendor_licenses.py NODE_MODULES OUT

YASGUI's bundle (yasgui.min.js) carries its npm dependencies inside it, so every package that
npm installed with it is listed: name, version, the licence its package.json declares, and the
text of its own licence file when it ships one (the @zazuko packages ship none: their declared
licence, MIT, is followed by the MIT terms once, at the end). Type-only packages (@types/*) are
not in the bundle and are left out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENSE-MIT", "license")
MIT_TERMS = """\
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def packages(node_modules: Path) -> list[Path]:
    found = []
    for manifest in sorted(node_modules.glob("*/package.json")) + sorted(
        node_modules.glob("@*/*/package.json")
    ):
        if manifest.parent.parent.name != "@types":
            found.append(manifest.parent)
    return sorted(found, key=lambda folder: folder.relative_to(node_modules).as_posix())


def notice(node_modules: Path) -> str:
    parts = [
        "Licences of the vendored query editor (YASGUI) and the npm packages bundled in it.",
        "Written by scripts/vendor_licenses.py from the installed packages.",
        "",
    ]
    without_text = []
    for folder in packages(node_modules):
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        declared = meta.get("license") or "(not declared)"
        author = meta.get("author")
        if isinstance(author, dict):
            author = author.get("name")
        parts.append("=" * 78)
        parts.append(f"{meta.get('name', folder.name)} {meta.get('version', '')}")
        parts.append(f"licence (package.json): {declared}")
        if author:
            parts.append(f"author: {author}")
        if isinstance(meta.get("repository"), dict):
            parts.append(f"source: {meta['repository'].get('url', '')}")
        text = next((folder / name for name in LICENCE_FILES if (folder / name).is_file()), None)
        parts.append("")
        if text is None:
            if declared == "MIT":
                without_text.append(meta.get("name", folder.name))
            parts.append("(the npm package ships no licence file; its declared licence applies)")
        else:
            parts.append(text.read_text(encoding="utf-8", errors="replace").rstrip())
        parts.append("")
    if without_text:
        parts.append("=" * 78)
        parts.append("The MIT License terms, for " + ", ".join(without_text) + ":")
        parts.append("")
        parts.append(MIT_TERMS)
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    node_modules, out = Path(argv[0]), Path(argv[1])
    out.write_text(notice(node_modules), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
