"""Result files: columns, formats, formula injection neutralised, atomic replacement."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.errors import ConfigError
from redline.screening.writers import (
    explanation_text,
    header,
    neutralise,
    output_format,
    write_results,
)

DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def hit(row: int = 1, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "row": row,
        "id": f"C-{row}",
        "name": "Quds Aviation Industries",
        "query_name": "Quds Aviation Industries",
        "entity_id": "ofac-16418",
        "source": "us-ofac-sdn",
        "schema": "Company",
        "caption": "QODS AVIATION INDUSTRIES",
        "matched_name": "QODS AVIATION INDUSTRIES",
        "score": 0.986,
        "programs": ["NPWMD", "IFSR"],
        "explanations": [
            {"feature": "name_match", "score": 0.97, "detail": "quds~qods 0.92"},
            {"feature": "country", "score": 0.02, "detail": "same country ir"},
        ],
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_starts_get_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Qods", "0.98", "", "a=b", 0.5, 3, None])
def test_other_values_are_untouched(value: object) -> None:
    assert neutralise(value) == value


@given(st.text())
def test_neutralised_text_never_starts_like_a_formula(text: str) -> None:
    out = neutralise(text)
    assert isinstance(out, str)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.endswith(text)


def test_explanation_text() -> None:
    assert explanation_text(hit()["explanations"]) == (
        "name_match 0.97: quds~qods 0.92; country +0.02: same country ir"
    )


def test_header_keeps_the_id_column_name() -> None:
    assert header("Customer Ref")[:3] == ["Customer Ref", "row", "query_name"]
    assert header(None)[:2] == ["row", "query_name"]
    assert header("source")[0] == "input source"  # never two columns of one name


def test_csv(tmp_path: Path) -> None:
    out = tmp_path / "hits.csv"
    hits = [hit(1), hit(2, caption="=cmd|' /C calc'!A0", query_name="@evil", programs=["-X"])]
    assert write_results(out, hits, "customer_id") == 2
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["customer_id"] == "C-1" and rows[0]["row"] == "1"
    assert rows[0]["score"] == "0.986" and rows[0]["programs"] == "NPWMD; IFSR"
    assert rows[1]["caption"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["query_name"] == "'@evil" and rows[1]["programs"] == "'-X"


def test_csv_with_no_hits_has_a_header(tmp_path: Path) -> None:
    out = tmp_path / "hits.csv"
    assert write_results(out, [], None) == 0
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(header(None))]


def test_xlsx_cells_are_text_not_formulas(tmp_path: Path) -> None:
    out = tmp_path / "hits.xlsx"
    hits = [hit(i + 1, id=value, caption=value) for i, value in enumerate(DANGEROUS)]
    summary = {
        "started_at": "2025-01-01T00:00:00Z",
        "input": {"path": "=evil.csv", "columns": {"name": ["full_name"]}},
        "counts": {"rows": 6, "hits": 6},
        "parameters": {"threshold": None},
        "snapshots": [{"source": "us-ofac-sdn", "snapshot_id": 1, "content_hash": "ab"}],
        "skipped": [{"row": 9, "id": "=X", "reason": "no name"}],
    }
    write_results(out, hits, "id", summary)
    book = openpyxl.load_workbook(out)
    sheet = book["hits"]
    for row, value in enumerate(DANGEROUS, start=2):
        for column in (1, 7):  # the id and the caption
            cell = sheet.cell(row=row, column=column)
            assert cell.data_type == "s" and cell.value == "'" + value
    assert sheet.cell(row=2, column=2).value == 1 and sheet.cell(row=2, column=9).value == 0.986
    about = {r[0]: r[1] for r in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert about["input.path"] == "'=evil.csv"
    assert about["skipped.row 9"] == "'=X: no name"
    assert about["count.hits"] == 6


def test_jsonl_keeps_structure_and_raw_text(tmp_path: Path) -> None:
    out = tmp_path / "hits.jsonl"
    write_results(out, [hit(caption="=raw")], None)
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["row"] == 1 and "id" not in record
    assert record["caption"] == "=raw"  # JSON is data for programs, not a spreadsheet
    assert record["programs"] == ["NPWMD", "IFSR"]
    assert record["explanations"][0]["feature"] == "name_match"


def test_unknown_output_type() -> None:
    with pytest.raises(ConfigError, match=r"\.csv, \.xlsx, \.jsonl"):
        output_format(Path("hits.txt"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_a_failed_write_leaves_the_old_file(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"hits{suffix}"
    out.write_text("previous results")

    def broken() -> Iterator[dict[str, Any]]:
        yield hit()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_results(out, broken(), None)
    assert out.read_text() == "previous results"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
