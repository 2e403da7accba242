"""Numbers in names: digits, words, Roman, CJK and Hebrew numerals read alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.names.numbers import (
    AMBIGUOUS_NUMBER_WORDS,
    VESSEL_NUMBER_MARKERS,
    numbers_in,
    parse_number,
)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("5", "5"),
        ("five", "5"),
        ("V", "5"),
        ("Five", "5"),
        ("FIVE", "5"),
        ("08", "8"),
        ("0", "0"),
        ("٨", "8"),  # Arabic-Indic digit
        ("۸", "8"),  # Persian digit
        ("८", "8"),  # Devanagari digit
        ("８", "8"),  # fullwidth
        ("8th", "8"),
        ("1st", "1"),
        ("22nd", "22"),
        ("1er", "1"),
        ("eighteen", "18"),
        ("twenty-one", "21"),
        ("twentyone", "21"),
        ("ninety", "90"),
        ("hundred", "100"),
        ("first", "1"),
        ("tenth", "10"),
        ("II", "2"),
        ("iv", "4"),
        ("IX", "9"),
        ("XIV", "14"),
        ("XXX", "30"),
        ("deux", "2"),
        ("tres", "3"),
        ("três", "3"),
        ("quattro", "4"),
        ("fünf", "5"),
        ("funf", "5"),
        ("sechs", "6"),
        ("sieben", "7"),
        ("vosem", "8"),
        ("ВОСЕМЬ", "8"),
        ("девять", "9"),
        ("üç", "3"),
        ("altı", "6"),
        ("dokuz", "9"),
        ("八", "8"),
        ("十八", "18"),
        ("二十", "20"),
        ("二十五", "25"),
        ("第八", "8"),
        ("第十八", "18"),
        ("八号", "8"),
        ("三百二十", "320"),
        ("א׳", "1"),
        ("ב'", "2"),
        ("י״ב", "12"),
        ('ט"ו', "15"),
        ("aleph", "1"),
        ("Bet", "2"),
        ("gimel", "3"),
        ("yod", "10"),
    ],
)
def test_parse_number(token: str, value: str) -> None:
    assert parse_number(token) == value


@pytest.mark.parametrize(
    "token",
    ["I", "i", "XXXI", "IIII", "Ltd", "Maru", "No", "x1", "", "ה", "אב", "mix", "on", "he", "un"],
)
def test_not_numbers(token: str) -> None:
    assert parse_number(token) is None


def test_roman_one_only_when_trailing() -> None:
    assert parse_number("I") is None
    assert parse_number("I", roman_i=True) == "1"
    assert parse_number("i", roman_i=True) == "1"


def test_five_three_ways() -> None:
    assert parse_number("5") == parse_number("five") == parse_number("V") == "5"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Hoshikaze Maru No. 8", ("8",)),
        ("No.8 Hoshikaze Maru", ("8",)),
        ("CHAO LE NO. 8", ("8",)),
        ("Nr 3 Foo", ("3",)),
        ("№7 Foo", ("7",)),
        ("第八星風丸", ("8",)),
        ("第十八星風丸", ("18",)),
        ("Sino Iron I", ("1",)),
        ("I Love Ships", ()),
        ("Brasskey Shipping Three Inc.", ("3",)),
        ("twenty five", ("25",)),
        ("Seif Feeder 12", ("12",)),
        ("Seraphine Navigation IX S.A.", ("9",)),
        ("", ()),
    ],
)
def test_numbers_in(text: str, numbers: tuple[str, ...]) -> None:
    assert numbers_in(text) == numbers


def test_markers_and_ambiguous_words() -> None:
    assert {"no", "nr", "number", "№"} <= VESSEL_NUMBER_MARKERS
    assert "otto" in AMBIGUOUS_NUMBER_WORDS
    assert parse_number("otto") == "8"


@given(st.integers(min_value=0, max_value=10**20))
def test_digits_round_trip(n: int) -> None:
    assert parse_number(str(n)) == str(n)
    assert parse_number("00" + str(n)) == str(n)


@given(st.integers(min_value=2, max_value=30))
def test_roman_round_trip(n: int) -> None:
    roman = ""
    rest = n
    for symbol, amount in (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1)):
        while rest >= amount:
            roman += symbol
            rest -= amount
    assert parse_number(roman) == str(n)


@given(st.text(max_size=50), st.booleans())
@settings(max_examples=300)
def test_parse_never_raises(token: str, roman_i: bool) -> None:
    value = parse_number(token, roman_i=roman_i)
    assert value is None or (value.isascii() and value.isdigit() and len(value) <= 30)


@given(st.text(max_size=300))
@settings(max_examples=200)
def test_numbers_in_never_raises(text: str) -> None:
    found = numbers_in(text)
    assert all(v.isascii() and v.isdigit() for v in found)
    assert len(found) <= len(text)


@pytest.mark.parametrize("text", ["9" * 10_000, "٩" * 5_000, "!!!", "\x00\x01", "第" * 500])
def test_bad_input(text: str) -> None:
    assert parse_number(text) is None or parse_number(text) == text
    numbers_in(text)
