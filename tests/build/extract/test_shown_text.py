"""A spreadsheet cell read as the text it shows, whatever number Excel stored."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo_lod.build.extract.shown_text import shown_text


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (3, "General", "3"),
        (3.0, "General", "3"),  # never "3.0"
        (12.5, "General", "12.5"),
        (0.1 + 0.2, "General", "0.3"),  # a double's noise is not shown
        (1008, "#,##0", "1,008"),  # the shown text keeps the separator
        (1234567.5, "#,##0.0", "1,234,567.5"),
        (12.345, "0.00", "12.35"),
        (12.3, "0.0#", "12.3"),
        (79995, "000000", "079995"),  # a code stored as a number keeps its zero
        (0.5, "0%", "50%"),
        (12, '0"回"', "12回"),
        (12, '"約"0"人"', "約12人"),
        (-5, "0", "-5"),
        (-5, '#,##0;"▲"#,##0', "▲5"),  # the negative section shows its own sign
        (0, '0;-0;"－"', "－"),
        (0, "#", ""),  # as Excel: a zero under "#" shows nothing
        (7, "[Red]0", "7"),
        (3, "@", "3"),
        (3.5, "0.0E+00", "3.5"),  # scientific: shown as General
        ("継続", "General", "継続"),
        (None, "General", ""),
        (True, "General", "TRUE"),
        (dt.datetime(2025, 4, 1), "yyyy/m/d", "2025-04-01"),
        (dt.datetime(2025, 4, 1, 9, 30), "yyyy/m/d h:mm", "2025-04-01 09:30:00"),
    ],
)
def test_a_cell_reads_as_the_text_it_shows(value: object, number_format: str, shown: str) -> None:
    assert shown_text(value, number_format) == shown
