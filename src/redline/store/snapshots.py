"""Snapshot records and the writer that turns a stream of entities into one snapshot.

A snapshot is written inside one database transaction from its first entity to its
activation, so a process killed at any moment leaves the store exactly as it was: the
previous snapshot active, nothing half-written visible.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from redline.entities import Entity
from redline.errors import ShrinkGuardError, StoreError
from redline.store import tables as t

BATCH = 2000


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class SnapshotInfo:
    """What the store knows about one snapshot of one source."""

    id: int
    source: str
    status: str
    content_hash: str
    files: list[dict[str, Any]]
    published_at: str | None
    fetched_at: str | None
    loaded_at: str
    activated_at: str | None
    entity_count: int
    relation_count: int
    skipped_count: int
    skipped: list[dict[str, Any]]
    schema_counts: dict[str, int]
    sample: bool
    forced: bool
    origin: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: Any) -> SnapshotInfo:
        m = row._mapping
        return cls(
            id=int(m["id"]),
            source=m["source"],
            status=m["status"],
            content_hash=m["content_hash"],
            files=json.loads(m["files"]),
            published_at=m["published_at"],
            fetched_at=m["fetched_at"],
            loaded_at=m["loaded_at"],
            activated_at=m["activated_at"],
            entity_count=int(m["entity_count"]),
            relation_count=int(m["relation_count"]),
            skipped_count=int(m["skipped_count"]),
            skipped=json.loads(m["skipped"]),
            schema_counts=json.loads(m["schema_counts"]),
            sample=bool(m["sample"]),
            forced=bool(m["forced"]),
            origin=m["origin"],
        )


@dataclass
class SnapshotMeta:
    """What a load knows about its input before and after parsing."""

    source: str
    content_hash: str
    files: list[dict[str, Any]]
    origin: str | None = None
    fetched_at: str | None = None
    sample: bool = False
    published_at: str | None = None
    skipped_count: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)


def insert_ignore(conn: Connection, table: Table) -> Insert:
    """An INSERT that leaves existing rows alone, in the connection's SQL dialect."""
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise StoreError(f"unsupported database dialect {name!r}")


class SnapshotWriter:
    """Adds entities to a new snapshot inside an open transaction.

    Created by :meth:`redline.store.Store.write_snapshot`; ``finish`` validates,
    activates (or holds) and lets the transaction commit.
    """

    def __init__(self, conn: Connection, snapshot_id: int, source: str) -> None:
        self.conn = conn
        self.snapshot_id = snapshot_id
        self.source = source
        self._seen: set[str] = set()
        self._blobs: list[dict[str, str]] = []
        self._rows: list[dict[str, Any]] = []
        self.entity_count = 0
        self.relation_count = 0
        self.schema_counts: dict[str, int] = {}

    def add(self, entity: Entity) -> bool:
        """Stage one entity; False when the snapshot already holds its id."""
        if entity.id in self._seen:
            return False
        self._seen.add(entity.id)
        digest = entity.content_hash()
        data = json.dumps(entity.to_dict(), ensure_ascii=False, separators=(",", ":"))
        self._blobs.append({"hash": digest, "data": data})
        self._rows.append(
            {
                "snapshot_id": self.snapshot_id,
                "entity_id": entity.id,
                "schema": entity.schema,
                "caption": entity.caption,
                "hash": digest,
            }
        )
        if entity.is_party:
            self.entity_count += 1
        else:
            self.relation_count += 1
        self.schema_counts[entity.schema] = self.schema_counts.get(entity.schema, 0) + 1
        if len(self._rows) >= BATCH:
            self.flush()
        return True

    def flush(self) -> None:
        """Write the staged rows (still inside the transaction)."""
        if self._rows:
            self.conn.execute(insert_ignore(self.conn, t.entity_blobs), self._blobs)
            self.conn.execute(insert(t.snapshot_entities), self._rows)
            self._blobs.clear()
            self._rows.clear()

    def finish(
        self,
        meta: SnapshotMeta,
        *,
        activate: bool,
        force: bool,
        shrink_limit: float,
        on_held: Callable[[ShrinkGuardError], None],
    ) -> str:
        """Record the counts, then activate, or hold the snapshot when it shrank too much.

        Returns the final status. A held snapshot is committed (so that ``--force`` can
        activate it later without parsing again) and ``on_held`` is told why.
        """
        self.flush()
        self.conn.execute(
            update(t.snapshots)
            .where(t.snapshots.c.id == self.snapshot_id)
            .values(
                entity_count=self.entity_count,
                relation_count=self.relation_count,
                schema_counts=json.dumps(self.schema_counts, sort_keys=True),
                published_at=meta.published_at,
                skipped_count=meta.skipped_count,
                skipped=json.dumps(meta.skipped, ensure_ascii=False),
                forced=force,
                status="inactive",
            )
        )
        if not activate:
            return "inactive"
        guard = shrink_check(
            self.conn, self.source, self.snapshot_id, self.entity_count, shrink_limit
        )
        if guard is not None and not force:
            self.conn.execute(
                update(t.snapshots)
                .where(t.snapshots.c.id == self.snapshot_id)
                .values(status="held")
            )
            on_held(guard)
            return "held"
        set_active(self.conn, self.source, self.snapshot_id)
        return "active"


def shrink_check(
    conn: Connection, source: str, snapshot_id: int, new_count: int, limit: float
) -> ShrinkGuardError | None:
    """The error to raise if ``new_count`` is more than ``limit`` below the active count."""
    row = conn.execute(
        select(t.snapshots.c.entity_count)
        .join(t.active, t.active.c.snapshot_id == t.snapshots.c.id)
        .where(t.active.c.source == source)
    ).first()
    if row is None:
        return None
    active_count = int(row[0])
    if active_count and new_count < active_count * (1.0 - limit):
        return ShrinkGuardError(source, str(snapshot_id), new_count, active_count, limit)
    return None


def set_active(conn: Connection, source: str, snapshot_id: int) -> None:
    """Point ``source`` at ``snapshot_id`` and mark the previous snapshot inactive."""
    stamp = now_iso()
    previous = conn.execute(
        select(t.active.c.snapshot_id).where(t.active.c.source == source)
    ).first()
    if previous is not None:
        conn.execute(
            update(t.snapshots).where(t.snapshots.c.id == previous[0]).values(status="inactive")
        )
        conn.execute(
            update(t.active)
            .where(t.active.c.source == source)
            .values(snapshot_id=snapshot_id, activated_at=stamp)
        )
    else:
        conn.execute(
            insert(t.active).values(source=source, snapshot_id=snapshot_id, activated_at=stamp)
        )
    conn.execute(
        update(t.snapshots)
        .where(t.snapshots.c.id == snapshot_id)
        .values(status="active", activated_at=stamp)
    )


def count_rows(conn: Connection, snapshot_id: int) -> int:
    """How many entity rows a snapshot has (parties and relations)."""
    return int(
        conn.execute(
            select(func.count())
            .select_from(t.snapshot_entities)
            .where(t.snapshot_entities.c.snapshot_id == snapshot_id)
        ).scalar_one()
    )
