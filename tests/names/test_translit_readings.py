"""Readings of foreign names in Cyrillic, Arabic and Hebrew spelling (the conventions by
which those scripts write Japanese, Chinese, Western, Maghrebi and loaned names, read
back to the Latin spellings such names carry), and of Korean names in Hangul."""

from __future__ import annotations

import pytest

from redline.matching.pairs import score_pair
from redline.names.translit import latinize


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # Japanese names in Russian: Polivanov read back to Hepburn
        ("Накадзима", "nakajima"),
        ("Утино", "uchino"),
        ("Тэраути", "terauchi"),
        ("Сайтё", "saicho"),
        ("Оойдзуми", "oizumi"),
        ("Цудзияма", "tsujiyama"),
        ("Симпатиро", "shinpachiro"),
        # Chinese names in Russian: Palladius read back to pinyin
        ("Фансяо", "fangxiao"),
        ("Сюаньнин", "xuanning"),
        ("Цзыцзюнь", "zijun"),
        ("Чжэншэн", "zhengsheng"),
        ("Жучан", "ruchang"),
        ("Цичжи", "qizhi"),
        ("Учжунь", "wuzhun"),
        # Western names in Russian: French, Italian, Latin, German
        ("Шаванн", "chavann"),
        ("Джанни", "gianni"),
        ("Пануччи", "panucci"),
        ("Плавтий", "plautius"),
        ("Шабо", "chabo"),
        ("Вотье", "votier"),
        ("Бийяр", "billar"),
        # Polish and Central European names in Russian
        ("Пшиемский", "prziemski"),
        ("Гжесяк", "grzesiak"),
        ("Яхович", "jachowicz"),
        ("Язбец", "jazbec"),
        # Arabic: article dropped, g of loans and of Egypt, French spelling of the Maghreb
        ("الشريف", "chrif"),
        ("جورجيت", "gorgit"),
        ("نجم", "ngm"),
        ("بوشماوي", "bouchmaoui"),
        ("العرفاوي", "arfaoui"),
        ("رمضان", "rmzan"),
        ("حافظ", "hafd"),
        # Latin Abd al-X: the article joined to Abd, which also reads alone
        ("Abdul", "abd"),
        ("ABDUR", "abd"),
        # Hebrew: geresh g, German/Slavic j, the a of alef, a vowel between like letters
        ("ג'ובאני", "govani"),
        ("ז'ראר", "grar"),
        ("יאני", "jani"),
        ("רונן", "ronen"),
        # Hangul: North Korea's romanisation, as UN and OFAC designations spell DPRK names
        ("오극렬", "o kuk ryol"),
        ("정경택", "jong kyong thaek"),
        ("리병철", "ri pyong chol"),
    ],
)
def test_foreign_name_reading(text: str, reading: str) -> None:
    readings = latinize(text)
    assert reading in readings
    assert 1 <= len(readings) <= 4


@pytest.mark.parametrize(
    ("text", "primary"),
    [
        ("Накадзима", "nakadzima"),
        ("Дмитрий", "dmitriy"),
        ("الشريف", "alshryf"),
        ("רונן", "rvnn"),
        ("ג'ובאני", "jvbny"),
    ],
)
def test_conventional_reading_stays_first(text: str, primary: str) -> None:
    assert latinize(text)[0] == primary


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("Иванов", ["ivanov"]),
        ("Ива", ["iva"]),
        ("Владимир", ["vladimir"]),
        ("Сергей", ["sergey", "sergei"]),
    ],
)
def test_russian_words_get_no_east_asian_reading(text: str, readings: list[str]) -> None:
    """Only words that Polivanov's or Palladius's syllables can spell get their readings."""
    assert latinize(text) == readings


@pytest.mark.parametrize(
    ("latin", "native"),
    [
        ("nakajima", "накадзима"),
        ("fangxiao", "фансяо"),
        ("gianni", "джанни"),
        ("przyjemski", "пшиемский"),
        ("chernoubi", "الشرنوبي"),
        ("georget", "جورجيت"),
        ("ronen", "רונן"),
        ("giovanni", "ג'ובאני"),
        ("janni", "יאני"),
    ],
)
def test_latin_spelling_matches_native_name(latin: str, native: str) -> None:
    assert score_pair("Person", latin, native).match


@pytest.mark.parametrize(
    ("latin", "native"),
    [
        ("putin", "тиру"),
        ("george", "نجم"),
        ("ronald", "רונן"),
        ("jones", "יאני"),
    ],
)
def test_other_names_still_do_not_match(latin: str, native: str) -> None:
    assert not score_pair("Person", latin, native).match
