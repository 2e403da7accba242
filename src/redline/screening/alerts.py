"""Alerts and decisions: when a match becomes an alert, when it stays quiet, who decided.

A pair (customer, listed entity) that matches raises an alert once. It stays quiet, in
whatever state a reviewer left it, until the screened data of either side changes
(their screened hashes differ from those the alert was raised on); then a new alert
supersedes it and shows what changed. Auto-discounting rules mark an alert whose
secondary facts contradict the match, with the reason; nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from redline.countries import country_code
from redline.entities import Entity
from redline.errors import ConfigError
from redline.lists import property_changes
from redline.screening.portfolio import screened_hash
from redline.settings import Settings
from redline.store import Store
from redline.store import alerts as db
from redline.store import audit as audit_store
from redline.store.alerts import Alert, Decision

STATUSES = ("open", "true_match", "false_positive", "escalated", "auto_discounted", "delisted")
#: Alerts a delisting closes: nobody has taken them up. A decided or escalated alert
#: keeps its status; the reviewer's decision stands.
DELISTABLE = ("open", "auto_discounted")
#: What a reviewer may decide, by the word the CLI uses, and the status it sets.
DECISIONS = {
    "true_match": "true_match",
    "false_positive": "false_positive",
    "escalate": "escalated",
    "escalated": "escalated",
}
RULES = ("birth_year", "gender", "nationality")


@dataclass(frozen=True)
class Hit:
    """A customer × listed entity pair that scored at or above the threshold, scored
    with the customer as the query (the direction ``redline match`` scores in)."""

    customer: Entity
    entity: Entity
    entity_version: str  # the entity's content hash in its snapshot
    source: str
    snapshot_id: int
    score: float
    algorithm: str
    explanation: dict[str, Any]


@dataclass
class RaiseCounts:
    """What raising a batch of hits did."""

    raised: int = 0
    realerted: int = 0
    discounted: int = 0
    quiet: int = 0
    alert_ids: list[int] = field(default_factory=list)

    def add(self, other: RaiseCounts) -> None:
        self.raised += other.raised
        self.realerted += other.realerted
        self.discounted += other.discounted
        self.quiet += other.quiet
        self.alert_ids.extend(other.alert_ids)

    def to_dict(self) -> dict[str, int]:
        return {
            "raised": self.raised,
            "realerted": self.realerted,
            "auto_discounted": self.discounted,
            "quiet": self.quiet,
        }


# -- auto-discounting -----------------------------------------------------------------


@dataclass(frozen=True)
class DiscountRules:
    """The auto-discount rules in force (from Settings)."""

    rules: frozenset[str]
    birth_years: int

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscountRules:
        names = frozenset(r.strip() for r in settings.auto_discount.split(",") if r.strip())
        unknown = sorted(names - set(RULES))
        if unknown:
            raise ConfigError(
                f"REDLINE_AUTO_DISCOUNT: unknown rule {', '.join(unknown)}; "
                f"known: {', '.join(RULES)}"
            )
        if settings.auto_discount_birth_years < 0:
            raise ConfigError("REDLINE_AUTO_DISCOUNT_BIRTH_YEARS must be 0 or more")
        return cls(names, settings.auto_discount_birth_years)

    def reason(self, customer: Entity, entity: Entity) -> str | None:
        """Why the pair is discounted, or None; only facts both sides state count."""
        reasons: list[str] = []
        if "birth_year" in self.rules:
            mine, theirs = _years(customer), _years(entity)
            if mine and theirs:
                gap = min(abs(a - b) for a in mine for b in theirs)
                if gap > self.birth_years:
                    reasons.append(
                        f"birth years differ by {gap} (> {self.birth_years}): customer "
                        f"{_join(mine)}, listed {_join(theirs)}"
                    )
        if "gender" in self.rules:
            mine_g, theirs_g = _gender(customer), _gender(entity)
            if mine_g and theirs_g and mine_g != theirs_g:
                reasons.append(f"gender differs: customer {mine_g}, listed {theirs_g}")
        if "nationality" in self.rules:
            mine_n, theirs_n = _nationalities(customer), _nationalities(entity)
            if mine_n and theirs_n and not mine_n & theirs_n:
                reasons.append(
                    f"nationality differs: customer {_join(mine_n)}, listed {_join(theirs_n)}"
                )
        return "; ".join(reasons) or None


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in sorted(values))  # type: ignore[type-var]


def _years(entity: Entity) -> set[int]:
    out: set[int] = set()
    for value in entity.get("birthDate"):
        head = value[:4]
        if len(head) == 4 and head.isdigit():
            out.add(int(head))
    return out


def _gender(entity: Entity) -> str | None:
    for value in entity.get("gender"):
        key = value.strip().lower()
        if key in ("male", "m", "man"):
            return "male"
        if key in ("female", "f", "woman"):
            return "female"
    return None


def _nationalities(entity: Entity) -> set[str]:
    out: set[str] = set()
    for prop in ("nationality", "citizenship"):
        for value in entity.get(prop):
            out.add(country_code(value) or value.strip().lower())
    return out


# -- raising --------------------------------------------------------------------------


def raise_alerts(
    conn: Connection, run_id: int, hits: Iterable[Hit], rules: DiscountRules
) -> RaiseCounts:
    """Turn hits into alerts inside the caller's transaction, each one audited.

    A pair whose current alert was raised on the same screened data of both sides is
    not raised again, whatever its status. Otherwise a new alert is stored (open, or
    auto_discounted with the reason) and supersedes the old one, carrying the property
    changes of the customer and of the listed entity since then.
    """
    best: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        key = (hit.customer.id, hit.entity.id)
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    counts = RaiseCounts()
    if not best:
        return counts
    current = db.current_alerts(conn, {c for c, _ in best})
    old_versions = db.entity_blobs(
        conn, [a.entity_version for k, a in current.items() if k in best]
    )
    for key in sorted(best):
        hit = best[key]
        customer_hash = screened_hash(hit.customer)
        entity_hash = screened_hash(hit.entity)
        previous = current.get(key)
        if (
            previous is not None
            and previous.customer_hash == customer_hash
            and previous.entity_hash == entity_hash
            and previous.status != "delisted"  # listed again: a new alert
        ):
            counts.quiet += 1
            continue
        changes: dict[str, Any] | None = None
        if previous is not None:
            before = old_versions.get(previous.entity_version)
            changes = {
                "customer": property_changes(previous.customer, hit.customer),
                "entity": property_changes(before, hit.entity) if before is not None else {},
            }
        reason = rules.reason(hit.customer, hit.entity)
        status = "auto_discounted" if reason else "open"
        alert_id = db.insert_alert(
            conn,
            {
                "run_id": run_id,
                "customer_id": hit.customer.id,
                "entity_id": hit.entity.id,
                "source": hit.source,
                "snapshot_id": hit.snapshot_id,
                "schema": hit.entity.schema,
                "caption": hit.entity.caption,
                "score": hit.score,
                "algorithm": hit.algorithm,
                "explanation": hit.explanation,
                "customer_hash": customer_hash,
                "entity_hash": entity_hash,
                "entity_version": hit.entity_version,
                "customer_data": hit.customer.to_dict(),
                "status": status,
                "reason": reason,
                "previous_id": previous.id if previous is not None else None,
                "changes": changes,
            },
        )
        if previous is not None:
            db.mark_superseded(conn, previous.id, alert_id)
            counts.realerted += 1
        counts.raised += 1
        counts.discounted += status == "auto_discounted"
        counts.alert_ids.append(alert_id)
        audit_store.append(
            conn,
            "alert.raised",
            {
                "alert": alert_id,
                "run": run_id,
                "customer": hit.customer.id,
                "entity": hit.entity.id,
                "source": hit.source,
                "snapshot": hit.snapshot_id,
                "score": round(hit.score, 4),
                "algorithm": hit.algorithm,
                "status": status,
                "reason": reason,
                "customer_hash": customer_hash,
                "entity_hash": entity_hash,
                "supersedes": previous.id if previous is not None else None,
            },
        )
    return counts


def mark_delisted(
    conn: Connection, run_id: int, listed: dict[str, dict[str, str]], snapshots: dict[str, int]
) -> list[int]:
    """Close the open and auto-discounted alerts whose listed party is gone from the
    active snapshot of its list (``listed``: source → entity ids → versions), inside
    the caller's transaction, each one audited; their ids.

    A delisted party is no new risk, but an open alert on it would sit in a reviewer's
    queue until someone noticed; marked ``delisted`` with the snapshot that dropped it,
    it leaves the queue and says why. Listed again later, the pair alerts anew.
    """
    marked: list[int] = []
    for alert_id, customer_id, entity_id, source, status in db.current_by_status(conn, DELISTABLE):
        if entity_id in listed.get(source, {}):
            continue
        snapshot = snapshots.get(source)
        where = f"snapshot {snapshot} of {source}" if snapshot is not None else source
        reason = f"no longer listed: {entity_id} is not in {where}"
        db.set_status(conn, alert_id, "delisted", reason)
        audit_store.append(
            conn,
            "alert.delisted",
            {
                "alert": alert_id,
                "run": run_id,
                "customer": customer_id,
                "entity": entity_id,
                "source": source,
                "snapshot": snapshot,
                "previous_status": status,
            },
        )
        marked.append(alert_id)
    return marked


# -- reviewing ------------------------------------------------------------------------


def alerts(
    store: Store,
    *,
    status: str | None = None,
    customer_id: str | None = None,
    entity_id: str | None = None,
    include_superseded: bool = False,
    limit: int | None = None,
) -> list[Alert]:
    """Alerts newest first: the current alert of each pair unless ``include_superseded``."""
    if status is not None and status not in STATUSES:
        raise ConfigError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    return db.list_alerts(
        store,
        status=status,
        customer_id=customer_id,
        entity_id=entity_id,
        current_only=not include_superseded,
        limit=limit,
    )


def alert_detail(store: Store, alert_id: int) -> dict[str, Any]:
    """One alert with its decisions, oldest first, and the alerts it replaced."""
    with store.engine.connect() as conn:
        alert = db.get_alert(conn, alert_id)
        chain: list[int] = []
        previous = alert.previous_id
        while previous is not None:
            chain.append(previous)
            previous = db.get_alert(conn, previous).previous_id
    decisions = db.decisions_for(store, [alert_id])[alert_id]
    return {
        **alert.to_dict(),
        "customer": alert.customer_data,
        "decisions": [d.to_dict() for d in decisions],
        "history": chain,
    }


def decide(
    store: Store, alert_id: int, decision: str, *, reason: str, user: str
) -> tuple[Alert, Decision]:
    """Record a reviewer's decision on an alert (appended; the newest one counts).

    ``decision`` is ``true_match``, ``false_positive`` or ``escalate``. A superseded
    alert cannot be decided: the alert that replaced it shows what changed since.
    """
    status = DECISIONS.get(decision.strip().lower().replace("-", "_"))
    if status is None:
        raise ConfigError(
            f"unknown decision {decision!r}; use true_match, false_positive or escalate"
        )
    if not reason.strip():
        raise ConfigError("a decision needs a reason (--reason)")
    if not user.strip():
        raise ConfigError("a decision needs the reviewer's name (--by)")
    with store.transaction(serial="alert-decisions") as conn:
        alert = db.get_alert(conn, alert_id)
        if alert.superseded_by is not None:
            raise ConfigError(
                f"alert {alert_id} was superseded by alert {alert.superseded_by} after the "
                "data changed; decide that one"
            )
        made = db.insert_decision(
            conn, alert_id, status, reason.strip(), user.strip(), alert.status
        )
        db.set_status(conn, alert_id, status, reason.strip())
        audit_store.append(
            conn,
            "alert.decided",
            {
                "alert": alert_id,
                "decision": made.id,
                "status": status,
                "previous_status": alert.status,
                "reason": made.reason,
                "user": made.user,
                "customer": alert.customer_id,
                "entity": alert.entity_id,
            },
        )
        updated = db.get_alert(conn, alert_id)
    return updated, made
