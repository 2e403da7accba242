"""Mentions found with the matching engine: spellings, scripts, partial names, and the
cases that must not count."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.entities import Entity
from redline.media.mentions import Gazetteer, Mention, Party, find_mentions, spacy_backend
from redline.media.words import joinable, words_of

ARTICLES = Path(__file__).parent.parent / "fixtures" / "media" / "articles"


def entity(entity_id: str, schema: str, name: str, *aliases: str) -> Entity:
    e = Entity(entity_id, schema)
    e.add("name", name)
    e.add("alias", list(aliases))
    return e


LISTED = [
    entity("qai", "Company", "QODS AVIATION INDUSTRIES"),
    entity("damavandian", "Person", "DAMAVANDIAN, Ghassem"),
    entity("mehrabi", "Person", "MEHRABI, Abdollah"),
    entity(
        "alabuga-sez",
        "Company",
        "JOINT STOCK COMPANY SPECIAL ECONOMIC ZONE OF INDUSTRIAL PRODUCTION ALABUGA",
    ),
    entity("quds-force", "Organization", "Quds Force"),
    entity("dover", "Vessel", "DOVER"),
    entity("miran", "Company", "MIRAN LLC"),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_entities(LISTED)


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.party_id, m.text) for m in gaz.find(text, threshold=0.8)]


# (text, expected (party id, mention text) pairs)
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # spellings
    ("Iran's Ghods Aviation denied it.", [("qai", "Ghods Aviation")]),
    ("the chief executive of Quds Aviation Industry said", [("qai", "Quds Aviation Industry")]),
    ("QODS AVIATION INDUSTRIES WAS NAMED", [("qai", "QODS AVIATION INDUSTRIES")]),
    ("led by Brig. Gen. Abdollah Mehrabi, head of", [("mehrabi", "Abdollah Mehrabi")]),
    ("a delegation with Abdollah Merhabi arrived", [("mehrabi", "Abdollah Merhabi")]),
    ("ABDOLLAH MEHRABI SANCTIONED", [("mehrabi", "ABDOLLAH MEHRABI")]),
    ("Mehrabi, Abdollah was listed", []),  # a comma ends a name in running text
    ("in the Alabuga Special Economic Zone", [("alabuga-sez", "Alabuga Special Economic Zone")]),
    # scripts
    ("named قاسم دماوندیان as the official", [("damavandian", "قاسم دماوندیان")]),
    ("named عبدالله مهرابی as the head", [("mehrabi", "عبدالله مهرابی")]),
    # possessives, line breaks, hyphenation
    ("Ghassem Damavandian's company", [("damavandian", "Ghassem Damavandian")]),
    ("met Abdollah\nMehrabi there", [("mehrabi", "Abdollah\nMehrabi")]),
    ("Ghassem Damavan-\ndian left", [("damavandian", "Ghassem Damavan-\ndian")]),
    ("met Abdollah\n\nMehrabi there", []),  # a paragraph break ends a name
    # partial names refer back to a full one
    (
        "Gen. Merhabi spoke. Later Abdollah Mehrabi left.",
        [("mehrabi", "Merhabi"), ("mehrabi", "Abdollah Mehrabi")],
    ),
    (
        "Ghassem Damavandian arrived. Mr. Damavandian said nothing.",
        [("damavandian", "Ghassem Damavandian"), ("damavandian", "Damavandian")],
    ),
    # negatives
    ("Mehrabi said he learned the recipe.", []),  # a surname alone is not enough
    ("Ali Mehrabi, a pastry chef, won.", []),  # another Mehrabi
    ("Abdollah Mehrabi met Ali Mehrabi.", [("mehrabi", "Abdollah Mehrabi")]),
    ("a commander of the Quds Force attended", [("quds-force", "Quds Force")]),
    ("the Iranian aviation industry is large", []),  # lower case: not a name
    ("Iran and Russia agreed.", []),  # Miran is not Iran
    ("Dover was quiet on Sunday.", []),  # a vessel's one-word name needs a cue
    ("the tanker Dover was seized", [("dover", "Dover")]),
    ("Please follow us on social media", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mention_cases(gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(gazetteer, text) == expected


def test_mentions_point_into_the_text(gazetteer: Gazetteer) -> None:
    text = (ARTICLES / "01_factory_report.txt").read_text(encoding="utf-8")
    mentions = gazetteer.find(text)
    assert mentions
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert {m.party_id for m in mentions} >= {"qai", "damavandian", "mehrabi"}


def test_explanation_and_score(gazetteer: Gazetteer) -> None:
    (m,) = gazetteer.find("the chief executive of Quds Aviation Industry said", threshold=0.8)
    assert isinstance(m, Mention)
    assert m.party_caption == "QODS AVIATION INDUSTRIES"
    assert m.name == "QODS AVIATION INDUSTRIES"
    assert 0.9 < m.score < 1.0
    assert "quds~qods" in m.explanation and "vowels differ" in m.explanation
    assert m.to_dict()["party_kind"] == "entity"


def test_single_word_counts_less_than_the_full_name(gazetteer: Gazetteer) -> None:
    """A lone surname scores its name score times 0.85 (and its rarity): below the
    threshold alone, lifted only by a full-name mention in the same text."""
    alone = gazetteer.find("Mehrabi spoke.", threshold=0.0)
    assert alone == []  # lone words are only scored when the full name is there
    with_full = gazetteer.find("Abdollah Mehrabi arrived. Mehrabi spoke.", threshold=0.0)
    lone = [m for m in with_full if m.text == "Mehrabi"]
    full = [m for m in with_full if m.text == "Abdollah Mehrabi"]
    assert lone and full
    assert lone[0].score < full[0].score
    assert "one word of a longer name" in lone[0].explanation
    assert "refers back to 'Abdollah Mehrabi'" in lone[0].explanation


def test_rarer_single_word_counts_more() -> None:
    shared = [
        entity("a", "Person", "Abdollah Mehrabi"),
        entity("b", "Person", "Reza Mehrabi"),
        entity("c", "Person", "Hossein Mehrabi"),
        entity("d", "Person", "Mehdi Mehrabi"),
    ]
    many = Gazetteer.from_entities(shared)
    one = Gazetteer.from_entities(shared[:1])
    text = "Abdollah Mehrabi arrived. Later Mehrabi spoke."
    lone_many = [m for m in many.find(text, threshold=0.0) if m.text == "Mehrabi"]
    lone_one = [m for m in one.find(text, threshold=0.0) if m.text == "Mehrabi"]
    assert lone_one and lone_many
    # Refers-back lifts both to the full mention's level; the raw single-word factor
    # is what differs, and it shows in the explanation.
    assert "(x0.85)" in lone_one[0].explanation
    assert "(x0.85)" not in lone_many[0].explanation


def test_search_gazetteer_is_lenient_with_one_word_names() -> None:
    """A name the user typed is looked for in any spelling the engine accepts."""
    query = Gazetteer.build(
        [Party("query", "q", "LegalEntity", "Alabuga", (("Alabuga", "name"),))], strict=False
    )
    text = "They visited the Russian town of Yelabuga. The Alabuga zone is near."
    got = [(m.text, m.score) for m in query.find(text)]
    assert [t for t, _ in got] == ["Yelabuga", "Alabuga"]
    assert got[0][1] == pytest.approx(0.75)
    strict = Gazetteer.build(query.parties, strict=True)
    assert [m.text for m in strict.find(text)] == ["Alabuga"]


def test_lone_word_goes_to_the_party_it_matches_best(gazetteer: Gazetteer) -> None:
    text = "The Quds Force attacked. Qods Aviation Industries denied it. Quds said nothing."
    lone = [m for m in gazetteer.find(text) if m.text == "Quds"]
    assert [m.party_id for m in lone] == ["quds-force"]


def test_customers_and_kinds() -> None:
    customer = Party(
        "customer", "C-42", "Company", "Acme Drones Ltd", (("Acme Drones Ltd", "name"),)
    )
    gaz = Gazetteer.build([customer])
    (m,) = gaz.find("Shares of Acme Drones rose on Monday.")
    assert (m.party_kind, m.party_id, m.text) == ("customer", "C-42", "Acme Drones")


def test_find_mentions_function(gazetteer: Gazetteer) -> None:
    assert find_mentions("Ghassem Damavandian", gazetteer)[0].party_id == "damavandian"


def test_empty_inputs(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("") == []
    assert gazetteer.find("... --- !!!") == []
    assert Gazetteer.from_entities([]).find("Ghassem Damavandian") == []
    assert Gazetteer.from_entities([]).size == 0


def test_ner_backend_adds_windows(gazetteer: Gazetteer) -> None:
    """An NER span is one more candidate window; the engine still decides."""
    text = "Officials named Ghassem Damavandian on Monday."
    start = text.index("Ghassem")
    calls: list[str] = []

    def fake_ner(doc: str) -> list[tuple[int, int, str]]:
        calls.append(doc)
        return [(start, start + len("Ghassem Damavandian"), "PERSON"), (0, 9, "GPE")]

    mentions = gazetteer.find(text, ner=fake_ner)
    assert calls == [text]
    assert [(m.party_id, m.text) for m in mentions] == [("damavandian", "Ghassem Damavandian")]


def test_spacy_is_optional() -> None:
    backend = spacy_backend()
    assert backend is None or callable(backend)


def test_words_and_joins() -> None:
    text = "Iran's Quds Aviation, Gen. Mehrabi-\nKhan"
    words = words_of(text)
    assert [w.text for w in words] == ["Iran", "Quds", "Aviation", "Gen", "Mehrabi", "Khan"]
    assert words[0].possessive and text[words[0].start : words[0].end] == "Iran"
    assert not joinable(text, words[0], words[1])  # a possessive ends a name
    assert joinable(text, words[1], words[2])
    assert not joinable(text, words[2], words[3])  # a comma
    assert joinable(text, words[3], words[4])  # a short title's full stop
    assert joinable(text, words[4], words[5])  # a hyphen across a line break


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_is_safe(text: str) -> None:
    gaz = Gazetteer.from_entities(LISTED[:3])
    for m in gaz.find(text, threshold=0.0):
        assert text[m.start : m.end] == m.text
        assert 0.0 <= m.score <= 1.0
    for w in words_of(text):
        assert text[w.start : w.end] == w.text


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["Ghassem Damavandian", "Abdollah Mehrabi", "Qods Aviation Industries"]),
    st.text(alphabet="abc XYZ.,\n", max_size=40),
    st.text(alphabet="abc xyz.,\n", max_size=40),
)
def test_names_are_found_in_any_surroundings(name: str, before: str, after: str) -> None:
    gaz = Gazetteer.from_entities(LISTED[:3])
    text = f"{before} {name} {after}"
    hits = [m for m in gaz.find(text, threshold=0.9) if m.text == name]
    assert hits, text
