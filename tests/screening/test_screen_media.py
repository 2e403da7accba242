"""``redline screen FILE --media``: each row's stories from the stored news, in every
output format and in the report."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

import pytest

from redline.screening.batch import ScreenParams, ScreenSummary, screen_file
from redline.screening.media import news_for_rows, with_news
from redline.screening.readers import Row
from redline.settings import Settings
from redline.store import Store
from tests.conftest import run_cli
from tests.media.test_link import LIST, add_fixture_articles, load_list

CUSTOMERS = (
    "id,name,type\n"
    "C-1,Qods Aviation Industries,Company\n"
    "C-2,Ghassem Damavandian,Person\n"
    "C-3,Quiet Harbour Bakery,Company\n"
    "C-4,Caspian Aviation Services,Company\n"
)


@pytest.fixture
def media_home(store: Store, settings: Settings, tmp_path: Path) -> tuple[Store, dict[str, int]]:
    load_list(store, settings, tmp_path, LIST)
    return store, add_fixture_articles(store)


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    return path


def run(
    store: Store, settings: Settings, source: Path, output: Path, report: Path | None = None
) -> ScreenSummary:
    params = ScreenParams(workers=1, media=True)
    return screen_file(store, settings, source, output, params, report=report)


def test_csv_gains_news_columns_and_news_only_rows(
    media_home: tuple[Store, dict[str, int]], settings: Settings, customers: Path, tmp_path: Path
) -> None:
    store, ids = media_home
    out = tmp_path / "hits.csv"
    summary = run(store, settings, customers, out)
    assert summary.counts["with_news"] == 3
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[-3:] == ["news_stories", "news_adverse", "news"]
    by_id: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_id.setdefault(r["id"], []).append(r)
    # C-1 and C-2 are listed and in the news; C-4 only in the news; C-3 nowhere.
    assert by_id["C-1"][0]["entity_id"] == "qai" and by_id["C-1"][0]["news_stories"] == "2"
    assert "Tehran and Moscow Finalise Plans" in by_id["C-2"][0]["news"]
    assert by_id["C-4"][0]["entity_id"] == "" and by_id["C-4"][0]["news_stories"] == "1"
    assert "C-3" not in by_id
    assert [r["row"] for r in rows] == sorted((r["row"] for r in rows), key=int)
    assert ids  # the fixture stored the articles


def test_jsonl_xlsx_and_report(
    media_home: tuple[Store, dict[str, int]], settings: Settings, customers: Path, tmp_path: Path
) -> None:
    store, ids = media_home
    out = tmp_path / "hits.jsonl"
    report = tmp_path / "report.html"
    run(store, settings, customers, out, report=report)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    damavandian = next(r for r in records if r["id"] == "C-2")
    story = damavandian["news_detail"][0]
    assert story["article_id"] == ids["01_factory_report.txt"]
    assert story["copies"][0]["id"] == ids["02_factory_reprint.txt"]
    assert story["stage"] == "sanction" and story["adverse"]
    html = report.read_text(encoding="utf-8")
    assert "<h2>News</h2>" in html
    assert "Tehran and Moscow Finalise Plans for Drone Plant on the Volga" in html
    assert "attributed to: Wall Street Journal" in html  # the relay of the QAI story
    xlsx = tmp_path / "hits.xlsx"
    run(store, settings, customers, xlsx)
    book = importlib.import_module("openpyxl").load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["hits", "news", "summary"]
    sheet = [list(r) for r in book["news"].iter_rows(values_only=True)]
    assert sheet[0][:4] == ["row", "id", "name", "title"]
    assert {r[1] for r in sheet[1:]} == {"C-1", "C-2", "C-4"}
    book.close()


def test_without_media_nothing_changes(
    media_home: tuple[Store, dict[str, int]], settings: Settings, customers: Path, tmp_path: Path
) -> None:
    store, _ids = media_home
    out = tmp_path / "plain.csv"
    summary = screen_file(store, settings, customers, out, ScreenParams(workers=1))
    assert "with_news" not in summary.counts
    assert "news" not in out.read_text(encoding="utf-8").splitlines()[0]
    assert "media" not in ScreenParams().identity()
    assert ScreenParams(media=True).identity()["media"] is True


def test_news_merge_keeps_row_order() -> None:
    hits = [{"row": 2, "id": "b"}, {"row": 2, "id": "b"}, {"row": 5, "id": "e"}]
    from redline.screening.media import RowNews

    news = {n: RowNews(n, str(n), f"name {n}", ()) for n in (1, 2, 7)}
    merged = list(with_news(hits, news))
    assert [(r["row"], r.get("entity_id", "hit")) for r in merged] == [
        (1, ""),
        (2, "hit"),
        (2, "hit"),
        (5, "hit"),
        (7, ""),
    ]
    assert merged[3]["news_stories"] == 0


def test_news_for_rows_without_names(media_home: tuple[Store, dict[str, int]]) -> None:
    store, _ids = media_home
    assert news_for_rows(store, [Row(1, "x", "Person", None)]) == {}
    found = news_for_rows(store, [Row(3, "c", "Person", "Abdollah Mehrabi")])
    assert list(found) == [3] and found[3].stories


def test_cli_screen_media(
    media_home: tuple[Store, dict[str, int]], settings: Settings, customers: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cli.csv"
    done = run_cli(
        settings.home, "screen", str(customers), "-o", str(out), "--media", "--workers", "1"
    )
    assert done.returncode == 0, done.stderr
    assert "rows named in the stored news: 3" in done.stdout
    assert "news_stories" in out.read_text(encoding="utf-8").splitlines()[0]
