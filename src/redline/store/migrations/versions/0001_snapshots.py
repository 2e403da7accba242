"""Snapshots of list sources, content-addressed entity bodies, the active pointer.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("published_at", sa.String(32)),
        sa.Column("fetched_at", sa.String(32)),
        sa.Column("loaded_at", sa.String(32), nullable=False),
        sa.Column("activated_at", sa.String(32)),
        sa.Column("entity_count", sa.Integer, nullable=False),
        sa.Column("relation_count", sa.Integer, nullable=False),
        sa.Column("skipped_count", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Text, nullable=False),
        sa.Column("schema_counts", sa.Text, nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False),
        sa.Column("forced", sa.Boolean, nullable=False),
        sa.Column("origin", sa.Text),
    )
    op.create_table(
        "entity_blobs",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "snapshot_entities",
        sa.Column(
            "snapshot_id",
            sa.Integer,
            sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("entity_id", sa.String(128), primary_key=True),
        sa.Column("schema", sa.String(32), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), sa.ForeignKey("entity_blobs.hash"), nullable=False),
    )
    op.create_index("ix_snapshot_entities_entity", "snapshot_entities", ["entity_id"])
    op.create_table(
        "active",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("activated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    # Downgrades would drop data; redline never drops data to change schema.
    raise RuntimeError("redline migrations are forward-only")
