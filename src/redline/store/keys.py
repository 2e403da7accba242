"""API keys for the HTTP server: created once in plaintext, stored only as a digest.

A key reads ``rl_<prefix>_<secret>``: the prefix (8 hex characters, not secret) names
the key in listings, logs and ``redline keys revoke``; the secret carries 256 bits from
:mod:`secrets`. The store keeps the SHA-256 digest of the whole key, so a copy of the
database does not give anyone a working key. Creating and revoking a key are recorded in
the audit log (prefix, name, role, who) — never the key itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from redline.errors import ConfigError, NotFoundError
from redline.store import audit as chain
from redline.store import tables as t
from redline.store.database import Store
from redline.store.snapshots import now_iso

#: The roles a key can have, least to most powerful.
ROLES = ("viewer", "analyst", "admin")
KEY_PREFIX = "rl_"
CREATED = "key.created"
REVOKED = "key.revoked"


@dataclass(frozen=True)
class ApiKey:
    """What the store knows about a key (everything but the key)."""

    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "active": self.active}

    @classmethod
    def from_row(cls, row: Any) -> ApiKey:
        m = row._mapping
        return cls(
            id=int(m["id"]),
            name=m["name"],
            role=m["role"],
            prefix=m["prefix"],
            created_at=m["created_at"],
            created_by=m["created_by"],
            revoked_at=m["revoked_at"],
        )


def digest_of(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def prefix_of(key: str) -> str | None:
    """The prefix part of a well-formed key, or None for anything else."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = key[len(KEY_PREFIX) :].partition("_")
    if not sep or len(prefix) != 8 or not secret:
        return None
    return prefix


def _clean_prefix(prefix: str) -> str:
    text = prefix.strip()
    if text.startswith(KEY_PREFIX):
        text = text[len(KEY_PREFIX) :]
    return text.split("_", 1)[0]


def create_key(store: Store, name: str, role: str, *, created_by: str) -> tuple[ApiKey, str]:
    """A new key with ``role``: returns its record and the plaintext key, which is not
    kept anywhere and cannot be shown again."""
    name = name.strip()
    created_by = created_by.strip()
    if not name or len(name) > 128:
        raise ConfigError("a key needs a name of 1 to 128 characters")
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}")
    if not created_by or len(created_by) > 128:
        raise ConfigError("say who creates the key (1 to 128 characters)")
    for _ in range(5):
        prefix = secrets.token_hex(4)
        key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with store.transaction() as conn:
                result = conn.execute(
                    insert(t.api_keys).values(
                        name=name,
                        role=role,
                        prefix=prefix,
                        digest=digest_of(key),
                        created_at=now_iso(),
                        created_by=created_by,
                        revoked_at=None,
                    )
                )
                chain.append(
                    conn, CREATED, {"prefix": prefix, "name": name, "role": role, "by": created_by}
                )
                assert result.inserted_primary_key is not None
                key_id = int(result.inserted_primary_key[0])
                row = conn.execute(select(t.api_keys).where(t.api_keys.c.id == key_id)).one()
            return ApiKey.from_row(row), key
        except IntegrityError:
            continue  # a prefix collision (one in four billion): draw again
    raise ConfigError("could not draw a unique key prefix; try again")


def list_keys(store: Store) -> list[ApiKey]:
    """Every key ever created, oldest first, revoked ones included."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.api_keys).order_by(t.api_keys.c.id)).fetchall()
    return [ApiKey.from_row(r) for r in rows]


def get_key(store: Store, prefix: str) -> ApiKey:
    """One key by its prefix (``rl_`` optional)."""
    clean = _clean_prefix(prefix)
    with store.engine.connect() as conn:
        row = conn.execute(select(t.api_keys).where(t.api_keys.c.prefix == clean)).first()
    if row is None:
        raise NotFoundError(f"no API key with prefix {prefix!r}")
    return ApiKey.from_row(row)


def revoke_key(store: Store, prefix: str, *, revoked_by: str) -> ApiKey:
    """Revoke a key for good. Revoking a revoked key changes nothing and is not logged
    again, so that a retried request is harmless."""
    clean = _clean_prefix(prefix)
    with store.transaction(serial="api-keys") as conn:
        row = conn.execute(select(t.api_keys).where(t.api_keys.c.prefix == clean)).first()
        if row is None:
            raise NotFoundError(f"no API key with prefix {prefix!r}")
        key = ApiKey.from_row(row)
        if key.revoked_at is None:
            conn.execute(
                update(t.api_keys).where(t.api_keys.c.id == key.id).values(revoked_at=now_iso())
            )
            chain.append(
                conn,
                REVOKED,
                {"prefix": key.prefix, "name": key.name, "role": key.role, "by": revoked_by},
            )
            row = conn.execute(select(t.api_keys).where(t.api_keys.c.id == key.id)).one()
            key = ApiKey.from_row(row)
    return key


def verify_key(store: Store, key: str) -> ApiKey | None:
    """The record of a presented key, or None when no key matches. A revoked key is
    returned (``active`` False) so that the caller can say so.

    The lookup is by the non-secret prefix and the digests are compared in constant
    time, so response times say nothing about how close a guess was.
    """
    prefix = prefix_of(key)
    if prefix is None:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(select(t.api_keys).where(t.api_keys.c.prefix == prefix)).first()
    if row is None:
        return None
    if not hmac.compare_digest(str(row._mapping["digest"]), digest_of(key)):
        return None
    return ApiKey.from_row(row)


def any_keys(store: Store) -> bool:
    """Whether at least one active key exists (the server warns when none does)."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(t.api_keys.c.id).where(t.api_keys.c.revoked_at.is_(None)).limit(1)
        ).first()
    return row is not None
