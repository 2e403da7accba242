"""The audit log: an append-only hash chain of everything that matters to an auditor.

Each record's hash is ``sha256(prev_hash + canonical JSON of {seq, time, kind,
payload})``, so a record edited, inserted or deleted anywhere breaks every link after it,
and the head row (last seq and hash, written with each record) catches records cut off
the end. The chain proves that history was not rewritten by someone who could not also
recompute every hash after the change; against that, keep the head hash somewhere else
(``redline audit verify`` prints it) and check it later with ``--anchor``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from redline.store import tables as t
from redline.store.database import Store
from redline.store.snapshots import now_iso

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_hash(prev_hash: str, seq: int, time: str, kind: str, payload: Any) -> str:
    """The hash that links a record to the one before it."""
    body = canonical({"seq": seq, "time": time, "kind": kind, "payload": payload})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRecord:
    """One link of the chain, as stored (``payload_text`` is the stored JSON text)."""

    seq: int
    time: str
    kind: str
    payload_text: str
    prev_hash: str
    hash: str

    @property
    def payload(self) -> Any:
        return json.loads(self.payload_text)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-lines export form; :func:`verify_records` reads it back."""
        return {
            "seq": self.seq,
            "time": self.time,
            "kind": self.kind,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditRecord:
        return cls(
            seq=int(data["seq"]),
            time=str(data["time"]),
            kind=str(data["kind"]),
            payload_text=canonical(data["payload"]),
            prev_hash=str(data["prev_hash"]),
            hash=str(data["hash"]),
        )


def _claim_head(conn: Connection) -> tuple[int, str]:
    """Lock the head row, then read it: the (seq, hash) the next record follows.

    The lock comes first because of SQLite: its driver opens a transaction only at the
    first write, so a head read by a plain SELECT is read outside the transaction, and a
    writer committing in between hands the same seq to two records. A write (the no-op
    UPDATE) takes SQLite's write lock, waiting its busy timeout, and on PostgreSQL the
    row lock; what it returns is then the newest head on both.
    """
    claim = (
        update(t.audit_head)
        .where(t.audit_head.c.id == 1)
        .values(seq=t.audit_head.c.seq)
        .returning(t.audit_head.c.seq, t.audit_head.c.hash)
    )
    row = conn.execute(claim).first()
    if row is None:  # the first record of a store: create the head, once, then claim it
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        conn.execute(
            dialect.insert(t.audit_head)
            .values(id=1, seq=0, hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        row = conn.execute(claim).one()
    return int(row[0]), str(row[1])


def append(conn: Connection, kind: str, payload: dict[str, Any]) -> AuditRecord:
    """Add a record to the chain inside the caller's transaction.

    The head is claimed (:func:`_claim_head`) before it is read, so concurrent writers
    queue for their places instead of forking the chain or colliding on ``seq``.
    """
    last, prev = _claim_head(conn)
    seq = last + 1
    time = now_iso()
    # Round-trip so that what is hashed is exactly what a reader will parse back.
    clean = json.loads(canonical(payload))
    digest = record_hash(prev, seq, time, kind, clean)
    text = canonical(clean)
    conn.execute(
        insert(t.audit_log).values(
            seq=seq, time=time, kind=kind, payload=text, prev_hash=prev, hash=digest
        )
    )
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=seq, hash=digest))
    return AuditRecord(seq, time, kind, text, prev, digest)


def iter_records(store: Store, since: int | None = None) -> Iterator[AuditRecord]:
    """Every record (with ``seq > since`` when given), in chain order, streamed."""
    query = select(t.audit_log).order_by(t.audit_log.c.seq.asc())
    if since is not None:
        query = query.where(t.audit_log.c.seq > since)
    # The result is closed when the caller stops early (a server-side cursor on
    # PostgreSQL must be), not only when it reads to the end.
    with (
        store.engine.connect() as conn,
        conn.execution_options(yield_per=2000).execute(query) as rows,
    ):
        for row in rows:
            m = row._mapping
            yield AuditRecord(
                int(m["seq"]), m["time"], m["kind"], m["payload"], m["prev_hash"], m["hash"]
            )


def head(store: Store) -> tuple[int, str] | None:
    """The (seq, hash) the head row records, or None for an empty log."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(t.audit_head.c.seq, t.audit_head.c.hash).where(t.audit_head.c.id == 1)
        ).first()
    return (int(row[0]), str(row[1])) if row is not None else None


def genesis_hash(store: Store) -> str | None:
    """The first record's hash: unique to this store, so it tells stores apart."""
    with store.engine.connect() as conn:
        row = conn.execute(select(t.audit_log.c.hash).where(t.audit_log.c.seq == 1)).first()
    return str(row[0]) if row is not None else None


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a chain: ``ok``, or the first bad seq and why."""

    ok: bool
    records: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "bad_seq": self.bad_seq,
            "problem": self.problem,
        }


class ChainWalker:
    """Checks records one at a time, from seq 1, remembering where the chain got to."""

    def __init__(self, anchor: tuple[int, str] | None = None) -> None:
        self.prev_hash = GENESIS
        self.prev_seq = 0
        self.count = 0
        self.anchor = anchor
        self.anchor_seen = anchor is None

    def _bad(self, seq: int, problem: str) -> Verification:
        return Verification(False, self.count, self.prev_seq, self.prev_hash, seq, problem)

    def feed(self, rec: AuditRecord) -> Verification | None:
        """None when ``rec`` fits the chain; otherwise the failed verification."""
        expected = self.prev_seq + 1
        if rec.seq != expected:
            if rec.seq > expected:
                return self._bad(expected, f"record {expected} is missing (deleted)")
            return self._bad(rec.seq, f"record {rec.seq} is out of order (inserted)")
        if rec.prev_hash != self.prev_hash:
            return self._bad(
                rec.seq,
                f"record {rec.seq} does not link to record {self.prev_seq} "
                "(a record was edited, inserted or deleted here)",
            )
        try:
            payload = json.loads(rec.payload_text)
        except ValueError:
            return self._bad(rec.seq, f"record {rec.seq} has an unreadable payload (edited)")
        if canonical(payload) != rec.payload_text:
            return self._bad(rec.seq, f"record {rec.seq} payload is not as written (edited)")
        if record_hash(self.prev_hash, rec.seq, rec.time, rec.kind, payload) != rec.hash:
            return self._bad(rec.seq, f"record {rec.seq} does not match its hash (edited)")
        if self.anchor is not None and rec.seq == self.anchor[0]:
            if rec.hash != self.anchor[1]:
                return self._bad(rec.seq, f"record {rec.seq} differs from the anchor kept for it")
            self.anchor_seen = True
        self.prev_hash, self.prev_seq = rec.hash, rec.seq
        self.count += 1
        return None

    def finish(self, expected_head: tuple[int, str] | None) -> Verification:
        """The verdict once every record is fed: the end must be the recorded head."""
        if expected_head is not None and expected_head != (self.prev_seq, self.prev_hash):
            seq, digest = expected_head
            if seq > self.prev_seq:
                return self._bad(
                    self.prev_seq + 1,
                    f"the chain ends at record {self.prev_seq} but record {seq} was written "
                    "(records deleted at the end)",
                )
            if seq == 0:
                return self._bad(self.prev_seq, "the head row is missing (deleted)")
            return self._bad(
                seq, f"the head names record {seq} with hash {digest[:12]}, not this chain's end"
            )
        if not self.anchor_seen and self.anchor is not None:
            return self._bad(
                self.anchor[0], f"anchored record {self.anchor[0]} is not in the chain"
            )
        return Verification(True, self.count, self.prev_seq, self.prev_hash)


def verify_records(
    records: Iterable[AuditRecord],
    *,
    expected_head: tuple[int, str] | None = None,
    anchor: tuple[int, str] | None = None,
) -> Verification:
    """Walk a chain (e.g. an export) from seq 1 and name the first record that does not fit.

    ``expected_head`` is where the chain must end; ``anchor`` a (seq, hash) kept
    elsewhere earlier, which the chain must still contain.
    """
    walker = ChainWalker(anchor)
    for rec in records:
        failed = walker.feed(rec)
        if failed is not None:
            return failed
    return walker.finish(expected_head)


def verify(store: Store, *, anchor: tuple[int, str] | None = None) -> Verification:
    """Check the store's chain end to end, against its head row and an optional anchor.

    Records appended while the check runs are read and checked too, rather than
    mistaken for a head pointing past the end.
    """
    walker = ChainWalker(anchor)
    for _ in range(100):
        fresh = False
        for rec in iter_records(store, since=walker.prev_seq or None):
            fresh = True
            failed = walker.feed(rec)
            if failed is not None:
                return failed
        recorded = head(store) or (0, GENESIS)
        if recorded[0] <= walker.prev_seq or not fresh:
            return walker.finish(recorded)
    return walker.finish(head(store) or (0, GENESIS))
