"""Linking: which stored articles mention which listed entities and portfolio customers.

The gazetteer over every party of the active lists and the portfolio is built once and
saved under ``REDLINE_HOME/index`` like the screening index, keyed by the active
snapshots, the portfolio's revision and the code that analyses names; a list update or a
portfolio import changes the key, and the next link builds a fresh one. Each article's
mentions are written to ``media_mentions`` with the key they were found with
(``media_linked``), so :func:`link_articles` relinks only the articles a change made
stale, or all of them when asked.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from redline.errors import ConfigError
from redline.matching.saved import code_digest, save_pickle
from redline.matching.screener import NOT_SCREENED
from redline.media.mentions import Gazetteer, Mention, NerBackend, Party
from redline.store import Store
from redline.store import tables as t
from redline.store.media import get_article
from redline.store.portfolio import iter_customers, portfolio_revision
from redline.store.snapshots import now_iso

#: Bump when the gazetteer's layout changes, so that saved ones are rebuilt.
GAZETTEER_VERSION = "1"
#: Lowest score of a mention stored by linking. Links are made without anyone asking,
#: for every listed party at once, so they use the screening threshold rather than the
#: lower one of a search a person reads.
LINK_THRESHOLD = 0.8
#: Party kind of portfolio customers, and the "source" their mentions record.
CUSTOMER = "customer"
PORTFOLIO = "portfolio"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StoredMention:
    """A mention as linking stored it, with the article it is in."""

    id: int
    article_id: int
    party_kind: str
    party_id: str
    party_caption: str
    schema: str
    source: str
    start: int
    end: int
    text: str
    name: str
    score: float
    explanation: str
    linked_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "party_kind": self.party_kind,
            "party_id": self.party_id,
            "party_caption": self.party_caption,
            "schema": self.schema,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "name": self.name,
            "score": round(self.score, 4),
            "explanation": self.explanation,
            "linked_at": self.linked_at,
        }


@dataclass(frozen=True)
class LinkSummary:
    """What a link run did: articles linked (and skipped as current), mentions stored,
    parties in the gazetteer, and the speed."""

    articles: int
    skipped: int
    mentions: int
    parties: int
    gazetteer: str
    seconds: float
    build_seconds: float

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "skipped": self.skipped,
            "mentions": self.mentions,
            "parties": self.parties,
            "gazetteer": self.gazetteer,
            "seconds": round(self.seconds, 3),
            "build_seconds": round(self.build_seconds, 3),
            "articles_per_second": round(self.articles_per_second, 1),
        }


@dataclass
class StoreGazetteer:
    """The gazetteer of a store's active lists and portfolio, with its key."""

    key: str
    gazetteer: Gazetteer
    build_seconds: float = 0.0


def gazetteer_key(store: Store, *, customers: bool = True) -> str:
    """The key of the store's gazetteer: the active snapshots, the portfolio's revision
    and size, and the code that analyses names."""
    active = [s for s in store.active_snapshots() if s.source not in NOT_SCREENED]
    parts = [GAZETTEER_VERSION, code_digest("media/mentions.py", "media/words.py")]
    parts += [f"{s.source}:{s.id}:{s.content_hash}" for s in active]
    if customers:
        with store.engine.connect() as conn:
            count = int(conn.execute(select(func.count()).select_from(t.customers)).scalar_one())
        parts.append(f"portfolio:{portfolio_revision(store)}:{count}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def store_parties(store: Store, *, customers: bool = True) -> Iterator[Party]:
    """Every listed party of the active lists and, when asked, every customer."""
    for info in store.active_snapshots():
        if info.source in NOT_SCREENED:
            continue
        for entity in store.iter_entities(info.id, parties_only=True):
            yield Party.of_entity(entity, "entity", info.source)
    if customers:
        for customer in iter_customers(store):
            yield Party.of_entity(customer.entity, CUSTOMER, PORTFOLIO)


def store_gazetteer(
    store: Store, cache_dir: Path | None = None, *, customers: bool = True
) -> StoreGazetteer:
    """The gazetteer of the active lists (and portfolio), loaded from ``cache_dir`` when
    one was saved for the same key, else built and saved there."""
    key = gazetteer_key(store, customers=customers)
    path = cache_dir / f"gazetteer-{key}.pkl" if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, Gazetteer):
                return StoreGazetteer(key, loaded)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass
        path.unlink(missing_ok=True)  # damaged or foreign: rebuilt, never trusted
    started = time.perf_counter()
    gazetteer = Gazetteer.build(store_parties(store, customers=customers))
    built = time.perf_counter() - started
    if path is not None:
        save_pickle(path, gazetteer)
    return StoreGazetteer(key, gazetteer, built)


def link_article(
    store: Store,
    article_id: int,
    gazetteer: StoreGazetteer | Gazetteer,
    *,
    threshold: float = LINK_THRESHOLD,
    ner: NerBackend | None = None,
) -> list[Mention]:
    """Find the mentions of the gazetteer's parties in one stored article and store
    them, replacing what an earlier link stored for it. Returns the mentions."""
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError("the mention threshold must be between 0 and 1")
    if isinstance(gazetteer, StoreGazetteer):
        key, gaz = gazetteer.key, gazetteer.gazetteer
    else:
        key, gaz = "memory", gazetteer
    article = get_article(store, article_id)
    mentions = gaz.find(article.text, threshold=threshold, ner=ner)
    sources = {(p.kind, p.id): p.source for p in _parties_of(gaz, mentions)}
    linked_at = now_iso()
    with store.transaction() as conn:
        conn.execute(delete(t.media_mentions).where(t.media_mentions.c.article_id == article_id))
        conn.execute(delete(t.media_linked).where(t.media_linked.c.article_id == article_id))
        if mentions:
            conn.execute(
                insert(t.media_mentions),
                [
                    {
                        "article_id": article_id,
                        "party_kind": m.party_kind,
                        "party_id": m.party_id,
                        "party_caption": m.party_caption,
                        "schema": m.schema,
                        "source": sources.get((m.party_kind, m.party_id), ""),
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "name": m.name,
                        "score": m.score,
                        "explanation": m.explanation,
                        "linked_at": linked_at,
                    }
                    for m in mentions
                ],
            )
        conn.execute(
            insert(t.media_linked).values(
                article_id=article_id, gazetteer=key, mentions=len(mentions), linked_at=linked_at
            )
        )
    return mentions


def _parties_of(gaz: Gazetteer, mentions: Sequence[Mention]) -> Iterable[Party]:
    wanted = {(m.party_kind, m.party_id) for m in mentions}
    if not wanted:
        return []
    return [p for p in gaz.parties if (p.kind, p.id) in wanted]


def articles_due(store: Store, key: str, *, everything: bool = False) -> list[int]:
    """Ids of the articles to link: those never linked or linked with another gazetteer
    (all of them with ``everything``)."""
    query = select(t.articles.c.id).order_by(t.articles.c.id)
    if not everything:
        current = select(t.media_linked.c.article_id).where(t.media_linked.c.gazetteer == key)
        query = query.where(t.articles.c.id.not_in(current))
    with store.engine.connect() as conn:
        return [int(row[0]) for row in conn.execute(query)]


def link_articles(
    store: Store,
    cache_dir: Path | None = None,
    *,
    everything: bool = False,
    ids: Sequence[int] | None = None,
    threshold: float = LINK_THRESHOLD,
    customers: bool = True,
    ner: NerBackend | None = None,
    progress: Progress | None = None,
) -> LinkSummary:
    """Link the articles that are due (see :func:`articles_due`), every article with
    ``everything``, or exactly ``ids``: what ``redline media link`` runs, and what
    ``media add`` can call with the ids it stored."""
    started = time.perf_counter()
    key = gazetteer_key(store, customers=customers)
    if ids is not None:
        due = list(ids)
        total = len(due)
    else:
        due = articles_due(store, key, everything=everything)
        with store.engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(t.articles)).scalar_one())
    skipped = total - len(due)
    if not due:
        return LinkSummary(0, skipped, 0, 0, key, time.perf_counter() - started, 0.0)
    gaz = store_gazetteer(store, cache_dir, customers=customers)
    linking = time.perf_counter()
    found = 0
    for done, article_id in enumerate(due, 1):
        found += len(link_article(store, article_id, gaz, threshold=threshold, ner=ner))
        if progress is not None:
            progress(done, len(due))
    return LinkSummary(
        articles=len(due),
        skipped=skipped,
        mentions=found,
        parties=gaz.gazetteer.size,
        gazetteer=gaz.key,
        seconds=time.perf_counter() - linking,
        build_seconds=gaz.build_seconds,
    )


def _row(row: Any) -> StoredMention:
    m = row._mapping
    return StoredMention(
        id=int(m["id"]),
        article_id=int(m["article_id"]),
        party_kind=m["party_kind"],
        party_id=m["party_id"],
        party_caption=m["party_caption"],
        schema=m["schema"],
        source=m["source"],
        start=int(m["start"]),
        end=int(m["end"]),
        text=m["text"],
        name=m["name"],
        score=float(m["score"]),
        explanation=m["explanation"],
        linked_at=m["linked_at"],
    )


def mentions_in(store: Store, article_id: int) -> list[StoredMention]:
    """The stored mentions of one article, in text order."""
    query = (
        select(t.media_mentions)
        .where(t.media_mentions.c.article_id == article_id)
        .order_by(t.media_mentions.c.start, t.media_mentions.c.id)
    )
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def mentions_of(store: Store, party_id: str, party_kind: str = "entity") -> list[StoredMention]:
    """The stored mentions of one party (a listed entity or a customer), best first."""
    query = (
        select(t.media_mentions)
        .where(
            t.media_mentions.c.party_kind == party_kind,
            t.media_mentions.c.party_id == party_id,
        )
        .order_by(t.media_mentions.c.score.desc(), t.media_mentions.c.article_id)
    )
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]
