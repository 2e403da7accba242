"""Store access for news articles: add one (recognising exact and near copies), read
them back, and list the copies of a story.

Each stored article belongs to a *story*: the group of its syndicated and near-duplicate
copies. The story's *original* is its earliest published copy; a copy found later that
was published earlier takes that place, because provenance is about who said it first,
not who was read first. The same text found twice (equal content hash) is stored once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from redline.errors import NotFoundError, StoreError
from redline.media import dedupe
from redline.media.article import Article, Attribution, StoredArticle
from redline.store import tables as t
from redline.store.database import Store
from redline.store.snapshots import now_iso

__all__ = [
    "AddedArticle",
    "StoredArticle",
    "add_article",
    "copies_of",
    "count_articles",
    "get_article",
    "iter_articles",
    "recent_articles",
    "story_sizes",
]

AddStatus = Literal["new", "duplicate", "copy"]

#: Candidates whose MinHash estimate falls this far below the threshold are not worth
#: the exact comparison (the estimate's standard error at 128 permutations is ≈ 0.035).
_ESTIMATE_SLACK = 0.12


@dataclass(frozen=True)
class AddedArticle:
    """What :func:`add_article` did: ``new`` (a story of its own), ``copy`` (stored and
    grouped with the near copies of ``story_id``) or ``duplicate`` (this exact text is
    already stored as ``id``; nothing was written). ``similarity`` is the shingle
    Jaccard with the closest copy (1.0 for a duplicate, None for a new story)."""

    id: int
    status: AddStatus
    original_id: int
    story_id: int
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "original_id": self.original_id,
            "story_id": self.story_id,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


def _stored(row: Any) -> StoredArticle:
    m = row._mapping
    return StoredArticle(
        id=int(m["id"]),
        story_id=int(m["story_id"]),
        original_id=int(m["original_id"]),
        added_at=m["added_at"],
        url=m["url"],
        canonical_url=m["canonical_url"],
        title=m["title"],
        outlet=m["outlet"],
        author=m["author"],
        published=m["published"],
        language=m["language"],
        text=m["text"],
        content_hash=m["content_hash"],
        origin=m["origin"],
        fetched_at=m["fetched_at"],
        attributions=tuple(Attribution.from_dict(a) for a in json.loads(m["attributions"])),
    )


def _publication_key(published: str | None, article_id: int) -> tuple[int, str, int]:
    """Earliest first: dated copies by date, then undated ones; ties by storage order."""
    if published:
        return (0, published, article_id)
    return (1, "", article_id)


def _existing(conn: Connection, digest: str) -> AddedArticle | None:
    row = conn.execute(
        select(t.articles.c.id, t.articles.c.original_id, t.articles.c.story_id).where(
            t.articles.c.content_hash == digest
        )
    ).first()
    if row is None:
        return None
    return AddedArticle(int(row[0]), "duplicate", int(row[1]), int(row[2]), 1.0)


def _closest_copy(
    conn: Connection, sig: dedupe.Signature, grams: set[str]
) -> tuple[int, int, float] | None:
    """(article id, story id, Jaccard) of the most similar stored copy, if any reaches
    the threshold. Candidates come from the LSH buckets; each is confirmed on the exact
    shingle sets, so the decision does not depend on MinHash noise."""
    buckets = sig.buckets()
    if not buckets:
        return None
    candidate_ids = (
        select(t.article_buckets.c.article_id)
        .where(t.article_buckets.c.bucket.in_(buckets))
        .distinct()
    )
    query = select(
        t.articles.c.id,
        t.articles.c.story_id,
        t.articles.c.minhash,
        t.articles.c.minhash_perm,
        t.articles.c.minhash_seed,
        t.articles.c.text,
    ).where(t.articles.c.id.in_(candidate_ids))
    best: tuple[int, int, float] | None = None
    for article_id, story_id, blob, perm, seed, text in conn.execute(query):
        other = dedupe.Signature.from_bytes(bytes(blob), int(perm), int(seed))
        estimate = (
            sig.similarity(other)
            if (other.num_perm, other.seed) == (sig.num_perm, sig.seed)
            else 1.0  # computed with other parameters: let the exact check decide
        )
        if estimate < dedupe.THRESHOLD - _ESTIMATE_SLACK:
            continue
        score = dedupe.jaccard(grams, dedupe.shingles(text))
        if score >= dedupe.THRESHOLD and (best is None or score > best[2]):
            best = (int(article_id), int(story_id), score)
    return best


def add_article(store: Store, article: Article) -> AddedArticle:
    """Store an article unless its exact text is already there, grouping it with its
    near copies; see :class:`AddedArticle` for the outcomes."""
    grams = dedupe.shingles(article.text)
    sig = dedupe.signature_of(grams)
    try:
        with store.transaction() as conn:
            return _add(conn, article, sig, grams)
    except IntegrityError:
        # Another process stored the same text between our check and our insert.
        with store.engine.connect() as conn:
            found = _existing(conn, article.content_hash)
        if found is None:
            raise StoreError(f"could not store article {article.origin!r}") from None
        return found


def _add(
    conn: Connection, article: Article, sig: dedupe.Signature, grams: set[str]
) -> AddedArticle:
    found = _existing(conn, article.content_hash)
    if found is not None:
        return found
    closest = _closest_copy(conn, sig, grams)
    result = conn.execute(
        insert(t.articles).values(
            url=article.url,
            canonical_url=article.canonical_url,
            title=article.title,
            outlet=article.outlet,
            author=article.author,
            published=article.published,
            language=article.language,
            text=article.text,
            content_hash=article.content_hash,
            origin=article.origin,
            fetched_at=article.fetched_at,
            attributions=json.dumps(
                [a.to_dict() for a in article.attributions], ensure_ascii=False
            ),
            minhash=sig.to_bytes(),
            minhash_perm=sig.num_perm,
            minhash_seed=sig.seed,
            added_at=now_iso(),
        )
    )
    key = result.inserted_primary_key
    if key is None:
        raise StoreError("the database did not return the new article's id")
    new_id = int(key[0])
    buckets = sig.buckets()
    if buckets:
        conn.execute(
            insert(t.article_buckets), [{"bucket": b, "article_id": new_id} for b in buckets]
        )
    if closest is None:
        conn.execute(
            update(t.articles)
            .where(t.articles.c.id == new_id)
            .values(story_id=new_id, original_id=new_id)
        )
        return AddedArticle(new_id, "new", new_id, new_id)
    _copy_id, story_id, score = closest
    original_id = int(
        conn.execute(
            select(t.articles.c.original_id).where(t.articles.c.id == story_id)
        ).scalar_one()
    )
    original_published = conn.execute(
        select(t.articles.c.published).where(t.articles.c.id == original_id)
    ).scalar_one()
    if _publication_key(article.published, new_id) < _publication_key(
        original_published, original_id
    ):
        original_id = new_id
        conn.execute(
            update(t.articles).where(t.articles.c.story_id == story_id).values(original_id=new_id)
        )
    conn.execute(
        update(t.articles)
        .where(t.articles.c.id == new_id)
        .values(story_id=story_id, original_id=original_id)
    )
    return AddedArticle(new_id, "copy", original_id, story_id, score)


def get_article(store: Store, article_id: int) -> StoredArticle:
    """One stored article by id, or :class:`NotFoundError`."""
    with store.engine.connect() as conn:
        row = conn.execute(select(t.articles).where(t.articles.c.id == article_id)).first()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}")
    return _stored(row)


def iter_articles(store: Store) -> Iterator[StoredArticle]:
    """Every stored article in the order it was added, streamed."""
    query = select(t.articles).order_by(t.articles.c.id)
    with (
        store.engine.connect() as conn,
        conn.execution_options(yield_per=200).execute(query) as rows,
    ):
        for row in rows:
            yield _stored(row)


def copies_of(store: Store, article_id: int) -> list[StoredArticle]:
    """The other members of an article's story, earliest published first (the original,
    when it is not the article itself, comes first)."""
    article = get_article(store, article_id)
    query = select(t.articles).where(
        t.articles.c.story_id == article.story_id, t.articles.c.id != article_id
    )
    with store.engine.connect() as conn:
        rows = [_stored(r) for r in conn.execute(query)]
    return sorted(rows, key=lambda a: _publication_key(a.published, a.id))


def count_articles(store: Store) -> int:
    """How many articles are stored (copies included, duplicates not)."""
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.articles)).scalar_one())


def recent_articles(store: Store, limit: int | None = 50) -> list[StoredArticle]:
    """The most recently added articles, newest first."""
    query = select(t.articles).order_by(t.articles.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        return [_stored(r) for r in conn.execute(query)]


def story_sizes(store: Store, story_ids: list[int]) -> dict[int, int]:
    """How many stored copies each of these stories has (the original included)."""
    wanted = sorted(set(story_ids))
    out: dict[int, int] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            query = (
                select(t.articles.c.story_id, func.count())
                .where(t.articles.c.story_id.in_(wanted[start : start + 500]))
                .group_by(t.articles.c.story_id)
            )
            for story_id, count in conn.execute(query):
                out[int(story_id)] = int(count)
    return out
