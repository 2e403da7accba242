"""The store's tables, as SQLAlchemy Core metadata shared by SQLite and PostgreSQL.

Entity bodies are content-addressed (``entity_blobs``): a snapshot lists which entity
versions it holds, so that a daily update which changes fifty entities stores fifty new
bodies, not fifteen thousand.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False, index=True),
    # loading → active | held | inactive; a killed load never commits, so 'loading' rows
    # are never seen by other connections.
    Column("status", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("files", Text, nullable=False),  # JSON: [{name, sha256, size}]
    Column("published_at", String(32)),
    Column("fetched_at", String(32)),
    Column("loaded_at", String(32), nullable=False),
    Column("activated_at", String(32)),
    Column("entity_count", Integer, nullable=False, default=0),
    Column("relation_count", Integer, nullable=False, default=0),
    Column("skipped_count", Integer, nullable=False, default=0),
    Column("skipped", Text, nullable=False, default="[]"),  # JSON: first RecordErrors
    Column("schema_counts", Text, nullable=False, default="{}"),  # JSON: {schema: n}
    Column("sample", Boolean, nullable=False, default=False),
    Column("forced", Boolean, nullable=False, default=False),
    Column("origin", Text),  # where the files came from: paths or URLs
)

entity_blobs = Table(
    "entity_blobs",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("data", Text, nullable=False),  # FtM JSON
)

snapshot_entities = Table(
    "snapshot_entities",
    metadata,
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("entity_id", String(128), primary_key=True),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("hash", String(64), ForeignKey("entity_blobs.hash"), nullable=False),
    Index("ix_snapshot_entities_entity", "entity_id"),
)

active = Table(
    "active",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("activated_at", String(32), nullable=False),
)
