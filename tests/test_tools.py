"""The rule for a missing tool (tests/tools.py): a skip that says how to get it, but in CI an
error, so that CI cannot pass by skipping."""

from __future__ import annotations

import pytest

from .tools import Tool, needs, require

MISSING = Tool("a missing tool", "apt-get install it", lambda: False)
PRESENT = Tool("a present tool", "", lambda: True)


def test_a_missing_tool_is_a_skip_with_the_way_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"a missing tool is missing .*apt-get"):
        require(PRESENT, MISSING)


def test_in_ci_a_missing_tool_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: a missing tool is an error"):
        require(MISSING)


@needs(PRESENT)
def test_a_present_tool_lets_the_test_run() -> None:
    require(PRESENT)
