"""Store access for alerts and the decisions taken on them.

An alert is one customer × listed entity pair that matched, with everything it was
raised on; a decision is appended, never edited. The rules (when to raise, when to stay
quiet, what to discount) live in :mod:`redline.screening.alerts`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from redline.entities import Entity
from redline.errors import NotFoundError, StoreError
from redline.store import tables as t
from redline.store.database import Store
from redline.store.snapshots import now_iso

CHUNK = 500


@dataclass(frozen=True)
class Alert:
    """One alert as stored."""

    id: int
    run_id: int
    customer_id: str
    entity_id: str
    source: str
    snapshot_id: int
    schema: str
    caption: str
    score: float
    algorithm: str
    explanation: dict[str, Any]
    customer_hash: str
    entity_hash: str
    entity_version: str
    customer_data: dict[str, Any]
    status: str
    reason: str | None
    created_at: str
    updated_at: str
    previous_id: int | None
    superseded_by: int | None
    changes: dict[str, Any] | None

    @property
    def customer(self) -> Entity:
        """The customer record the alert was raised on."""
        return Entity.from_dict(self.customer_data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "run_id": self.run_id,
            "status": self.status,
            "reason": self.reason,
            "customer_id": self.customer_id,
            "customer_caption": Entity.from_dict(self.customer_data).caption,
            "entity_id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "source": self.source,
            "snapshot_id": self.snapshot_id,
            "score": round(self.score, 4),
            "algorithm": self.algorithm,
            "explanation": self.explanation,
            "customer_hash": self.customer_hash,
            "entity_hash": self.entity_hash,
            "entity_version": self.entity_version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "previous_id": self.previous_id,
            "superseded_by": self.superseded_by,
            "changes": self.changes,
        }

    @classmethod
    def from_row(cls, row: Any) -> Alert:
        m = row._mapping
        return cls(
            id=int(m["id"]),
            run_id=int(m["run_id"]),
            customer_id=m["customer_id"],
            entity_id=m["entity_id"],
            source=m["source"],
            snapshot_id=int(m["snapshot_id"]),
            schema=m["schema"],
            caption=m["caption"],
            score=float(m["score"]),
            algorithm=m["algorithm"],
            explanation=json.loads(m["explanation"]),
            customer_hash=m["customer_hash"],
            entity_hash=m["entity_hash"],
            entity_version=m["entity_version"],
            customer_data=json.loads(m["customer_data"]),
            status=m["status"],
            reason=m["reason"],
            created_at=m["created_at"],
            updated_at=m["updated_at"],
            previous_id=m["previous_id"],
            superseded_by=m["superseded_by"],
            changes=json.loads(m["changes"]) if m["changes"] else None,
        )


def current_alerts(conn: Connection, customer_ids: Iterable[str]) -> dict[tuple[str, str], Alert]:
    """The current (not superseded) alert of every pair involving these customers."""
    wanted = sorted(set(customer_ids))
    out: dict[tuple[str, str], Alert] = {}
    for start in range(0, len(wanted), CHUNK):
        query = select(t.alerts).where(
            t.alerts.c.customer_id.in_(wanted[start : start + CHUNK]),
            t.alerts.c.superseded_by.is_(None),
        )
        for row in conn.execute(query):
            alert = Alert.from_row(row)
            out[(alert.customer_id, alert.entity_id)] = alert
    return out


def current_by_status(
    conn: Connection, statuses: Iterable[str]
) -> list[tuple[int, str, str, str, str]]:
    """(id, customer, entity, source, status) of every current alert in ``statuses``:
    the columns a sweep needs, without reading each alert's JSON."""
    query = select(
        t.alerts.c.id,
        t.alerts.c.customer_id,
        t.alerts.c.entity_id,
        t.alerts.c.source,
        t.alerts.c.status,
    ).where(t.alerts.c.superseded_by.is_(None), t.alerts.c.status.in_(sorted(statuses)))
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in conn.execute(query)]


def entity_blobs(conn: Connection, hashes: Iterable[str]) -> dict[str, Entity]:
    """Listed entities by content hash, read in the caller's transaction."""
    wanted = sorted(set(hashes))
    out: dict[str, Entity] = {}
    for start in range(0, len(wanted), CHUNK):
        query = select(t.entity_blobs.c.hash, t.entity_blobs.c.data).where(
            t.entity_blobs.c.hash.in_(wanted[start : start + CHUNK])
        )
        for digest, data in conn.execute(query):
            out[digest] = Entity.from_stored(json.loads(data))
    return out


def insert_alert(conn: Connection, values: dict[str, Any]) -> int:
    """Store a new alert; ``explanation``, ``customer_data`` and ``changes`` are JSON-ready."""
    stamp = now_iso()
    row = {
        **values,
        "explanation": json.dumps(values["explanation"], ensure_ascii=False, sort_keys=True),
        "customer_data": json.dumps(values["customer_data"], ensure_ascii=False, sort_keys=True),
        "changes": (
            json.dumps(values["changes"], ensure_ascii=False, sort_keys=True)
            if values.get("changes")
            else None
        ),
        "created_at": stamp,
        "updated_at": stamp,
    }
    key = conn.execute(insert(t.alerts).values(**row)).inserted_primary_key
    if key is None:
        raise StoreError("the database did not return the new alert's id")
    return int(key[0])


def mark_superseded(conn: Connection, old_id: int, new_id: int) -> None:
    """Point an alert at the newer alert that replaces it (its status stays as decided)."""
    conn.execute(
        update(t.alerts)
        .where(t.alerts.c.id == old_id)
        .values(superseded_by=new_id, updated_at=now_iso())
    )


def set_status(conn: Connection, alert_id: int, status: str, reason: str | None) -> None:
    """The alert's current status (the decision that set it is in ``decisions``)."""
    conn.execute(
        update(t.alerts)
        .where(t.alerts.c.id == alert_id)
        .values(status=status, reason=reason, updated_at=now_iso())
    )


def get_alert(conn: Connection, alert_id: int) -> Alert:
    """One alert by id, or NotFoundError."""
    row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFoundError(f"no alert with id {alert_id}")
    return Alert.from_row(row)


def list_alerts(
    store: Store,
    *,
    status: str | None = None,
    customer_id: str | None = None,
    entity_id: str | None = None,
    current_only: bool = True,
    limit: int | None = None,
) -> list[Alert]:
    """Alerts, newest first; by default only the current alert of each pair."""
    query = select(t.alerts).order_by(t.alerts.c.id.desc())
    if status:
        query = query.where(t.alerts.c.status == status)
    if customer_id:
        query = query.where(t.alerts.c.customer_id == customer_id)
    if entity_id:
        query = query.where(t.alerts.c.entity_id == entity_id)
    if current_only:
        query = query.where(t.alerts.c.superseded_by.is_(None))
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        return [Alert.from_row(r) for r in conn.execute(query)]


@dataclass(frozen=True)
class Decision:
    """One decision on one alert: what, why, who and when."""

    id: int
    alert_id: int
    decision: str
    reason: str
    user: str
    decided_at: str
    previous_status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "alert_id": self.alert_id,
            "decision": self.decision,
            "reason": self.reason,
            "user": self.user,
            "decided_at": self.decided_at,
            "previous_status": self.previous_status,
        }


def insert_decision(
    conn: Connection, alert_id: int, decision: str, reason: str, user: str, previous_status: str
) -> Decision:
    """Append a decision."""
    stamp = now_iso()
    key = conn.execute(
        insert(t.decisions).values(
            alert_id=alert_id,
            decision=decision,
            reason=reason,
            user=user,
            decided_at=stamp,
            previous_status=previous_status,
        )
    ).inserted_primary_key
    if key is None:
        raise StoreError("the database did not return the new decision's id")
    return Decision(int(key[0]), alert_id, decision, reason, user, stamp, previous_status)


def decisions_for(store: Store, alert_ids: Iterable[int]) -> dict[int, list[Decision]]:
    """Every decision on these alerts, oldest first, by alert id."""
    wanted = sorted(set(alert_ids))
    out: dict[int, list[Decision]] = {i: [] for i in wanted}
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), CHUNK):
            query = (
                select(t.decisions)
                .where(t.decisions.c.alert_id.in_(wanted[start : start + CHUNK]))
                .order_by(t.decisions.c.id)
            )
            for row in conn.execute(query):
                m = row._mapping
                out[int(m["alert_id"])].append(
                    Decision(
                        int(m["id"]),
                        int(m["alert_id"]),
                        m["decision"],
                        m["reason"],
                        m["user"],
                        m["decided_at"],
                        m["previous_status"],
                    )
                )
    return out
