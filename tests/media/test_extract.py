"""Extraction: HTML pages through trafilatura, plain text through redline's own
boilerplate rules, and the metadata needed to cite an article."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import InputError
from redline.media.extract import clean_text, decode, extract_html, extract_text, parse_date

FIXTURES = Path(__file__).parent.parent / "fixtures" / "media"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- HTML -----------------------------------------------------------------------------------


def test_html_fields() -> None:
    article = extract_html(read("harbour.html"), origin="harbour.html")
    assert article.title == "Harbour authorities detain tanker tied to Meridian Tide network"
    assert article.outlet == "The Coastal Ledger"
    assert article.author == "Ines Valcourt"
    assert article.published == "2024-03-14"
    assert article.language == "en"
    # <link rel=canonical>, canonicalised (tracking parameter gone)
    assert (
        article.canonical_url == "https://www.coastal-ledger.example/world/2024/03/tanker-detained"
    )
    assert article.text.startswith("Port officials in the fictional harbour of Valmora")
    assert "Viktor Lanskoy" in article.text
    for furniture in ("Advertisement", "Share on Facebook", "Related stories", "Privacy", "©"):
        assert furniture not in article.text
    assert [a.outlet for a in article.attributions] == ["Harbour Gazette"]
    assert len(article.content_hash) == 64


def test_html_outlet_falls_back_to_the_domain() -> None:
    page = (
        b"<html><body><article>"
        + b"<p>The port of Valmora reopened on Monday after a week of repairs to the quay.</p>" * 6
        + b"</article></body></html>"
    )
    article = extract_html(page, origin="x", url="https://www.valmora-news.example/a?utm_source=x")
    assert article.outlet == "valmora-news.example"
    assert article.canonical_url == "https://www.valmora-news.example/a"
    assert article.url == "https://www.valmora-news.example/a?utm_source=x"


def test_charset_from_meta_tag() -> None:
    body = "<p>Le café du port a rouvert lundi après une semaine de travaux sur le quai.</p>" * 5
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        f"<title>Café</title></head><body><article>{body}</article></body></html>"
    ).encode("cp1252")
    article = extract_html(page, origin="x")
    assert "café du port" in article.text
    assert decode("naïve".encode("cp1252")) == "naïve"  # not UTF-8: Windows-1252
    assert decode("naïve".encode()) == "naïve"
    assert decode("naïve".encode("utf-16")) == "naïve"  # byte order mark
    assert decode("naïve".encode("cp1252"), "no-such-charset") == "naïve"


def test_broken_html_gives_a_result() -> None:
    page = (
        b"<html><head><title>Broken</title><body><div><p>Customs officers boarded the tanker "
        b"Grey Albatross in Valmora on Wednesday and found its logbooks missing<p>The crew "
        b"said the logbooks had been lost in a storm two weeks before <b><i>the ship reached "
        b"port</b></i><div><table><tr><td>unclosed cell<p>Officials said the inquiry would "
        b"take weeks and that the cargo would stay on board until then"
    )
    article = extract_html(page, origin="broken.html")
    assert "Grey Albatross" in article.text


def test_deeply_nested_html_does_not_crash() -> None:
    page = b"<html><body>" + b"<div>" * 5000 + b"<p>Inside a very deep page.</p>" + b"</div>" * 10
    try:
        article = extract_html(page, origin="deep.html")
    except InputError as exc:
        assert "deep.html" in str(exc)
    else:
        assert "deep page" in article.text


@pytest.mark.parametrize(
    "page",
    [b"", b"   ", b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>"],
)
def test_page_without_article_is_a_clear_error(page: bytes) -> None:
    with pytest.raises(InputError, match=r"empty\.html: .*(no article text|no HTML)"):
        extract_html(page, origin="empty.html")


def test_enormous_page_is_refused_before_parsing() -> None:
    page = b"<html><body>" + b"<p>word </p>" * 200_000 + b"</body></html>"
    with pytest.raises(InputError, match="larger than media_max_bytes"):
        extract_html(page, origin="huge.html", max_bytes=1_000_000)


def test_non_english_page_is_detected() -> None:
    article = extract_html(read("french.html"), origin="french.html")
    assert article.language == "fr"
    assert article.outlet == "Le Courrier du Port"


# -- plain text -----------------------------------------------------------------------------------


def test_plain_text_boilerplate_is_removed() -> None:
    article = extract_text(read("plain_boilerplate.txt"), origin="plain.txt")
    assert article.title == "Tanker tied to Meridian Tide network detained in Valmora"
    assert article.text.startswith("Port officials in the fictional harbour of Valmora")
    assert article.text.endswith("while the inquiry continues, officials said.")
    for furniture in (
        "Follow us",
        "Home News",
        "by admin",
        "Share this",
        "Advertisement",
        "Merch",
        "sequel after",
        "patron",
        "Related News",
        "Leave a Comment",
    ):
        assert furniture not in article.text, furniture
    assert article.author is None  # "admin" is not an author
    assert [a.outlet for a in article.attributions] == ["Harbour Gazette", "Valmora Evening Post"]


def test_plain_text_head_gives_title_byline_date_and_url() -> None:
    article = extract_text(read("plain_wsj_style.txt"), origin="wsj.txt")
    assert article.title == "Valmora Detains Tanker Run by Sanctioned Shipping Network"
    assert article.author == "Ines Valcourt, Tomas Riedl"
    assert article.published == "2024-03-14"
    assert article.url == "https://www.coastal-ledger.example/world/tanker-detained-valmora-2024"
    assert article.outlet == "coastal-ledger.example"
    text = article.text
    assert text.startswith("The ship's transponder had been off for eleven days")
    assert "Viktor Lanskoy" in text
    for furniture in (
        "personal, non-commercial use",
        "EXCLUSIVE",
        "Follow",
        "03/14/24",
        "PHOTO:",
        "at anchor in the outer basin",  # the caption above the photo credit
        "following two tabs",
        "Ines, 41",  # the author bio
        "Leave a Reply",
    ):
        assert furniture not in text, furniture


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "ADVERTISEMENT:",
        "Story continues below advertisement",
        "Share on Facebook",
        "Share | Tweet | Email | Print",
        "Follow us on Twitter and Telegram",
        "Please follow us on GabTelegram",
        "Get yours now with 20% off at the Ledger Store!",
        "© 2024 Example Media. All rights reserved.",
        "Copyright 2024 Example Media",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "READ MORE: Grain prices fall again",
        "Related Articles",
        "You may also like",
        "Sign up for our daily newsletter",
        "Support independent journalism today",
        "Photo: Jane Example/Port Pictures",
        "(Photo by Jane Example/Getty Images)",
        "https://www.example.com/some/link",
        "14:05",
    ],
)
def test_furniture_lines(line: str) -> None:
    body = "Officials in Valmora said on Monday that the tanker would stay in port for weeks."
    cleaned = clean_text(f"{body}\n\n{line}\n\n{body} Again.")
    assert line not in cleaned.text
    assert cleaned.text == f"{body}\n{body} Again."


def test_article_sentences_about_the_same_words_are_kept() -> None:
    text = (
        "The company sold merchandise worth two million dollars to buyers in Valmora, "
        "prosecutors said.\n"
        "Investigators said the advertisement campaign was paid for by a shell company.\n"
        "He said copyright law did not apply to the leaked files."
    )
    assert clean_text(text).text == text


def test_wrapped_lines_are_joined() -> None:
    text = "Officials said the tanker\nwould stay in port.\nThe crew left on Friday."
    assert (
        clean_text(text).text
        == "Officials said the tanker would stay in port.\nThe crew left on Friday."
    )


def test_date_prefix_is_read_and_removed() -> None:
    cleaned = clean_text(" date 2023-06-10 The harbour reported on 9 June that ships moved.")
    assert cleaned.published == "2023-06-10"
    assert cleaned.text == "The harbour reported on 9 June that ships moved."
    assert cleaned.title is None  # a sentence, not a headline


def test_text_of_nothing_but_furniture_is_an_error() -> None:
    with pytest.raises(InputError, match=r"empty\.txt: no article text left"):
        extract_text(b"Advertisement\n\nShare on Facebook\n", origin="empty.txt")


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-03-14T08:30:00Z", "2024-03-14"),
        ("Thu, 14 Mar 2024 08:30:00 GMT", "2024-03-14"),
        ("Updated Feb. 5, 2023 9:58 am ET", "2023-02-05"),
        ("14 March 2024", "2024-03-14"),
        ("Sept 3rd, 2021", "2021-09-03"),
        ("2024-02-30", None),
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, iso: str | None) -> None:
    assert parse_date(value) == iso


# -- properties of the cleaner --------------------------------------------------------------------

# Lines that are furniture wherever they stand ("Related Articles" and the like end the
# article instead, and are tested above).
FURNITURE = [
    "Advertisement",
    "Share on Facebook",
    "Follow us on Telegram",
    "Get the new hoodie at our store!",
    "© 2024 Example Media. All rights reserved.",
    "Sign up for our newsletter",
    "Photo: Example/Pictures",
]
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
_sentence = st.lists(_word, min_size=9, max_size=20).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=40, deadline=None)
@given(
    body=st.lists(_sentence, min_size=2, max_size=8, unique=True),
    furniture=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(FURNITURE)), max_size=6),
)
def test_cleaner_keeps_the_body_and_drops_injected_furniture(
    body: list[str], furniture: list[tuple[int, str]]
) -> None:
    lines = list(body)
    for position, line in furniture:
        lines.insert(min(position, len(lines)), line)
    cleaned = clean_text("\n\n".join(lines))
    assert cleaned.text.split("\n") == body


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=600))
def test_cleaner_never_fails_and_never_adds_words(text: str) -> None:
    cleaned = clean_text(text)
    source_words = set(text.split())
    assert set(cleaned.text.split()) <= source_words
    if cleaned.title is not None:
        assert set(cleaned.title.split()) <= source_words
