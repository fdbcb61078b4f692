"""The ``validate``, ``import``, ``export`` and ``build`` commands themselves (click's runner):
exit codes, what they print, and a clear one-line-per-problem error naming the file (and line
and column where they are known) for malformed RDF/XML and TriG, UTF-16 and non-UTF-8 files
and a broken .meta.json; never a traceback."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kyodo_lod.cli import main
from tests.locations import FIXTURES, SHAPE_CASES, SOURCES

KAKU = FIXTURES / "kaku-2025.csv"
KAKU_KPIS = FIXTURES / "kaku-2025.kpis.csv"
TURTLE = '@prefix ex: <http://example.org/> .\nex:a ex:b "日本語" .\n'


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    # no KYODO_* from the environment running the tests
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"KYODO_PROJECT_DIR": None, **(env or {})}
    )


def error_lines(result: Result) -> list[str]:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    return result.stderr.splitlines()


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# ------------------------------------------------------------------------------- validate


def test_validate_a_conforming_file_exits_0() -> None:
    result = run("validate", SHAPE_CASES / "base.ttl")
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output or "conforms" in result.output.lower()


def test_validate_a_violating_file_prints_the_report_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    case = SHAPE_CASES / "cases" / "ProjectShape-invalid-02.ttl"  # two Japanese labels
    data.write_text((SHAPE_CASES / "base.ttl").read_text() + case.read_text(), encoding="utf-8")
    result = run("validate", data)
    assert result.exit_code == 1
    assert "rdfs:label" in result.output
    assert "project/10" in result.output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "broken.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about="http://example.org/a">\n    <unclosed>\n</rdf:RDF>\n',
            "{path}:5:3: xml: mismatched tag",
        ),
        (
            "broken.trig",
            "@prefix ex: <http://example.org/> .\nex:g {\n  ex:a ex:b ex:c .\n  ex:a ex:b \n}\n",
            "{path}:4:12: trig: objectList expected",
        ),
        (
            "utf16.ttl",
            TURTLE.encode("utf-16"),
            "{path}:1:1: UTF-16 text: save it as UTF-8 (value: 'bytes ff')",
        ),
        (
            "shift-jis.ttl",
            TURTLE.encode("shift_jis"),
            "{path}:2:12: not UTF-8 text (value: 'bytes 93')",
        ),
        ("data.rdf", b"", "{path}:1:1: xml: no element found"),
    ],
    ids=["rdf-xml", "trig", "utf-16", "shift-jis", "empty-rdf-xml"],
)
def test_validate_names_file_line_and_column_of_malformed_rdf(
    tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    assert error_lines(run("validate", path)) == ["error: " + expected.format(path=path)]


def test_validate_refuses_an_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text(TURTLE, encoding="utf-8")
    assert error_lines(run("validate", path)) == [
        f"error: {path}: unknown RDF format (by extension) (value: '.txt')"
    ]


# --------------------------------------------------------------------------------- import


def test_import_stores_the_plan_and_says_where(tmp_path: Path) -> None:
    result = run("--project", tmp_path, "import", KAKU, "--kpis", KAKU_KPIS)
    assert result.exit_code == 0, result.output
    stored = tmp_path / "data" / "sources" / "imported" / "079995-2025.csv"
    assert result.stdout == (f"imported {KAKU} → {stored} (run `kyodo-lod build` to publish it)\n")
    # 079995 is a made-up city: the registry check warns, and the import goes on
    assert result.stderr == (
        f"warning: {KAKU} [city_name]: city code 079995 is not in the registry of local "
        "governments: accepted, without a prefecture or kana reading (the registry lacks test "
        "cities, the designated cities themselves and the prefectures) (value: '079995')\n"
        "1 warning(s); the file was imported\n"
    )
    assert stored.is_file() and stored.with_name("079995-2025.kpis.csv").is_file()


def test_import_of_a_bad_file_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    bad = FIXTURES / "invalid" / "rules" / "kpi-value-not-number.csv"
    kpis = bad.with_name("kpi-value-not-number.kpis.csv")
    result = run("--project", tmp_path, "import", bad, "--kpis", kpis)
    assert error_lines(result) == [
        f"error: {kpis}:2:5 [value]: the value must be a number (600, 12.5) (value: 'たくさん')"
    ]
    assert tree(tmp_path) == []


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        (
            "utf-16",
            "{path}:1: the file is UTF-16 (save it as UTF-8, with or without BOM) (value: 'fffe')",
        ),
    ],
)
def test_import_of_a_utf16_file_says_so_once(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "plan.csv"
    text = (FIXTURES / "invalid" / "city-name-missing.csv").read_text(encoding="utf-8")
    path.write_bytes(text.replace(",,", ",架空市,").encode(encoding))
    project = tmp_path / "project"
    assert error_lines(run("--project", project, "import", path)) == [
        "error: " + expected.format(path=path)
    ]
    assert not project.exists()


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--project", tmp_path, "import", tmp_path / "nowhere.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# --------------------------------------------------------------------------------- export


def test_export_writes_the_built_projects_csv(dist: Path, tmp_path: Path) -> None:
    result = run("export", "--dist", dist)
    assert result.exit_code == 0, result.stderr
    assert result.output == (dist / "projects.csv").read_text(encoding="utf-8")
    out = tmp_path / "koriyama.csv"
    result = run("export", "--dist", dist, "--city", "072036", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {row["city_code"] for row in rows} == {"072036"}


def test_export_of_an_unknown_city_or_without_a_build_fails(dist: Path, tmp_path: Path) -> None:
    assert error_lines(run("export", "--dist", dist, "--city", "999999")) == [
        f"error: {dist / 'projects.csv'}: no project of these cities (value: '999999')"
    ]
    empty = tmp_path / "dist"
    assert error_lines(run("export", "--dist", empty)) == [
        f"error: {empty / 'projects.csv'}: no build found: run kyodo-lod build"
    ]


# ---------------------------------------------------------------------------------- build


def plan_sources(tmp_path: Path) -> Path:
    """A sources folder holding a copy of Koriyama's plan text and its sidecar."""
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("koriyama-kyodo-2025.txt", "koriyama-kyodo-2025.meta.json"):
        shutil.copy(SOURCES / name, sources / name)
    return sources


def test_build_names_the_line_of_a_broken_meta_json(tmp_path: Path) -> None:
    sources = plan_sources(tmp_path)
    meta = sources / "koriyama-kyodo-2025.meta.json"
    lines = meta.read_text(encoding="utf-8").splitlines()
    assert lines[2].endswith(",")
    lines[2] = lines[2].rstrip(",")  # the comma after the city's code
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dist = tmp_path / "dist"
    result = run("build", "--dist", dist, env={"KYODO_SOURCES_DIR": str(sources)})
    errors = error_lines(result)
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {meta}:4:")
    assert "not valid JSON: Expecting ',' delimiter" in errors[0]
    assert not dist.exists()


def test_build_names_a_plan_text_that_is_not_utf8(tmp_path: Path) -> None:
    sources = plan_sources(tmp_path)
    text = sources / "koriyama-kyodo-2025.txt"
    text.write_bytes(text.read_text(encoding="utf-8").encode("utf-16"))
    result = run("build", "--dist", tmp_path / "dist", env={"KYODO_SOURCES_DIR": str(sources)})
    assert error_lines(result) == [f"error: {text}:1:1: not UTF-8 text (value: 'bytes ff')"]
