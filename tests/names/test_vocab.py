"""Business vocabulary: abbreviations, one concept per meaning across languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.names import vocab
from redline.names.vocab import (
    concept,
    concepts,
    expand_abbreviation,
    find_concepts,
    fold_token,
    is_generic,
    split_unspaced,
)


@pytest.mark.parametrize(
    ("token", "expansion"),
    [
        ("intl", "international"),
        ("Int'l", "international"),
        ("Svcs", "services"),
        ("svc", "services"),
        ("Mfg.", "manufacturing"),
        ("Mgmt.", "management"),
        ("Assoc.", "associates"),
        ("Bros.", "brothers"),
        ("Engg.", "engineering"),
        ("IND.", "industria"),
        ("COM.", "comercio"),
        ("F.lli", "fratelli"),
        ("lli", "fratelli"),  # "F.lli" after a tokenizer split it
        ("Comm.", "commendatore"),
        ("Przeds.", "przedsiebiorstwo"),
        ("Handl.", "handlowe"),
        ("co-op", "cooperative"),
        ("dept", "department"),
        ("natl", "national"),
        ("tech", "technology"),
        ("trad", "trading"),
        ("&", "and"),
        ("St", "saint"),
        ("Est.", "establishment"),
    ],
)
def test_expand_abbreviation(token: str, expansion: str) -> None:
    assert expand_abbreviation(token) == expansion


@pytest.mark.parametrize("token", ["trading", "Kisumu", "international", "", "x" * 100])
def test_not_abbreviations(token: str) -> None:
    assert expand_abbreviation(token) is None


@pytest.mark.parametrize(
    ("symbol", "words"),
    [
        (
            "TRANSPORT",
            [
                "transport", "Transportes", "trasporti", "transporte", "Hovalot", "הובלה",
                "הובלות", "perevozki", "перевозки", "nakliyat", "taşımacılık", "ပို့ဆောင်ရေး",
                "Logistics", "לוגיסטיקה", "Prevozi", "avtoprevozništvo",
            ],
        ),
        ("SHIPPING", ["shipping", "ספנות", "sapanut", "denizcilik", "kaiun", "海運"]),
        (
            "TRADE",
            [
                "trading", "trade", "Traders", "commerce", "commercio", "Comercio", "Comércio",
                "ticaret", "מסחר", "ကုန်သွယ်ရေး", "торговля", "torgovlya", "Négoce",
                "Trgovina", "kereskedelmi", "التجارة", "للتجارة", "بازرگانی",
            ],
        ),
        ("MILK", ["milk", "moloko", "молоко", "kat", "կաթ", "halav", "חלב", "dairy"]),
        ("WINE", ["wine", "gvino", "ღვინო", "vino", "wein", "yayin", "יין"]),
        ("INDUSTRY", ["industries", "Industria", "sanaye", "صنایع", "תעשיות", "Sanayi"]),
        ("BROTHERS", ["brothers", "האחים", "fratelli", "frères", "Freres", "Bros"]),
        ("CONSTRUCTION", ["construction", "Stroy", "inşaat", "Gradbeništvo", "בניין"]),
        ("MATERIALS", ["materials", "חומרי", "materiales"]),
        ("PRECISION", ["precision", "מדויקים", "精密"]),
        ("PARTS", ["parts", "חלקים", "spares"]),
        ("FRESH", ["fresh", "טרייה"]),
        ("PRODUCE", ["produce", "תוצרת"]),
        ("REFRIGERATION", ["refrigerados", "קירור", "cold", "chłodnia"]),
        ("SHIPYARD", ["Sudoremontny", "Sudoremontnyi", "Brodogradnja", "shipyard"]),
        ("FACTORY", ["zavod", "завод", "factory", "fabrika"]),
        ("TILE", ["Kakhelnyi", "Kafelnyi", "tiles"]),
        ("FISHERY", ["fisheries", "Suisan", "水産", "pesca"]),
        ("MANUFACTURING", ["manufacturing", "manufacturers", "Mfg"]),
    ],
)  # fmt: skip
def test_concepts_across_languages(symbol: str, words: list[str]) -> None:
    for word in words:
        expanded = expand_abbreviation(word) or word
        assert concept(expanded) == symbol, word


@pytest.mark.parametrize("token", ["Kisumu", "Mwangi", "Olvetra", "", "!!!", "12", "Shin"])
def test_no_concept(token: str) -> None:
    assert concept(token) is None


def test_near_misses_stay_apart() -> None:
    # Words whose difference decides a name must not share a concept.
    pairs = [
        ("traders", "transporters"),
        ("sons", "daughters"),
        ("holdings", "industries"),
        ("exports", "imports"),
        ("piekarnia", "cukiernia"),
        ("mizarstvo", "kovaštvo"),
        ("shipping", "ship"),
    ]
    for a, b in pairs:
        assert concept(a) != concept(b), (a, b)


@pytest.mark.parametrize(
    "token",
    [
        "the", "and", "of", "de", "du", "la", "et", "und", "ve", "va", "y",
        "company", "group", "trading", "international", "services", "holdings",
        "industries", "general", "Intl", "Svcs",
    ],
)  # fmt: skip
def test_generic(token: str) -> None:
    assert is_generic(token)


@pytest.mark.parametrize("token", ["Kisumu", "cement", "milk", "brothers", "sons", "transport"])
def test_not_generic(token: str) -> None:
    assert not is_generic(token)


def test_find_concepts_in_unspaced_text() -> None:
    found = find_concepts("雾山精密机械")
    assert (2, 4, "PRECISION") in found
    assert (4, 6, "MACHINERY") in found
    assert find_concepts("Kisumu Motors") == ()


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("雾山精密机械", "雾山 精密 机械"),
        ("새벽별물류", "새벽별 물류"),
        ("霜月水産", "霜月 水産"),
        ("上海", "上海"),  # 海 (sea) alone is too common inside names to cut out
        ("ရွှေမြင့်ကုန်သွယ်ရေး", "ရွှေမြင့်ကုန်သွယ်ရေး"),  # Burmese is read by its own rules
        ("Kisumu Motors", "Kisumu Motors"),
    ],
)
def test_split_unspaced(text: str, split: str) -> None:
    assert split_unspaced(text) == split


def test_table_has_no_word_in_two_concepts() -> None:
    assert vocab._vocab().conflicts == ()
    table = concepts()
    assert len(table) >= 150
    assert sum(len(words) for words in table.values()) >= 3_000


def test_fold_token() -> None:
    assert fold_token("Négoce.") == "negoce"
    assert fold_token("Łódź") == "lodz"
    assert fold_token("Straße") == "strasse"
    assert fold_token("شركة") == fold_token("شرکه")


@given(st.text(max_size=80))
@settings(max_examples=300)
def test_lookups_never_raise(token: str) -> None:
    found = concept(token)
    assert found is None or found.isupper() or "_" in found
    assert isinstance(is_generic(token), bool)
    expanded = expand_abbreviation(token)
    assert expanded is None or expanded.isascii()
    assert len(find_concepts(token)) <= len(token)


@pytest.mark.parametrize("token", ["x" * 10_000, "!!!", "123", "\x00", "ال", "ו"])
def test_bad_input(token: str) -> None:
    concept(token)
    is_generic(token)
    expand_abbreviation(token)
    find_concepts(token)
