"""What the store knows about an entity beyond its body: when it was first shown, when
its current version appeared, and the relations (ownership, family, directorships...)
that point at it. yente returns these with every entity; redline derives them from the
snapshot history instead of a crawler's log.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from redline.entities import Entity
from redline.schema import SCHEMATA
from redline.store import Store
from redline.store import tables as t

ActiveKey = tuple[tuple[str, int], ...]
_CACHE_MAX = 20_000


@dataclass(frozen=True, slots=True)
class Seen:
    """The dates yente calls first_seen, last_seen and last_change (ISO 8601, UTC)."""

    first_seen: str | None
    last_seen: str | None
    last_change: str | None


_NONE = Seen(None, None, None)


class Lookup:
    """Per-process caches over the snapshot history, rebuilt when the active lists change.

    Only snapshots that were once active count: a held snapshot was never shown to
    anyone, so it cannot be when an entity was "first seen".
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._key: ActiveKey | None = None
        self._seen: dict[str, Seen] = {}
        # source → [(snapshot id, shown at)] in id order, up to the active one
        self._history: dict[str, list[tuple[int, str]]] = {}
        self._active_time: dict[str, str | None] = {}
        self._relations: dict[str, list[tuple[str, Entity]]] | None = None

    def _reset(self, key: ActiveKey) -> None:
        if self._key == key:
            return
        history: dict[str, list[tuple[int, str]]] = {}
        active_time: dict[str, str | None] = {}
        active = dict(key)
        query = select(
            t.snapshots.c.id,
            t.snapshots.c.source,
            t.snapshots.c.activated_at,
            t.snapshots.c.loaded_at,
            t.snapshots.c.fetched_at,
        ).order_by(t.snapshots.c.id)
        with self.store.engine.connect() as conn:
            for sid, source, activated, loaded, fetched in conn.execute(query):
                if source not in active or sid > active[source]:
                    continue
                if activated is None and sid != active[source]:
                    continue
                history.setdefault(source, []).append((int(sid), activated or loaded))
                if sid == active[source]:
                    active_time[source] = fetched or loaded
        self._history, self._active_time = history, active_time
        self._seen = {}
        self._relations = None
        self._key = key

    def seen(self, key: ActiveKey, entities: Iterable[tuple[str, str]]) -> dict[str, Seen]:
        """The dates of ``(entity id, source)`` pairs, in one query for those not cached."""
        pairs = list(entities)
        with self._lock:
            self._reset(key)
            missing = [(i, s) for i, s in pairs if i not in self._seen]
        if missing:
            found = self._compute(missing)
            with self._lock:
                if self._key == key:
                    if len(self._seen) > _CACHE_MAX:
                        self._seen.clear()
                    self._seen.update(found)
            out = dict(found)
        else:
            out = {}
        with self._lock:
            for entity_id, _ in pairs:
                if entity_id not in out:
                    out[entity_id] = self._seen.get(entity_id, _NONE)
        return out

    def _compute(self, pairs: list[tuple[str, str]]) -> dict[str, Seen]:
        ids = sorted({i for i, _ in pairs})
        versions: dict[str, dict[int, str]] = {}
        with self.store.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(
                    t.snapshot_entities.c.entity_id,
                    t.snapshot_entities.c.snapshot_id,
                    t.snapshot_entities.c.hash,
                ).where(t.snapshot_entities.c.entity_id.in_(ids[start : start + 500]))
                for entity_id, sid, digest in conn.execute(query):
                    versions.setdefault(entity_id, {})[int(sid)] = digest
        out: dict[str, Seen] = {}
        for entity_id, source in pairs:
            history = self._history.get(source, [])
            held = versions.get(entity_id, {})
            if not history or history[-1][0] not in held:
                out[entity_id] = Seen(None, self._active_time.get(source), None)
                continue
            first = next((when for sid, when in history if sid in held), None)
            current = held[history[-1][0]]
            # The current version's run: walk back while each snapshot holds it.
            change = history[-1][1]
            for sid, when in reversed(history):
                if held.get(sid) != current:
                    break
                change = when
            out[entity_id] = Seen(first, self._active_time.get(source), change)
        return out

    def relations(self, key: ActiveKey) -> dict[str, list[tuple[str, Entity]]]:
        """Entity id → the relations naming it, with the property that names it.

        Built once per set of active lists from the snapshots that hold relations
        (usually few), so ``GET /entities/{id}`` does not scan the lists per request.
        """
        with self._lock:
            self._reset(key)
            if self._relations is not None:
                return self._relations
        index: dict[str, list[tuple[str, Entity]]] = {}
        active_ids = {sid for _, sid in key}
        query = select(t.snapshots.c.id, t.snapshots.c.relation_count).where(
            t.snapshots.c.id.in_(active_ids)
        )
        with self.store.engine.connect() as conn:
            with_relations = [int(sid) for sid, count in conn.execute(query) if count]
        for sid in with_relations:
            for entity in self.store.iter_entities(sid):
                if entity.is_party:
                    continue
                for prop in sorted(SCHEMATA[entity.schema].entity_refs):
                    for ref in entity.get(prop):
                        index.setdefault(ref, []).append((prop, entity))
        with self._lock:
            if self._key == key:
                self._relations = index
        return index


#: FtM's names for the reverse side of each relation property, as yente nests them.
REVERSE = {
    ("Ownership", "owner"): "ownershipOwner",
    ("Ownership", "asset"): "ownershipAsset",
    ("Family", "person"): "familyPerson",
    ("Family", "relative"): "familyRelative",
    ("Associate", "person"): "associates",
    ("Associate", "associate"): "associations",
    ("Directorship", "director"): "directorshipDirector",
    ("Directorship", "organization"): "directorshipOrganization",
    ("UnknownLink", "subject"): "unknownLinkSubject",
    ("UnknownLink", "object"): "unknownLinkObject",
}
