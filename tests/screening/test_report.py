"""The HTML report: self-contained, escaped, with the counts and every explanation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from redline.screening.report import render_report, write_report
from tests.screening.test_writers import hit

EVIL = "<script>alert('x')</script>"


def summary(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "input": {
            "path": "customers.csv",
            "format": "csv",
            "encoding": "utf-8",
            "sha256": "f" * 64,
            "columns": {"id": ["customer_id"], "name": ["full_name"]},
            "id_column": "customer_id",
        },
        "output": "hits.csv",
        "report": "report.html",
        "parameters": {"threshold": None, "limit": 10, "algorithm": "redline-v1"},
        "snapshots": [
            {
                "source": "us-ofac-sdn",
                "snapshot_id": 3,
                "content_hash": "a" * 64,
                "published_at": None,
                "entity_count": 219,
                "sample": True,
            }
        ],
        "counts": {"rows": 40, "screened": 38, "skipped": 2, "with_hits": 2, "hits": 3},
        "by_source": {"us-ofac-sdn": 3},
        "by_program": {"NPWMD": 3, "IRAN-CON-ARMS-EO": 1},
        "skipped": [
            {"row": 7, "id": "C-7", "reason": "no name"},
            {"row": 9, "id": EVIL, "reason": "no name"},
        ],
        "notes": [{"message": "country not recognised; kept as written", "count": 4, "rows": []}],
        "started_at": "2025-01-01T10:00:00Z",
        "finished_at": "2025-01-01T10:01:00Z",
        "seconds": 60.0,
        "resumed_from_row": 0,
    }
    base.update(overrides)
    return base


def hits() -> list[dict[str, Any]]:
    return [
        hit(5, score=0.9, caption="B & Sons"),
        hit(2, name=EVIL, query_name=EVIL),
        hit(5, score=0.95, entity_id="ofac-2", explanations=[
            {"feature": "name_match", "score": 0.95, "detail": EVIL},
        ]),
    ]  # fmt: skip


def test_everything_is_escaped() -> None:
    html = render_report(summary(), hits())
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "B &amp; Sons" in html


def test_self_contained() -> None:
    html = render_report(summary(), hits())
    assert not re.search(r"<(link|script|img|iframe)\b", html)
    assert "http://" not in html and "https://" not in html
    assert "<style>" in html


def test_counts_lists_programmes_and_explanations() -> None:
    html = render_report(summary(), hits())
    counts = re.search(r'<table class="counts">(.*?)</table>', html, re.S)
    assert counts is not None
    assert re.findall(r'<td class="num">([\d,]+)</td>', counts.group(1)) == [
        "40",
        "38",
        "2",
        "2",
        "3",
    ]
    assert "<td>IRAN-CON-ARMS-EO</td>" in html and "<td>us-ofac-sdn</td>" in html
    assert "quds~qods 0.92" in html and "+0.02" in html
    assert "bundled sample" in html and "a" * 64 in html and "f" * 64 in html
    # grouped by customer row, best hit first within a row
    assert html.index("Row 2 ") < html.index("Row 5 ")
    assert html.index("ofac-2") < html.index("B &amp; Sons")
    assert "skipped: no name" in html


def test_truncation_is_said() -> None:
    html = render_report(
        summary(counts={"rows": 9, "screened": 9, "skipped": 0, "with_hits": 9, "hits": 9000}),
        hits(),
    )
    assert "The 3 first hits of 9,000 are shown here" in html


def test_no_hits(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    write_report(
        path,
        summary(
            counts={"rows": 1, "screened": 1, "skipped": 0, "with_hits": 0, "hits": 0},
            by_source={},
            by_program={},
            skipped=[],
            notes=[],
        ),
        [],
    )
    html = path.read_text(encoding="utf-8")
    assert "No row scored at or above the threshold." in html
    assert "Every row was screened." in html
