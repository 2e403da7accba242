"""Former names, aliases and clerical notes split out of name strings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.names.annotations import (
    KINDS,
    VESSEL_PREFIXES,
    Variant,
    split_variants,
    strip_vessel_prefix,
)


def _texts(name: str, schema: str = "Company") -> list[tuple[str, str]]:
    return [(v.text, v.kind) for v in split_variants(name, schema)]


@pytest.mark.parametrize(
    ("name", "schema", "expected"),
    [
        (
            "Ocean Pioneer (ex-Cape Diamond)",
            "Company",
            [("Ocean Pioneer", "primary"), ("Cape Diamond", "former")],
        ),
        (
            "Star Voyager ex Southern Glory",
            "Vessel",
            [("Star Voyager", "primary"), ("Southern Glory", "former")],
        ),
        (
            "STAR VOYAGER EX SOUTHERN GLORY",
            "Vessel",
            [("STAR VOYAGER", "primary"), ("SOUTHERN GLORY", "former")],
        ),
        (
            "ocean pioneer ex cape diamond",
            "Vessel",
            [("ocean pioneer", "primary"), ("cape diamond", "former")],
        ),
        (
            "Star Voyager, ex. Southern Glory",
            "Vessel",
            [("Star Voyager", "primary"), ("Southern Glory", "former")],
        ),
        (
            "Golden Star ex Mandvi Bay, ex Wanshan Pearl",
            "Vessel",
            [("Golden Star", "primary"), ("Mandvi Bay", "former"), ("Wanshan Pearl", "former")],
        ),
        (
            "Golden Star (ex Mandvi Bay, ex Wanshan Pearl, 2020)",
            "Vessel",
            [("Golden Star", "primary"), ("Mandvi Bay", "former"), ("Wanshan Pearl", "former")],
        ),
        (
            "Cape Diamond (formerly Ocean Star until 2019)",
            "Vessel",
            [("Cape Diamond", "primary"), ("Ocean Star", "former")],
        ),
        ("Acme Corp f/k/a Beta Inc", "Company", [("Acme Corp", "primary"), ("Beta Inc", "former")]),
        (
            "Acme Corp f.k.a. Beta Inc",
            "Company",
            [("Acme Corp", "primary"), ("Beta Inc", "former")],
        ),
        ("Acme fka Beta", "Company", [("Acme", "primary"), ("Beta", "former")]),
        (
            "Acme Corp, formerly known as Beta Inc",
            "Company",
            [("Acme Corp", "primary"), ("Beta Inc", "former")],
        ),
        (
            "Acme Corp previously Beta Inc",
            "Company",
            [("Acme Corp", "primary"), ("Beta Inc", "former")],
        ),
        (
            "Acme Corp a.k.a. Acme Trading",
            "Company",
            [("Acme Corp", "primary"), ("Acme Trading", "alias")],
        ),
        (
            "Acme Corp (also known as Acme Trading)",
            "Company",
            [("Acme Corp", "primary"), ("Acme Trading", "alias")],
        ),
        (
            "Alpha Ltd t/a Beta Traders",
            "Company",
            [("Alpha Ltd", "primary"), ("Beta Traders", "alias")],
        ),
        ("Ex Libris Ltd", "Company", [("Ex Libris Ltd", "primary")]),
        ("Pro Ex Trading Ltd", "Company", [("Pro Ex Trading Ltd", "primary")]),
        ("US Ex-Im Bank", "Company", [("US Ex-Im Bank", "primary")]),
        ("Apex Exports Ltd", "Company", [("Apex Exports Ltd", "primary")]),
        ("(ex-Foo)", "Vessel", [("Foo", "primary")]),
    ],
)
def test_variants(name: str, schema: str, expected: list[tuple[str, str]]) -> None:
    assert _texts(name, schema) == expected


@pytest.mark.parametrize(
    ("name", "schema", "primary", "removed"),
    [
        (
            "HALVERSTONE SPIRIT V.214W (Marshall Islands flag)",
            "Company",
            "HALVERSTONE SPIRIT",
            {"V.214W", "Marshall Islands flag"},
        ),
        ("Foo Shipping (Malta) Ltd", "Company", "Foo Shipping Ltd", {"Malta"}),
        ("Apex (UK) Ltd", "Company", "Apex Ltd", {"UK"}),
        (
            "Rancho Vercel Importadora S.A. de C.V. c/o Aduanas Pedraza, Nuevo Laredo",
            "Company",
            "Rancho Vercel Importadora S.A. de C.V.",
            {"c/o Aduanas Pedraza, Nuevo Laredo"},
        ),
        (
            "SHIPPER: TRANSPORTES REFRIGERADOS DEL SURESTE SA DE CV",
            "Company",
            "TRANSPORTES REFRIGERADOS DEL SURESTE SA DE CV",
            {"SHIPPER"},
        ),
        ("Consignee: Foo Ltd", "Company", "Foo Ltd", {"Consignee"}),
        ("NOTIFY PARTY: Foo Ltd", "Company", "Foo Ltd", {"NOTIFY PARTY"}),
        ("APPLICANT: Foo Ltd", "Company", "Foo Ltd", {"APPLICANT"}),
        ("MESSRS. BALTIC TIMBERLINE OU", "Company", "BALTIC TIMBERLINE OU", {"MESSRS."}),
        ("M/S Sharma Traders", "Company", "Sharma Traders", {"M/S"}),
        (
            "Coastline Agro Supplies Ltd - Malindi Branch",
            "Company",
            "Coastline Agro Supplies Ltd",
            {"Malindi Branch"},
        ),
        (
            "Kisumu Lakeside Motors Ltd (Kakamega Branch)",
            "Company",
            "Kisumu Lakeside Motors Ltd",
            {"Kakamega Branch"},
        ),
        (
            "Sindh Agro Chemicals (Pvt) Ltd, Sukkur Branch",
            "Company",
            "Sindh Agro Chemicals (Pvt) Ltd",
            {"Sukkur Branch"},
        ),
        (
            "MV Fraternité des Mers, port d'Abidjan",
            "Vessel",
            "MV Fraternité des Mers",
            {"port d'Abidjan"},
        ),
        ("MV Soja Paranaense, Santos", "Vessel", "MV Soja Paranaense", {"Santos"}),
        ("T/B CHAO LE 8, Sihanoukville", "Vessel", "T/B CHAO LE 8", {"Sihanoukville"}),
        ("M/V MZIURI (Batumi)", "Vessel", "M/V MZIURI", {"Batumi"}),
        ("Foo (IMO 9123456)", "Vessel", "Foo", {"IMO 9123456"}),
        ("Foo IMO 9123456", "Vessel", "Foo", {"IMO 9123456"}),
    ],
)
def test_annotations_removed(name: str, schema: str, primary: str, removed: set[str]) -> None:
    first = split_variants(name, schema)[0]
    assert first == Variant(primary, "primary", first.removed)
    assert set(first.removed) == removed


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("M/S Pelgarra", "Vessel"),  # a ship prefix on a vessel, not "Messrs"
        ("Msasani Fisheries (T) Ltd", "Company"),  # (T) is part of the legal form
        ("ABC (Shanghai) Co., Ltd.", "Company"),  # a city in a company's name stays
        ("Club 2000 Ltd", "Company"),
        ("Foo, Bar & Baz Ltd", "Company"),  # commas in a company name stay
        ("Branch Line Railways Ltd", "Company"),
    ],
)
def test_kept_as_written(name: str, schema: str) -> None:
    assert split_variants(name, schema) == [Variant(name, "primary")]


@pytest.mark.parametrize(
    ("name", "rest", "prefix"),
    [
        ("MV Solenne Harbour", "Solenne Harbour", "MV"),
        ("M.V. Pelgarra Glory", "Pelgarra Glory", "M.V."),
        ("M/V PELGARRA GLORY", "PELGARRA GLORY", "M/V"),
        ("SS Maltrevor Queen", "Maltrevor Queen", "SS"),
        ("N/M Rio Paranaguá", "Rio Paranaguá", "N/M"),
        ("T/B CHAO LE 8", "CHAO LE 8", "T/B"),
        ("My Lady", "My Lady", None),
        ("MV", "MV", None),
    ],
)
def test_strip_vessel_prefix(name: str, rest: str, prefix: str | None) -> None:
    assert strip_vessel_prefix(name) == (rest, prefix)


def test_prefix_set() -> None:
    assert {"mv", "m/v", "mt", "ss", "n/m", "t/b", "fv"} <= VESSEL_PREFIXES
    assert "my" not in VESSEL_PREFIXES


@pytest.mark.parametrize("name", ["", "   ", "!!!", "(((", "ex", "ex-", "c/o X", "SHIPPER:"])
def test_degenerate(name: str) -> None:
    variants = split_variants(name, "Company")
    assert len(variants) >= 1
    assert variants[0].kind == "primary"


_PIECES = st.sampled_from(
    [
        "Ocean", "Pioneer", "ex", "EX", "Ex", "ex-", "(", ")", ",", "f/k/a", "aka", "Ltd",
        "Branch", "-", "c/o", "SHIPPER:", "V.214W", "2019", "until", "Malta", "flag", "M/S",
        "Cape", "Diamond", "formerly", "IMO", "9123456", "Santos",
    ]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=14).map(" ".join), st.sampled_from(["Company", "Vessel"]))
@settings(max_examples=300)
def test_split_properties_on_annotation_soup(name: str, schema: str) -> None:
    variants = split_variants(name, schema)
    assert 1 <= len(variants) <= 8
    assert variants[0].kind == "primary"
    assert all(v.kind in KINDS for v in variants)
    assert all(len(v.text) <= len(name) for v in variants)


@given(st.text(max_size=200), st.sampled_from(["Company", "Vessel", "Person", "Airplane"]))
@settings(max_examples=300)
def test_split_never_raises(name: str, schema: str) -> None:
    variants = split_variants(name, schema)
    assert 1 <= len(variants) <= 8
    assert all(len(v.text) <= max(len(name), 1) for v in variants)


def test_long_input_is_bounded() -> None:
    variants = split_variants("Ocean ex Pioneer " * 1_000, "Vessel")
    assert 1 <= len(variants) <= 8
    assert all(len(v.text) <= 1_000 for v in variants)
