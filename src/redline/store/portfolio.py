"""Store access for the portfolio (customers under their own ids) and screening runs.

Workflow decisions (what counts as changed, what to screen) live in
:mod:`redline.screening`; this module only reads and writes rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Update, bindparam, func, insert, select, update

from redline.entities import Entity
from redline.errors import NotFoundError, StoreError
from redline.store import tables as t
from redline.store.database import Store
from redline.store.snapshots import now_iso

CHUNK = 500


@dataclass(frozen=True)
class Customer:
    """One customer of the portfolio as stored."""

    id: str
    schema: str
    caption: str
    entity: Entity
    hash: str
    screened_hash: str
    revision: int
    imported_at: str
    updated_at: str
    origin: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "schema": self.schema,
            "caption": self.caption,
            "properties": self.entity.properties,
            "hash": self.hash,
            "revision": self.revision,
            "imported_at": self.imported_at,
            "updated_at": self.updated_at,
            "origin": self.origin,
        }

    @classmethod
    def from_row(cls, row: Any) -> Customer:
        m = row._mapping
        return cls(
            id=m["id"],
            schema=m["schema"],
            caption=m["caption"],
            entity=Entity.from_stored(json.loads(m["data"])),
            hash=m["hash"],
            screened_hash=m["screened_hash"],
            revision=int(m["revision"]),
            imported_at=m["imported_at"],
            updated_at=m["updated_at"],
            origin=m["origin"],
        )


def customer_hashes(conn: Connection) -> dict[str, str]:
    """``customer id → content hash`` for the whole portfolio (what an import compares)."""
    return {row[0]: row[1] for row in conn.execute(select(t.customers.c.id, t.customers.c.hash))}


def max_revision(conn: Connection) -> int:
    """The highest import revision stored (0 for an empty portfolio)."""
    return int(
        conn.execute(select(func.coalesce(func.max(t.customers.c.revision), 0))).scalar_one()
    )


def insert_customers(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new customers (rows carry every column)."""
    if rows:
        conn.execute(insert(t.customers), list(rows))


def update_customers(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace changed customers' data, keeping ``imported_at`` (first seen)."""
    if not rows:
        return
    statement = (
        update(t.customers)
        .where(t.customers.c.id == bindparam("key"))
        .values(
            schema=bindparam("schema"),
            caption=bindparam("caption"),
            data=bindparam("data"),
            hash=bindparam("hash"),
            screened_hash=bindparam("screened_hash"),
            revision=bindparam("revision"),
            updated_at=bindparam("updated_at"),
            origin=bindparam("origin"),
        )
    )
    conn.execute(statement, [{**r, "key": r["id"]} for r in rows])


def count_customers(store: Store, *, min_rev: int | None = None) -> int:
    """How many customers the portfolio holds (with ``revision > min_rev`` when given)."""
    query = select(func.count()).select_from(t.customers)
    if min_rev is not None:
        query = query.where(t.customers.c.revision > min_rev)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def portfolio_revision(store: Store) -> int:
    """The highest import revision stored."""
    with store.engine.connect() as conn:
        return max_revision(conn)


def iter_customers(
    store: Store, *, min_revision: int | None = None, max_revision: int | None = None
) -> Iterator[Customer]:
    """Customers in id order (``min_revision < revision <= max_revision``), streamed."""
    query = select(t.customers).order_by(t.customers.c.id)
    if min_revision is not None:
        query = query.where(t.customers.c.revision > min_revision)
    if max_revision is not None:
        query = query.where(t.customers.c.revision <= max_revision)
    with (
        store.engine.connect() as conn,
        conn.execution_options(yield_per=2000).execute(query) as rows,
    ):
        for row in rows:
            yield Customer.from_row(row)


def get_customers(store: Store, ids: Iterable[str]) -> dict[str, Customer]:
    """Customers by id; ids not in the portfolio are left out."""
    wanted = sorted(set(ids))
    out: dict[str, Customer] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), CHUNK):
            query = select(t.customers).where(t.customers.c.id.in_(wanted[start : start + CHUNK]))
            for row in conn.execute(query):
                customer = Customer.from_row(row)
                out[customer.id] = customer
    return out


def get_customer(store: Store, customer_id: str) -> Customer:
    """One customer, or NotFoundError."""
    found = get_customers(store, [customer_id])
    if customer_id not in found:
        raise NotFoundError(f"no customer {customer_id!r} in the portfolio")
    return found[customer_id]


def list_customers(store: Store, *, limit: int = 50, offset: int = 0) -> list[Customer]:
    """A page of customers in id order."""
    query = select(t.customers).order_by(t.customers.c.id).limit(limit).offset(offset)
    with store.engine.connect() as conn:
        return [Customer.from_row(r) for r in conn.execute(query)]


# -- screening runs -------------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    """One screening run: when, on which list snapshots and customers, with what result."""

    id: int
    kind: str
    status: str
    started_at: str
    finished_at: str | None
    customer_revision: int
    snapshots: dict[str, dict[str, Any]]
    params: dict[str, Any]
    counts: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "customer_revision": self.customer_revision,
            "snapshots": self.snapshots,
            "params": self.params,
            "counts": self.counts,
        }

    @classmethod
    def from_row(cls, row: Any) -> RunInfo:
        m = row._mapping
        return cls(
            id=int(m["id"]),
            kind=m["kind"],
            status=m["status"],
            started_at=m["started_at"],
            finished_at=m["finished_at"],
            customer_revision=int(m["customer_revision"]),
            snapshots=json.loads(m["snapshots"]),
            params=json.loads(m["params"]),
            counts=json.loads(m["counts"]),
        )


def start_run(
    conn: Connection,
    kind: str,
    customer_revision: int,
    snapshots: dict[str, dict[str, Any]],
    params: dict[str, Any],
) -> int:
    """Record a run as started; returns its id."""
    result = conn.execute(
        insert(t.screening_runs).values(
            kind=kind,
            status="running",
            started_at=now_iso(),
            customer_revision=customer_revision,
            snapshots=json.dumps(snapshots, sort_keys=True),
            params=json.dumps(params, sort_keys=True),
            counts="{}",
        )
    )
    key = result.inserted_primary_key
    if key is None:
        raise StoreError("the database did not return the new run's id")
    return int(key[0])


def _finish(run_id: int, status: str, counts: dict[str, Any]) -> Update:
    return (
        update(t.screening_runs)
        .where(t.screening_runs.c.id == run_id)
        .values(status=status, finished_at=now_iso(), counts=json.dumps(counts, sort_keys=True))
    )


def finish_run(conn: Connection, run_id: int, status: str, counts: dict[str, Any]) -> None:
    """Record a run's end and its counts."""
    conn.execute(_finish(run_id, status, counts))


def finish_if_running(conn: Connection, run_id: int, status: str, counts: dict[str, Any]) -> bool:
    """:func:`finish_run` unless another process has finished the run meanwhile; whether
    this call did."""
    query = _finish(run_id, status, counts).where(t.screening_runs.c.status == "running")
    return bool(conn.execute(query).rowcount)


def running_runs(store: Store) -> list[RunInfo]:
    """Runs recorded as started and not yet finished, oldest first."""
    query = (
        select(t.screening_runs)
        .where(t.screening_runs.c.status == "running")
        .order_by(t.screening_runs.c.id)
    )
    with store.engine.connect() as conn:
        return [RunInfo.from_row(r) for r in conn.execute(query)]


def get_run(store: Store, run_id: int) -> RunInfo:
    """One run by id."""
    with store.engine.connect() as conn:
        row = conn.execute(select(t.screening_runs).where(t.screening_runs.c.id == run_id)).first()
    if row is None:
        raise NotFoundError(f"no screening run with id {run_id}")
    return RunInfo.from_row(row)


def last_run(store: Store, *, status: str = "done") -> RunInfo | None:
    """The newest run with ``status``: the baseline the next delta is measured from."""
    query = (
        select(t.screening_runs)
        .where(t.screening_runs.c.status == status)
        .order_by(t.screening_runs.c.id.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return RunInfo.from_row(row) if row is not None else None


def list_runs(store: Store, *, limit: int = 20) -> list[RunInfo]:
    """The newest runs first."""
    query = select(t.screening_runs).order_by(t.screening_runs.c.id.desc()).limit(limit)
    with store.engine.connect() as conn:
        return [RunInfo.from_row(r) for r in conn.execute(query)]
