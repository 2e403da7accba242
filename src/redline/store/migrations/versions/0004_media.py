"""Adverse media: articles, grouped into stories of syndicated copies, and the LSH
buckets of their MinHash signatures that find copies without comparing every pair.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text),
        sa.Column("canonical_url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.String(256)),
        sa.Column("author", sa.Text),
        sa.Column("published", sa.String(32)),
        sa.Column("language", sa.String(8)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("fetched_at", sa.String(32), nullable=False),
        sa.Column("attributions", sa.Text, nullable=False),
        sa.Column("minhash", sa.LargeBinary, nullable=False),
        sa.Column("minhash_perm", sa.Integer, nullable=False),
        sa.Column("minhash_seed", sa.BigInteger, nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("original_id", sa.Integer, sa.ForeignKey("articles.id")),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_table(
        "article_buckets",
        sa.Column("bucket", sa.String(24), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )


def downgrade() -> None:
    # Downgrades would drop data; redline never drops data to change schema.
    raise RuntimeError("redline migrations are forward-only")
