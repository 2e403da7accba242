"""Attribution spans: which sentences an article credits to another outlet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.media.attribution import (
    find_attributions,
    outlet_like,
    outlet_of_host,
    same_outlet,
    sentence_spans,
)


@pytest.mark.parametrize(
    ("sentence", "outlet"),
    [
        (
            "Iran agreed to build a plant, according to a weekend report from Wall Street Journal.",
            "Wall Street Journal",
        ),
        ("The plant will open next year, according to NBC News, citing officials.", "NBC News"),
        ("The Guardian reported that hundreds of drones were sent.", "Guardian"),
        ("The ship was seized, Reuters reported on Monday.", "Reuters"),
        ("He told CNN that the talks had failed.", "CNN"),
        ("He told The Tehran Times that the deal was off.", "Tehran Times"),
        ("Citing Bloomberg, the agency said the talks stalled.", "Bloomberg"),
        ("In an interview with Der Spiegel, he denied it.", "Der Spiegel"),
        ("The Kommersant newspaper reported that talks were held.", "Kommersant"),
        ("The story was first reported by Middle East Eye.", "Middle East Eye"),
        ("A report by the Financial Times said the bank froze accounts.", "Financial Times"),
        ("Officials said so, as reported by Valmora Daily Courier.", "Valmora Daily Courier"),
        ("CNN's reporting showed the ship had turned off its transponder.", "CNN"),
        ("He spoke to Iran International about the raid.", "Iran International"),
        ("The figures come from an investigation by Coastwatch Observer.", "Coastwatch Observer"),
    ],
)
def test_outlets_are_recognised(sentence: str, outlet: str) -> None:
    found = find_attributions(sentence)
    assert [a.outlet for a in found] == [outlet]
    assert (found[0].start, found[0].end) == (0, len(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "Kirby reported that the plant was ready.",
        "The White House reported on 9 June that Russia had received drones.",
        "He told Congress it was over.",
        "According to the Treasury, the firm paid.",
        "According to U.S. officials, drones were shipped.",
        "According to the Americans, the drones flew over the Caspian Sea.",
        "According to John Kirby, it was done.",
        "According to a report by the Institute for the Study of War, troops moved.",
        "Ukraine shot down 540 drones, according to the nation's air force.",
        "The IAEA reported that enrichment had resumed.",
        "Harbour staff said the ship arrived late.",
    ],
)
def test_people_and_institutions_are_not_outlets(sentence: str) -> None:
    assert find_attributions(sentence) == ()


def test_span_is_the_attributing_sentence() -> None:
    text = (
        "Officials detained the tanker. Brig. Gen. Ivan Petrov led the team, the Harbour "
        "Gazette reported. The crew was released on Friday."
    )
    (found,) = find_attributions(text)
    assert found.outlet == "Harbour Gazette"
    assert text[found.start : found.end] == (
        "Brig. Gen. Ivan Petrov led the team, the Harbour Gazette reported."
    )


def test_two_outlets_in_one_sentence() -> None:
    text = "Source: the spokesman, as reported by European Pravda citing Reuters"
    assert [a.outlet for a in find_attributions(text)] == ["European Pravda", "Reuters"]


def test_wire_dateline_attributes_the_whole_text() -> None:
    text = "MOSCOW (Reuters) - Officials said on Friday that the plant was complete.\nMore."
    (found,) = find_attributions(text)
    assert found.outlet == "Reuters"
    assert (found.start, found.end) == (0, len(text))


def test_own_outlet_is_not_an_attribution() -> None:
    text = "Harbour staff told the Evening Post that the ship arrived late."
    assert [a.outlet for a in find_attributions(text)] == ["Evening Post"]
    assert find_attributions(text, own_outlet="Valmora Evening Post") == ()
    assert find_attributions("He told the Wall Street Journal so.", own_outlet="wsj.com") == ()


def test_outlet_helpers() -> None:
    assert outlet_of_host("www.wsj.com") in (None, "Wall Street Journal")
    assert outlet_of_host("wsj.com") == "Wall Street Journal"
    assert outlet_of_host("news.bbc.co.uk") == "BBC"
    assert outlet_of_host("coastal-ledger.example") == "coastal-ledger.example"
    assert same_outlet("The Guardian", "guardian")
    assert not same_outlet("Post", "Valmora Evening Post")  # one word is too little
    assert outlet_like("Valmora Daily Courier")
    assert not outlet_like("Valmora Port Authority", structural=True)


def test_sentence_spans_respect_abbreviations() -> None:
    text = "Brig. Gen. Abdollah Mehrabi went. U.S. officials said so. He left."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Brig. Gen. Abdollah Mehrabi went.",
        "U.S. officials said so.",
        "He left.",
    ]


@given(st.text(max_size=400))
def test_spans_always_lie_inside_the_text(text: str) -> None:
    for found in find_attributions(text):
        assert 0 <= found.start < found.end <= len(text)
        assert found.outlet.strip() == found.outlet and found.outlet
