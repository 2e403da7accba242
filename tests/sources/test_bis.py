"""The BIS Denied Persons List (tab-delimited dpl.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.entities import Entity, make_id
from redline.errors import InputError, RecordError
from redline.sources import get_source
from redline.sources.base import ParseContext
from redline.sources.bis import BisDeniedPersons, looks_like_company, plausible_date
from redline.sources.files import InputFile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "bis" / "dpl_excerpt.txt"
HEADER = FIXTURE.read_text("utf-8").splitlines()[0]


def parse(path: Path = FIXTURE, strict: bool = False) -> tuple[list[Entity], ParseContext]:
    ctx = ParseContext("us-bis-dpl", strict=strict)
    return list(BisDeniedPersons().parse([InputFile(path)], ctx)), ctx


def by_name(entities: list[Entity], name: str) -> list[Entity]:
    return [e for e in entities if e.first("name") == name]


def test_registered() -> None:
    assert isinstance(get_source("us-bis-dpl"), BisDeniedPersons)


def test_counts_rows_merged_into_parties() -> None:
    entities, ctx = parse()
    # 25 rows: same name + same effective date is one party with several addresses.
    assert len(entities) == 13
    assert ctx.skipped_count == 0
    assert {e.schema for e in entities} == {"Company", "LegalEntity"}
    assert all(e.get("topics") == ["export.control"] for e in entities)
    assert all(e.datasets == ["us-bis-dpl"] for e in entities)


def test_person_record_fully() -> None:
    entities, _ = parse()
    (ash,) = by_name(entities, "I. ASH")
    assert ash.id == make_id("us-bis-dpl", "I. ASH", "2003-06-19")
    assert ash.schema == "LegalEntity"
    assert ash.properties == {
        "name": ["I. ASH"],
        "topics": ["export.control"],
        "program": ["Denied Persons List"],
        "sourceUrl": ["https://www.bis.doc.gov/dpl/dpl.txt"],
        "createdAt": ["2003-06-19"],
        "address": [
            "UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, FCI SEAGOVILLE, "
            "2113 NORTH HIGHWAY 175, SEAGOVILLE, TX 75159, US"
        ],
        "country": ["us"],
        "notes": [
            "Denial expires 2056-06-29",
            "Standard order: Y",
            "Federal Register: 68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07",
        ],
        "modifiedAt": ["2007-01-31"],
    }


def test_company_with_four_addresses() -> None:
    entities, _ = parse()
    (air,) = by_name(entities, "AIR FREIGHT LTD")
    assert air.schema == "Company"
    assert len(air.get("address")) == 4
    assert air.get("country") == ["iq", "ae", "jo"]
    assert air.get("createdAt") == ["2022-05-13"]


def test_same_name_other_order_is_another_party() -> None:
    entities, _ = parse()
    herrera = by_name(entities, "HAYDEE HERRERA")
    assert sorted(e.first("createdAt") or "" for e in herrera) == ["2002-03-04", "2003-06-19"]
    assert len({e.id for e in herrera}) == 2


@pytest.mark.parametrize(
    ("name", "typo"),
    [
        ("KNOKKE-HEIST SUPPORT CORPORATION MANAGEMENT", "2922-09-01"),
        ("MANSOUR ZADEH", "3017-08-22"),
        ("AL-NASER AIRLINES", "0222-05-18"),
    ],
)
def test_last_update_typos_are_kept_out_not_skipped(name: str, typo: str) -> None:
    entities, ctx = parse()
    (entity,) = by_name(entities, name)
    assert ctx.skipped_count == 0
    assert typo not in entity.get("modifiedAt")
    assert all(m.startswith("20") for m in entity.get("modifiedAt"))
    assert f"Last_Update '{typo}' is not a plausible date" in entity.get("notes")


def test_dba_names_become_aliases() -> None:
    entities, _ = parse()
    (s7,) = by_name(entities, "SIBERIAN AIRLINES D/B/A S7 AIRLINES")
    assert s7.get("alias") == ["SIBERIAN AIRLINES", "S7 AIRLINES"]


def test_ids_are_stable_when_rows_are_reordered(tmp_path: Path) -> None:
    lines = FIXTURE.read_text("utf-8").splitlines()
    path = tmp_path / "dpl.txt"
    path.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", "utf-8")
    original, _ = parse()
    reordered, _ = parse(path)
    assert {e.id for e in original} == {e.id for e in reordered}


def test_row_without_name_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    row = '""\t"1 MAIN ST"\t"X"\t""\t"US"\t""\t"01/02/2003"\t""\t"Y"\t"2003-01-05"\t""\t"68 F.R. 1"'
    good = '"JOHN DOE"\t""\t""\t""\t""\t""\t"01/02/2003"\t""\t"Y"\t"2003-01-05"\t""\t""'
    path.write_text(f"{HEADER}\n{row}\n{good}\n", "utf-8")
    entities, ctx = parse(path)
    assert [e.first("name") for e in entities] == ["JOHN DOE"]
    assert ctx.skipped[0].line == 2
    assert ctx.skipped[0].field == "Name"
    with pytest.raises(RecordError, match="no name"):
        parse(path, strict=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?xml version='1.0'?><list/>", "not a BIS Denied Persons List"),
        (b"ent_num,SDN_Name,SDN_Type\n1,X,individual\n", "header lacks Name, Effective_Date"),
        (b'{"results": []}', "not a BIS Denied Persons List"),
    ],
)
def test_wrong_format(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        parse(path)


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("ARROWTRONIC, LLC", True),
        ("BIB INDUSTRIE-HANDEL DIPL.ING M. MANGELSEN GMBH", True),
        ("COTRICOM S.A.", True),
        ("AL NASER AIRLINES", True),
        ("ABDULAH AL NASSER", False),
        ("ABEL HERNANDEZ, JR.", False),
        ("I. ASH", False),
    ],
)
def test_looks_like_company(name: str, company: bool) -> None:
    assert looks_like_company(name) is company


@pytest.mark.parametrize(
    ("text", "future_ok", "expected"),
    [
        ("06/29/2056", True, "2056-06-29"),
        ("06/29/2056", False, None),
        ("2922-09-01", False, None),
        ("0222-05-18", False, None),
        ("02/30/2020", False, None),
        ("2007-01-31", False, "2007-01-31"),
    ],
)
def test_plausible_date(text: str, future_ok: bool, expected: str | None) -> None:
    assert plausible_date(text, dayfirst=False, future_ok=future_ok) == expected


@given(st.text(max_size=60))
def test_plausible_date_never_crashes(text: str) -> None:
    value = plausible_date(text, dayfirst=False, future_ok=False)
    assert value is None or value[:4].isdigit()
