"""The Screener: one query in, the listed parties that match it out, each explained.

It holds the profiles and the name index of the active lists. Built from a store, the
index is saved under ``REDLINE_HOME/index`` keyed by the active snapshots, so the next
process loads it in about a second instead of analysing every name again; a list
activation changes the key and the next Screener builds a fresh one.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from redline.entities import Entity
from redline.errors import ConfigError
from redline.matching.algorithms import BOUND_SLACK, Algorithm, Explanation, get_algorithm
from redline.matching.features import schemata_compatible
from redline.matching.index import NameIndex
from redline.matching.profile import Profile, profile_of
from redline.matching.saved import code_digest, save_pickle
from redline.matching.similarity import column_type
from redline.store import Store

#: Bump when analysis or index layout changes, so that saved indexes are rebuilt.
INDEX_VERSION = "2"
#: Query schemata whose candidate filters :meth:`Screener.warm` builds in advance.
WARM_SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")
#: Listed entities kept in memory after a match returned them.
ENTITY_CACHE = 10_000
#: Sources whose entities are not listed parties: the companies named in a user's
#: ownership edges are there to be linked to listed owners, not to be screened against.
NOT_SCREENED = frozenset({"user-ownership"})
#: Candidates bounded per query, at least; more when a larger ``limit`` is asked for.
#: Bounding costs little per candidate, so the net is wide: common names ("Ahmad Ali")
#: have dozens of listed parties above the threshold.
MIN_CANDIDATES = 50
#: How much wider the net is cast again when its lower half caught a match.
WIDEN = 5


@dataclass(frozen=True, slots=True)
class Match:
    """A listed party that matched a query, with the score and its explanation."""

    entity_id: str
    schema: str
    caption: str
    source: str
    score: float
    match: bool
    explanations: tuple[Explanation, ...]
    query_name: str
    matched_name: str
    algorithm: str
    entity: Entity | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON form: yente's result shape plus redline's provenance."""
        return {
            "id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "datasets": [self.source] if self.source else [],
            "score": round(self.score, 4),
            "match": self.match,
            "query_name": self.query_name,
            "matched_name": self.matched_name,
            "algorithm": self.algorithm,
            "explanations": {e.feature: e.to_dict() for e in self.explanations},
            "properties": self.entity.properties if self.entity is not None else {},
        }


@dataclass
class Screener:
    """Screens queries against a fixed set of listed parties."""

    index: NameIndex
    sources: list[str]
    algorithm: Algorithm = field(default_factory=get_algorithm)
    store: Store | None = None
    entities: dict[str, Entity] | None = None
    _masks: dict[tuple[str, tuple[str, ...]], npt.NDArray[np.bool_]] = field(
        default_factory=dict, repr=False
    )
    _ids: dict[str, list[int]] | None = field(default=None, repr=False)
    _entity_cache: dict[str, Entity] = field(default_factory=dict, repr=False)

    @classmethod
    def from_entities(
        cls, entities: Iterable[Entity], algorithm: str | None = None, source: str = ""
    ) -> Screener:
        """A screener over entities held in memory (tests, one-off lists)."""
        kept: dict[str, Entity] = {}
        profiles: list[Profile] = []
        sources: list[str] = []
        for entity in entities:
            if not entity.is_party:
                continue
            kept[entity.id] = entity
            profiles.append(profile_of(entity))
            sources.append(source or (entity.datasets[0] if entity.datasets else ""))
        index = NameIndex.build(profiles)
        return cls(index, sources, get_algorithm(algorithm), entities=kept)

    @classmethod
    def from_store(
        cls, store: Store, algorithm: str | None = None, cache_dir: Path | None = None
    ) -> Screener:
        """A screener over the store's active lists, loading a saved index when one
        matches the active snapshots and saving a new one otherwise."""
        active = [s for s in store.active_snapshots() if s.source not in NOT_SCREENED]
        key = hashlib.sha256(
            "|".join(
                [
                    INDEX_VERSION,
                    code_digest("matching/index.py", "matching/profile.py"),
                    *(f"{s.source}:{s.id}:{s.content_hash}" for s in active),
                ]
            ).encode()
        ).hexdigest()[:24]
        path = cache_dir / f"names-{key}.idx" if cache_dir is not None else None
        if path is not None and path.exists():
            try:
                with path.open("rb") as handle:
                    index, sources = pickle.load(handle)
                return cls(index, sources, get_algorithm(algorithm), store=store)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
                path.unlink(missing_ok=True)  # a damaged cache is rebuilt, never trusted
        profiles: list[Profile] = []
        sources = []
        for info in active:
            for entity in store.iter_entities(info.id, parties_only=True):
                profiles.append(profile_of(entity))
                sources.append(info.source)
        index = NameIndex.build(profiles)
        if path is not None and cache_dir is not None:
            save_pickle(path, (index, sources))
            # Indexes of earlier snapshots or code are never read again: 40 MB each.
            for old in cache_dir.glob("names-*.idx"):
                if old != path:
                    old.unlink(missing_ok=True)
        return cls(index, sources, get_algorithm(algorithm), store=store)

    def warm(self) -> None:
        """Prepare every listed party for scoring now (about 7 s for 21,000 parties), so
        that the first queries run as fast as the later ones, then take everything alive
        out of the cyclic garbage collector's sight (``gc.freeze``): the prepared lists
        are millions of long-lived objects, and a full collection walking them stalled
        one query in a few thousand for half a second. The C kernel's string columns and
        the candidate filter of each common schema are prepared here too."""
        self.index.hydrate_all()
        prepare = column_type()
        if prepare is not None:
            self.index.forms.prepared(prepare)
        for schema in WARM_SCHEMATA:  # each schema's filter over every party (~10 ms)
            self._allowed(schema, None)
        gc.freeze()

    @property
    def size(self) -> int:
        """Number of listed parties screened against."""
        return len(self.index.profiles)

    def _allowed(self, schema: str, sources: Sequence[str] | None) -> npt.NDArray[np.bool_]:
        key = (schema, tuple(sorted(sources)) if sources else ())
        mask = self._masks.get(key)
        if mask is None:
            wanted = set(sources) if sources else None
            mask = np.fromiter(
                (
                    schemata_compatible(schema, p.schema) and (wanted is None or src in wanted)
                    for p, src in zip(self.index.profiles, self.sources, strict=True)
                ),
                dtype=np.bool_,
                count=len(self.index.profiles),
            )
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[key] = mask
        return mask

    def match(
        self,
        query: Entity | str,
        *,
        threshold: float | None = None,
        limit: int = 10,
        sources: Sequence[str] | None = None,
        schema: str | None = None,
        algorithm: str | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Match]:
        """The listed parties scoring at least ``threshold`` against ``query``, best first.

        ``query`` is an entity (names plus any birth date, country, gender, identifiers)
        or a bare name; ``schema`` sets a bare name's schema (default: any party).
        """
        if limit < 1:
            raise ConfigError("limit must be at least 1")
        algo = self.algorithm if algorithm is None else get_algorithm(algorithm)
        cutoff = algo.threshold if threshold is None else threshold
        if isinstance(query, str):
            entity = Entity("query", schema or "Thing")
            entity.add("name", query)
        else:
            entity = query
        profile = profile_of(entity)
        if not profile.names and not profile.identifiers:
            return []
        forms = [form for entry in profile.names for form in entry.forms]
        allowed = self._allowed(profile.schema, sources)
        excluded = set(exclude)
        wanted = max(MIN_CANDIDATES, limit * 5)
        found = [i for i, _ in self.index.candidates(forms, wanted, allowed)]
        results: list[Match] = []
        seen: set[int] = set()  # bounded or scored
        compared: set[int] = set()  # scored (identifiers included) or excluded
        deepest = self._score(profile, found, algo, cutoff, excluded, seen, compared, results)
        if len(found) == wanted and deepest >= wanted // 2:
            # A common name ("Ahmad Ali") matches parties all down the retrieval
            # ranking: when the lower half of the net still caught one, there are
            # likely more below it, and a wider net is cast (rarely: about one query
            # in three hundred of a customer file).
            wider = [i for i, _ in self.index.candidates(forms, wanted * WIDEN, allowed)]
            self._score(profile, wider, algo, cutoff, excluded, seen, compared, results)
        if profile.identifiers:
            # A party sharing an identifier is scored even when its names could not
            # reach the cutoff; one already scored has had its identifiers counted.
            ids = self._by_identifier(profile, allowed)
            self._score(
                profile,
                ids,
                algo,
                cutoff,
                excluded,
                set(compared),
                compared,
                results,
                bounded=False,
            )
        results.sort(key=lambda m: (-m.score, m.entity_id))
        return self._with_entities(results[:limit])

    def _score(
        self,
        profile: Profile,
        found: list[int],
        algo: Algorithm,
        cutoff: float,
        excluded: set[str],
        seen: set[int],
        compared: set[int],
        results: list[Match],
        *,
        bounded: bool = True,
    ) -> int:
        """Score the candidates ``found`` not ``seen`` yet, adding those reaching
        ``cutoff`` to ``results``; returns the deepest position in ``found`` (the
        retrieval ranking) of those added, -1 for none. ``seen`` gains every candidate
        looked at, ``compared`` those scored or excluded.

        Names that cannot reach the cutoff are not aligned at all: for most queries
        that is every candidate, at the cost of a few matrix operations."""
        fresh = [i for i in dict.fromkeys(found) if i not in seen]
        seen.update(fresh)
        bounds = None
        if bounded and fresh:
            names, owners = self.index.names_of(fresh)
            bounds = algo.score_bounds(profile, names, owners, len(fresh))
        deepest = -1
        for position, p_index in enumerate(fresh):
            known = None
            if bounds is not None:
                bound = float(bounds.values[position])
                if bound + BOUND_SLACK < cutoff:
                    continue
            candidate = self.index.profile(p_index)
            compared.add(p_index)
            if candidate.id in excluded:
                continue
            if bounds is not None:
                if not algo.could_reach(profile, candidate, bound, cutoff):
                    continue
                known = bounds.known(position)
            result = algo.compare(profile, candidate, known)
            if result.score < cutoff:
                continue
            deepest = max(deepest, found.index(p_index))  # matches are few
            results.append(
                Match(
                    entity_id=candidate.id,
                    schema=candidate.schema,
                    caption=candidate.caption,
                    source=self.sources[p_index],
                    score=result.score,
                    match=result.score >= algo.threshold,
                    explanations=result.explanations,
                    query_name=result.query_name,
                    matched_name=result.matched_name,
                    algorithm=f"{algo.name}",
                )
            )
        return deepest

    def _by_identifier(self, profile: Profile, allowed: npt.NDArray[np.bool_]) -> list[int]:
        if self._ids is None:
            table: dict[str, list[int]] = {}
            for i, p in enumerate(self.index.profiles):
                for ident in p.identifiers:
                    table.setdefault(ident, []).append(i)
            self._ids = table
        out: list[int] = []
        for ident in profile.identifiers:
            out.extend(i for i in self._ids.get(ident, ()) if allowed[i])
        return out

    def _with_entities(self, matches: list[Match]) -> list[Match]:
        """The matches with their listed entities attached (read from the store once per
        entity and kept: the active lists do not change under a screener)."""
        if self.entities is not None:
            found: dict[str, Entity] = self.entities
        else:
            found = self._entity_cache
            missing = [m.entity_id for m in matches if m.entity_id not in found]
            if missing and self.store is not None:
                if len(found) > ENTITY_CACHE:
                    # A new dict, not clear(): a server thread may be reading the old one.
                    found = self._entity_cache = {}
                found.update(self.store.active_entities(missing))
        out = []
        for m in matches:
            entity = found.get(m.entity_id)
            out.append(m if entity is None else replace(m, entity=entity))
        return out
