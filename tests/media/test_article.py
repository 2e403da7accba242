"""The article value: its content hash, its JSON form and the stored variant."""

from __future__ import annotations

from redline.media.article import (
    Article,
    Attribution,
    StoredArticle,
    content_hash,
    make_article,
    normalise_text,
)

BODY = "Port officials detained the tanker on Wednesday, the Harbour Gazette reported."


def test_hash_ignores_case_whitespace_and_compatibility_forms() -> None:
    a = content_hash("Port officials\n\ndetained  the TANKER.")
    b = content_hash("port officials detained\u00a0the tanker.")
    c = content_hash("Port officials detained the ｔａｎｋｅｒ.")  # full-width letters
    assert a == b == c
    assert a != content_hash("Port officials detained the tanker!")
    assert len(a) == 64


def test_normalised_text_is_stable() -> None:
    once = normalise_text("  Ａ\tB \n C ")
    assert once == "a b c"
    assert normalise_text(once) == once


def test_make_article_fills_hash_time_and_attributions() -> None:
    article = make_article(BODY, origin="notes.txt", title="Tanker held", outlet="Ledger")
    assert article.content_hash == content_hash(BODY)
    assert article.fetched_at.endswith("Z")
    assert [a.outlet for a in article.attributions] == ["Harbour Gazette"]
    span = article.attributions[0]
    assert article.attributed_text(span) == BODY


def test_explicit_attributions_are_kept() -> None:
    given = (Attribution("Somebody", 0, 4),)
    article = make_article(BODY, origin="x", attributions=given, fetched_at="2024-01-01T00:00:00Z")
    assert article.attributions == given
    assert article.fetched_at == "2024-01-01T00:00:00Z"


def test_to_dict_is_json_ready() -> None:
    article = make_article(BODY, origin="x")
    data = article.to_dict()
    assert data["text"] == BODY
    assert data["attributions"] == [{"outlet": "Harbour Gazette", "start": 0, "end": len(BODY)}]
    assert Attribution.from_dict(data["attributions"][0]) == article.attributions[0]
    assert set(data) == {f for f in Article.__dataclass_fields__}


def test_stored_article_is_an_article_with_its_story() -> None:
    base = make_article(BODY, origin="x")
    stored = StoredArticle(
        **{f: getattr(base, f) for f in Article.__dataclass_fields__},
        id=7,
        story_id=3,
        original_id=3,
        added_at="2024-01-01T00:00:00Z",
    )
    assert isinstance(stored, Article)
    assert not stored.is_original
    data = stored.to_dict()
    assert (data["id"], data["story_id"], data["original_id"]) == (7, 3, 3)
    assert data["text"] == BODY
