"""yente-compatible routes: ``/match``, ``/search``, ``/entities``, ``/catalog``,
``/algorithms`` and the health checks.

A client written for OpenSanctions' yente works against redline by changing the base
URL: the request and response shapes are yente's. Datasets are redline's sources
(``us-ofac-sdn``; ``us_ofac_sdn`` is accepted too) and ``default`` for all of them.
Screening is CPU-bound, so the screening routes are plain ``def`` functions: FastAPI
runs them in its thread pool and the event loop keeps serving other requests.
"""

from __future__ import annotations

import inspect
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from redline.entities import Entity
from redline.errors import UnknownSourceError
from redline.matching import features as feature_funcs
from redline.matching.algorithms import ALGORITHMS, DEFAULT_ALGORITHM, Algorithm
from redline.matching.screener import NOT_SCREENED, Match
from redline.schema import SCHEMATA, is_a, is_party, properties
from redline.server.lookup import REVERSE, ActiveKey, Seen
from redline.server.models import (
    AlgorithmDescription,
    AlgorithmFeature,
    AlgorithmsResponse,
    CatalogResponse,
    EntityResponse,
    HealthResponse,
    MatchRequest,
    MatchResponse,
    SearchResponse,
)
from redline.server.problems import Problem, problems
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, current_state
from redline.sources import source_class
from redline.store import tables as t

router = APIRouter(tags=["yente"])

#: Every name ``algorithm`` accepts (a test keeps it in step with ALGORITHMS).
AlgorithmName = Literal[
    "redline-v1",
    "ofac",
    "best",
    "default",
    "logic-v1",
    "logic-v2",
    "regression-v1",
    "regression-v2",
    "name-based",
    "name-qualified",
]
ALGORITHM_NAMES: tuple[str, ...] = get_args(AlgorithmName)
#: Names yente clients send for an algorithm; all mean redline's default.
ALGORITHM_ALIASES = tuple(name for name in ALGORITHM_NAMES if name not in ALGORITHMS)
#: A query parameter pattern accepting the schema names a search can filter on.
SCHEMA_PATTERN = "^(" + "|".join(sorted(s for s in SCHEMATA if is_party(s))) + ")$"
#: Dataset names that mean every loaded list. ``sanctions`` is OpenSanctions' collection
#: of sanctions lists, the name most yente clients use.
ALL_DATASETS = ("default", "sanctions", "all")
#: Lowest score a result of ``/search`` with ``q`` has.
SEARCH_CUTOFF = 0.5
MAX_LIMIT = 500
#: Candidates asked of the screener when post-filters (schema, topics, dates) may drop
#: results, as a multiple of the limit.
FILTER_HEADROOM = 4

Viewer = Annotated[Principal, Depends(require(Role.viewer))]
State = Annotated[ServerState, Depends(current_state)]
_AUTH_ERRORS = problems(400, 401, 403, 404, 422, 500, 503)


def screened_sources(key: ActiveKey) -> list[str]:
    return [source for source, _ in key if source not in NOT_SCREENED]


def resolve_dataset(key: ActiveKey, name: str) -> list[str] | None:
    """The sources a dataset name stands for (None: all of them), or a 404 problem."""
    clean = name.strip().lower().replace("_", "-")
    if clean in ALL_DATASETS:
        return None
    loaded = screened_sources(key)
    if clean in loaded:
        return [clean]
    names = ", ".join(["default", *loaded])
    raise Problem(404, f"no dataset {name!r}; loaded: {names}", kind="dataset-not-found")


def resolve_algorithm(name: str) -> Algorithm:
    """An algorithm by redline or yente name, or a 400 problem."""
    key = name.strip().lower()
    if key in ALGORITHM_ALIASES:
        key = DEFAULT_ALGORITHM
    algorithm = ALGORITHMS.get(key)
    if algorithm is None:
        known = ", ".join([*sorted(ALGORITHMS), *ALGORITHM_ALIASES])
        raise Problem(400, f"unknown algorithm {name!r}; use one of: {known}")
    return algorithm


def parse_since(when: datetime | None) -> str | None:
    """``changed_since`` as the store's timestamp form, for string comparison."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_query(name: str, schema: str, props: dict[str, Any]) -> tuple[Entity, list[str]]:
    """A query entity from a yente example; returns it and the properties it ignored.

    Raises ValueError with a message for the per-query status when it cannot be read.
    """
    if schema not in SCHEMATA:
        known = ", ".join(sorted(s for s in SCHEMATA if is_party(s)))
        raise ValueError(f"unknown schema {schema!r}; use one of: {known}")
    if not is_party(schema):
        raise ValueError(f"{schema} is a relationship, not a party that can be screened")
    entity = Entity(name or "query", schema)
    allowed = properties(schema)
    ignored: list[str] = []
    for prop, raw in props.items():
        values = raw if isinstance(raw, list) else [raw]
        for value in values:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ValueError(f"property {prop!r}: values must be strings")
        if prop not in allowed:
            ignored.append(prop)
            continue
        entity.add(prop, [str(v) for v in values])
    return entity, ignored


def entity_body(
    entity: Entity | None,
    entity_id: str,
    schema: str,
    caption: str,
    source: str,
    seen: Seen | None,
    *,
    target: bool,
) -> dict[str, Any]:
    """The yente EntityResponse form of an entity."""
    return {
        "id": entity_id,
        "caption": caption,
        "schema": schema,
        "properties": {k: list(v) for k, v in entity.properties.items()} if entity else {},
        "datasets": [source] if source else [],
        "referents": [],
        "target": target,
        "first_seen": seen.first_seen if seen else None,
        "last_seen": seen.last_seen if seen else None,
        "last_change": seen.last_change if seen else None,
    }


def match_body(m: Match, seen: Seen | None, threshold: float) -> dict[str, Any]:
    """A scored result in yente's ScoredEntityResponse form."""
    body = entity_body(m.entity, m.entity_id, m.schema, m.caption, m.source, seen, target=True)
    body.update(
        {
            "score": round(m.score, 4),
            "match": m.score >= threshold,
            "features": {e.feature: round(e.score, 4) for e in m.explanations},
            "explanations": {e.feature: e.to_dict() for e in m.explanations},
            "matched_name": m.matched_name,
            "algorithm": m.algorithm,
        }
    )
    return body


#: Requests with at most this many queries are screened on the event loop.
INLINE_QUERIES = 4


@router.post(
    "/match/{dataset}",
    response_model=MatchResponse,
    responses={**_AUTH_ERRORS, **problems(413)},
    summary="Screen parties against a dataset (yente-compatible)",
)
async def match(
    body: MatchRequest,
    principal: Viewer,
    state: State,
    dataset: Annotated[str, Path(description="A source id, or default for all lists.")],
    algorithm: Annotated[
        AlgorithmName,
        Query(
            description="redline-v1 or ofac; yente's names (best, logic-v2...) mean the default."
        ),
    ] = "best",
    threshold: Annotated[
        float | None,
        Query(
            ge=0.0,
            le=1.0,
            description="Score at which a result is a match (default: the algorithm's).",
        ),
    ] = None,
    cutoff: Annotated[
        float | None,
        Query(
            ge=0.0,
            le=1.0,
            description="Lowest score returned at all (default: the threshold, so only "
            "matches; yente's default is 0.5).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Results per query.")] = 5,
    topics: Annotated[
        list[str] | None, Query(description="Only entities with one of these topics.")
    ] = None,
    exclude_schema: Annotated[
        list[str] | None, Query(description="Leave out results of these schemata.")
    ] = None,
    exclude_entity_ids: Annotated[
        list[str] | None, Query(description="Leave out these entity ids.")
    ] = None,
    changed_since: Annotated[
        datetime | None,
        Query(
            description="Only entities whose current version appeared at or after this "
            "(ISO 8601; UTC when no zone is given)."
        ),
    ] = None,
) -> JSONResponse:
    """Score each query against the listed parties and explain every result.

    A query that cannot be read (unknown schema, a relationship schema, non-string
    values) gets ``status`` 400 and a ``detail`` in its own response; the other queries
    are answered. ``weights`` and ``config`` are accepted and ignored.
    """

    def answer() -> JSONResponse:
        if len(body.queries) > state.settings.api_max_queries:
            raise Problem(
                413,
                f"{len(body.queries):,} queries in one request; the limit is "
                f"{state.settings.api_max_queries:,} (setting api_max_queries)",
                kind="too-many-queries",
            )
        algo = resolve_algorithm(algorithm)
        since = parse_since(changed_since)
        key = state.active()
        sources = resolve_dataset(key, dataset)
        cut = threshold if threshold is not None else algo.threshold
        floor = cut if cutoff is None else cutoff
        dropped_schemata = set(exclude_schema or ())
        wanted_topics = set(topics or ())
        filtering = bool(dropped_schemata or wanted_topics or since)
        asked = min(MAX_LIMIT, limit * FILTER_HEADROOM) if filtering else limit
        screener = state.screener()
        responses: dict[str, Any] = {}
        for name, example in body.queries.items():
            try:
                query, ignored = build_query(
                    example.id or name, example.schema_, example.properties
                )
            except ValueError as exc:
                responses[name] = {
                    "status": 400,
                    "detail": str(exc),
                    "results": [],
                    "total": {"value": 0, "relation": "eq"},
                    "query": {"id": example.id, "schema": example.schema_, "properties": {}},
                }
                continue
            found = screener.match(
                query,
                threshold=floor,
                limit=asked,
                sources=sources,
                algorithm=algo.name,
                exclude=exclude_entity_ids or (),
            )
            if dropped_schemata:
                found = [m for m in found if m.schema not in dropped_schemata]
            if wanted_topics:
                found = [
                    m
                    for m in found
                    if m.entity is not None and wanted_topics & set(m.entity.get("topics"))
                ]
            seen = state.lookup.seen(key, [(m.entity_id, m.source) for m in found]) if found else {}
            if since:
                found = [m for m in found if (seen[m.entity_id].last_change or "") >= since]
            found = found[:limit]
            responses[name] = {
                "status": 200,
                "detail": f"ignored properties the schema lacks: {', '.join(ignored)}"
                if ignored
                else None,
                "results": [match_body(m, seen.get(m.entity_id), cut) for m in found],
                "total": {"value": len(found), "relation": "eq"},
                "query": {"id": example.id, "schema": query.schema, "properties": query.properties},
            }
        return JSONResponse({"responses": responses, "limit": limit, "algorithm": algo.name})

    # Screening is CPU-bound. A request of a few queries (a few milliseconds) is answered
    # on the event loop: handing it to a thread costs more than the work, and the
    # threads would fight the loop for the GIL (measured: half the throughput). Larger
    # batches, and any request while the index is still loading, go to a thread, where
    # the request timeout can still answer for them.
    if len(body.queries) <= INLINE_QUERIES and state.has_screener:
        return answer()
    return await run_in_threadpool(answer)


def _facets(hits: Counter[tuple[str, str]]) -> dict[str, Any]:
    """Counts of datasets and schemata from counts of (source, schema) hits."""
    out: dict[str, Any] = {}
    for field, label, index in (("datasets", "Data sources", 0), ("schema", "Types", 1)):
        counts: Counter[str] = Counter()
        for pair, n in hits.items():
            counts[pair[index]] += n
        out[field] = {
            "label": label,
            "values": [{"name": k, "label": k, "count": n} for k, n in counts.most_common()],
        }
    return out


@router.get(
    "/search/{dataset}",
    response_model=SearchResponse,
    responses=_AUTH_ERRORS,
    summary="Search a dataset by name (yente-compatible)",
)
def search(
    principal: Viewer,
    state: State,
    dataset: Annotated[str, Path(description="A source id, or default for all lists.")],
    q: Annotated[str, Query(max_length=1000, description="A name; empty lists entities.")] = "",
    schema: Annotated[
        str, Query(pattern=SCHEMA_PATTERN, description="Only entities of this schema (or below).")
    ] = "Thing",
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Names scored like a screening (score 0.5 and above), best first; without ``q``,
    every entity in id order. Results are yente ``EntityResponse`` objects."""
    if schema not in SCHEMATA:
        raise Problem(400, f"unknown schema {schema!r}", kind="bad-parameter")
    key = state.active()
    sources = resolve_dataset(key, dataset)
    if not q.strip():
        return _browse(state, key, sources, schema, limit, offset)
    screener = state.screener()
    found = screener.match(
        q, threshold=SEARCH_CUTOFF, limit=offset + limit + 1, sources=sources, schema=schema
    )
    found = [m for m in found if is_a(m.schema, schema)]
    more = len(found) > offset + limit
    page = found[offset : offset + limit]
    seen = state.lookup.seen(key, [(m.entity_id, m.source) for m in page]) if page else {}
    results = [
        entity_body(
            m.entity,
            m.entity_id,
            m.schema,
            m.caption,
            m.source,
            seen.get(m.entity_id),
            target=True,
        )
        for m in page
    ]
    total = min(len(found), offset + limit)
    return {
        "limit": limit,
        "offset": offset,
        "total": {"value": total, "relation": "gte" if more else "eq"},
        "results": results,
        "facets": _facets(Counter((m.source, m.schema) for m in found[: offset + limit])),
    }


def _browse(
    state: ServerState,
    key: ActiveKey,
    sources: list[str] | None,
    schema: str,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Entities of the active lists in id order (``/search`` without ``q``)."""
    chosen = sources if sources is not None else screened_sources(key)
    snapshot_ids = [sid for source, sid in key if source in chosen]
    by_snapshot = {sid: source for source, sid in key}
    kinds = [s for s in SCHEMATA if is_party(s) and is_a(s, schema)]
    se = t.snapshot_entities
    where = (se.c.snapshot_id.in_(snapshot_ids), se.c.schema.in_(kinds))
    page = (
        select(se.c.entity_id, se.c.snapshot_id, se.c.schema, se.c.caption, t.entity_blobs.c.data)
        .join(t.entity_blobs, t.entity_blobs.c.hash == se.c.hash)
        .where(*where)
        .order_by(se.c.entity_id, se.c.snapshot_id)
        .limit(limit)
        .offset(offset)
    )
    facet_query = (
        select(se.c.snapshot_id, se.c.schema, func.count())
        .where(*where)
        .group_by(se.c.snapshot_id, se.c.schema)
    )
    with state.store.engine.connect() as conn:
        rows = conn.execute(page).fetchall() if limit else []
        grouped = conn.execute(facet_query).fetchall()
    total = sum(int(n) for _, _, n in grouped)
    hits = [(r[0], by_snapshot[int(r[1])]) for r in rows]
    seen = state.lookup.seen(key, hits) if hits else {}
    results = []
    for entity_id, sid, kind, caption, data in rows:
        entity = Entity.from_dict(json.loads(data))
        results.append(
            entity_body(
                entity,
                entity_id,
                kind,
                caption,
                by_snapshot[int(sid)],
                seen.get(entity_id),
                target=True,
            )
        )
    pairs: Counter[tuple[str, str]] = Counter()
    for sid, kind, n in grouped:
        pairs[(by_snapshot[int(sid)], str(kind))] += int(n)
    facets = _facets(pairs)
    return {
        "limit": limit,
        "offset": offset,
        "total": {"value": total, "relation": "eq"},
        "results": results,
        "facets": facets,
    }


@router.get(
    "/entities/{entity_id}",
    response_model=EntityResponse,
    responses=_AUTH_ERRORS,
    summary="One entity with its relations (yente-compatible)",
)
def get_entity(
    principal: Viewer,
    state: State,
    entity_id: Annotated[str, Path(description="An entity id, e.g. ofac-16418.")],
    nested: Annotated[bool, Query(description="Include the relations naming it.")] = True,
) -> dict[str, Any]:
    """An entity of the active lists. With ``nested``, the relations that name it
    (ownership, family, associates, directorships) appear under FtM's reverse property
    names (``ownershipOwner``, ``familyPerson``...), each with the other party inside."""
    entity, info = state.store.get_entity(entity_id)
    key = state.active()
    seen = state.lookup.seen(key, [(entity.id, info.source)]).get(entity.id)
    body = entity_body(
        entity,
        entity.id,
        entity.schema,
        entity.caption,
        info.source,
        seen,
        target=entity.is_party and info.source not in NOT_SCREENED,
    )
    if nested:
        links = state.lookup.relations(key).get(entity.id, [])
        others = {
            ref
            for _, rel in links
            for prop in SCHEMATA[rel.schema].entity_refs
            for ref in rel.get(prop)
            if ref != entity.id
        }
        found = state.store.active_entities(others) if others else {}
        for prop, rel in links:
            reverse = REVERSE.get((rel.schema, prop), f"{rel.schema[0].lower()}{rel.schema[1:]}")
            nested_props: dict[str, list[Any]] = {}
            for name, values in rel.properties.items():
                if name in SCHEMATA[rel.schema].entity_refs:
                    nested_props[name] = [
                        _brief(found[v]) if v in found else v for v in values if v != entity.id
                    ]
                    if not nested_props[name]:
                        nested_props[name] = [entity.id]
                else:
                    nested_props[name] = list(values)
            body["properties"].setdefault(reverse, []).append(
                {
                    "id": rel.id,
                    "caption": rel.caption,
                    "schema": rel.schema,
                    "properties": nested_props,
                    "datasets": [info.source],
                    "referents": [],
                    "target": False,
                    "first_seen": None,
                    "last_seen": None,
                    "last_change": None,
                }
            )
    return body


def _brief(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": {k: list(v) for k, v in entity.properties.items()},
        "datasets": list(entity.datasets),
        "referents": [],
        "target": entity.is_party,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
    }


def _title(source: str) -> str:
    try:
        return source_class(source).title
    except UnknownSourceError:
        return source


@router.get(
    "/catalog",
    response_model=CatalogResponse,
    responses=_AUTH_ERRORS,
    summary="The loaded datasets (yente-compatible)",
)
def catalog(principal: Viewer, state: State) -> dict[str, Any]:
    """One dataset per loaded source — title, entity count, when it was loaded and the
    content hash of its active snapshot — plus ``default``, every source together."""
    active = [s for s in state.store.active_snapshots() if s.source not in NOT_SCREENED]
    datasets: list[dict[str, Any]] = [
        {
            "name": info.source,
            "title": _title(info.source)
            + (" (SAMPLE, not for compliance use)" if info.sample else ""),
            "type": "source",
            "entity_count": info.entity_count,
            "last_change": info.activated_at,
            "last_export": info.fetched_at or info.loaded_at,
            "version": str(info.id),
            "content_hash": info.content_hash,
            "sample": info.sample,
            "children": [],
            "load": True,
        }
        for info in active
    ]
    changes = [info.activated_at for info in active if info.activated_at]
    default = {
        "name": "default",
        "title": "All loaded lists",
        "type": "collection",
        "entity_count": sum(info.entity_count for info in active),
        "last_change": max(changes) if changes else None,
        "last_export": None,
        "version": None,
        "content_hash": None,
        "sample": any(info.sample for info in active),
        "children": [info.source for info in active],
        "load": True,
    }
    ready, _ = state.ready()
    return {
        "datasets": [default, *datasets],
        "current": ["default", *(info.source for info in active)],
        "outdated": [],
        "index_stale": not ready,
    }


def _feature_doc(func: Any) -> str:
    doc = inspect.getdoc(func) or ""
    return " ".join(doc.split("\n\n")[0].split())


@router.get(
    "/algorithms",
    response_model=AlgorithmsResponse,
    responses=_AUTH_ERRORS,
    summary="The scoring algorithms (yente-compatible)",
)
def algorithms(principal: Viewer) -> AlgorithmsResponse:
    """Every algorithm with its version, default threshold and features. yente's names
    (``best``, ``logic-v2``...) are accepted by ``/match`` as aliases of the default."""
    out = []
    for algo in ALGORITHMS.values():
        features = {
            "name_match": AlgorithmFeature(
                description="The best-scoring pair of a query name and a listed name: "
                + algo.description,
                coefficient=1.0,
            )
        }
        if algo.name == DEFAULT_ALGORITHM:
            features["identifier_match"] = AlgorithmFeature(
                description=_feature_doc(feature_funcs.identifier), coefficient=0.95
            )
            for name, func in feature_funcs.SECONDARY:
                features[name] = AlgorithmFeature(description=_feature_doc(func))
        out.append(
            AlgorithmDescription(
                name=algo.name,
                version=algo.version,
                description=algo.description,
                threshold=algo.threshold,
                aliases=list(ALGORITHM_ALIASES) if algo.name == DEFAULT_ALGORITHM else [],
                features=features,
            )
        )
    return AlgorithmsResponse(algorithms=out, default=DEFAULT_ALGORITHM, best=DEFAULT_ALGORITHM)


@router.get(
    "/healthz",
    response_model=HealthResponse,
    tags=["health"],
    responses=problems(500),
    summary="Liveness: the process answers",
)
async def healthz() -> HealthResponse:
    """Always ``ok`` while the process serves; needs no key."""
    return HealthResponse(status="ok")


@router.get(
    "/readyz",
    response_model=HealthResponse,
    tags=["health"],
    responses=problems(500, 503),
    summary="Readiness: lists loaded and the screening index built",
)
def readyz(state: State) -> HealthResponse:
    """``ok`` once lists are loaded and the screening index is in memory; 503 before
    (a load balancer should not send traffic yet). Needs no key."""
    ready, why = state.ready()
    if not ready:
        raise Problem(503, why, kind="not-ready", headers={"Retry-After": "2"})
    return HealthResponse(status="ok")
