"""API keys for the HTTP server: who may call it, and with which role.

Only a SHA-256 digest of each key is kept; the key itself is shown once, when it is
created. A revoked key keeps its row so that the audit log's references stay readable.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("revoked_at", sa.String(32)),
    )


def downgrade() -> None:
    # Downgrades would drop data; redline never drops data to change schema.
    raise RuntimeError("redline migrations are forward-only")
