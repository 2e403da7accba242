"""Adverse media: the mentions of listed entities and portfolio customers found in stored
articles, and which gazetteer (list versions and portfolio) each article was linked with,
so that ``redline media link`` relinks only what a list update made stale.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("party_kind", sa.String(16), nullable=False),
        sa.Column("party_id", sa.String(128), nullable=False),
        sa.Column("party_caption", sa.Text, nullable=False),
        sa.Column("schema", sa.String(32), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_media_mentions_article", "media_mentions", ["article_id"])
    op.create_index("ix_media_mentions_party", "media_mentions", ["party_kind", "party_id"])
    op.create_table(
        "media_linked",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("gazetteer", sa.String(32), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    # Downgrades would drop data; redline never drops data to change schema.
    raise RuntimeError("redline migrations are forward-only")
