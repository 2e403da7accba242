"""Copies and duplicates: URL canonicalisation, MinHash signatures and the store's
grouping of articles into stories with their earliest copy as the original."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect

from redline.errors import NotFoundError
from redline.media import dedupe
from redline.media.article import Article, make_article
from redline.store import Store
from redline.store import media as media_store

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

BODY = " ".join(
    f"Paragraph {i}: port officials in Valmora said the tanker Grey Albatross had turned "
    f"off its transponder for {i + 3} days before it reached the outer basin."
    for i in range(12)
)
OTHER = " ".join(
    f"Note {i}: the harbour master said ships would keep moving while lawyers for "
    f"Meridian Tide prepared challenge number {i} against the tanker's detention."
    for i in range(12)
)


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.Example.COM:443/News/Story?b=2&a=1#top",
            "https://www.example.com/News/Story?a=1&b=2",
        ),
        (
            "https://example.com/story?utm_source=x&utm_medium=rss&id=5&fbclid=abc",
            "https://example.com/story?id=5",
        ),
        ("https://example.com/news/story/amp/", "https://example.com/news/story"),
        ("https://example.com/amp/news/story", "https://example.com/news/story"),
        ("https://amp.example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("http://example.com:8080/a/", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("mailto:desk@example.com", "mailto:desk@example.com"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert dedupe.canonical_url(url) == canonical


_segment = st.text(alphabet="abcXYZ019-_.", min_size=0, max_size=8)
_params = st.lists(
    st.tuples(
        st.sampled_from(
            ["id", "page", "utm_source", "utm_campaign", "fbclid", "gclid", "q", "ref"]
        ),
        st.text(alphabet="abc123", max_size=4),
    ),
    max_size=5,
)


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "HTTPS"]),
    host=st.sampled_from(["Example.COM", "www.example.com", "amp.example.com", "news.example.org"]),
    port=st.sampled_from(["", ":80", ":443", ":8443"]),
    path=st.lists(_segment, max_size=4),
    params=_params,
    fragment=st.text(alphabet="abc", max_size=4),
)
def test_canonical_url_properties(
    scheme: str,
    host: str,
    port: str,
    path: list[str],
    params: list[tuple[str, str]],
    fragment: str,
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"{scheme}://{host}{port}/{'/'.join(path)}" + (f"?{query}" if query else "")
    url += f"#{fragment}" if fragment else ""
    out = dedupe.canonical_url(url)
    assert dedupe.canonical_url(out) == out  # idempotent
    parts = urlsplit(out)
    assert parts.scheme == scheme.lower()
    assert parts.netloc == parts.netloc.lower()
    assert not parts.fragment
    keys = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    assert not any(k.startswith("utm_") or k in ("fbclid", "gclid", "ref") for k in keys)
    assert keys == sorted(keys)
    assert "amp" not in [seg.lower() for seg in parts.path.split("/")]


# -- signatures ----------------------------------------------------------------------------------


def test_shingles_are_word_four_grams() -> None:
    assert dedupe.shingles("One two, THREE four five.") == {
        "one two three four",
        "two three four five",
    }
    assert dedupe.shingles("just three words") == {"just three words"}
    assert dedupe.shingles(" ... ") == set()


def test_signature_round_trip_and_estimate() -> None:
    sig = dedupe.signature(BODY)
    back = dedupe.Signature.from_bytes(sig.to_bytes(), sig.num_perm, sig.seed)
    assert back.similarity(sig) == 1.0
    assert len(sig.buckets()) == dedupe.BANDS
    near = dedupe.signature("Valmora Ledger, Thursday. " + BODY + " Reprinted with permission.")
    assert near.similarity(sig) > 0.8
    assert dedupe.signature(OTHER).similarity(sig) < 0.3
    assert dedupe.signature("").empty and dedupe.signature("").buckets() == []
    other_params = dedupe.signature(BODY, seed=1)
    assert other_params.similarity(sig) == 0.0  # different permutations never compare


# -- the store -----------------------------------------------------------------------------------


def _article(text: str, origin: str, published: str | None = None) -> Article:
    return make_article(text, origin=origin, published=published)


def test_migration_creates_the_media_tables(store: Store) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert {"articles", "article_buckets"} <= names


def test_exact_duplicate_is_not_stored_twice(store: Store) -> None:
    first = media_store.add_article(store, _article(BODY, "a.html"))
    again = media_store.add_article(store, _article(BODY.upper() + "  ", "b.txt"))
    assert first.status == "new" and first.original_id == first.id == first.story_id
    assert again.status == "duplicate" and again.id == first.id
    assert media_store.count_articles(store) == 1


def test_near_copy_with_other_header_and_footer_is_grouped(store: Store) -> None:
    original = media_store.add_article(store, _article(BODY, "ledger.html", "2024-03-14"))
    copy_text = "NORTHERN WIRE DIGEST\nBreaking news\n" + BODY + "\nDistributed by Northern Wire."
    copy = media_store.add_article(store, _article(copy_text, "digest.html", "2024-03-15"))
    assert copy.status == "copy"
    assert copy.story_id == original.id and copy.original_id == original.id
    assert copy.similarity is not None and copy.similarity >= dedupe.THRESHOLD
    assert [a.id for a in media_store.copies_of(store, original.id)] == [copy.id]
    assert [a.id for a in media_store.copies_of(store, copy.id)] == [original.id]


def test_same_topic_article_is_not_a_copy(store: Store) -> None:
    media_store.add_article(store, _article(BODY, "ledger.html"))
    other = media_store.add_article(store, _article(OTHER, "post.html"))
    assert other.status == "new" and other.story_id == other.id


def test_earlier_copy_becomes_the_original(store: Store) -> None:
    late = media_store.add_article(store, _article(BODY, "late.html", "2024-03-15"))
    undated = media_store.add_article(store, _article(BODY + " Extra line.", "undated.html"))
    early = media_store.add_article(
        store, _article("Wire copy. " + BODY, "early.html", "2024-03-13")
    )
    assert undated.status == "copy" and undated.original_id == late.id  # no date: not earlier
    assert early.status == "copy" and early.original_id == early.id
    members = {a.id: a for a in media_store.iter_articles(store)}
    assert {a.original_id for a in members.values()} == {early.id}
    assert {a.story_id for a in members.values()} == {late.id}
    assert members[early.id].is_original
    assert [a.id for a in media_store.copies_of(store, late.id)] == [early.id, undated.id]


def test_many_articles_find_their_copy_through_buckets(store: Store) -> None:
    for i in range(60):
        text = " ".join(
            f"story {i} sentence {j} about subject {i * 7 + j} and more" for j in range(30)
        )
        media_store.add_article(store, _article(text, f"s{i}.html"))
    target = " ".join(
        f"story 17 sentence {j} about subject {17 * 7 + j} and more" for j in range(30)
    )
    result = media_store.add_article(store, _article(target + " (reprint)", "reprint.html"))
    assert result.status == "copy" and result.story_id == 18  # ids start at 1
    assert media_store.count_articles(store) == 61


def test_reading_back(store: Store) -> None:
    added = media_store.add_article(
        store, make_article(BODY, origin="a.html", title="T", outlet="Ledger", language="en")
    )
    stored = media_store.get_article(store, added.id)
    assert (stored.title, stored.outlet, stored.language, stored.text) == (
        "T",
        "Ledger",
        "en",
        BODY,
    )
    assert stored.added_at.endswith("Z")
    assert [a.id for a in media_store.recent_articles(store, 5)] == [added.id]
    assert media_store.story_sizes(store, [added.id]) == {added.id: 1}
    with pytest.raises(NotFoundError, match="no article with id 999"):
        media_store.get_article(store, 999)
