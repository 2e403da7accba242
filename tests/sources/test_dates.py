"""Publisher dates to ISO prefixes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.sources.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected", "dayfirst"),
    [
        ("01 Jan 1960", ["1960-01-01"], True),
        ("circa 1960", ["1960"], True),
        ("1960 to 1962", ["1960", "1961", "1962"], True),
        ("1900 to 1990", ["1900", "1990"], True),
        ("Jan 1960", ["1960-01"], True),
        ("14/03/1960", ["1960-03-14"], True),
        ("03/14/1960", ["1960-03-14"], False),
        ("00/00/1945", ["1945"], True),
        ("00/05/1945", ["1945-05"], True),
        ("1945-00-00", ["1945"], True),
        ("1962-09-25T00:00:00", ["1962-09-25"], True),
        ("Sep 25, 1962", ["1962-09-25"], True),
        ("31.12.1950", ["1950-12-31"], True),
        ("31/02/1950", [], True),
        ("unknown", [], True),
        ("", [], True),
    ],
)
def test_parse_date(text: str, expected: list[str], dayfirst: bool) -> None:
    assert parse_date(text, dayfirst=dayfirst) == expected


@given(st.text(max_size=40))
def test_parse_date_never_crashes(text: str) -> None:
    for value in parse_date(text):
        assert value[:4].isdigit()
