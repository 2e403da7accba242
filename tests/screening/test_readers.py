"""Customer files: every format, column detection, --map, encodings and bad input."""

from __future__ import annotations

import codecs
import json
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.errors import ConfigError, InputError
from redline.screening.readers import (
    CustomerFile,
    Row,
    birth_dates,
    normalise_header,
    parse_mapping,
)
from tests.screening.screen_util import COUNTERPARTIES, write_csv


def rows_of(path: Path, **kwargs: object) -> list[Row]:
    return list(CustomerFile(path, **kwargs).rows())  # type: ignore[arg-type]


def test_counterparties_columns_and_rows() -> None:
    customers = CustomerFile(COUNTERPARTIES)
    assert customers.format == "csv" and customers.encoding == "utf-8"
    assert customers.describe_columns() == {
        "id": ["customer_id"],
        "name": ["full_name"],
        "schema": ["type"],
        "birth_date": ["date_of_birth"],
        "country": ["country"],
        "passport": ["passport_number"],
        "imo": ["imo_number"],
        "alias": ["aliases"],
    }
    rows = {r.id: r for r in customers.rows()}
    assert len(rows) == 30
    mehrabi = rows["CP-003"]
    assert (mehrabi.number, mehrabi.schema, mehrabi.birth_dates) == (3, "Person", ("1961-12-22",))
    assert rows["CP-015"].birth_dates == ("1986-01-17",)
    assert rows["CP-015"].aliases == ("Artyom Yakubets",)
    assert rows["CP-011"].schema == "Vessel"
    assert rows["CP-008"].identifiers == (("passportNumber", "TZ1093384"),)
    assert rows["CP-028"].name is None
    check = customers.check()
    assert (check.rows, check.skipped_count) == (30, 1)
    assert [s.to_dict() for s in check.skipped] == [
        {"row": 28, "id": "CP-028", "reason": "no name"}
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date Of Birth", "birth_date"),
        ("dateOfBirth", "birth_date"),
        ("DOB", "birth_date"),
        ("Passport No.", "passport"),
        ("Customer-ID", "id"),
        ("Full_Name", "name"),
        ("Entity Type", "schema"),
        ("IMO Number", "imo"),
        ("Citizenship", "nationality"),
        ("Also Known As", "alias"),
        ("SWIFT/BIC", "swift"),
    ],
)
def test_header_detection(tmp_path: Path, header: str, field: str) -> None:
    path = write_csv(tmp_path / "c.csv", [["Name", header] if field != "name" else [header]])
    path.write_text(path.read_text() + "x,y\n")
    columns = CustomerFile(path).describe_columns()
    assert columns[field] == [header]


def test_numbered_columns_all_count(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["name", "alias 1", "alias 2", "nationality"], ["Jane Roe", "J. Roe", "Jane R", "FR;DE"]],
    )
    (row,) = rows_of(path)
    assert row.aliases == ("J. Roe", "Jane R")
    assert row.nationalities == ("FR", "DE")
    assert row.id == "1"  # no id column: the row number


def test_first_and_last_name_make_the_name(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv", [["First Name", "Surname", "Gender"], ["Ghassem", "Damavandian", "m"]]
    )
    (row,) = rows_of(path)
    assert row.name == "Ghassem Damavandian" and row.schema == "Person"


def test_schema_words_and_guesses(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["id", "name", "kind", "dob", "imo"],
            ["1", "A", "Individual", "", ""],
            ["2", "B", "corporate", "", ""],
            ["3", "C", "", "1970", ""],
            ["4", "D", "", "", "9167253"],
            ["5", "E", "", "", ""],
            ["6", "F", "martian", "", ""],
        ],
    )
    customers = CustomerFile(path)
    check = customers.check()
    schemata = [r.schema for r in customers.rows()]
    assert schemata == ["Person", "Company", "Person", "Vessel", "LegalEntity", "LegalEntity"]
    assert any("entity type not understood" in n for n in check.notes)
    forced = [r.schema for r in CustomerFile(path, default_schema="Company").rows()]
    assert forced[2:] == ["Company"] * 4


def test_unknown_default_schema_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown schema"):
        CustomerFile(COUNTERPARTIES, default_schema="Martian")


def test_map_overrides_detection(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Kunde", "Bezeichnung", "name", "AKA A", "AKA B"],
            ["K1", "Qods Aviation", "ignored", "Q1", "Q2"],
        ],
    )
    mapping = parse_mapping(
        ["name=Bezeichnung", "id=kunde", "alias=AKA A", "alias=AKA B", "schema=", "country="]
    )
    customers = CustomerFile(path, mapping)
    assert customers.describe_columns() == {
        "name": ["Bezeichnung"],
        "id": ["Kunde"],
        "alias": ["AKA A", "AKA B"],
    }
    (row,) = customers.rows()
    assert (row.id, row.name, row.aliases) == ("K1", "Qods Aviation", ("Q1", "Q2"))
    no_id = CustomerFile(COUNTERPARTIES, parse_mapping(["id="]))
    assert no_id.id_header is None and next(no_id.rows()).id == "1"


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["colour=name"], "unknown field"),
        (["name"], "not field=column"),
        (["name=No Such Column"], "no column 'No Such Column'"),
        (["name=full_name", "name=type"], "takes one column"),
    ],
)
def test_bad_maps(items: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        CustomerFile(COUNTERPARTIES, parse_mapping(items))


def test_no_name_column_is_a_clear_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["ref", "amount"], ["1", "10"]])
    with pytest.raises(InputError, match=r"no name column among: ref, amount.*--map name="):
        CustomerFile(path)


def test_tsv_and_semicolons(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("id\tname\tcountry\n7\tDAMAVANDIAN, Ghassem\tIran; Iraq\n", encoding="utf-8")
    (row,) = rows_of(tsv)
    assert (row.id, row.name, row.countries) == ("7", "DAMAVANDIAN, Ghassem", ("Iran", "Iraq"))
    semi = tmp_path / "c.csv"
    semi.write_text("id;name;dob\n8;Müller, Anna;03.04.1970\n", encoding="utf-8")
    (row,) = rows_of(semi)
    assert (row.name, row.birth_dates) == ("Müller, Anna", ("1970-04-03",))


def test_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([None])  # a blank line before the header
    sheet.append(["Client ID", "Client Name", "Birth Date", "Nationality"])
    sheet.append([1001, "Abdollah Mehrabi", datetime(1961, 12, 22), "Iran"])
    sheet.append([None, None, None, None])
    sheet.append([1002.0, "=1+1", "1970", None])
    sheet["B5"].data_type = "s"  # text that looks like a formula, as a customer name
    path = tmp_path / "c.xlsx"
    book.save(path)
    rows = rows_of(path)
    assert [(r.number, r.id) for r in rows] == [(1, "1001"), (3, "1002")]
    assert rows[0].birth_dates == ("1961-12-22",) and rows[0].nationalities == ("Iran",)
    assert rows[1].name == "=1+1"  # read as the text it is, never evaluated


def test_parquet(tmp_path: Path) -> None:
    table = pa.table(
        {
            "customer_id": ["A", "B"],
            "name": ["Queen Luca", None],
            "type": ["vessel", "person"],
            "date_of_birth": [None, date(1968, 5, 2)],
            "aliases": [["Queen L"], []],
        }
    )
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    customers = CustomerFile(path)
    rows = list(customers.rows())
    assert (rows[0].id, rows[0].schema, rows[0].aliases) == ("A", "Vessel", ("Queen L",))
    assert (rows[1].name, rows[1].birth_dates) == (None, ("1968-05-02",))
    assert customers.check().skipped_count == 1


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [
        {"id": "j1", "name": "Kangbong Trading", "country": ["North Korea"]},
        {},
        {"id": "j2", "name": "Nordlicht GmbH", "registration_number": "HRB 1234"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    rows = rows_of(path)
    assert [r.number for r in rows] == [1, 3]  # line numbers; blank records are not rows
    assert rows[0].countries == ("North Korea",)
    assert rows[1].identifiers == (("registrationNumber", "HRB 1234"),)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"name": "a"}\n{"name": \n', "not a JSON object per line", 2),
        ('[{"name": "a"}]\n', "a JSON array", 1),
        ('{"name": "a"}\n"just text"\n', "each line must be a JSON object", 2),
    ],
)
def test_bad_jsonl(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        CustomerFile(path)
    assert info.value.line == line and info.value.path == str(path)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_marks(tmp_path: Path, bom: bytes, encoding: str) -> None:
    text = "customer_id,full_name\nX1,Ghassem Damavandian\nX2,قاسم دماوندیان\n"
    path = tmp_path / "c.csv"
    path.write_bytes(bom + text.encode(encoding))
    customers = CustomerFile(path)
    assert customers.id_header == "customer_id"  # the BOM is not part of the first header
    assert [r.name for r in customers.rows()] == ["Ghassem Damavandian", "قاسم دماوندیان"]


def test_wrong_encoding_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("id,name\n1,Anna\n2,Fran\u00e7ois M\u00fcller\n".encode("cp1252"))
    with pytest.raises(InputError) as info:
        CustomerFile(path)
    message = str(info.value)
    assert info.value.line == 3 and "legacy.csv" in message
    assert "0xE7" in message and "UTF-8" in message


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("id,name\n1,Anna\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="NUL"):
        CustomerFile(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"id,name\n", "no rows"),
        ("c.xls", b"\xd0\xcf\x11\xe0", "old Excel format"),
        ("c.docx", b"x", "unknown file type"),
        ("c.xlsx", b"id,name\n1,a\n", "not an XLSX workbook"),
        ("c.csv", b"PK\x03\x04rest", "not text"),
        ("c.parquet", b"id,name\n", "not a Parquet file"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        CustomerFile(path).check()


def test_missing_file() -> None:
    with pytest.raises(InputError, match="file not found"):
        CustomerFile("/nonexistent/customers.csv")


def test_duplicate_ids_are_an_error_naming_both_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["id", "name"], ["A1", "Anna"], ["B2", "Bob"], ["A1", "Anne"], ["B2", "Bobby"]],
    )
    with pytest.raises(InputError) as info:
        CustomerFile(path).check()
    message = str(info.value)
    assert "duplicate customer id 'A1' on rows 1 and 3" in message
    assert "2 rows repeat an earlier id" in message and "--map id=" in message


def test_rows_without_a_name_are_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["id", "name", "dob"],
            ["a", "", "1970"],
            ["b", "---", ""],
            ["c", "Ann", ""],
            ["", "", ""],
        ],
    )
    check = CustomerFile(path).check()
    assert check.rows == 3 and check.screenable == 1
    assert [(s.number, s.id, s.reason) for s in check.skipped] == [
        (1, "a", "no name"),
        (2, "b", "no name"),
    ]


def test_notes_count_odd_values(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["id", "name", "dob", "country"],
            ["1", "A", "03/04/1970", "Atlantis"],
            ["2", "B", "sometime", "Iran"],
            ["3", "C", "", "Iran"],
        ],
    )
    customers = CustomerFile(path)
    notes = {n.message: n.to_dict() for n in customers.check().notes.values()}
    assert notes["day and month ambiguous (03/04/1970); only the year was used"]["rows"] == ["1"]
    assert notes["birth date not understood; ignored"]["rows"] == ["2"]
    assert notes["country not recognised; kept as written"]["count"] == 1
    assert next(customers.rows()).birth_dates == ("1970",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1961-12-22", ["1961-12-22"]),
        ("22/12/1961", ["1961-12-22"]),
        ("12/22/1961", ["1961-12-22"]),
        ("05/05/1961", ["1961-05-05"]),
        ("22 Dec 1961", ["1961-12-22"]),
        ("1961", ["1961"]),
        ("03/04/1970", ["1970"]),
    ],
)
def test_birth_dates(text: str, expected: list[str]) -> None:
    assert birth_dates(text)[0] == expected


@given(st.text(max_size=40))
def test_birth_dates_never_raise(text: str) -> None:
    dates, problem = birth_dates(text)
    assert all(len(d) in (4, 7, 10) for d in dates)
    assert problem is None or isinstance(problem, str)


@given(st.text(max_size=30))
def test_normalise_header_is_idempotent(text: str) -> None:
    once = normalise_header(text)
    assert normalise_header(once) == once


_NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda s: any(c.isalnum() for c in s))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_NAMES, min_size=1, max_size=8))
def test_csv_round_trip(tmp_path: Path, names: list[str]) -> None:
    path = write_csv(
        tmp_path / "round.csv", [["id", "name"], *[[f"id{i}", n] for i, n in enumerate(names)]]
    )
    rows = list(CustomerFile(path).rows())
    assert [r.id for r in rows] == [f"id{i}" for i in range(len(names))]
    # Names are stored in NFC, as every value is (presentation forms such as U+FB2A
    # decompose), with runs of space collapsed.
    assert [r.name for r in rows] == [
        " ".join(unicodedata.normalize("NFC", n).split()) for n in names
    ]
