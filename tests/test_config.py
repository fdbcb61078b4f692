from dataclasses import fields
from pathlib import Path

import pytest

from kyodo_lod.config import Settings

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_help_text():
    for f in fields(Settings):
        assert f.metadata.get("help"), f"setting {f.name} has no help text"


def test_settings_come_from_the_environment():
    settings = Settings.from_env(
        {
            "KYODO_BASE_IRI": "http://example.org/lod",
            "KYODO_QUERY_TIMEOUT_S": "2.5",
            "KYODO_MAX_RESULT_ROWS": "7",
            "KYODO_REMOTE_ALLOWLIST": "http://a.example/, http://b.example/",
            "KYODO_DIST_DIR": "/tmp/somewhere",
        }
    )
    assert settings.base_iri == "http://example.org/lod/"
    assert settings.query_timeout_s == 2.5
    assert settings.max_result_rows == 7
    assert settings.remote_allowlist == ("http://a.example/", "http://b.example/")
    assert settings.dist_dir == Path("/tmp/somewhere")


def test_explicit_overrides_win_over_the_environment():
    settings = Settings.from_env({"KYODO_MAX_RESULT_ROWS": "7"}, max_result_rows=9)
    assert settings.max_result_rows == 9


def test_a_bad_number_names_the_variable():
    with pytest.raises(ValueError, match="KYODO_QUERY_TIMEOUT_S='soon'"):
        Settings.from_env({"KYODO_QUERY_TIMEOUT_S": "soon"})


def test_every_setting_is_documented_in_the_readme():
    for f in fields(Settings):
        assert f"`KYODO_{f.name.upper()}`" in README, f"KYODO_{f.name.upper()} is not in README.md"
