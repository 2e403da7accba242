"""A raw connection to a test store, as someone editing the database by hand would use:
plain SQL, on SQLite or PostgreSQL, each ``execute`` in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, text

from redline.settings import Settings


class RawDatabase:
    """``execute(sql, params)`` with ``:name`` parameters, committed at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        with self.engine.begin() as conn:
            if params is None:
                conn.exec_driver_sql(sql)  # as written: '{"i":9}' is JSON, not a parameter
            else:
                conn.execute(text(sql), params)

    def drop_append_only(self, table: str) -> None:
        """Take off the triggers that make ``table`` append-only, as a forger would."""
        if self.dialect == "sqlite":
            for action in ("update", "delete"):
                self.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        else:
            self.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


@contextmanager
def raw_database(settings: Settings) -> Iterator[RawDatabase]:
    engine = create_engine(settings.store_url)
    try:
        yield RawDatabase(engine)
    finally:
        engine.dispose()
