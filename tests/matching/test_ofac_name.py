"""The OFAC-style name score: Jaro-Winkler variant, the rules, OFAC's own figures, robustness."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.matching.ofac_name import (
    jaro_winkler,
    ofac_name_score,
    ofac_name_scores,
    prepare_name,
)

# Scores returned by OFAC's Sanctions List Search (US government output, public domain),
# 15 rows taken from the shared namepairs/ofac_fixtures.csv; -1 = not returned at 80.
OFAC_ROWS = Path(__file__).parent.parent / "fixtures" / "matching" / "ofac_scores.csv"


def _ofac_rows() -> list[tuple[str, str, int]]:
    with OFAC_ROWS.open(encoding="utf-8", newline="") as fh:
        return [
            (r["query_name"], r["result_name"], int(r["ofac_score"])) for r in csv.DictReader(fh)
        ]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Winkler's textbook pairs (common prefix under 5, so the cap does not show).
        ("MARTHA", "MARHTA", 0.961111),
        ("DWAYNE", "DUANE", 0.84),
        ("DIXON", "DICKSONX", 0.813333),
        # Prefix counted up to 5: Jaro 5/6 plus 0.5 of the rest (a cap of 4 gives 0.9).
        ("ABCDEFGH", "ABCDEFXY", 0.916667),
        # The bonus applies below 0.7 too: Jaro 4/9 plus 0.1 of the rest.
        ("AXXXXX", "AYYYYY", 0.5),
        # Three matches out of order give t = 1.5, not 1 (0.944).
        ("ABCXYZ", "BCAXYZ", 0.916667),
        ("SAME", "SAME", 1.0),
        ("", "X", 0.0),
        ("ABC", "XYZ", 0.0),
    ],
)
def test_jaro_winkler(a: str, b: str, expected: float) -> None:
    assert jaro_winkler(a, b) == pytest.approx(expected, abs=1e-6)


@given(st.text(max_size=40), st.text(max_size=40))
def test_jaro_winkler_is_bounded(a: str, b: str) -> None:
    assert 0.0 <= jaro_winkler(a, b) <= 1.0
    assert jaro_winkler(a, a) == (1.0 if a else 0.0)


@pytest.mark.parametrize(
    ("query", "candidate", "expected"),
    [
        ("Putin", "PUTIN", 1.0),  # case
        ("ANNA MARIA", "MARIA ANNA", 1.0),  # word order is free in the per-word score
        ("José Pérez", "PEREZ, Jose", 1.0),  # accents folded
        ("O'NEILL", "ONEILL", 1.0),  # apostrophe deleted, not a word break
        ("SMITH-JONES", "SMITH JONES", 1.0),  # the hyphen splits words
        ("LI JUN WEI", "WEI, Jun", 1.0),  # LI (two letters) is left out; JUN and WEI match
        ("XI", "XI JINPING", 1.0),  # no word of 3+ letters: the short word counts
        ("GEORGE BUSH", "HASWANI, George", 0.5),  # BUSH has no B-word to meet
        ("ZHANG WEI", "LI QIANG", 0.0),  # no word pair passes the pre-filter
        ("ALQAEDA", "AL QAEDA", 0.0),  # same letters, but no word is 50% alike
        ("Владимир Путин", "PUTIN, Vladimir", 0.0),  # scripts are not transliterated
        ("", "PUTIN", 0.0),
        ("PUTIN", "", 0.0),
        ("!!! ...", "!!! ...", 0.0),
    ],
)
def test_ofac_name_score(query: str, candidate: str, expected: float) -> None:
    assert ofac_name_score(query, candidate) == expected


def test_whole_name_score_keeps_hyphens_and_drops_spaces() -> None:
    assert prepare_name("AL-Qaeda, the Base.").whole == "AL-QAEDATHEBASE"
    assert prepare_name("O'Brien  Jr.").words == ("OBRIEN", "JR")


def test_best_over_names() -> None:
    names = ["POLIN, Vladimir Anatolevich", "PUTIN, Vladimir"]
    assert ofac_name_scores("VLADIMIR PUTIN", names) == 1.0
    assert ofac_name_scores("VLADIMIR PUTIN", []) == 0.0


@pytest.mark.parametrize(("query", "candidate", "ofac"), _ofac_rows())
def test_matches_ofac(query: str, candidate: str, ofac: int) -> None:
    score = ofac_name_score(query, candidate)
    if ofac < 0:
        assert score < 0.80
    else:
        assert abs(round(score * 100) - ofac) <= 1


@given(st.text(max_size=60), st.text(max_size=60))
def test_score_is_bounded_and_never_raises(query: str, candidate: str) -> None:
    assert 0.0 <= ofac_name_score(query, candidate) <= 1.0


@given(st.text(max_size=60))
def test_identical_names_score_one(name: str) -> None:
    expected = 1.0 if prepare_name(name).words else 0.0
    assert ofac_name_score(name, name) == expected


@given(st.text(max_size=60))
def test_empty_scores_zero(name: str) -> None:
    assert ofac_name_score("", name) == 0.0
    assert ofac_name_score(name, "") == 0.0


@given(st.text(alphabet=st.characters(categories=["P", "N", "Z", "S", "C"]), max_size=40))
def test_punctuation_and_digits_only(text: str) -> None:
    assert 0.0 <= ofac_name_score(text, text) <= 1.0
    assert 0.0 <= ofac_name_score(text, "PUTIN, Vladimir") <= 1.0


@given(st.text(max_size=60))
def test_preparing_prepared_words_changes_nothing(name: str) -> None:
    words = prepare_name(name).words
    assert prepare_name(" ".join(words)).words == words


@pytest.mark.parametrize(
    "text",
    ["A" * 10_000, "AB-" * 3_400, "".join(chr(0x400 + i % 300) for i in range(10_000))],
)
def test_long_input_is_capped(text: str) -> None:
    assert len(prepare_name(text).whole) <= 512
    assert 0.0 <= ofac_name_score(text, text[::-1]) <= 1.0
