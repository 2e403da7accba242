"""Shared fixtures: a fresh store per test and generators of small list files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.settings import Settings
from redline.store import Store, open_store

#: A PostgreSQL database the store suites also run against (``.ci/run`` starts one).
#: It is emptied before each test that uses it.
POSTGRES_URL = os.environ.get("REDLINE_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("REDLINE_TEST_REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError(
            "REDLINE_TEST_REQUIRE_POSTGRES is set but REDLINE_TEST_DATABASE_URL is not"
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules that set ``BOTH_BACKENDS = True`` run every test that uses the store on
    SQLite and, when a database is configured, on PostgreSQL."""
    if getattr(metafunc.module, "BOTH_BACKENDS", False) and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _empty_postgres(url: str) -> str:
    """Drop everything a previous test left in the test database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return url


@pytest.fixture
def settings(tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    url = _empty_postgres(POSTGRES_URL) if backend == "postgresql" else None
    if url is not None:  # for the CLI the test runs, in-process or as a subprocess
        monkeypatch.setenv("REDLINE_DATABASE_URL", url)
    return Settings(
        home=tmp_path / "home", download_retries=2, download_timeout=5.0, database_url=url
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    db = open_store(settings)
    yield db
    db.close()


def person(
    i: int, *, name: str | None = None, extra: dict[str, list[str]] | None = None
) -> dict[str, object]:
    """One FtM Person line as OpenSanctions would publish it."""
    props: dict[str, list[str]] = {
        "name": [name or f"Person Number {i}"],
        "birthDate": [f"19{50 + i % 50:02d}"],
        "country": ["ir"],
    }
    props.update(extra or {})
    return {"id": f"t-{i}", "schema": "Person", "properties": props, "datasets": ["test"]}


def write_ftm(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def ftm_file(tmp_path: Path) -> Path:
    return write_ftm(tmp_path / "list.jsonl", [person(i) for i in range(100)])


def run_cli(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``redline ARGS`` in a subprocess with ``REDLINE_HOME=home``, as a user runs it; a
    wide page so that tables keep ids and names whole."""
    env = {**os.environ, "REDLINE_HOME": str(home), "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "redline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
