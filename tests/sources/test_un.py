"""Tests for the UN Security Council consolidated list parser."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from redline.errors import InputError, RecordError
from tests.sources.intl_util import FIXTURES, by_id, parse

UN = FIXTURES / "un" / "consolidated.xml"


def test_counts_and_published_at() -> None:
    entities, ctx = parse("un-sc", UN)
    assert Counter(e.schema for e in entities) == {"Person": 2, "Organization": 1}
    assert ctx.skipped_count == 2
    assert ctx.published_at == "2031-05-04T00:00:09.554Z"
    assert all(e.datasets == ["un-sc"] for e in entities)


def test_person_fully() -> None:
    person = by_id(parse("un-sc", UN)[0])["unsc-9900001"]
    assert person.schema == "Person"
    assert person.properties == {
        "name": ["TARIQ ZAMIL HADDAD AL-QARNI"],
        "firstName": ["TARIQ"],
        "secondName": ["ZAMIL"],
        "alias": ["طارق زامل حداد القرني", "Tarik Zamel Hadad"],
        "weakAlias": ["Abu Zamil"],
        "previousName": ["Tariq Haddad al-Qarny"],
        "topics": ["sanction"],
        "program": ["Al-Qaida"],
        "createdAt": ["2009-03-15"],
        "modifiedAt": ["2015-06-02"],
        "unscId": ["QDi.901"],
        "notes": [
            "Invented record for tests. Believed to be in the Example Mountains.",
            "Date of birth: 24/06/1390 (Hijri Calendar)",
        ],
        "title": ["Haji"],
        "position": ["Finance officer of Example Front"],
        "nationality": ["sy", "former Soviet Union"],
        "gender": ["male"],
        "birthDate": ["1971-02-03", "1970-12-31", "1969"],
        "birthPlace": ["Homs", "Idlib, Idlib Governorate, Syrian Arab Republic"],
        "birthCountry": ["sy"],
        "passportNumber": ["N0012345"],
        "idNumber": ["0301-998877"],
        "address": ["12 Example Street, Aleppo, Aleppo Governorate 0578, Syrian Arab Republic"],
        "country": ["sy"],
    }


@pytest.mark.parametrize(
    ("entity_id", "prop", "expected"),
    [
        ("unsc-9900002", "birthDate", ["1973", "1974", "1975", "1973-11"]),
        ("unsc-9900002", "alias", ["Олег Петренко"]),
        ("unsc-9900002", "nationality", ["cd"]),
        ("unsc-9900002", "address", ["Rwanda"]),
        ("unsc-9900002", "country", ["rw"]),
        ("unsc-9900002", "unscId", ["CDi.902"]),
        ("unsc-9900002", "notes", []),
        ("unsc-9900002", "weakAlias", []),
    ],
)
def test_person_details(entity_id: str, prop: str, expected: list[str]) -> None:
    assert by_id(parse("un-sc", UN)[0])[entity_id].get(prop) == expected


def test_organization_fully() -> None:
    org = by_id(parse("un-sc", UN)[0])["unsc-9900101"]
    assert org.schema == "Organization"
    assert org.properties == {
        "name": ["EXAMPLE TRADING COMPANY (ETC)"],
        "alias": ["Пример Торговая Компания", "Example General Trading"],
        "previousName": ["Old Example Corporation"],
        "topics": ["sanction"],
        "program": ["DPRK"],
        "createdAt": ["2016-03-02"],
        "unscId": ["KPe.901"],
        "notes": ["Invented entity for tests."],
        "address": [
            "Rakwon-dong, Example District, Pyongyang, Democratic People's Republic of Korea",
            "Tehran, Iran (Islamic Republic of)",
        ],
        "country": ["kp", "ir"],
    }


def test_malformed_records_are_skipped_with_location() -> None:
    _, ctx = parse("un-sc", UN)
    messages = sorted((e.message, e.field, e.record) for e in ctx.skipped)
    assert messages == [
        ("record has no DATAID", "DATAID", "CDi.903"),
        ("record has no name", "FIRST_NAME", "9900102"),
    ]
    assert all(e.path and e.path.endswith("consolidated.xml") and e.line for e in ctx.skipped)


def test_strict_mode_raises() -> None:
    with pytest.raises(RecordError, match="no DATAID"):
        parse("un-sc", UN, strict=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"DATAID,NAME\n1,x\n", "not an XML file"),
        (
            b'<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>',
            "unexpected root element <sdnList>",
        ),
    ],
)
def test_wrong_format(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        parse("un-sc", path)


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "truncated.xml"
    path.write_bytes(UN.read_bytes()[:2000])
    with pytest.raises(InputError, match="malformed XML"):
        parse("un-sc", path)
