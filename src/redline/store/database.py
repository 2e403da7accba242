"""The store: one database (a SQLite file by default, PostgreSQL by URL) holding every
snapshot of every source and which snapshot of each source is active."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from redline.entities import Entity
from redline.errors import NotFoundError, StoreError
from redline.store import tables as t
from redline.store.snapshots import (
    SnapshotInfo,
    SnapshotMeta,
    SnapshotWriter,
    now_iso,
    set_active,
    shrink_check,
)

MIGRATIONS = Path(__file__).parent / "migrations"

#: The writers that must run one after another on PostgreSQL (see Store.transaction):
#: a Literal, so that a misspelt name is a type error, not a lock nobody else takes.
Serial = Literal["activation", "portfolio", "alert-decisions", "api-keys"]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL keeps readers going during a load and, with synchronous=NORMAL, never leaves a
    # corrupt file after a killed process; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


#: Built once: a screening asks for the entities of its matches after every query.
_ACTIVE_BY_ID = (
    select(t.snapshot_entities.c.entity_id, t.entity_blobs.c.data)
    .join(t.entity_blobs, t.entity_blobs.c.hash == t.snapshot_entities.c.hash)
    .join(t.active, t.active.c.snapshot_id == t.snapshot_entities.c.snapshot_id)
    .where(t.snapshot_entities.c.entity_id.in_(bindparam("ids", expanding=True)))
)


class Store:
    """Access to the database. Open it with :func:`redline.store.open_store`."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(url, future=True)
        except Exception as exc:  # bad URL or missing driver
            raise StoreError(f"cannot open store {url!r}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            # The driver opens a transaction at the first write of a ``begin()`` block, so
            # a whole load is one transaction; reads before that write run outside it,
            # which is why writers use :meth:`transaction`.
            event.listen(self.engine, "connect", _sqlite_pragmas)

    # -- lifecycle ---------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to the newest migration; never drops data."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    def check(self) -> dict[str, Any]:
        """Integrity facts: the database's own check and the tables present."""
        with self.engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            result = "ok"
            if self.engine.dialect.name == "sqlite":
                result = str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
        return {"integrity": result, "tables": tables}

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self, serial: Serial | None = None) -> Iterator[Connection]:
        """A transaction for writing, committed at the end of the ``with`` block.

        A block that reads and then writes what it read (the next import revision, an
        alert's status, the latest logged activation) must not let another writer in
        between. On SQLite every such transaction holds the write lock from its first
        statement (``BEGIN IMMEDIATE``, waiting the busy timeout for another writer):
        the driver would begin only at the first write. Readers are not held up, the
        file being in WAL mode. On PostgreSQL, transactions naming the same ``serial``
        run one after another (a transaction-scoped advisory lock); the others run side
        by side as before.
        """
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif serial is not None and self.engine.dialect.name == "postgresql":
                lock = zlib.crc32(f"redline:{serial}".encode())
                conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
            yield conn

    @contextmanager
    def write_snapshot(self, meta: SnapshotMeta) -> Iterator[SnapshotWriter]:
        """Open a transaction holding a new snapshot of ``meta.source``.

        Everything written through the yielded writer, including activation in
        :meth:`SnapshotWriter.finish`, commits at the end of the ``with`` block or not at
        all.
        """
        with self.transaction(serial="activation") as conn:
            result = conn.execute(
                insert(t.snapshots).values(
                    source=meta.source,
                    status="loading",
                    content_hash=meta.content_hash,
                    files=json.dumps(meta.files),
                    fetched_at=meta.fetched_at,
                    loaded_at=now_iso(),
                    entity_count=0,
                    relation_count=0,
                    skipped_count=0,
                    skipped="[]",
                    schema_counts="{}",
                    sample=meta.sample,
                    forced=False,
                    origin=meta.origin,
                )
            )
            key = result.inserted_primary_key
            if key is None:
                raise StoreError("the database did not return the new snapshot's id")
            yield SnapshotWriter(conn, int(key[0]), meta.source)

    def activate(
        self, snapshot_id: int, *, force: bool = False, shrink_limit: float = 0.1
    ) -> SnapshotInfo:
        """Make a stored snapshot its source's active one (for held or older snapshots)."""
        with self.transaction(serial="activation") as conn:
            info = self._snapshot(conn, snapshot_id)
            guard = shrink_check(conn, info.source, snapshot_id, info.entity_count, shrink_limit)
            if guard is not None and not force:
                raise guard
            set_active(conn, info.source, snapshot_id)
            return self._snapshot(conn, snapshot_id)

    # -- reading -----------------------------------------------------------------------

    def _snapshot(self, conn: Any, snapshot_id: int) -> SnapshotInfo:
        row = conn.execute(select(t.snapshots).where(t.snapshots.c.id == snapshot_id)).first()
        if row is None:
            raise NotFoundError(f"no snapshot with id {snapshot_id}")
        return SnapshotInfo.from_row(row)

    def snapshot(self, snapshot_id: int) -> SnapshotInfo:
        """One snapshot by id."""
        with self.engine.connect() as conn:
            return self._snapshot(conn, snapshot_id)

    def snapshots(self, source: str | None = None) -> list[SnapshotInfo]:
        """Every stored snapshot, newest first, optionally of one source."""
        query = select(t.snapshots).where(t.snapshots.c.status != "loading")
        if source:
            query = query.where(t.snapshots.c.source == source)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.snapshots.c.id.desc())).fetchall()
        return [SnapshotInfo.from_row(r) for r in rows]

    def active_snapshots(self) -> list[SnapshotInfo]:
        """The active snapshot of each source that has one, by source id."""
        query = (
            select(t.snapshots)
            .join(t.active, t.active.c.snapshot_id == t.snapshots.c.id)
            .order_by(t.active.c.source)
        )
        with self.engine.connect() as conn:
            return [SnapshotInfo.from_row(r) for r in conn.execute(query).fetchall()]

    def active_snapshot(self, source: str) -> SnapshotInfo | None:
        """The active snapshot of one source, or None."""
        for info in self.active_snapshots():
            if info.source == source:
                return info
        return None

    def iter_entities(self, snapshot_id: int, *, parties_only: bool = False) -> Iterator[Entity]:
        """Every entity of a snapshot, in id order, streamed from the database."""
        query = (
            select(t.entity_blobs.c.data)
            .join(t.entity_blobs, t.entity_blobs.c.hash == t.snapshot_entities.c.hash)
            .where(t.snapshot_entities.c.snapshot_id == snapshot_id)
            .order_by(t.snapshot_entities.c.entity_id)
        )
        with (
            self.engine.connect() as conn,
            conn.execution_options(yield_per=1000).execute(query) as rows,
        ):
            for (data,) in rows:
                entity = Entity.from_stored(json.loads(data))
                if parties_only and not entity.is_party:
                    continue
                yield entity

    def iter_active_entities(
        self, sources: Iterable[str] | None = None, *, parties_only: bool = False
    ) -> Iterator[Entity]:
        """Every entity of the active snapshots (of ``sources`` when given)."""
        wanted = set(sources) if sources else None
        for info in self.active_snapshots():
            if wanted is None or info.source in wanted:
                yield from self.iter_entities(info.id, parties_only=parties_only)

    def entity_versions(self, snapshot_id: int) -> dict[str, str]:
        """``entity_id → content hash`` for a snapshot: what a diff compares."""
        query = select(t.snapshot_entities.c.entity_id, t.snapshot_entities.c.hash).where(
            t.snapshot_entities.c.snapshot_id == snapshot_id
        )
        with self.engine.connect() as conn:
            return {row[0]: row[1] for row in conn.execute(query)}

    def blobs(self, hashes: Iterable[str]) -> dict[str, Entity]:
        """Entities by content hash."""
        wanted = list(set(hashes))
        out: dict[str, Entity] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = select(t.entity_blobs.c.hash, t.entity_blobs.c.data).where(
                    t.entity_blobs.c.hash.in_(chunk)
                )
                for digest, data in conn.execute(query):
                    out[digest] = Entity.from_stored(json.loads(data))
        return out

    def active_entities(self, entity_ids: Iterable[str]) -> dict[str, Entity]:
        """Entities of the active snapshots by id, in one query per 500 ids; ids not in
        the active lists are left out."""
        wanted = list(set(entity_ids))
        out: dict[str, Entity] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                rows = conn.execute(_ACTIVE_BY_ID, {"ids": wanted[start : start + 500]})
                for entity_id, data in rows:
                    out[entity_id] = Entity.from_stored(json.loads(data))
        return out

    def get_entity(self, entity_id: str) -> tuple[Entity, SnapshotInfo]:
        """An entity of an active snapshot by id, with the snapshot it comes from."""
        query = (
            select(t.entity_blobs.c.data, t.snapshot_entities.c.snapshot_id)
            .join(t.entity_blobs, t.entity_blobs.c.hash == t.snapshot_entities.c.hash)
            .join(t.active, t.active.c.snapshot_id == t.snapshot_entities.c.snapshot_id)
            .where(t.snapshot_entities.c.entity_id == entity_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            if row is None:
                raise NotFoundError(f"no entity {entity_id!r} in the active lists")
            return Entity.from_stored(json.loads(row[0])), self._snapshot(conn, int(row[1]))
