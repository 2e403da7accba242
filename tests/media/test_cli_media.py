"""``redline media``: add, extract, list and show, run as a user runs them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.media.test_fetch import PDF, NewsServer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "media"


@pytest.fixture
def site() -> Iterator[NewsServer]:
    with NewsServer() as server:
        yield server


def test_add_list_show(tmp_path: Path, site: NewsServer) -> None:
    home = tmp_path / "home"
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(FIXTURES / "plain_boilerplate.txt", articles / "a.txt")
    shutil.copy(FIXTURES / "harbour.html", articles / "b.html")
    (articles / "c.pdf").write_bytes(PDF)
    result = run_cli(
        home,
        "media",
        "add",
        str(articles),
        site.url("/harbour_syndicated.html"),
        site.url("/missing-page.html"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [i["status"] for i in report["items"]] == ["new", "new", "error", "copy", "error"]
    assert "a PDF document" in report["items"][2]["error"]
    assert "HTTP 404" in report["items"][4]["error"]
    assert report["counts"] == {"new": 2, "copy": 1, "duplicate": 0, "error": 2}
    original = report["items"][1]["id"]
    copy = report["items"][3]["id"]

    listed = json.loads(run_cli(home, "media", "list", "--json").stdout)
    assert [a["id"] for a in listed] == [3, 2, 1]
    assert listed[0]["story_size"] == 2 and "text" not in listed[0]

    shown = run_cli(home, "media", "show", str(original), "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["title"] == "Harbour authorities detain tanker tied to Meridian Tide network"
    assert [c["id"] for c in data["copies"]] == [copy]
    assert data["original_id"] == copy  # the syndicated copy was published a day earlier

    table = run_cli(home, "media", "show", str(original))
    assert "copies in the same story" in table.stdout and "Harbour Gazette" in table.stdout
    people = run_cli(home, "media", "list")
    assert "Northern Wire Digest" in people.stdout

    verify = run_cli(home, "audit", "verify", "--json")
    assert json.loads(verify.stdout)["ok"] is True


def test_add_reports_each_item_and_fails_only_when_all_fail(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / "scan.pdf").write_bytes(PDF)
    result = run_cli(home, "media", "add", str(tmp_path / "scan.pdf"), str(tmp_path / "none.txt"))
    assert result.returncode == 1
    assert "error" in result.stdout and "a PDF document" in result.stdout
    assert "no such file or directory" in result.stdout
    assert "0 new, 0 copies, 0 duplicates, 2 errors" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

    ok = run_cli(home, "media", "add", str(FIXTURES / "plain_wsj_style.txt"), str(tmp_path / "x"))
    assert ok.returncode == 0
    assert "new" in ok.stdout and "1 new, 0 copies, 0 duplicates, 1 errors" in ok.stdout


def test_extract(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "media", "extract", str(FIXTURES / "plain_wsj_style.txt"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Valmora Detains Tanker Run by Sanctioned Shipping Network"
    assert data["published"] == "2024-03-14" and data["language"] == "en"
    assert data["author"] == "Ines Valcourt, Tomas Riedl"
    assert len(data["content_hash"]) == 64
    people = run_cli(tmp_path, "media", "extract", str(FIXTURES / "harbour.html"))
    assert "The Coastal Ledger" in people.stdout and "Harbour Gazette" in people.stdout
    # Extraction does not store anything.
    assert json.loads(run_cli(tmp_path, "media", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("feed_rss.xml", "is a feed"),
        (".", "is a directory"),
        ("missing.html", "no such file"),
    ],
)
def test_extract_errors(tmp_path: Path, target: str, message: str) -> None:
    path = FIXTURES / target if target != "." else FIXTURES
    result = run_cli(tmp_path, "media", "extract", str(path))
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_show_unknown_article(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "media", "show", "42")
    assert result.returncode == 1
    assert "no article with id 42" in result.stderr


def test_every_command_documents_an_example() -> None:
    from redline.cli import media as media_cli

    mine = {"add", "extract", "list", "show"}
    for command in media_cli.app.registered_commands:
        if command.name in mine:
            assert command.callback is not None
            assert "Example: redline media" in (command.callback.__doc__ or ""), command.name
            mine.discard(command.name)
    assert not mine
