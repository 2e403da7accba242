"""Reading targets: files, directories, web pages and feeds, each bad item a clear
error while the rest of the batch goes on. Web tests use a server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.errors import InputError, XMLSecurityError
from redline.media import fetch
from redline.media.ingest import add_media
from redline.screening import audit
from redline.settings import Settings
from redline.store import Store
from redline.store import media as media_store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "media"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"

Route = tuple[int, str, bytes]


class NewsServer:
    """A small news site on 127.0.0.1: the media fixtures, feeds pointing back at it,
    and pages that fail in every way a real site can."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.slow: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a slow handler must not hold the test
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        for name in (
            "harbour.html",
            "harbour_other.html",
            "harbour_syndicated.html",
            "french.html",
        ):
            self.add(f"/{name}", (FIXTURES / name).read_bytes())
        for name, kind in (("feed_rss.xml", "rss"), ("feed_atom.xml", "atom")):
            body = (FIXTURES / name).read_text(encoding="utf-8").replace("{BASE}", self.base)
            self.add(f"/{name}", body.encode("utf-8"), f"application/{kind}+xml")
        self.add("/plain.txt", (FIXTURES / "plain_boilerplate.txt").read_bytes(), "text/plain")
        self.add("/missing-page.html", b"not here", status=404)
        self.add("/harbour-master.html", b"oops", status=500)
        self.add("/image.png", PNG, "image/png")
        self.add("/pdf-as-html", PDF, "text/html")
        self.add("/octet", (FIXTURES / "harbour.html").read_bytes(), "application/octet-stream")
        self.add("/big.html", b"<p>" + b"word " * 50_000 + b"</p>")
        self.add("/redirect", b"", status=302)
        self.add("/slow.html", (FIXTURES / "harbour.html").read_bytes())
        self.slow.add("/slow.html")

    def add(self, path: str, body: bytes, kind: str = "text/html", status: int = 200) -> None:
        self.routes[path] = (status, kind, body)

    def url(self, path: str) -> str:
        return self.base + path

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path in site.slow:
                    time.sleep(2.0)
                if path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/harbour.html")
                    self.end_headers()
                    return
                status, kind, body = site.routes.get(path, (404, "text/plain", b"no"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if path != "/big.html":  # no length: the size limit must hold while streaming
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def __enter__(self) -> NewsServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[NewsServer]:
    with NewsServer() as server:
        yield server


@pytest.fixture
def media_settings(settings: Settings) -> Settings:
    return replace(settings, media_timeout=1.0, media_max_bytes=100_000)


@pytest.fixture
def http(media_settings: Settings) -> Iterator[httpx.Client]:
    with fetch.client(media_settings) as client:
        yield client


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"\xef\xbb\xbf  <p>Just a paragraph</p>", "html"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed"),
        (b"Officials said the tanker would stay in port.\n", "text"),
        ("<html><body>é</body></html>".encode("utf-16"), "html"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    assert fetch.sniff(data) == kind


def test_binary_kinds() -> None:
    assert fetch.binary_kind(PDF) == "a PDF document"
    assert fetch.binary_kind(PNG) == "a PNG image"
    assert fetch.binary_kind(b"text\x00with a nul") == "a binary file"
    assert fetch.binary_kind("Ünïcödé text".encode()) is None
    assert fetch.binary_kind("text".encode("utf-16")) is None


@given(st.binary(max_size=300))
def test_sniffing_never_fails(data: bytes) -> None:
    assert fetch.sniff(data) in ("html", "text", "feed")
    fetch.binary_kind(data)


# -- files ------------------------------------------------------------------------------------


def test_read_file_errors(tmp_path: Path, media_settings: Settings) -> None:
    (tmp_path / "scan.pdf").write_bytes(PDF)
    (tmp_path / "photo.html").write_bytes(PNG)  # the extension lies
    (tmp_path / "empty.txt").write_bytes(b"\n \n")
    (tmp_path / "huge.html").write_bytes(b"<p>x</p>" * 20_000)
    cases = {
        "scan.pdf": "a PDF document, not an HTML page",
        "photo.html": "a PNG image",
        "empty.txt": "empty",
        "huge.html": "larger than media_max_bytes",
        "missing.html": "no such file",
    }
    for name, message in cases.items():
        with pytest.raises(InputError, match=message) as info:
            fetch.read_file(tmp_path / name, media_settings)
        assert str(tmp_path / name) in str(info.value)


def test_gzip_files_are_read_through(tmp_path: Path, media_settings: Settings) -> None:
    page = (FIXTURES / "harbour.html").read_bytes()
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page))
    doc = fetch.read_file(tmp_path / "page.html.gz", media_settings)
    assert doc.kind == "html" and doc.data == page
    bomb = gzip.compress(b" " * 1_000_000)
    (tmp_path / "bomb.gz").write_bytes(bomb)
    with pytest.raises(InputError, match="once decompressed"):
        fetch.read_file(tmp_path / "bomb.gz", media_settings)


def test_walk_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a.html", "b/c.txt", ".hidden.txt", ".git/config"):
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in fetch.walk(tmp_path)] == [
        "a.html",
        "b/c.txt",
    ]


# -- feeds ------------------------------------------------------------------------------------


def test_parse_rss_and_atom() -> None:
    rss = (FIXTURES / "feed_rss.xml").read_bytes().replace(b"{BASE}", b"https://ledger.example")
    items = fetch.parse_feed(rss, "feed.xml")
    assert [i.link for i in items] == [
        "https://ledger.example/harbour.html",
        "https://ledger.example/missing-page.html",
    ]
    assert items[0].author == "Ines Valcourt"
    assert items[0].published == "Thu, 14 Mar 2024 08:30:00 GMT"
    assert items[0].feed_title == "The Coastal Ledger - World"
    assert items[1].content and "widening inquiry" in items[1].content
    atom = (FIXTURES / "feed_atom.xml").read_bytes().replace(b"{BASE}", b"https://post.example")
    entries = fetch.parse_feed(atom, "atom.xml")
    assert [e.title for e in entries] == [
        "Valmora tanker case: what we know",
        "Harbour master keeps traffic moving",
    ]
    assert entries[0].author == "Lea Marchetti" and entries[0].published == "2024-03-15T09:00:00Z"
    assert entries[1].content and entries[1].content.startswith("<html:div") is False
    assert "outer basin" in (entries[1].content or "")


def test_relative_feed_links_resolve_against_the_feed_url() -> None:
    rss = b"<rss><channel><item><title>T</title><link>/a.html</link></item></channel></rss>"
    (item,) = fetch.parse_feed(rss, "f", "https://news.example/feeds/all.xml")
    assert item.link == "https://news.example/a.html"


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "boom">]><rss><channel>'
            b"<item><title>&x;</title></item></channel></rss>",
            XMLSecurityError,
            "declares entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://evil.example/x.dtd"><rss/>',
            XMLSecurityError,
            "declares entities",
        ),
        (b"<rss><channel><item><title>unclosed</channel></rss>", InputError, "malformed feed"),
        (b"<opml><body/></opml>", InputError, "not an RSS or Atom feed"),
    ],
)
def test_bad_feeds(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        fetch.parse_feed(data, "feed.xml")


# -- the web ----------------------------------------------------------------------------------


def test_fetch_a_page(site: NewsServer, media_settings: Settings, http: httpx.Client) -> None:
    doc = fetch.fetch_url(site.url("/harbour.html"), media_settings, http)
    assert doc.kind == "html" and doc.url == site.url("/harbour.html")
    moved = fetch.fetch_url(site.url("/redirect"), media_settings, http)
    assert moved.url == site.url("/harbour.html") and moved.origin == site.url("/redirect")
    sniffed = fetch.fetch_url(site.url("/octet"), media_settings, http)
    assert sniffed.kind == "html"  # application/octet-stream: the bytes decide


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing-page.html", "HTTP 404"),
        ("/harbour-master.html", "HTTP 500"),
        ("/image.png", "content type image/png is not"),
        ("/pdf-as-html", "a PDF document"),
        ("/big.html", "larger than media_max_bytes"),
        ("/slow.html", "media_timeout"),
    ],
)
def test_fetch_errors(
    site: NewsServer, media_settings: Settings, http: httpx.Client, path: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as info:
        fetch.fetch_url(site.url(path), media_settings, http)
    assert site.url(path) in str(info.value)


def test_unreachable_site(media_settings: Settings, http: httpx.Client) -> None:
    url = f"http://127.0.0.1:{closed_port()}/story.html"
    with pytest.raises(InputError, match="unreachable") as info:
        fetch.fetch_url(url, media_settings, http)
    assert url in str(info.value)


def test_feed_items_are_fetched_or_fall_back_to_their_content(
    site: NewsServer, media_settings: Settings, http: httpx.Client
) -> None:
    docs = list(fetch.documents([site.url("/feed_rss.xml")], media_settings, http=http))
    assert all(isinstance(d, fetch.Document) for d in docs)
    first, second = docs
    assert isinstance(first, fetch.Document) and isinstance(second, fetch.Document)
    assert first.url == site.url("/harbour.html") and first.data.startswith(b"<!DOCTYPE html>")
    assert first.feed_item is not None and first.origin == site.url("/feed_rss.xml")
    assert second.url == site.url("/missing-page.html")  # 404: the item's own text is used
    assert b"widening inquiry" in second.data
    offline = list(
        fetch.documents([site.url("/feed_rss.xml")], media_settings, fetch_links=False, http=http)
    )
    assert [d.data[:20] for d in offline if isinstance(d, fetch.Document)] == [
        b"Port officials in Va",  # the item's description
        b"<p>The Grey Albatros",  # its content:encoded
    ]


# -- a batch ------------------------------------------------------------------------------------


def test_batch_continues_after_every_kind_of_bad_item(
    tmp_path: Path, site: NewsServer, store: Store, media_settings: Settings, http: httpx.Client
) -> None:
    (tmp_path / "scan.pdf").write_bytes(PDF)
    (tmp_path / "broken.html").write_bytes(
        b"<html><body><div><p>Customs officers boarded the tanker Grey Albatross in Valmora "
        b"on Wednesday and found its logbooks missing<p>The crew said the logbooks had been "
        b"lost in a storm<table><tr><td>"
    )
    targets = [
        site.url("/harbour.html"),
        str(tmp_path / "scan.pdf"),
        site.url("/missing-page.html"),
        f"http://127.0.0.1:{closed_port()}/x.html",
        site.url("/big.html"),
        site.url("/french.html"),
        str(tmp_path / "broken.html"),
        site.url("/harbour_syndicated.html"),
        site.url("/harbour.html"),
        str(tmp_path / "nothing-here.txt"),
        site.url("/feed_atom.xml"),
    ]
    report = add_media(store, media_settings, targets, http=http)
    statuses = [(i.source.replace(site.base, ""), i.status) for i in report.items]
    assert [s for _, s in statuses] == [
        "new",  # harbour.html
        "error",  # PDF
        "error",  # 404
        "error",  # unreachable
        "error",  # too large
        "error",  # French, not in media_languages
        "new",  # broken HTML still has text
        "copy",  # the syndicated copy, published a day earlier
        "duplicate",
        "error",  # missing file
        "new",  # Atom item 1: its page
        "new",  # Atom item 2: 500, so its XHTML content
    ], statuses
    errors = [i.error or "" for i in report.items if i.status == "error"]
    assert "a PDF document" in errors[0] and "HTTP 404" in errors[1]
    assert "unreachable" in errors[2] and "media_max_bytes" in errors[3]
    assert "language 'fr'" in errors[4] and "REDLINE_MEDIA_LANGUAGES" in errors[4]
    assert "no such file" in errors[5]
    copy = report.items[7]
    assert copy.original_id == copy.id  # published earlier: now the story's original
    assert report.counts() == {"new": 4, "copy": 1, "duplicate": 1, "error": 6}
    assert not report.all_failed
    assert media_store.count_articles(store) == 5
    # One audit record for the batch, and the chain still verifies.
    assert report.audit_seq is not None
    assert audit.verify(store).ok


def test_any_language_when_the_setting_is_empty(
    site: NewsServer, store: Store, media_settings: Settings, http: httpx.Client
) -> None:
    settings = replace(media_settings, media_languages="")
    report = add_media(store, settings, [site.url("/french.html")], http=http)
    assert [i.status for i in report.items] == ["new"]
    assert report.items[0].language == "fr"


def test_all_failed(store: Store, media_settings: Settings, tmp_path: Path) -> None:
    report = add_media(store, media_settings, [str(tmp_path / "none.html")])
    assert report.all_failed
