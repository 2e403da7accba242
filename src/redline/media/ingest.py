"""``media add`` as a library call: read every target, extract, deduplicate, store, and
write one audit record for the batch.

A batch never stops at a bad item: each target (and each file of a directory, each item
of a feed) ends as ``new``, ``copy``, ``duplicate`` or ``error`` with a message that names
it, and the audit record lists them all, so that an auditor can tell which articles a
screening could have seen and which were refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from redline.errors import ConfigError, InputError, RedlineError
from redline.media.article import Article
from redline.media.extract import extract_document
from redline.media.fetch import Document, Failure, documents, is_url
from redline.settings import Settings
from redline.store import audit as audit_store
from redline.store.database import Store
from redline.store.media import add_article

Status = Literal["new", "copy", "duplicate", "error"]

AUDIT_KIND = "media.added"


@dataclass(frozen=True)
class IngestItem:
    """What became of one item of a batch."""

    origin: str  # the target the user gave
    source: str  # the file, URL or feed item read
    status: Status
    id: int | None = None
    story_id: int | None = None
    original_id: int | None = None
    similarity: float | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    content_hash: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "source": self.source,
            "status": self.status,
            "id": self.id,
            "story_id": self.story_id,
            "original_id": self.original_id,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "language": self.language,
            "content_hash": self.content_hash,
            "error": self.error,
        }


@dataclass
class IngestReport:
    """Every item of a batch, in order, and the audit record written for it."""

    items: list[IngestItem] = field(default_factory=list)
    audit_seq: int | None = None

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "copy": 0, "duplicate": 0, "error": 0}
        for item in self.items:
            out[item.status] += 1
        return out

    @property
    def all_failed(self) -> bool:
        """True when nothing of the batch could be read (the CLI then exits 1)."""
        return bool(self.items) and all(i.status == "error" for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "audit_seq": self.audit_seq,
            "items": [i.to_dict() for i in self.items],
        }


def accepted_languages(settings: Settings) -> frozenset[str]:
    """``media_languages`` as a set of codes; empty means any language."""
    codes = [c.strip().lower() for c in settings.media_languages.split(",") if c.strip()]
    for code in codes:
        if not (code.isalpha() and 2 <= len(code) <= 3):
            raise ConfigError(
                f"REDLINE_MEDIA_LANGUAGES: {code!r} is not an ISO 639-1 language code"
            )
    return frozenset(codes)


def check_language(article: Article, accepted: frozenset[str], label: str) -> None:
    """Refuse an article detected in a language the settings do not accept. Articles
    whose language cannot be told (too short) pass: refusing them would drop headlines."""
    if accepted and article.language and article.language not in accepted:
        raise InputError(
            f"article is in language {article.language!r}, not in media_languages "
            f"({', '.join(sorted(accepted))}); set REDLINE_MEDIA_LANGUAGES to accept it",
            path=label,
        )


def read_article(doc: Document, settings: Settings) -> Article:
    """Extract one document, applying the size limit and the language policy."""
    article = extract_document(doc, max_bytes=settings.media_max_bytes)
    check_language(article, accepted_languages(settings), doc.label)
    return article


def add_media(
    store: Store,
    settings: Settings,
    targets: Sequence[str],
    *,
    fetch_links: bool = True,
    http: httpx.Client | None = None,
    progress: Callable[[IngestItem], None] | None = None,
) -> IngestReport:
    """Add every article the targets name (URLs, files, directories, feeds) to the
    store; see the module docstring. ``progress`` sees each item as it is done."""
    if not targets:
        raise ConfigError("nothing to add: give URLs, files, directories or feeds")
    accepted_languages(settings)  # a bad setting fails the batch before any work
    report = IngestReport()
    for doc in documents(list(targets), settings, fetch_links=fetch_links, http=http):
        item = _one(store, settings, doc)
        report.items.append(item)
        if progress is not None:
            progress(item)
    with store.transaction() as conn:
        record = audit_store.append(
            conn,
            AUDIT_KIND,
            {
                "targets": [_safe_target(t) for t in targets],
                "fetch_links": fetch_links,
                "counts": report.counts(),
                "items": [
                    {
                        "source": i.source,
                        "status": i.status,
                        "id": i.id,
                        "story_id": i.story_id,
                        "original_id": i.original_id,
                        "content_hash": i.content_hash,
                        "error": i.error,
                    }
                    for i in report.items
                ],
            },
        )
    report.audit_seq = record.seq
    return report


def _safe_target(target: str) -> str:
    """The target as recorded: URLs without user:password."""
    if is_url(target) and "@" in target.split("/", 3)[2]:
        scheme, rest = target.split("://", 1)
        host_part, _, path = rest.partition("/")
        return f"{scheme}://{host_part.rsplit('@', 1)[1]}/{path}"
    return target


def _one(store: Store, settings: Settings, doc: Document | Failure) -> IngestItem:
    if isinstance(doc, Failure):
        return IngestItem(doc.origin, doc.label, "error", error=doc.error)
    try:
        article = read_article(doc, settings)
        added = add_article(store, article)
    except RedlineError as exc:
        return IngestItem(doc.origin, doc.label, "error", error=str(exc))
    return IngestItem(
        origin=doc.origin,
        source=doc.label,
        status=added.status,
        id=added.id,
        story_id=added.story_id,
        original_id=added.original_id,
        similarity=added.similarity,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        language=article.language,
        content_hash=article.content_hash,
    )


def extract_target(target: str, settings: Settings, *, http: httpx.Client | None = None) -> Article:
    """One article from a file or URL, not stored (``media extract``). Feeds and
    directories hold many articles and are refused here; the language policy is not
    applied (extraction is how a user looks at a page)."""
    if not is_url(target) and Path(target).expanduser().is_dir():
        raise InputError("is a directory; use 'redline media add' for many articles", path=target)
    for doc in documents([target], settings, fetch_links=False, http=http):
        if isinstance(doc, Failure):
            raise InputError(doc.error)
        if doc.feed_item is not None:
            raise InputError("is a feed; use 'redline media add' to read its items", path=target)
        return extract_document(doc, max_bytes=settings.media_max_bytes)
    raise InputError("nothing to extract", path=target)
