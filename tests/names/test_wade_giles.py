"""Pinyin spelt in Wade-Giles: the syllable split, the spellings, which words get one, and
that only equal spellings count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.names.analysis import analyse
from redline.names.translit import pinyin_syllables, wade_giles
from redline.names.units import latin_text, same_romanisation


@pytest.mark.parametrize(
    ("word", "syllables", "spelling"),
    [
        ("zhang", ("zhang",), "chang"),
        ("xu", ("xu",), "hsu"),
        ("zhiming", ("zhi", "ming"), "chihming"),
        ("jingguo", ("jing", "guo"), "chingkuo"),
        ("zhongshan", ("zhong", "shan"), "chungshan"),
        ("xian", ("xian",), "hsien"),  # one syllable: Xi'an takes an apostrophe
        ("changan", ("chan", "gan"), "chankan"),  # no syllable but the first starts a-/e-/o-
        ("cai", ("cai",), "tsai"),
        ("zi", ("zi",), "tzu"),
        ("si", ("si",), "ssu"),
        ("erlang", ("er", "lang"), "erhlang"),
        ("ri", ("ri",), "jih"),
        ("gui", ("gui",), "kuei"),
        ("xue", ("xue",), "hsueh"),
        ("zuo", ("zuo",), "tso"),
        ("wang", ("wang",), "wang"),
    ],
)
def test_pinyin_words_read_in_wade_giles(
    word: str, syllables: tuple[str, ...], spelling: str
) -> None:
    assert pinyin_syllables(word) == syllables
    assert wade_giles(word) == spelling


@pytest.mark.parametrize(
    "word", ["", "smith", "ahmad", "tianan", "aoao", "hsu", "chih", "x", "xian" * 2500]
)
def test_words_not_made_of_pinyin_syllables(word: str) -> None:
    assert pinyin_syllables(word) is None
    assert wade_giles(word) is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=30))
def test_a_split_spells_the_word_back(word: str) -> None:
    syllables = pinyin_syllables(word)
    if syllables is not None:
        assert "".join(syllables) == word
        assert all(s[0] not in "aeo" for s in syllables[1:])
        spelling = wade_giles(word)
        assert spelling is not None and spelling.isascii() and spelling.isalpha()


def test_spaced_pinyin_is_spelt_syllable_by_syllable() -> None:
    assert wade_giles("zhang wei") == "changwei"
    assert wade_giles("zhang smith") is None


def _romans(name: str, schema: str = "Person") -> list[str | None]:
    return [t.roman for form in analyse(name, schema)[:1] for t in form.tokens]


def test_only_han_words_and_names_shaped_like_chinese_ones_get_a_spelling() -> None:
    assert _romans("Zhang Wei") == ["chang", None]  # wei is the same in both
    assert _romans("Dr Xu Ming") == ["hsu", None]
    assert _romans("张伟") == ["changwei"]
    assert _romans("Zhongxing Trading", "Company") == ["chunghsing", None]
    assert _romans("Dan Brown") == [None, None]  # Brown is not pinyin
    assert _romans("Ali Douba") == [None, None]  # no Chinese family name
    assert _romans("Hadi Mansouri") == [None, None]  # three syllables in a word
    assert _romans("RI Chun") == [None, None]  # Ri and Chun are no Chinese family names
    assert _romans("RI Chun", "Thing") == [None, None]  # a bare name: a person's
    assert _romans("Zhang Wei", "Thing") == ["chang", None]
    assert _romans("Zhongxing Trading", "Thing") == ["chunghsing", None]
    assert _romans("Ouyang Xiu") == [None, "hsiu"]  # a compound family name
    assert _romans("Владимир Путин") == [None, None]


def test_a_spelling_meets_the_other_unit_s_spelling_or_latin_text() -> None:
    han = analyse("徐明")[0].units[0]
    latin = analyse("Hsu Ming")[0].units
    pinyin = analyse("Xu Ming")[0].units
    assert han.roman == "hsuming" and latin_text(han) is None
    assert [latin_text(u) for u in latin] == ["hsu", "ming", "hsuming"]
    assert same_romanisation(han, latin[2]) and same_romanisation(latin[2], han)
    assert same_romanisation(pinyin[0], latin[0]) and same_romanisation(pinyin[2], han)
    assert not same_romanisation(pinyin[0], latin[1])
    assert not same_romanisation(analyse("Путин")[0].units[0], latin[0])


def test_a_pinyin_shaped_name_may_be_wade_giles_itself() -> None:
    """Kao Chi is pinyin-shaped (chi is a pinyin syllable, spelt chih), and Wade-Giles
    for Gao Qi."""
    from redline.matching.pairs import score_pair

    assert score_pair("Person", "GAO, Qi", "Kao Chi").match
    assert score_pair("Person", "高琪", "Kao Chi").match


def test_only_equal_spellings_count() -> None:
    """Wade-Giles merges consonants pinyin keeps apart: one spelling near another is no
    evidence (jian is chien, one letter from chen)."""
    from redline.matching.pairs import score_pair

    assert score_pair("Person", "徐明", "Hsu Ming").match
    assert score_pair("Person", "Li Jian", "Li Chien").match
    assert score_pair("Person", "健 王", "WANG, Chen").score < 0.8
    assert score_pair("Person", "Wang Jian", "Wang Chen").score < 0.8
