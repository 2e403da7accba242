"""Tests for the country table: names, variants, codes and demonyms to ISO alpha-2."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.countries import _normalize, country_code, country_codes, country_name

CASES = [
    ("Russia", "ru"),
    ("Russian Federation", "ru"),
    ("RUSSIAN FEDERATION", "ru"),
    ("Iran (Islamic Republic of)", "ir"),
    ("Iran, Islamic Republic of", "ir"),
    ("Korea, North", "kp"),
    ("Democratic People's Republic of Korea", "kp"),
    ("Democratic People’s Republic of Korea", "kp"),
    ("DPRK", "kp"),
    ("Korea, South", "kr"),
    ("Republic of Korea", "kr"),
    ("Burma", "mm"),
    ("Myanmar (Burma)", "mm"),
    ("Syria", "sy"),
    ("Syrian Arab Republic", "sy"),
    ("Venezuela (Bolivarian Republic of)", "ve"),
    ("Türkiye", "tr"),
    ("Turkiye", "tr"),
    ("Turkey", "tr"),
    ("UK", "gb"),
    ("United Kingdom of Great Britain and Northern Ireland", "gb"),
    ("United States", "us"),
    ("USA", "us"),
    ("U.S.A.", "us"),
    ("Congo, Democratic Republic of the", "cd"),
    ("Congo (Democratic Republic of the)", "cd"),
    ("Democratic Republic of the Congo", "cd"),
    ("Congo", "cg"),
    ("Côte d'Ivoire", "ci"),
    ("Cote d'Ivoire", "ci"),
    ("CÔTE D’IVOIRE", "ci"),
    ("Ivory Coast", "ci"),
    ("West Bank", "ps"),
    ("Gaza Strip", "ps"),
    ("Palestinian", "ps"),
    ("Kosovo", "xk"),
    ("Gambia, The", "gm"),
    ("The Netherlands", "nl"),
    ("Netherlands (the)", "nl"),
    ("Bosnia & Herzegovina", "ba"),
    ("Virgin Islands, British", "vg"),
    ("São Tomé and Príncipe", "st"),
    ("  lebanon.  ", "lb"),
    # codes
    ("IR", "ir"),
    ("ir", "ir"),
    ("IRN", "ir"),
    ("GBR", "gb"),
    ("XK", "xk"),
    # demonyms
    ("Iranian", "ir"),
    ("Russian", "ru"),
    ("Syrian", "sy"),
    ("Afghan", "af"),
    ("Iraqi", "iq"),
    ("Yemeni", "ye"),
    ("Lebanese", "lb"),
    ("Pakistani", "pk"),
    ("Chinese", "cn"),
    ("North Korean", "kp"),
    ("Belarusian", "by"),
    ("British", "gb"),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "Atlantis", "Congolese", "Korean", "Guinean", "Dominican", "x" * 500],
)
def test_unknown_or_ambiguous_is_none(text: str | None) -> None:
    assert country_code(text) is None


def test_country_name() -> None:
    assert country_name("kp") == "North Korea"
    assert country_name("GB") == "United Kingdom"
    assert country_name("xk") == "Kosovo"
    assert country_name("zz") is None
    assert country_name(None) is None


def test_table_covers_iso_3166() -> None:
    codes = country_codes()
    assert len(codes) == 250  # 249 ISO 3166-1 codes and Kosovo
    assert all(len(c) == 2 and c.islower() for c in codes)
    # every code resolves to itself and its display name resolves back to it
    for code in codes:
        assert country_code(code) == code
        name = country_name(code)
        assert name is not None
        assert country_code(name) == code


def test_table_has_no_clashes() -> None:
    """No normalized name or code may point to two countries."""
    text = resources.files("redline").joinpath("data/countries.tsv").read_text("utf-8")
    seen: dict[str, str] = {}
    alpha3: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alpha2, a3, names = line.split("\t")
        assert len(a3) == 3 and a3.isupper() and a3 not in alpha3
        alpha3.add(a3)
        for name in [alpha2, a3, *names.split("|")]:
            key = _normalize(name)
            assert seen.get(key, alpha2) == alpha2, f"{name!r} is both {seen[key]} and {alpha2}"
            seen[key] = alpha2


@given(st.text(max_size=80))
def test_never_crashes(text: str) -> None:
    result = country_code(text)
    assert result is None or (len(result) == 2 and result in country_codes())
