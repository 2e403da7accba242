"""Delta re-screening: after a list changes, screen only what changed.

A run compares the active snapshots with those of the last finished run and the
portfolio with the revision that run saw, then screens

* customers added or changed since, against every active entity (the usual direction,
  through the list index ``redline match`` uses), and
* entities added or changed since, against the rest of the portfolio: each changed
  entity is looked up in the index of the customers (:mod:`portfolio_index`) and every
  pair found is scored again with the customer as the query, so its score and
  explanation are those ``redline match`` would give.

Hits become alerts (:mod:`redline.screening.alerts`) in batches, each batch one
transaction with its audit records, so a killed run keeps what it finished and the
next run does not raise it twice. The first run has no baseline and screens everyone.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from redline.entities import Entity
from redline.errors import ConfigError
from redline.matching.algorithms import Algorithm, get_algorithm
from redline.matching.profile import Profile, profile_of
from redline.matching.screener import Match, Screener
from redline.screening import portfolio_index
from redline.screening.alerts import (
    DiscountRules,
    Hit,
    RaiseCounts,
    mark_delisted,
    raise_alerts,
)
from redline.screening.audit import sync_activations
from redline.settings import Settings
from redline.store import SnapshotInfo, Store
from redline.store import audit as audit_store
from redline.store import portfolio as db
from redline.store.portfolio import Customer, RunInfo

#: Customers screened (or candidates scored) per transaction of alerts.
BATCH = 1000
#: Customers kept analysed between changed entities (common names recur).
PROFILE_CACHE = 50_000

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ChangedEntity:
    """A listed entity added or changed since the baseline run."""

    source: str
    snapshot_id: int
    entity_id: str
    version: str


@dataclass
class Due:
    """What a re-screen would look at now."""

    baseline: RunInfo | None
    sources: list[dict[str, Any]]
    customers_changed: int
    customers_total: int

    @property
    def due(self) -> bool:
        return self.baseline is None or bool(self.sources) or self.customers_changed > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "baseline_run": self.baseline.id if self.baseline else None,
            "sources": self.sources,
            "customers_changed": self.customers_changed,
            "customers_total": self.customers_total,
        }


@dataclass
class RescreenResult:
    """The outcome of one re-screen."""

    run_id: int
    baseline_run: int | None
    customers_screened: int = 0
    entities_changed: int = 0
    entities_removed: int = 0
    alerts_delisted: int = 0
    pairs_scored: int = 0
    hits: int = 0
    alerts: RaiseCounts = field(default_factory=RaiseCounts)
    index: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "baseline_run": self.baseline_run,
            "customers_screened": self.customers_screened,
            "entities_changed": self.entities_changed,
            "entities_removed": self.entities_removed,
            "alerts_delisted": self.alerts_delisted,
            "pairs_scored": self.pairs_scored,
            "hits": self.hits,
            "alerts": self.alerts.to_dict(),
            "alert_ids": self.alerts.alert_ids,
            "index": self.index,
            "seconds": self.seconds,
            "snapshots": self.snapshots,
        }


def _snapshot_map(active: list[SnapshotInfo]) -> dict[str, dict[str, Any]]:
    return {s.source: {"id": s.id, "content_hash": s.content_hash} for s in active}


def due(store: Store) -> Due:
    """Which sources and how many customers changed since the last finished run."""
    baseline = db.last_run(store)
    active = store.active_snapshots()
    total = db.count_customers(store)
    if baseline is None:
        sources = [{"source": s.source, "from": None, "to": s.id} for s in active]
        return Due(None, sources, total, total)
    sources = []
    for s in active:
        before = baseline.snapshots.get(s.source, {}).get("id")
        if before != s.id:
            sources.append({"source": s.source, "from": before, "to": s.id})
    changed = db.count_customers(store, min_rev=baseline.customer_revision)
    return Due(baseline, sources, changed, total)


def changed_entities(
    store: Store, baseline: RunInfo, active: list[SnapshotInfo]
) -> tuple[list[ChangedEntity], int]:
    """Entities added or changed in the active snapshots since ``baseline``'s, and how
    many were removed (removals raise nothing: a delisted party is no new risk)."""
    changed: list[ChangedEntity] = []
    removed = 0
    for snap in active:
        before_id = baseline.snapshots.get(snap.source, {}).get("id")
        if before_id == snap.id:
            continue
        new = store.entity_versions(snap.id)
        old = store.entity_versions(int(before_id)) if before_id is not None else {}
        removed += len(set(old) - set(new))
        for entity_id, version in sorted(new.items()):
            if old.get(entity_id) != version:
                changed.append(ChangedEntity(snap.source, snap.id, entity_id, version))
    return changed, removed


def _explanation(query_name: str, matched_name: str, features: Iterable[Any]) -> dict[str, Any]:
    return {
        "query_name": query_name,
        "matched_name": matched_name,
        "features": {e.feature: e.to_dict() for e in features},
    }


def _chunks(items: Iterable[Customer], size: int) -> Iterator[list[Customer]]:
    batch: list[Customer] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def close_abandoned_runs(store: Store) -> list[int]:
    """Record as failed the runs left "running" by a process of this machine that has
    stopped (killed, or the machine restarted), with a ``run.failed`` audit record each;
    their finished batches stay committed. A run of another machine, or of a process
    still alive, is left alone; so is one finished meanwhile. Returns the ids closed."""
    host = socket.gethostname()
    closed: list[int] = []
    for run in db.running_runs(store):
        runner = run.params.get("runner")
        runner = runner if isinstance(runner, dict) else {}
        if runner.get("host", host) != host:
            continue
        pid = runner.get("pid")
        if isinstance(pid, int) and _process_alive(pid):
            continue
        error = (
            f"abandoned: its process (pid {pid} on {host}) stopped before the run finished"
            if isinstance(pid, int)
            else "abandoned: started by an earlier version that did not record its process"
        )
        with store.transaction() as conn:
            if db.finish_if_running(conn, run.id, "failed", {"error": error}):
                audit_store.append(conn, "run.failed", {"run": run.id, "error": error})
                closed.append(run.id)
    return closed


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def rescreen(
    store: Store,
    settings: Settings,
    *,
    threshold: float | None = None,
    limit: int = 10,
    algorithm: str | None = None,
    full: bool = False,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RescreenResult:
    """Re-screen what changed since the last finished run (everything when ``full`` or
    when there is no such run) and raise the new alerts. ``on_start`` hears the run's id
    once it is recorded (the HTTP API answers then and lets the run go on)."""
    algo = get_algorithm(algorithm)
    cutoff = algo.threshold if threshold is None else threshold
    if not 0.0 <= cutoff <= 1.0:
        raise ConfigError("the threshold must be between 0 and 1")
    if limit < 1:
        raise ConfigError("limit must be at least 1")
    rules = DiscountRules.from_settings(settings)
    if settings.rescreen_candidates < 1:
        raise ConfigError("REDLINE_RESCREEN_CANDIDATES must be at least 1")
    active = store.active_snapshots()
    if not active:
        raise ConfigError(
            "no active lists: load one first, e.g. redline lists load us-ofac-sdn --sample"
        )
    if db.count_customers(store) == 0:
        raise ConfigError("the portfolio is empty: import customers with 'portfolio import FILE'")
    sync_activations(store)
    close_abandoned_runs(store)
    baseline = None if full else db.last_run(store)
    revision = db.portfolio_revision(store)
    snapshots = _snapshot_map(active)
    params = {
        "algorithm": algo.name,
        "algorithm_version": algo.version,
        "threshold": cutoff,
        "limit": limit,
        "candidates": settings.rescreen_candidates,
        "full": full,
        "baseline_run": baseline.id if baseline else None,
        "auto_discount": sorted(rules.rules),
        "auto_discount_birth_years": rules.birth_years,
        # Who runs it: a run whose process has gone is closed by the next one.
        "runner": {"host": socket.gethostname(), "pid": os.getpid()},
    }
    with store.transaction() as conn:
        run_id = db.start_run(conn, "rescreen", revision, snapshots, params)
        audit_store.append(
            conn,
            "run.started",
            {"run": run_id, "snapshots": snapshots, "customer_revision": revision, **params},
        )
    result = RescreenResult(run_id, baseline.id if baseline else None, snapshots=snapshots)
    if on_start is not None:
        on_start(run_id)
    try:
        _run(store, settings, algo, cutoff, limit, rules, baseline, active, result, progress)
        listed = {s.source: store.entity_versions(s.id) for s in active}
        with store.transaction() as conn:
            delisted = mark_delisted(conn, run_id, listed, {s.source: s.id for s in active})
        result.alerts_delisted = len(delisted)
    except BaseException as exc:
        with store.transaction() as conn:
            db.finish_run(conn, run_id, "failed", {"error": str(exc) or type(exc).__name__})
            audit_store.append(
                conn, "run.failed", {"run": run_id, "error": str(exc) or type(exc).__name__}
            )
        raise
    counts = {k: v for k, v in result.to_dict().items() if k not in ("snapshots", "alert_ids")}
    with store.transaction() as conn:
        db.finish_run(conn, run_id, "done", counts)
        audit_store.append(conn, "run.finished", {"run": run_id, **counts})
    return result


def _run(
    store: Store,
    settings: Settings,
    algo: Algorithm,
    cutoff: float,
    limit: int,
    rules: DiscountRules,
    baseline: RunInfo | None,
    active: list[SnapshotInfo],
    result: RescreenResult,
    progress: Progress | None,
) -> None:
    started = time.perf_counter()
    versions = {s.source: store.entity_versions(s.id) for s in active}
    snapshot_ids = {s.source: s.id for s in active}

    # 1. New and changed customers against every listed entity.
    since = baseline.customer_revision if baseline is not None else None
    changed_customers = db.count_customers(store, min_rev=since)
    screened: set[str] = set()
    if changed_customers:
        screener = Screener.from_store(store, algo.name, cache_dir=settings.home / "index")
        for batch in _chunks(db.iter_customers(store, min_revision=since), BATCH):
            found: list[tuple[Customer, Match]] = []
            for customer in batch:
                screened.add(customer.id)
                for m in screener.match(customer.entity, threshold=cutoff, limit=limit):
                    found.append((customer, m))
            result.customers_screened += len(batch)
            _raise_forward(store, result, rules, found, versions, snapshot_ids)
            if progress is not None:
                progress("customers", result.customers_screened, changed_customers)
    result.seconds["customers"] = round(time.perf_counter() - started, 3)

    # 2. New and changed entities against the rest of the portfolio.
    if baseline is None:
        return
    mark = time.perf_counter()
    changed, result.entities_removed = changed_entities(store, baseline, active)
    blobs = store.blobs(c.version for c in changed)
    targets = [(c, blobs[c.version]) for c in changed if blobs[c.version].is_party]
    result.entities_changed = len(targets)
    if not targets:
        return
    lookup = portfolio_index.ensure(store, settings)
    result.index = {
        "customers": lookup.base.size,
        "overlay": lookup.overlay.size if lookup.overlay is not None else 0,
        "rebuilt": lookup.rebuilt,
    }
    result.seconds["index"] = round(time.perf_counter() - mark, 3)
    mark = time.perf_counter()
    profiles: dict[str, tuple[Entity, Profile]] = {}
    hits: list[Hit] = []
    for done, (change, entity) in enumerate(targets, start=1):
        target = profile_of(entity)
        wanted = [
            c for c in lookup.candidates(target, settings.rescreen_candidates) if c not in screened
        ]
        if len(profiles) > PROFILE_CACHE:
            profiles.clear()
        missing = [c for c in wanted if c not in profiles]
        for customer in db.get_customers(store, missing).values():
            profiles[customer.id] = (customer.entity, profile_of(customer.entity))
        for customer_id in wanted:
            if customer_id not in profiles:
                continue  # gone from the store since the index was built
            customer_entity, query = profiles[customer_id]
            scored = algo.compare(query, target)
            result.pairs_scored += 1
            if scored.score < cutoff:
                continue
            hits.append(
                Hit(
                    customer=customer_entity,
                    entity=entity,
                    entity_version=change.version,
                    source=change.source,
                    snapshot_id=change.snapshot_id,
                    score=scored.score,
                    algorithm=algo.name,
                    explanation=_explanation(
                        scored.query_name, scored.matched_name, scored.explanations
                    ),
                )
            )
        if len(hits) >= BATCH or done == len(targets):
            _raise(store, result, rules, hits)
            hits = []
        if progress is not None:
            progress("entities", done, len(targets))
    result.seconds["entities"] = round(time.perf_counter() - mark, 3)


def _raise_forward(
    store: Store,
    result: RescreenResult,
    rules: DiscountRules,
    found: list[tuple[Customer, Match]],
    versions: dict[str, dict[str, str]],
    snapshot_ids: dict[str, int],
) -> None:
    """Hits from the usual direction: the matched entities are read by content hash."""
    wanted = {
        versions[m.source][m.entity_id] for _, m in found if m.entity_id in versions[m.source]
    }
    blobs = store.blobs(wanted)
    hits = []
    for customer, m in found:
        version = versions[m.source].get(m.entity_id)
        if version is None:
            continue
        hits.append(
            Hit(
                customer=customer.entity,
                entity=blobs[version],
                entity_version=version,
                source=m.source,
                snapshot_id=snapshot_ids[m.source],
                score=m.score,
                algorithm=m.algorithm,
                explanation=_explanation(m.query_name, m.matched_name, m.explanations),
            )
        )
    _raise(store, result, rules, hits)


def _raise(store: Store, result: RescreenResult, rules: DiscountRules, hits: list[Hit]) -> None:
    if not hits:
        return
    result.hits += len(hits)
    with store.transaction() as conn:
        result.alerts.add(raise_alerts(conn, result.run_id, hits, rules))
