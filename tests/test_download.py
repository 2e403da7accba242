"""`lists update` against a local HTTP server: retries, unchanged files, failures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from redline import lists
from redline.errors import ConfigError, DownloadError
from redline.settings import Settings
from redline.store import Store
from tests.conftest import person, write_ftm


class Server:
    """A loopback server whose answers a test scripts path by path."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, list[int]] = {}
        self.truncate: set[str] = set()
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                pending = server.failures.get(self.path)
                if pending:
                    self.send_error(pending.pop(0))
                    return
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if self.path in server.truncate else body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def _body(tmp_path: Path, n: int) -> bytes:
    return write_ftm(tmp_path / f"src{n}.jsonl", [person(i) for i in range(n)]).read_bytes()


def test_update_downloads_loads_and_skips_unchanged(
    store: Store, settings: Settings, server: Server, tmp_path: Path
) -> None:
    server.files["/list.jsonl"] = _body(tmp_path, 30)
    url = server.url + "/list.jsonl"
    (first,) = lists.update(store, settings, ["ftm"], urls=[url])
    assert first.status == "active" and first.snapshot is not None
    assert first.snapshot.origin == url and first.snapshot.fetched_at
    (second,) = lists.update(store, settings, ["ftm"], urls=[url])
    assert second.status == "unchanged"
    assert len(store.snapshots("ftm")) == 1
    server.files["/list.jsonl"] = _body(tmp_path, 31)
    (third,) = lists.update(store, settings, ["ftm"], urls=[url])
    assert third.status == "active" and third.snapshot is not None
    assert third.snapshot.entity_count == 31


def test_update_retries_server_errors(
    store: Store, settings: Settings, server: Server, tmp_path: Path
) -> None:
    server.files["/flaky.jsonl"] = _body(tmp_path, 10)
    server.failures["/flaky.jsonl"] = [503]
    (result,) = lists.update(store, settings, ["ftm"], urls=[server.url + "/flaky.jsonl"])
    assert result.status == "active"
    assert server.hits["/flaky.jsonl"] == 2


def test_failed_update_keeps_the_active_snapshot(
    store: Store, settings: Settings, server: Server, tmp_path: Path
) -> None:
    server.files["/list.jsonl"] = _body(tmp_path, 30)
    (good,) = lists.update(store, settings, ["ftm"], urls=[server.url + "/list.jsonl"])
    (missing,) = lists.update(store, settings, ["ftm"], urls=[server.url + "/gone.jsonl"])
    assert missing.status == "failed" and "404" in missing.message
    server.truncate.add("/list.jsonl")
    server.files["/list.jsonl"] = _body(tmp_path, 40)
    (cut,) = lists.update(store, settings, ["ftm"], urls=[server.url + "/list.jsonl"])
    assert cut.status == "failed" and "attempts" in cut.message
    assert store.active_snapshot("ftm") == good.snapshot
    assert not list((settings.home / "downloads").rglob("*.part"))


def test_update_rules(store: Store, settings: Settings) -> None:
    with pytest.raises(ConfigError):
        lists.update(store, settings, ["ftm", "csv"], urls=["http://127.0.0.1:9/x"])
    (skipped,) = lists.update(store, settings, ["ftm"])
    assert skipped.status == "skipped"


def test_fetch_raises_download_error_for_client_errors(
    settings: Settings, server: Server, tmp_path: Path
) -> None:
    from redline.download import fetch_all

    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch_all([server.url + "/nope"], tmp_path / "dl", settings)
