"""Fixtures for the HTTP server: a home with the bundled OFAC sample loaded, one API key
per role, and a real uvicorn on 127.0.0.1 driven by httpx.

``live_server`` gives each test its own copy of the home (tests may write: decide
alerts, revoke keys, activate lists); ``shared_server`` is one server for a whole
session, for tests that only read.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from redline import lists
from redline.matching.screener import Screener
from redline.server import create_app
from redline.settings import Settings
from redline.store import open_store
from redline.store.keys import create_key

ROLES = ("viewer", "analyst", "admin")


def settings_for(home: Path, **overrides: object) -> Settings:
    """Server settings for a test home (small limits can be passed as overrides)."""
    return Settings(home=home, download_retries=1, download_timeout=5.0, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sample_home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the OFAC sample loaded and its screening index saved, built once per
    session; tests get copies of it."""
    home = tmp_path_factory.mktemp("sample-home") / "home"
    settings = settings_for(home)
    store = open_store(settings)
    try:
        lists.load_sample(store, settings)
        Screener.from_store(store, cache_dir=home / "index")
    finally:
        store.close()
    return home


@pytest.fixture
def server_home(sample_home_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample home."""
    home = tmp_path / "home"
    shutil.copytree(sample_home_template, home)
    return home


@pytest.fixture
def server_settings(server_home: Path) -> Settings:
    return settings_for(server_home)


def make_keys(settings: Settings) -> dict[str, str]:
    """One key per role, named after the role; returns role → plaintext key."""
    store = open_store(settings)
    try:
        return {role: create_key(store, role, role, created_by="tests")[1] for role in ROLES}
    finally:
        store.close()


@pytest.fixture
def api_keys(server_settings: Settings) -> dict[str, str]:
    return make_keys(server_settings)


@dataclass
class LiveServer:
    """A running server: its base URL, settings, app and a key per role."""

    url: str
    settings: Settings
    app: FastAPI
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, role: str | None = "admin", **kwargs: object) -> httpx.Client:
        """An httpx client for the server, sending the key of ``role`` (None: no key)."""
        headers = {"X-API-Key": self.keys[role]} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0, **kwargs)  # type: ignore[arg-type]

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until /readyz says the screener is loaded."""
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=10.0) as client:
            while time.monotonic() < deadline:
                if client.get("/readyz").status_code == 200:
                    return
                time.sleep(0.05)
        raise AssertionError("server did not become ready")


@dataclass
class _Running:
    server: uvicorn.Server
    thread: threading.Thread


def start_server(app: FastAPI) -> tuple[str, _Running]:
    """Run ``app`` under uvicorn on a free loopback port in a background thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", ws="none", http="h11", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    return f"http://127.0.0.1:{port}", _Running(server, thread)


def stop_server(running: _Running) -> None:
    running.server.should_exit = True
    running.thread.join(timeout=30)


@contextmanager
def serving(settings: Settings, keys: dict[str, str]) -> Iterator[LiveServer]:
    """A real server on 127.0.0.1 over ``settings``, ready to screen, stopped afterwards."""
    app = create_app(settings)
    url, running = start_server(app)
    live = LiveServer(url, settings, app, keys)
    try:
        live.wait_ready()
        yield live
    finally:
        stop_server(running)


def copied_home(template: Path, factory: pytest.TempPathFactory, name: str) -> Settings:
    """Settings over a private copy of the sample home."""
    home = factory.mktemp(name) / "home"
    shutil.copytree(template, home)
    return settings_for(home)


@pytest.fixture
def live_server(server_settings: Settings, api_keys: dict[str, str]) -> Iterator[LiveServer]:
    """A real server over a private copy of the sample home, ready to screen."""
    with serving(server_settings, api_keys) as live:
        yield live


@pytest.fixture(scope="session")
def shared_server(
    sample_home_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One server for the session, for tests that do not change anything."""
    settings = copied_home(sample_home_template, tmp_path_factory, "shared-home")
    with serving(settings, make_keys(settings)) as live:
        yield live
