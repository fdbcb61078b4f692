"""The package's rooms and the rules between them (docs/architecture.md), read from the source
with ``ast``: the web layer, the store and compare never import the build; no import circles;
no module grows past about 500 lines; every module says what it is for."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.locations import ROOT

PACKAGE = ROOT / "kyodo_lod"
MAX_LINES = 500
# the rooms that only read what a build published
READERS = ("kyodo_lod.web", "kyodo_lod.store", "kyodo_lod.compare")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in ``path``, relative ones resolved;
    ``from package import submodule`` imports the submodule, not the package's __init__."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [
                f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES
            ]
            if len(submodules) < len(node.names):  # a name defined in ``target`` itself
                yield target, node.lineno
            for submodule in submodules:
                yield submodule, node.lineno


def _graph() -> dict[str, set[str]]:
    return {
        name: {target for target, _ in _imports(name, path) if target in MODULES}
        for name, path in MODULES.items()
    }


def test_the_package_has_its_rooms() -> None:
    for room in ("rdf", "build", "store", "web", "compare"):
        assert f"kyodo_lod.{room}" in MODULES, f"kyodo_lod/{room}/ is missing"


@pytest.mark.parametrize("reader", READERS)
def test_readers_never_import_the_build(reader: str) -> None:
    offending = [
        f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}"
        for name in MODULES
        if name == reader or name.startswith(reader + ".")
        for target, line in _imports(name, MODULES[name])
        if target == "kyodo_lod.build" or target.startswith("kyodo_lod.build.")
    ]
    assert not offending, "\n".join(offending)


def test_rdf_plumbing_knows_no_rooms_above_it() -> None:
    above = ("kyodo_lod.build", "kyodo_lod.store", "kyodo_lod.web", "kyodo_lod.compare")
    offending = [
        f"{name} imports {target}"
        for name in MODULES
        if name.startswith("kyodo_lod.rdf")
        for target, _ in _imports(name, MODULES[name])
        if target.startswith(above)
    ]
    assert not offending, "\n".join(offending)


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (module → modules it imports), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            circle = visit(name)
            if circle:
                return circle
    return None


def test_no_import_circles() -> None:
    circle = find_circle(_graph())
    assert circle is None, "import circle: " + " → ".join(circle or [])


def test_the_checks_see_imports_and_circles() -> None:
    """The rules above are only as good as what they read: relative imports are resolved (the
    web layer is seen to import the store), and a circle is found where there is one."""
    assert "kyodo_lod.store" in _graph()["kyodo_lod.web"]
    assert "kyodo_lod.rdf.namespaces" in _graph()["kyodo_lod.rdf.iris"]
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    # a package re-exporting its module, which imports a name back from the package
    assert find_circle({"p": {"p.m"}, "p.m": {"p"}}) == ["p", "p.m", "p"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small_and_say_what_they_are_for(name: str) -> None:
    path = MODULES[name]
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"
    assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(ROOT)} has no docstring"
