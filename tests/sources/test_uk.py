"""Tests for the UK parsers: OFSI ConList.csv and the FCDO UK Sanctions List XML."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.errors import InputError, RecordError
from redline.sources.intl_helpers import dmy_dates, split_numbered
from tests.sources.intl_util import FIXTURES, by_id, parse

CONLIST = FIXTURES / "uk" / "ConList.csv"
CONLIST_2018 = FIXTURES / "uk" / "ConList_2018_layout.csv"
FCDO = FIXTURES / "uk" / "UK-Sanctions-List.xml"


# -- OFSI ConList.csv ---------------------------------------------------------------------


def test_ofsi_counts_and_published_at() -> None:
    entities, ctx = parse("uk-ofsi", CONLIST)
    assert Counter(e.schema for e in entities) == {"Person": 1, "Organization": 1, "Vessel": 1}
    assert ctx.published_at == "2031-07-04"
    assert ctx.skipped_count == 2
    assert all(e.datasets == ["uk-ofsi"] for e in entities)


def test_ofsi_person_fully() -> None:
    person = by_id(parse("uk-ofsi", CONLIST)[0])["gb-ofsi-90001"]
    assert person.schema == "Person"
    assert person.properties == {
        "topics": ["sanction"],
        "name": ["Karim Yusuf AL-HADDAD"],
        "alias": ["كريم يوسف الحداد", "Kareem HADDAD", "Karim AL HADDAD"],
        "weakAlias": ["Abu Yusuf"],
        "program": ["Syria"],
        "createdAt": ["2011-05-23"],
        "modifiedAt": ["2023-06-01"],
        "notes": [
            "(UK Sanctions List Ref):SYR9901. Invented record for tests.",
            "Passport details: Syrian passport, expires 2030",
            "National identification details: Syrian national ID",
        ],
        "address": ["12 Example Street, Mezzeh, Damascus, 0101, Syria"],
        "country": ["sy"],
        "firstName": ["Karim", "Kareem"],
        "middleName": ["Yusuf"],
        "lastName": ["AL-HADDAD", "HADDAD", "AL HADDAD"],
        "title": ["Dr"],
        "birthDate": ["1975", "1976-05"],
        "birthPlace": ["Homs, Syria"],
        "birthCountry": ["sy"],
        "nationality": ["sy", "lb"],
        "position": ["Governor of Example Province"],
        "passportNumber": ["N00998877"],
        "idNumber": ["010-20304050"],
    }


def test_ofsi_entity_and_ship() -> None:
    entities = by_id(parse("uk-ofsi", CONLIST)[0])
    org = entities["gb-ofsi-90002"]
    assert org.get("name") == ["JOINT STOCK COMPANY PRIMERTEKH"]
    assert org.get("alias") == ["Акционерное общество «Примертех»", "JSC PRIMERTEKH"]
    assert org.get("previousName") == ["PRIMERTECH OLD NAME LLC"]
    assert org.get("address") == ["Primernaya ulitsa 7, Moscow, 125009, Russia"]
    assert org.get("country") == ["ru"]
    ship = entities["gb-ofsi-90003"]
    assert ship.schema == "Vessel"
    assert ship.get("imoNumber") == ["9123456"]


def test_ofsi_skips() -> None:
    _, ctx = parse("uk-ofsi", CONLIST)
    assert [(e.message, e.line, e.record) for e in ctx.skipped] == [
        ("row has no Group ID", 11, "NO GROUP ID"),
        ("unknown or mixed Group Type ['aircraft']", 12, "90005"),
    ]
    with pytest.raises(RecordError, match="no Group ID"):
        parse("uk-ofsi", CONLIST, strict=True)


def test_ofsi_shifted_header_of_older_layout() -> None:
    """The 2018 extract's header has an extra empty leading column; cp1252 encoded."""
    entities, ctx = parse("uk-ofsi", CONLIST_2018)
    assert ctx.skipped_count == 0
    found = by_id(entities)
    person = found["gb-ofsi-80001"]
    assert person.get("name") == ["René DUPONT"]
    assert person.get("alias") == ["Rene DU PONT"]
    assert person.get("birthDate") == ["1960", "1961"]
    assert person.get("nationality") == ["fr", "ci"]
    assert person.get("passportNumber") == ["05AB12345"]
    assert person.get("idNumber") == ["1600575012345"]
    assert person.get("program") == ["Côte d'Ivoire"]
    assert person.get("modifiedAt") == ["2017-05-02"]
    ship = found["gb-ofsi-80002"]
    assert ship.schema == "Vessel"
    assert ship.get("imoNumber") == ["8912345"]
    assert ship.get("mmsi") == ["445000123"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?xml version='1.0'?><Designations/>", "an XML file"),
        (b"Name,Id\nx,1\n", "no header row with the columns Name 6"),
        (b"\xff\xfe\x00\x00garbage\n" * 3, "cannot be decoded|no header row"),
    ],
)
def test_ofsi_wrong_format(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        parse("uk-ofsi", path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00/00/1980", ["1980"]),
        ("dd/mm/1945", ["1945"]),
        ("00/05/1980", ["1980-05"]),
        ("dd/07/1956", ["1956-07"]),
        ("12/05/1958", ["1958-05-12"]),
        ("", []),
    ],
)
def test_dmy_dates(text: str, expected: list[str]) -> None:
    assert dmy_dates(text) == expected


@given(st.text(max_size=60))
def test_helpers_never_crash(text: str) -> None:
    dmy_dates(text)
    assert all(part for part in split_numbered(text))


# -- FCDO UK Sanctions List XML -----------------------------------------------------------


def test_fcdo_counts_and_published_at() -> None:
    entities, ctx = parse("uk-sanctions-list", FCDO)
    assert Counter(e.schema for e in entities) == {
        "Organization": 2,
        "Person": 1,
        "Vessel": 1,
        "UnknownLink": 2,
    }
    assert sum(e.is_party for e in entities) == 4
    assert ctx.published_at == "2031-07-04"
    assert [(e.message, e.record) for e in ctx.skipped] == [
        ("Designation has no UniqueID", None),
        ("unknown IndividualEntityShip 'aircraft'", "RUS9909"),
    ]


def test_fcdo_person_fully() -> None:
    person = by_id(parse("uk-sanctions-list", FCDO)[0])["gb-fcdo-AFG9906"]
    assert person.properties == {
        "topics": ["sanction"],
        "name": ["ABDUL RAHIM NOORZAI"],
        "alias": ["Abdul Rahim Nurzai", "عبد الرحيم نورزی"],
        "firstName": ["ABDUL"],
        "middleName": ["RAHIM"],
        "lastName": ["NOORZAI"],
        "title": ["Mullah"],
        "program": ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"],
        "createdAt": ["2001-01-25"],
        "modifiedAt": ["2030-04-14"],
        "unscId": ["TAi.906"],
        "notes": [
            "OFSI group ID: 90006",
            "Invented individual for tests.",
        ],
        "address": ["Kandahar, Afghanistan"],
        "country": ["af"],
        "birthDate": ["1958-05-12", "1955", "1956-07"],
        "nationality": ["af"],
        "gender": ["male"],
        "position": ["Example Deputy Minister"],
        "passportNumber": ["P09990001"],
        "idNumber": ["9990001"],
        "birthPlace": ["Example village, Afghanistan"],
        "birthCountry": ["af"],
    }


def test_fcdo_entity_ship_and_links() -> None:
    entities = parse("uk-sanctions-list", FCDO)[0]
    found = by_id(entities)
    org = found["gb-fcdo-RUS9901"]
    assert org.get("alias") == ["JSC Primertekh", "Акционерное общество «Примертех»"]
    assert org.get("weakAlias") == ["PT"]
    assert org.get("registrationNumber") == ["OGRN 1027700000001"]
    assert org.get("address") == ["Primernaya ulitsa 7, Moscow, 125009, Russia"]
    assert org.get("phone") == ["+7 495 000 00 00"]
    assert org.get("website") == ["https://primertekh.example"]
    ship = found["gb-fcdo-DPR9975"]
    assert ship.properties["imoNumber"] == ["9123456"]
    assert ship.get("flag") == ["km"]
    assert ship.get("pastFlags") == ["in"]
    assert ship.get("type") == ["Bulk Carrier"]
    assert ship.get("tonnage") == ["7078"]
    links = {e.first("description"): e for e in entities if e.schema == "UnknownLink"}
    parent = links["Example Holding Group"]
    assert parent.get("subject") == ["gb-fcdo-RUS9901"]
    assert parent.get("object") == ["gb-fcdo-RUS9907"]
    assert parent.get("role") == ["Parent company"]
    subsidiary = links["Primertekh Service LLC"]
    assert subsidiary.get("object") == []
    assert subsidiary.get("role") == ["Subsidiary"]


def test_fcdo_strict_and_wrong_format(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="no UniqueID"):
        parse("uk-sanctions-list", FCDO, strict=True)
    path = tmp_path / "list.xml"
    path.write_bytes(CONLIST.read_bytes())
    with pytest.raises(InputError, match="not an XML file"):
        parse("uk-sanctions-list", path)
