"""OFAC's 50% rule: which entities are blocked because blocked parties own half or more
of them, in total, directly or through entities the rule itself blocks.

The rule, as OFAC states it in its revised guidance of 13 August 2014 (paraphrased):
an entity is blocked when one or more blocked persons own 50 percent or more of it,
directly or indirectly, in the aggregate, whether or not OFAC has named the entity
itself. Before that guidance, holdings of different blocked persons were not added up.

How redline reads it (see docs/ownership.md):

* A party on an active list is blocked ("listed"). By default every official list
  counts; a caller may name the lists that do (``sources``), e.g. only ``us-ofac-sdn``
  for OFAC's rule in the strict sense. The user's own watchlist (``csv``) and the
  companies named in ownership edges (``user-ownership``) are not listed parties. An
  FtM file (OpenSanctions) also holds the companies around the sanctioned ones: only
  its parties with the topic ``sanction`` are listed.
* An entity is blocked by the rule when the shares held in it by blocked parties add up
  to the threshold (50%) or more. Shares of *different* blocked owners add up.
* An entity blocked by the rule is a blocked party in turn: its holdings count in full
  towards the entities it owns (a blocked company's 50% stake is a blocked 50% stake;
  shares are not multiplied along a chain).
* A holding through an entity that is *not* blocked does not count: 40% of M held by a
  listed X and 100% of N held by M leaves N unblocked (M is not blocked, so nothing
  flows through it), though X's economic interest in N is 40%.
* Only shares count. Links without a share (OFAC's "Linked To", UK parent/subsidiary
  links, directorships) are shown to a reviewer but never counted; control without
  ownership is outside the 50% rule.

:func:`analyse` is the computation on plain data (edges and a set of listed ids): a
fixed point reached in rounds, each round blocking the entities whose blocked share
reached the threshold with the owners blocked so far. Every entity joins the blocked set
at most once, so the rounds end, cycles included. :func:`flags`, :func:`show` and
:func:`blocked_owners` read the relations of the active lists and the user's edges from
the store and dress the result with names and explanations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from redline.entities import Entity
from redline.errors import ConfigError, InputError, NotFoundError
from redline.sources.ownership import SOURCE_ID, format_share, parse_share, reference_key
from redline.store import SnapshotInfo, Store

THRESHOLD = Decimal(50)
HUNDRED = Decimal(100)
NOT_LISTED = frozenset({SOURCE_ID, "csv"})
"""Sources whose parties are not blocked parties unless named explicitly: the user's
watchlist (often customers) and the companies named in the user's ownership edges."""
BY_TOPIC = frozenset({"ftm"})
"""Sources whose files mix the sanctioned parties with the companies and people around
them (OpenSanctions): there only parties tagged with :data:`SANCTION_TOPIC` are listed,
or every party when the file tags none. Every other parser lists only designated parties."""
SANCTION_TOPIC = "sanction"
LINK_SCHEMATA = {"UnknownLink": ("subject", "object"), "Directorship": ("director", "organization")}


def pct(share: Decimal) -> str:
    """``50%``, ``12.5%``."""
    return f"{format_share(share)}%"


# -- the computation on plain data ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edge:
    """``owner`` holds ``share`` percent of ``asset``; ``origin`` says who says so."""

    owner: str
    asset: str
    share: Decimal
    origin: str


@dataclass(frozen=True, slots=True)
class Finding:
    """What blocked parties hold in one entity."""

    entity_id: str
    share: Decimal
    """The aggregate share held by blocked owners (listed or blocked by the rule)."""
    stakes: tuple[Edge, ...]
    """The edges from those owners, largest first: the sum that makes ``share``."""
    blocked: bool
    """Listed, or ``share`` at or above the threshold."""
    listed: bool
    depth: int | None
    """0 for a listed party; n when the rule blocked it in round n of the fixed point
    (1: listed parties alone own enough of it); None when it is not blocked."""


@dataclass(frozen=True)
class Analysis:
    """The fixed point of the rule over one set of edges."""

    threshold: Decimal
    listed: Mapping[str, str]
    """Listed id → the list it is on."""
    findings: Mapping[str, Finding]
    """Every entity with at least one blocked owner (listed ones included)."""
    owners: Mapping[str, tuple[Edge, ...]]
    """Every edge into an entity, blocked owner or not, largest first."""
    holdings: Mapping[str, tuple[Edge, ...]]
    """Every edge out of an entity, largest first."""

    def flagged(self) -> list[Finding]:
        """Entities the rule blocks that no active list names, largest share first."""
        found = [f for f in self.findings.values() if f.blocked and not f.listed]
        return sorted(found, key=lambda f: (-f.share, f.entity_id))

    def depth(self, entity_id: str) -> int | None:
        if entity_id in self.listed:
            return 0
        finding = self.findings.get(entity_id)
        return finding.depth if finding is not None else None

    def chain(self, entity_id: str) -> tuple[Edge, ...]:
        """A chain of edges from a listed party down to a blocked entity, for a reader
        to follow; the sum that blocks it is :meth:`explain`'s.

        Each step goes up to the owner blocked earliest, whose depth is strictly smaller
        than the entity's, so the walk ends at a listed party even through cycles.
        """
        edges: list[Edge] = []
        node = entity_id
        while node not in self.listed:
            finding = self.findings.get(node)
            if finding is None or finding.depth is None:
                return ()
            step = min(finding.stakes, key=lambda e: (self.depth(e.owner) or 0, -e.share, e.owner))
            edges.append(step)
            node = step.owner
        return tuple(reversed(edges))

    def status(self, entity_id: str, name: Callable[[str], str]) -> str:
        """Why an entity is or is not blocked, in a few words."""
        if entity_id in self.listed:
            return f"listed on {self.listed[entity_id]}"
        finding = self.findings.get(entity_id)
        if finding is None:
            if self.owners.get(entity_id):
                # Say it, since a reader may expect a listed grandparent to count.
                return "not blocked: none of its owners is blocked"
            return "not blocked"
        holders = _names([e.owner for e in finding.stakes], name)
        if finding.blocked:
            return f"blocked: owned {pct(finding.share)} by {holders}"
        return f"not blocked: blocked parties hold {pct(finding.share)} ({holders})"

    def explain(self, entity_id: str, name: Callable[[str], str]) -> str:
        """The sum behind an entity's blocked share, each owner with why it is blocked:
        ``60% = 30% X (listed on us-ofac-sdn) + 30% Y (blocked: owned 100% by X)``."""
        finding = self.findings.get(entity_id)
        if finding is None:
            return "no blocked owner"
        parts = [
            f"{pct(e.share)} {name(e.owner)} ({self.status(e.owner, name)})" for e in finding.stakes
        ]
        text = f"{pct(finding.share)} = {' + '.join(parts)}"
        if not finding.blocked:
            text += f"; below the {pct(self.threshold)} threshold"
        return text


def _names(ids: Sequence[str], name: Callable[[str], str], most: int = 3) -> str:
    shown = [name(i) for i in ids[:most]]
    if len(ids) > most:
        return f"{', '.join(shown)} and {len(ids) - most} more"
    return " and ".join(shown) if len(shown) == 2 else ", ".join(shown)


def check_edges(edges: Iterable[Edge]) -> None:
    """Refuse edges the rule cannot be applied to: a share outside (0, 100], an entity
    owning itself, two shares for one owner and asset, or shares in one asset adding up
    to more than 100%. Each error names the edges' origins, so the data can be fixed."""
    seen: dict[tuple[str, str], Edge] = {}
    into: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        if not 0 < edge.share <= HUNDRED:
            raise InputError(f"{edge.origin}: share {pct(edge.share)} is not in (0%, 100%]")
        if edge.owner == edge.asset:
            raise InputError(f"{edge.origin}: {edge.owner} cannot own itself")
        other = seen.get((edge.owner, edge.asset))
        if other is not None:
            raise InputError(
                f"{other.origin} and {edge.origin} both give {edge.owner}'s share of "
                f"{edge.asset}; keep one"
            )
        seen[(edge.owner, edge.asset)] = edge
        into[edge.asset].append(edge)
    for asset, incoming in into.items():
        total = sum((e.share for e in incoming), Decimal(0))
        if total > HUNDRED:
            parts = ", ".join(f"{pct(e.share)} {e.owner} [{e.origin}]" for e in incoming)
            raise InputError(
                f"the shares held in {asset} add up to {pct(total)}, more than 100%: {parts}"
            )


def analyse(
    edges: Iterable[Edge], listed: Mapping[str, str], threshold: Decimal = THRESHOLD
) -> Analysis:
    """Apply the rule to ``edges`` with ``listed`` (id → list) as the blocked parties.

    Raises :class:`ConfigError` for a threshold outside (0, 100] and
    :class:`InputError` for edges :func:`check_edges` refuses.
    """
    if not 0 < threshold <= HUNDRED:
        raise ConfigError(f"the threshold must be above 0% and at most 100%, not {pct(threshold)}")
    edges = list(edges)
    check_edges(edges)
    out: dict[str, list[Edge]] = defaultdict(list)
    into: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        out[edge.owner].append(edge)
        into[edge.asset].append(edge)

    depth: dict[str, int] = dict.fromkeys(listed, 0)
    blocked_share: dict[str, Decimal] = defaultdict(Decimal)
    frontier = sorted(listed)
    rounds = 0
    while frontier:
        rounds += 1
        touched: set[str] = set()
        for owner in frontier:
            for edge in out.get(owner, ()):
                blocked_share[edge.asset] += edge.share
                touched.add(edge.asset)
        frontier = sorted(a for a in touched if a not in depth and blocked_share[a] >= threshold)
        for asset in frontier:
            depth[asset] = rounds

    def largest_first(items: Iterable[Edge], key: Callable[[Edge], str]) -> tuple[Edge, ...]:
        return tuple(sorted(items, key=lambda e: (-e.share, key(e))))

    findings: dict[str, Finding] = {}
    for asset, share in blocked_share.items():
        stakes = largest_first((e for e in into[asset] if e.owner in depth), lambda e: e.owner)
        findings[asset] = Finding(
            entity_id=asset,
            share=share,
            stakes=stakes,
            blocked=asset in depth,
            listed=asset in listed,
            depth=depth.get(asset),
        )
    return Analysis(
        threshold=threshold,
        listed=dict(listed),
        findings=findings,
        owners={a: largest_first(es, lambda e: e.owner) for a, es in into.items()},
        holdings={o: largest_first(es, lambda e: e.asset) for o, es in out.items()},
    )


# -- reading the store ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """A relation between two parties that carries no share and is therefore not
    counted: shown so that a reviewer sees it was considered."""

    a: str
    b: str | None
    kind: str
    role: str
    description: str
    origin: str


@dataclass
class Inputs:
    """What the store says about ownership: the edges that count (resolved to the
    parties they name), the listed parties, and what a reviewer should know."""

    edges: list[Edge]
    listed: dict[str, str]
    sources: list[str]
    resolved: dict[str, str] = field(default_factory=dict)
    """Placeholder company of the user's edges → the entity it names."""
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sample: bool = False


def _live(entity: Entity, as_of: str) -> bool:
    """False for an ownership that ended before ``as_of`` or starts after it; partial
    dates (``2020``) are compared at their own precision, so they never end early."""
    for end in entity.get("endDate"):
        if end < as_of[: len(end)]:
            return False
    return all(start <= as_of[: len(start)] for start in entity.get("startDate"))


def read_inputs(
    store: Store,
    *,
    sources: Sequence[str] | None = None,
    as_of: date | None = None,
    links: bool = False,
) -> Inputs:
    """Gather the ownership edges of the active lists and of the user's edges.

    List ``Ownership`` relations count when they give a readable share and have not
    ended by ``as_of`` (today by default); for one owner and asset, the largest share a
    list gives counts once, and a user's edge replaces the lists'. With ``links``, the
    relations without a share are collected too (for :func:`show`).
    """
    active = store.active_snapshots()
    by_source = {s.source: s for s in active}
    if sources:
        unknown = [s for s in sources if s not in by_source]
        if unknown:
            raise ConfigError(
                f"no active list {', '.join(unknown)}; active: {', '.join(by_source) or 'none'}"
            )
        blocking = [by_source[s] for s in dict.fromkeys(sources)]
    else:
        blocking = [s for s in active if s.source not in NOT_LISTED]
    if not blocking:
        raise NotFoundError(
            "no lists loaded to take the blocked parties from: load one with 'redline lists "
            "load' (or try 'redline lists load us-ofac-sdn --sample')"
        )
    today = (as_of or date.today()).isoformat()
    listed: dict[str, str] = {}
    for info in blocking:
        if info.source not in BY_TOPIC:
            for entity_id in store.entity_versions(info.id):
                listed.setdefault(entity_id, info.source)
    inputs = Inputs(
        [], listed, [s.source for s in blocking], sample=any(s.sample for s in blocking)
    )
    by_topic = {s.id for s in blocking if s.source in BY_TOPIC}
    from_lists = _list_edges(store, active, by_topic, today, inputs, links)
    user = by_source.get(SOURCE_ID)
    from_user = _user_edges(store, user, active, blocking, inputs) if user is not None else []
    for edge in from_user:
        replaced = from_lists.pop((edge.owner, edge.asset), None)
        if replaced is not None:
            inputs.notes.append(
                f"{edge.origin} ({pct(edge.share)}) replaces {replaced.origin} "
                f"({pct(replaced.share)}) for {edge.owner} in {edge.asset}"
            )
    inputs.edges = [*from_lists.values(), *from_user]
    return inputs


def _list_edges(
    store: Store,
    active: Sequence[SnapshotInfo],
    by_topic: set[int],
    today: str,
    inputs: Inputs,
    links: bool,
) -> dict[tuple[str, str], Edge]:
    """The ownership edges of the active lists, one per owner and asset (the largest
    share a list gives); shareless relations go to ``inputs.links`` when asked for.

    The same pass finds the listed parties of the snapshots in ``by_topic``."""
    from_lists: dict[tuple[str, str], Edge] = {}
    shareless = ended = 0
    for info in active:
        if info.source == SOURCE_ID:
            continue
        if info.id not in by_topic and not _has_relations(info, links):
            continue
        sanctioned: list[str] = []
        parties: list[str] = []
        for entity in store.iter_entities(info.id):
            if entity.is_party:
                if info.id in by_topic:
                    parties.append(entity.id)
                    if SANCTION_TOPIC in entity.get("topics"):
                        sanctioned.append(entity.id)
            elif entity.schema == "Ownership":
                owner, asset = entity.first("owner"), entity.first("asset")
                if owner is None or asset is None:
                    continue
                origin = f"{info.source} {entity.id}"
                share = _first_share(entity.get("percentage"))
                if share is None:
                    shareless += 1
                    if links:
                        inputs.links.append(
                            Link(
                                owner,
                                asset,
                                "Ownership",
                                "owner (no share given)",
                                "; ".join(entity.get("percentage")),
                                origin,
                            )
                        )
                elif not _live(entity, today):
                    ended += 1
                elif owner != asset:
                    edge = Edge(owner, asset, share, origin)
                    kept = from_lists.get((owner, asset))
                    if kept is None or kept.share < share:
                        from_lists[(owner, asset)] = edge
            elif links and entity.schema in LINK_SCHEMATA:
                a_prop, b_prop = LINK_SCHEMATA[entity.schema]
                a = entity.first(a_prop)
                if a is not None:
                    inputs.links.append(
                        Link(
                            a,
                            entity.first(b_prop),
                            entity.schema,
                            entity.first("role") or entity.schema,
                            entity.first("description") or "",
                            f"{info.source} {entity.id}",
                        )
                    )
        for entity_id in sanctioned or parties:
            inputs.listed.setdefault(entity_id, info.source)
    if shareless:
        inputs.notes.append(
            f"{shareless} ownership relation(s) in the lists give no readable share and are "
            "not counted"
        )
    if ended:
        inputs.notes.append(
            f"{ended} ownership relation(s) in the lists ended before {today} and are not counted"
        )
    return from_lists


def _has_relations(info: SnapshotInfo, links: bool) -> bool:
    counts = info.schema_counts
    if counts.get("Ownership"):
        return True
    return links and any(counts.get(s) for s in LINK_SCHEMATA)


def _first_share(values: Sequence[str]) -> Decimal | None:
    for value in values:
        try:
            return parse_share(value)
        except ValueError:
            continue
    return None


def _user_edges(
    store: Store,
    info: SnapshotInfo,
    active: Sequence[SnapshotInfo],
    blocking: Sequence[SnapshotInfo],
    inputs: Inputs,
) -> list[Edge]:
    """The user's edges with each placeholder company resolved to the entity it names:
    an entity id of an active list, else the one listed party with that name or alias
    (names before aliases), else the placeholder itself."""
    names: dict[str, str] = {}
    raw: list[tuple[str, str, Decimal, str]] = []
    for entity in store.iter_entities(info.id):
        if entity.schema == "Ownership":
            owner, asset = entity.first("owner"), entity.first("asset")
            share = _first_share(entity.get("percentage"))
            if owner and asset and share is not None:
                where = entity.first("recordId") or entity.id
                raw.append((owner, asset, share, f"{SOURCE_ID} {where}"))
        elif entity.is_party:
            names[entity.id] = entity.caption
    known: set[str] = set()
    for snap in active:
        if snap.source != SOURCE_ID:
            known.update(store.entity_versions(snap.id))
    pending: dict[str, str] = {}
    for pid, name in names.items():
        if name in known:
            inputs.resolved[pid] = name
        else:
            pending[reference_key(name)] = pid
    if pending:
        by_name: dict[str, set[str]] = defaultdict(set)
        by_alias: dict[str, set[str]] = defaultdict(set)
        for snap in blocking:
            if snap.source == SOURCE_ID:
                continue
            for party in store.iter_entities(snap.id, parties_only=True):
                for target, props in ((by_name, ("name",)), (by_alias, ("alias", "previousName"))):
                    for prop in props:
                        for value in party.get(prop):
                            key = reference_key(value)
                            if key in pending:
                                target[key].add(party.id)
        for key, pid in pending.items():
            found = by_name.get(key) or by_alias.get(key) or set()
            if len(found) == 1:
                inputs.resolved[pid] = next(iter(found))
            elif found:
                inputs.notes.append(
                    f"{names[pid]!r} in the ownership edges is the name of {len(found)} listed "
                    f"parties ({', '.join(sorted(found)[:5])}); kept apart as {pid}: write "
                    "the entity id instead"
                )
    raw.sort(key=lambda r: _line_order(r[3]))  # file order, so messages read naturally
    return [
        Edge(inputs.resolved.get(o, o), inputs.resolved.get(a, a), share, origin)
        for o, a, share, origin in raw
    ]


def _line_order(origin: str) -> tuple[str, int]:
    where, _, line = origin.rpartition(":")
    return (where, int(line)) if line.isdigit() else (origin, 0)


# -- results for people and for other modules --------------------------------------------


def _json(record: Any) -> dict[str, Any]:
    """A result dataclass as JSON-ready data: shares as numbers, tuples as lists."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    data: dict[str, Any] = plain(asdict(record))
    return data


class _Names:
    """Captions and sources of entities, looked up once each: only the few entities a
    result shows are read, never a whole list."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[str, str | None]] = {}

    def _get(self, entity_id: str) -> tuple[str, str | None]:
        found = self._cache.get(entity_id)
        if found is None:
            try:
                entity, info = self.store.get_entity(entity_id)
                found = (entity.caption, info.source)
            except NotFoundError:
                found = (entity_id, None)
            self._cache[entity_id] = found
        return found

    def caption(self, entity_id: str) -> str:
        return self._get(entity_id)[0]

    def source(self, entity_id: str) -> str | None:
        return self._get(entity_id)[1]

    def exists(self, entity_id: str) -> bool:
        return self._get(entity_id)[1] is not None


@dataclass(frozen=True)
class Stake:
    """One edge seen from one end: the party at the other end, its share and its status."""

    party_id: str
    name: str
    share: Decimal
    origin: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return _json(self)


@dataclass(frozen=True)
class Flag:
    """An entity the 50% rule blocks though no active list names it, and why."""

    entity_id: str
    caption: str
    source: str | None
    """The source the entity's record comes from (``user-ownership`` for a company only
    the user's edges name); None when no active source has it."""
    share: Decimal
    threshold: Decimal
    depth: int
    owners: tuple[Stake, ...]
    """The blocked owners whose shares add up to ``share``."""
    path: tuple[str, ...]
    """Captions from a listed party down to this entity along the shortest chain."""
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return _json(self)


@dataclass
class FlagReport:
    """Every entity the rule blocks, with the lists taken as blocked parties."""

    threshold: Decimal
    sources: list[str]
    flags: list[Flag]
    notes: list[str]
    sample: bool

    def to_dict(self) -> dict[str, Any]:
        return _json(self)


def _analysis(
    store: Store,
    threshold: Decimal | float | str,
    sources: Sequence[str] | None,
    as_of: date | None,
    links: bool = False,
) -> tuple[Inputs, Analysis]:
    inputs = read_inputs(store, sources=sources, as_of=as_of, links=links)
    return inputs, analyse(inputs.edges, inputs.listed, _threshold(threshold))


def _threshold(value: Decimal | float | str) -> Decimal:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise ConfigError(f"the threshold must be a percentage, not {value!r}") from None


def _stakes(
    analysis: Analysis, edges: Iterable[Edge], names: _Names, other: Callable[[Edge], str]
) -> tuple[Stake, ...]:
    return tuple(
        Stake(
            party_id=other(e),
            name=names.caption(other(e)),
            share=e.share,
            origin=e.origin,
            status=analysis.status(other(e), names.caption),
        )
        for e in edges
    )


def _path(analysis: Analysis, entity_id: str, names: _Names) -> tuple[str, ...]:
    chain = analysis.chain(entity_id)
    if not chain:
        return ()
    return (*(names.caption(e.owner) for e in chain), names.caption(entity_id))


def _flag(analysis: Analysis, finding: Finding, names: _Names) -> Flag:
    return Flag(
        entity_id=finding.entity_id,
        caption=names.caption(finding.entity_id),
        source=names.source(finding.entity_id),
        share=finding.share,
        threshold=analysis.threshold,
        depth=finding.depth or 0,
        owners=_stakes(analysis, finding.stakes, names, lambda e: e.owner),
        path=_path(analysis, finding.entity_id, names),
        explanation=analysis.explain(finding.entity_id, names.caption),
    )


def flags(
    store: Store,
    *,
    threshold: Decimal | float | str = THRESHOLD,
    sources: Sequence[str] | None = None,
    as_of: date | None = None,
) -> FlagReport:
    """Every entity blocked by the rule that no list names, from the active lists'
    ownership relations and the user's edges, largest blocked share first.

    ``threshold`` is a percentage (50 by default: "50% or more"); ``sources`` names
    the lists whose parties are blocked (every official list by default).
    """
    inputs, analysis = _analysis(store, threshold, sources, as_of)
    names = _Names(store)
    found = [_flag(analysis, f, names) for f in analysis.flagged()]
    return FlagReport(analysis.threshold, inputs.sources, found, inputs.notes, inputs.sample)


def blocked_owners(
    store: Store,
    *,
    threshold: Decimal | float | str = THRESHOLD,
    sources: Sequence[str] | None = None,
    as_of: date | None = None,
) -> dict[str, Flag]:
    """Entity id → why the rule blocks it, for screening consumers: a match against one
    of these ids is a match against a blocked party though no list names it."""
    report = flags(store, threshold=threshold, sources=sources, as_of=as_of)
    return {f.entity_id: f for f in report.flags}


@dataclass(frozen=True)
class Related:
    """A party linked to an entity without a share (not counted by the rule)."""

    party_id: str | None
    name: str
    kind: str
    role: str
    origin: str

    def to_dict(self) -> dict[str, Any]:
        return _json(self)


@dataclass
class EntityOwnership:
    """Who owns one entity and what it owns, whether it is blocked and why."""

    entity_id: str
    caption: str
    source: str | None
    listed_on: str | None
    blocked: bool
    share: Decimal
    """The aggregate share held by blocked owners (0 when none)."""
    threshold: Decimal
    status: str
    explanation: str
    path: tuple[str, ...]
    owners: tuple[Stake, ...]
    owns: tuple[Stake, ...]
    links: tuple[Related, ...]
    notes: list[str]
    sample: bool

    def to_dict(self) -> dict[str, Any]:
        return _json(self)


def show(
    store: Store,
    entity_id: str,
    *,
    threshold: Decimal | float | str = THRESHOLD,
    sources: Sequence[str] | None = None,
    as_of: date | None = None,
) -> EntityOwnership:
    """One entity's owners (blocked or not), its holdings, its blocked share with the
    sum behind it, and the links without a share that were not counted.

    ``entity_id`` may be a listed party's id or the id of a company named in the user's
    edges (which shows the party it resolves to)."""
    inputs, analysis = _analysis(store, threshold, sources, as_of, links=True)
    names = _Names(store)
    target = inputs.resolved.get(entity_id, entity_id)
    in_graph = target in analysis.owners or target in analysis.holdings
    if not in_graph and target not in analysis.listed and not names.exists(target):
        raise NotFoundError(f"no entity {entity_id!r} in the active lists or ownership edges")
    finding = analysis.findings.get(target)
    related = []
    for link in inputs.links:
        if target in (link.a, link.b):
            other = link.b if link.a == target else link.a
            name = names.caption(other) if other else link.description
            related.append(Related(other, name, link.kind, link.role, link.origin))
    return EntityOwnership(
        entity_id=target,
        caption=names.caption(target),
        source=names.source(target),
        listed_on=analysis.listed.get(target),
        blocked=finding.blocked if finding else target in analysis.listed,
        share=finding.share if finding else Decimal(0),
        threshold=analysis.threshold,
        status=analysis.status(target, names.caption),
        explanation=analysis.explain(target, names.caption),
        path=_path(analysis, target, names),
        owners=_stakes(analysis, analysis.owners.get(target, ()), names, lambda e: e.owner),
        owns=_stakes(analysis, analysis.holdings.get(target, ()), names, lambda e: e.asset),
        links=tuple(sorted(related, key=lambda r: (r.kind, r.role, r.name, r.origin))),
        notes=inputs.notes,
        sample=inputs.sample,
    )
