"""Tests for the EU Financial Sanctions Files parser (formats 1.1 and legacy 1.0)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from redline.errors import InputError, RecordError
from tests.sources.intl_util import FIXTURES, by_id, parse

V11 = FIXTURES / "eu" / "fsf_1_1.xml"
LEGACY = FIXTURES / "eu" / "fsf_legacy_1_0.xml"


@pytest.mark.parametrize(
    ("path", "schemas", "skipped", "published"),
    [
        (V11, {"Person": 1, "Organization": 1}, 2, "2031-02-03T16:47:04.449+02:00"),
        (LEGACY, {"Person": 1, "Organization": 1}, 1, "2016-06-07"),
    ],
)
def test_counts(path: Path, schemas: dict[str, int], skipped: int, published: str) -> None:
    entities, ctx = parse("eu-fsf", path)
    assert Counter(e.schema for e in entities) == schemas
    assert ctx.skipped_count == skipped
    assert ctx.published_at == published
    assert all(e.datasets == ["eu-fsf"] for e in entities)


def test_1_1_person_fully() -> None:
    person = by_id(parse("eu-fsf", V11)[0])["eu-fsf-90001"]
    assert person.schema == "Person"
    assert person.properties == {
        "name": ["Samir Khalid Al-Nuaimi"],
        "alias": ["سمير خالد النعيمي", "Samir al-Nuaymi"],
        "weakAlias": ["Abu Khalid", "Al-Shaykh"],
        "firstName": ["Samir"],
        "middleName": ["Khalid"],
        "lastName": ["Al-Nuaimi"],
        "title": ["Dr."],
        "gender": ["male"],
        "position": ["Treasurer of Example Group"],
        "topics": ["sanction"],
        "program": ["TAQA"],
        "createdAt": ["2011-03-24"],
        "unscId": ["QDi.901"],
        "notes": [
            "EU reference number: EU.9001.1",
            "Invented person for tests.",
            "Date of birth (islamic calendar): 1394-04-26",
        ],
        "nationality": ["qa"],
        "birthDate": ["1974-05-18", "1972", "1973", "1975-06"],
        "birthPlace": ["Doha, Qatar"],
        "birthCountry": ["qa"],
        "address": ["Example Street 5, Doha, Qatar"],
        "country": ["qa"],
        "idNumber": ["28763400001"],
        "passportNumber": ["00685868"],
    }


def test_1_1_organization_fully() -> None:
    org = by_id(parse("eu-fsf", V11)[0])["eu-fsf-90002"]
    assert org.schema == "Organization"
    assert org.properties == {
        "name": ["Joint Stock Company Primertekh"],
        "alias": ["Акционерное общество «Примертех»", "JSC Primertekh"],
        "notes": ["Manufacturer of example equipment", "EU reference number: EU.9002.2"],
        "topics": ["sanction"],
        "program": ["UKR"],
        "createdAt": ["2022-02-28"],
        "address": ["Primernaya ulitsa 7, P.O. Box 101000, Moscow, 125009, Russia"],
        "country": ["ru"],
        "website": ["https://primertekh.example"],
        "phone": ["+7 495 000 00 00"],
        "email": ["info@primertekh.example"],
        "registrationNumber": ["1027700000001"],
        "taxNumber": ["7700000001"],
    }


def test_legacy_person_fully() -> None:
    person = by_id(parse("eu-fsf", LEGACY)[0])["eu-fsf-80001"]
    assert person.properties == {
        "name": ["Tendai Farai Moyo"],
        "alias": ["Тендай Мойо"],
        "firstName": ["Tendai"],
        "middleName": ["Farai"],
        "lastName": ["Moyo"],
        "gender": ["male"],
        "position": ["Deputy Example Minister"],
        "topics": ["sanction"],
        "program": ["ZWE"],
        "createdAt": ["2012-02-21"],
        "notes": ["(Invented person for tests)"],
        "birthDate": ["1958", "1959", "1960", "1961-07-14"],
        "birthPlace": ["Example Village, Zimbabwe"],
        "birthCountry": ["zw"],
        "nationality": ["zw"],
        "passportNumber": ["ZX000123"],
        "idNumber": ["63-000000 Q70"],
    }


def test_legacy_organization() -> None:
    org = by_id(parse("eu-fsf", LEGACY)[0])["eu-fsf-80002"]
    assert org.get("name") == ["Example State Company for Trade"]
    assert org.get("alias") == ["الشركة العامة للتجارة"]
    assert org.get("address") == ["17 Example Street, Baghdad, 10011, Iraq"]
    assert org.get("country") == ["iq"]


def test_same_party_keeps_its_id_across_formats() -> None:
    """1.1 logicalId and legacy Id number the same parties, so ids use one prefix."""
    assert {e.id for e in parse("eu-fsf", V11)[0]} == {"eu-fsf-90001", "eu-fsf-90002"}
    assert {e.id for e in parse("eu-fsf", LEGACY)[0]} == {"eu-fsf-80001", "eu-fsf-80002"}


def test_skips_explain_themselves() -> None:
    _, ctx = parse("eu-fsf", V11)
    assert [(e.message, e.field, e.record) for e in ctx.skipped] == [
        ("sanctionEntity has no logicalId", "logicalId", "EU.9003.3"),
        ("unknown subjectType code 'vessel'", "subjectType", "90004"),
    ]
    _, ctx = parse("eu-fsf", LEGACY)
    assert [(e.message, e.record) for e in ctx.skipped] == [("ENTITY has no name", "80003")]


@pytest.mark.parametrize("path", [V11, LEGACY])
def test_strict_mode_raises(path: Path) -> None:
    with pytest.raises(RecordError):
        parse("eu-fsf", path, strict=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Name,Id\nx,1\n", "not an XML file"),
        (
            b"<?xml version='1.0'?><CONSOLIDATED_LIST/>",
            "unexpected root element <CONSOLIDATED_LIST>",
        ),
    ],
)
def test_wrong_format(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "fsf.xml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        parse("eu-fsf", path)
