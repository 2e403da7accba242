"""Tests for the Canada Consolidated Autonomous Sanctions List parser."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.errors import InputError, RecordError
from redline.sources.canada import split_aliases
from tests.sources.intl_util import FIXTURES, by_id, parse

SEMA = FIXTURES / "canada" / "sema-lmes.xml"


def test_counts() -> None:
    entities, ctx = parse("ca-sema", SEMA)
    assert Counter(e.schema for e in entities) == {"Person": 4, "Organization": 1, "Vessel": 1}
    assert ctx.skipped_count == 1
    assert ctx.published_at is None  # the file states no publication date
    assert all(e.datasets == ["ca-sema"] for e in entities)


def test_ids_from_regime_schedule_and_item() -> None:
    ids = [e.id for e in parse("ca-sema", SEMA)[0]]
    assert ids[:5] == [
        "ca-sema-belarus:1-part-1:901",
        "ca-sema-russia:1-part-1:902",  # "1,Part 1" is spelt "1, Part 1" elsewhere
        "ca-sema-russia:1-part-2:903",
        "ca-sema-russia:1.1:904",
        "ca-sema-jvcfor::905",
    ]
    assert ids[5].startswith("ca-sema-") and len(ids[5]) == len("ca-sema-") + 20  # hashed


def test_person_fully() -> None:
    person = by_id(parse("ca-sema", SEMA)[0])["ca-sema-belarus:1-part-1:901"]
    assert person.properties == {
        "topics": ["sanction"],
        "name": ["Aliaksei Piatrovich IVANCHYK"],
        "program": ["Belarus / Bélarus"],
        "notes": ["Schedule 1, Part 1, item 901"],
        "createdAt": ["2020-09-28"],
        "alias": [
            "Aleksei Petrovich IVANCHIK",
            "Аляксей Пятровіч Іванчык",
            "Алексей Петрович Иванчик",
        ],
        "firstName": ["Aliaksei Piatrovich"],
        "lastName": ["IVANCHYK"],
        "birthDate": ["1968-03-02", "1969-03-02"],
    }


def test_other_records() -> None:
    found = by_id(parse("ca-sema", SEMA)[0])
    general = found["ca-sema-russia:1-part-1:902"]
    assert general.get("title") == ["Major General/major-général"]
    assert general.get("birthDate") == []
    assert "Date of birth: born in the early 1970s" in general.get("notes")
    org = found["ca-sema-russia:1-part-2:903"]
    assert org.schema == "Organization"
    assert org.get("alias") == [
        "Акционерное общество «Примертех»",
        "AO Primertekh",
        "Примертех, производство оборудования",
    ]
    ship = found["ca-sema-russia:1.1:904"]
    assert ship.schema == "Vessel"
    assert ship.properties["imoNumber"] == ["9100001"]
    assert ship.get("type") == ["Oil Tanker"]
    assert ship.get("buildDate") == ["2005"]
    jv = found["ca-sema-jvcfor::905"]
    assert jv.get("notes") == ["item 905"]
    range_person = next(e for e in found.values() if e.first("lastName") == "Sinitem")
    assert range_person.get("birthDate") == ["1963", "1964"]


def test_ids_stable_when_other_records_change(tmp_path: Path) -> None:
    """Dropping a record does not renumber the others."""
    text = SEMA.read_text("utf-8")
    start = text.index("\t<record>\n\t\t<Country>Belarus")
    end = text.index("</record>", start) + len("</record>\n")
    path = tmp_path / "sema.xml"
    path.write_text(text[:start] + text[end:], "utf-8")
    before = {e.id: e.first("name") for e in parse("ca-sema", SEMA)[0]}
    after = {e.id: e.first("name") for e in parse("ca-sema", path)[0]}
    assert after == {k: v for k, v in before.items() if k != "ca-sema-belarus:1-part-1:901"}


def test_skip_and_strict() -> None:
    _, ctx = parse("ca-sema", SEMA)
    assert [(e.field, e.record) for e in ctx.skipped] == [("LastName", "record 7 (item 906)")]
    with pytest.raises(RecordError, match="no name"):
        parse("ca-sema", SEMA, strict=True)


def test_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "sema.xml"
    path.write_bytes(b"<?xml version='1.0'?><export><sanctionEntity/></export>")
    with pytest.raises(InputError, match="unexpected root element <export>"):
        parse("ca-sema", path)


@pytest.mark.parametrize(
    ("text", "person", "expected"),
    [
        ("Sergei, Serhii SHERBAKOV", True, ["Serhii SHERBAKOV"]),
        (
            "BSZ, BSW, Belarusian Metal Holding Company",
            False,
            ["BSZ", "BSW", "Belarusian Metal Holding Company"],
        ),
        ("Russian\xa0: Андрей Сергеевич Пальчик", True, ["Андрей Сергеевич Пальчик"]),
        ("", True, []),
    ],
)
def test_split_aliases(text: str, person: bool, expected: list[str]) -> None:
    assert split_aliases(text, person) == expected


@given(st.text(max_size=120), st.booleans())
def test_split_aliases_never_crashes(text: str, person: bool) -> None:
    assert all(name.strip() for name in split_aliases(text, person))
