"""Sentence splitting: the cases news prose throws at it, and offsets that always hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.media.sentences import Sentence, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        (
            "The delegation was led by Brig. Gen. Abdollah Mehrabi. It flew on.",
            ["The delegation was led by Brig. Gen. Abdollah Mehrabi.", "It flew on."],
        ),
        (
            "By Warren P. Strobel and J. R. Smith. Next.",
            ["By Warren P. Strobel and J. R. Smith.", "Next."],
        ),
        (
            "On Jan. 5 they met. On Feb. 6, 2023 too.",
            ["On Jan. 5 they met.", "On Feb. 6, 2023 too."],
        ),
        (
            "It grew 3.5% to $1.2 billion. Then fell.",
            ["It grew 3.5% to $1.2 billion.", "Then fell."],
        ),
        ("U.S. officials said so. Yes.", ["U.S. officials said so.", "Yes."]),
        ("The U.S. Treasury acted. Later.", ["The U.S. Treasury acted.", "Later."]),
        ("They met in the U.S. The talks failed.", ["They met in the U.S.", "The talks failed."]),
        ('"Is it true?" he asked. "Yes."', ['"Is it true?" he asked.', '"Yes."']),
        ('He said: "We will act." Then he left.', ['He said: "We will act."', "Then he left."]),
        ("“It goes both ways.” Kirby said.", ["“It goes both ways.”", "Kirby said."]),
        ("Wait... What now?", ["Wait...", "What now?"]),
        ("e.g. this one. And i.e. that.", ["e.g. this one.", "And i.e. that."]),
        ("He joined Acme Inc. in 2010. It grew.", ["He joined Acme Inc. in 2010.", "It grew."]),
        ("He works at Acme Inc. The firm is big.", ["He works at Acme Inc.", "The firm is big."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_sentence_cases(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_paragraphs_break_sentences_even_without_punctuation() -> None:
    text = "Global rearmament and escalation\n\nThe partnership deepens.\nRelated News"
    assert texts(text) == [
        "Global rearmament and escalation",
        "The partnership deepens.",
        "Related News",
    ]


def test_a_short_line_reads_as_a_heading() -> None:
    assert texts("Attack helicopter agreements\nThe United States said so.") == [
        "Attack helicopter agreements",
        "The United States said so.",
    ]


def test_hard_wrapped_prose_is_joined() -> None:
    text = (
        "The Treasury said on Friday that the company had supplied components for\n"
        "drones to the military, and that its director\n"
        "Ivan Petrov arranged the payments. He denied it."
    )
    assert texts(text) == [
        "The Treasury said on Friday that the company had supplied components for\n"
        "drones to the military, and that its director\nIvan Petrov arranged the payments.",
        "He denied it.",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "  First one.  Second one?\n\nThird  "
    sentences = split_sentences(text)
    assert sentences == [
        Sentence(2, 12, "First one."),
        Sentence(14, 25, "Second one?"),
        Sentence(27, 32, "Third"),
    ]


def test_crlf_and_tabs() -> None:
    assert texts("One line.\r\n\r\nTwo line.\tStill two. Three.") == [
        "One line.",
        "Two line.",
        "Still two.",
        "Three.",
    ]


def test_long_text_is_linear_enough() -> None:
    text = "Mr. A met Dr. B in the U.S. on Jan. 5. " * 5000 + "\n" * 5000
    assert len(split_sentences(text)) == 5000


alphabet = st.sampled_from(
    [*"abcXYZ .!?\"'“”()\n\t$0123456789", "Mr.", "U.S.", "Jan.", " J.", "...", "\n\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=80).map("".join) | st.text(max_size=200))
def test_offsets_slice_back_and_cover_every_character(text: str) -> None:
    sentences = split_sentences(text)
    covered = [False] * len(text)
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= previous_end
        previous_end = s.end
        for i in range(s.start, s.end):
            covered[i] = True
    # Nothing but whitespace falls between sentences.
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))
