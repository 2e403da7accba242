"""A user's own CSV/TSV watchlist."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.entities import Entity
from redline.errors import ConfigError, InputError, RecordError
from redline.sources import get_source
from redline.sources.base import ParseContext
from redline.sources.files import InputFile
from redline.sources.watchlist import CsvWatchlist

FIXTURES = Path(__file__).parent.parent / "fixtures" / "watchlist"
CUSTOMERS = FIXTURES / "customers.csv"
AUTO_TSV = FIXTURES / "auto_headers.tsv"
NO_ID = FIXTURES / "no_id_cp1252.csv"

MAPPING = {
    "id": "Customer Ref",
    "name": "Full Name",
    "schema": "Type",
    "alias": "AKA",
    "birthDate": "DOB",
    "country": "Country",
    "passportNumber": "Passport",
    "imoNumber": "IMO",
    "notes": "Notes",
}


def parse(
    path: Path, options: dict[str, str] | None = None, strict: bool = False
) -> tuple[list[Entity], ParseContext]:
    ctx = ParseContext("csv", strict=strict)
    return list(CsvWatchlist(options).parse([InputFile(path)], ctx)), ctx


def test_registered() -> None:
    assert isinstance(get_source("csv", {"name": "Name"}), CsvWatchlist)


@pytest.mark.parametrize("options", [MAPPING, None], ids=["mapped", "detected"])
def test_customers(options: dict[str, str] | None) -> None:
    entities, ctx = parse(CUSTOMERS, options)
    assert [(e.id, e.schema) for e in entities] == [
        ("csv-C-001", "Person"),
        ("csv-C-002", "Company"),
        ("csv-C-003", "Vessel"),
        ("csv-C-004", "Organization"),
        ("csv-C-005", "Person"),  # no type, but a birth date and a passport
        ("csv-C-006", "Airplane"),
        ("csv-C-009", "LegalEntity"),
    ]
    assert all(e.datasets == ["csv"] for e in entities)
    skipped = [(s.line, s.field, s.message.split(" (")[0].split(":")[0]) for s in ctx.skipped]
    assert skipped == [
        (8, "Type", "unknown type 'alien'"),
        (9, "Full Name", "row has no name"),
        (10, "Customer Ref", "duplicate id"),
    ]


def test_person_fully() -> None:
    entities, _ = parse(CUSTOMERS, MAPPING)
    assert entities[0].properties == {
        "name": ["Владимир Сергеевич Петров"],
        "alias": ["Vladimir PETROV", "V. Petrov", "Петров В.С."],
        "birthDate": ["1970-03-14"],
        "country": ["ru"],
        "passportNumber": ["750123456"],
        "notes": ["PEP, synthetic"],
    }


def test_vessel_and_property_the_schema_lacks() -> None:
    entities, _ = parse(CUSTOMERS, MAPPING)
    vessel = entities[2]
    assert vessel.get("imoNumber") == ["9187629"]
    org = entities[3]
    # Organizations have no birth date: the value is kept as a note, not lost.
    assert org.get("notes") == ["DOB: 2001", "founded 2001"]


def test_auto_detected_tsv() -> None:
    entities, ctx = parse(AUTO_TSV)
    assert ctx.skipped_count == 0
    ahmed, nikos, widgets = entities
    assert ahmed.id == "csv-P1"
    assert ahmed.properties == {
        "name": ["أحمد محمد علي"],
        "alias": ["Ahmed Mohamed ALI", "Ahmad Ali"],
        "birthDate": ["1975"],
        "nationality": ["eg"],
        "gender": ["male"],
    }
    assert nikos.first("name") == "Νίκος Παπαδόπουλος"
    assert nikos.get("birthDate") == ["1968-03-02"]
    assert widgets.schema == "Company"
    assert widgets.get("notes") == ["Nationality: United Kingdom"]


def test_mdy_date_order() -> None:
    entities, _ = parse(AUTO_TSV, {"date_order": "mdy"})
    assert entities[1].get("birthDate") == ["1968-02-03"]


def test_no_id_column_cp1252_semicolons() -> None:
    entities, ctx = parse(NO_ID)
    assert ctx.skipped_count == 0
    francois, anna = entities
    assert francois.first("name") == "François Côté"
    assert francois.schema == "Person"
    assert francois.get("country") == ["fr"]
    assert anna.schema == "LegalEntity"
    # Hash ids: the same whatever the row order.
    again, _ = parse(NO_ID)
    assert [e.id for e in again] == [e.id for e in entities]
    assert francois.id.startswith("csv-") and len(francois.id) == 24


def test_list_name_and_default_schema() -> None:
    entities, _ = parse(NO_ID, {"list_name": "PEP list 2025", "default_schema": "person"})
    assert all(e.id.startswith("csv-pep-list-2025-") for e in entities)
    assert [e.schema for e in entities] == ["Person", "Person"]


def test_first_and_last_names_make_the_name(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("ref,first_name,last_name\n1,Ana,Lima\n2,,\n", "utf-8")
    entities, ctx = parse(path)
    assert entities[0].first("name") == "Ana Lima"
    assert entities[0].get("firstName") == ["Ana"]
    assert ctx.skipped[0].line == 3


def test_strict_mode_raises() -> None:
    with pytest.raises(RecordError, match="line 8"):
        parse(CUSTOMERS, MAPPING, strict=True)


def test_empty_id_is_a_record_error(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("id,name\n,Someone\n", "utf-8")
    entities, ctx = parse(path)
    assert entities == []
    assert ctx.skipped[0].field == "id"


def test_mapping_to_missing_header() -> None:
    with pytest.raises(InputError, match=r"'Surname'.*'Customer Ref', 'Full Name'"):
        parse(CUSTOMERS, {"name": "Surname"})


def test_no_name_column(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("ref,dob\n1,1970\n", "utf-8")
    with pytest.raises(InputError, match="no name column"):
        parse(path)


@pytest.mark.parametrize(
    "options",
    [{"nmae": "Full Name"}, {"default_schema": "Spaceship"}, {"date_order": "ymd"}],
)
def test_bad_options(options: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        CsvWatchlist(options)


@pytest.mark.parametrize(
    "content",
    [b"<?xml version='1.0'?><x/>", b'{"id": "a"}\n', b"\xff\xfen\x00a\x00m\x00e\x00"],
)
def test_wrong_format(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(content)
    with pytest.raises(InputError):
        parse(path)


cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=5))
def test_never_crashes_on_any_cells(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]]
) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "name", "type", "dob"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("w") / "w.csv"
    path.write_text(buf.getvalue(), "utf-8")
    try:
        entities, ctx = parse(
            path, {"id": "id", "name": "name", "schema": "type", "birthDate": "dob"}
        )
    except InputError as exc:
        assert not isinstance(exc, RecordError)
        return
    assert len(entities) + ctx.skipped_count <= len(rows)
    assert len({e.id for e in entities}) == len(entities)
