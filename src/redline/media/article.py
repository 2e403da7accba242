"""The article as redline keeps it: the body text without page furniture, the facts needed
to cite it (where, who, when, in which language) and a content hash that identifies the
text whatever page it was found on.

Everything downstream (mentions, risk, search) reads :class:`Article`; where it came from
(a URL, a file, a feed item) only shows in :attr:`Article.origin`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from redline.store.snapshots import now_iso

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The text as the content hash sees it: NFKC, case-folded, whitespace runs collapsed.

    Two copies of an article that differ only in line wrapping, capitalisation or
    Unicode compatibility forms (non-breaking spaces, full-width letters) are the same
    text and must hash the same.
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def content_hash(text: str) -> str:
    """SHA-256 (hex) of :func:`normalise_text`: the article's identity in the store."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Attribution:
    """A span of the article's text (``text[start:end]``) whose facts the article credits
    to another outlet ("according to the Wall Street Journal", "Reuters reported").

    For those facts the article is a relay, not an independent source.
    """

    outlet: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attribution:
        return cls(str(data["outlet"]), int(data["start"]), int(data["end"]))


@dataclass(frozen=True)
class Article:
    """One news article, extracted and cleaned.

    ``origin`` is what the user gave: the path or URL, the file's own path for a file
    found in a directory, the feed's address for a feed item. ``url`` is where the text
    was read from (a feed item's link) and ``canonical_url`` the address the publisher
    declares for it, canonicalised for comparison.
    """

    url: str | None
    canonical_url: str | None
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None
    language: str | None
    text: str
    content_hash: str
    origin: str
    fetched_at: str
    attributions: tuple[Attribution, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "outlet": self.outlet,
            "author": self.author,
            "published": self.published,
            "language": self.language,
            "text": self.text,
            "content_hash": self.content_hash,
            "origin": self.origin,
            "fetched_at": self.fetched_at,
            "attributions": [a.to_dict() for a in self.attributions],
        }

    def attributed_text(self, attribution: Attribution) -> str:
        """The words of one attribution span."""
        return self.text[attribution.start : attribution.end]


def make_article(
    text: str,
    *,
    origin: str,
    url: str | None = None,
    canonical_url: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published: str | None = None,
    language: str | None = None,
    fetched_at: str | None = None,
    attributions: tuple[Attribution, ...] | None = None,
) -> Article:
    """An :class:`Article` with its hash computed and, unless given, its attributions
    found in ``text`` and ``fetched_at`` set to now.

    This is the one constructor ingest uses; tests and other modules may use it to
    build articles from plain strings.
    """
    if attributions is None:
        from redline.media.attribution import find_attributions

        attributions = find_attributions(text)
    return Article(
        url=url,
        canonical_url=canonical_url,
        title=title,
        outlet=outlet,
        author=author,
        published=published,
        language=language,
        text=text,
        content_hash=content_hash(text),
        origin=origin,
        fetched_at=fetched_at or now_iso(),
        attributions=tuple(attributions),
    )


@dataclass(frozen=True, kw_only=True)
class StoredArticle(Article):
    """An article as the store holds it: the :class:`Article` fields plus its row id,
    its story (the group of copies it belongs to, named by the group's first stored
    article) and the group's original (the earliest published copy; itself when it is
    the original)."""

    id: int
    story_id: int
    original_id: int
    added_at: str

    @property
    def is_original(self) -> bool:
        return self.original_id == self.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "story_id": self.story_id,
            "original_id": self.original_id,
            "added_at": self.added_at,
            **super().to_dict(),
        }
