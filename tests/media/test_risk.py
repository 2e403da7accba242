"""Risk taxonomy and legal stage on synthetic sentences written for these tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import ConfigError, InputError
from redline.media.risk import assess, assess_file, assess_text, cue_pattern
from redline.media.taxonomy import CATEGORIES, CATEGORY_BY_CODE, LEGAL_STAGES, STAGE_RANK, STAGES

FATF = {
    "organised_crime",
    "terrorism",
    "human_trafficking",
    "sexual_exploitation",
    "drugs",
    "arms_trafficking",
    "stolen_goods",
    "corruption",
    "fraud",
    "counterfeiting_currency",
    "counterfeiting_products",
    "environmental_crime",
    "murder",
    "kidnapping",
    "robbery_theft",
    "smuggling",
    "tax_crime",
    "extortion",
    "forgery",
    "piracy",
    "market_abuse",
    "money_laundering",
    "cybercrime",
}


def test_taxonomy_covers_fatf_plus_sanctions_and_proliferation() -> None:
    codes = [c.code for c in CATEGORIES]
    assert len(codes) == len(set(codes))
    assert set(codes) == FATF | {"sanctions_evasion", "proliferation"}
    for c in CATEGORIES:
        assert c.label and c.description and c.cues
        assert CATEGORY_BY_CODE[c.code] is c


def test_stages_are_ordered() -> None:
    assert LEGAL_STAGES == (
        "allegation",
        "investigation",
        "charge",
        "conviction",
        "sanction",
        "acquittal",
    )
    assert [s.code for s in STAGES] == list(LEGAL_STAGES)
    ordered = ["allegation", "investigation", "charge", "conviction", "sanction"]
    assert sorted(ordered, key=STAGE_RANK.__getitem__) == ordered


def _example(cue: str) -> str:
    """The plainest text a cue must match: stems bare, gaps filled with one word."""
    return " ".join("then" if t == "..." else t.rstrip("*") for t in cue.split())


@pytest.mark.parametrize(
    "cue",
    sorted(
        {cue for c in CATEGORIES for cue in c.cues + c.weak}
        | {cue for s in STAGES for cue in s.cues}
    ),
)
def test_every_cue_matches_its_own_wording(cue: str) -> None:
    pattern = re.compile(cue_pattern(cue), re.IGNORECASE)
    assert pattern.search(f"Yesterday {_example(cue)} today.")
    assert pattern.search(_example(cue).upper())


def test_cue_syntax() -> None:
    launder = re.compile(cue_pattern("money launder*"), re.IGNORECASE)
    assert launder.search("accused of money-laundering")
    assert not launder.search("moneylaundering")
    impose = re.compile(cue_pattern("impos* ... sanctions"), re.IGNORECASE)
    assert impose.search("the U.S. imposed new economic sanctions")
    assert not impose.search("imposed a tariff. It was then followed by many other new sanctions")
    assert not re.search(cue_pattern("rape*"), "grapes")


@pytest.mark.parametrize(
    ("sentence", "category", "stage"),
    [
        (
            "The company was accused of laundering money for a cartel.",
            "money_laundering",
            "allegation",
        ),
        ("Police raided the firm's offices in a corruption probe.", "corruption", "investigation"),
        ("He was indicted on charges of bribing customs officials.", "corruption", "charge"),
        (
            "She pleaded guilty to wire fraud and was sentenced to three years.",
            "fraud",
            "conviction",
        ),
        (
            "The Treasury sanctioned the network for helping Iran evade sanctions.",
            "sanctions_evasion",
            "sanction",
        ),
        (
            "The firm was added to the Entity List for shipping dual-use goods.",
            "sanctions_evasion",
            "sanction",
        ),
        ("The EU imposed an asset freeze on the trader.", "sanctions_evasion", "sanction"),
        (
            "Washington put the shipper on a blacklist under export controls.",
            "sanctions_evasion",
            None,
        ),
        ("The plant builds kamikaze drones and ballistic missile parts.", "proliferation", None),
        (
            "The network bought UAV components for a military end use in Russia.",
            "proliferation",
            None,
        ),
        ("Prosecutors say the group financed terrorism through charities.", "terrorism", None),
        ("The gang trafficked women and children for forced labour.", "human_trafficking", None),
        ("He was arrested over child sexual abuse images.", "sexual_exploitation", "investigation"),
        ("Customs seized cocaine hidden in banana crates.", "drugs", None),
        ("The dealer ran an arms trafficking ring.", "arms_trafficking", None),
        ("Detectives recovered stolen goods from the warehouse.", "stolen_goods", None),
        ("The workshop printed counterfeit banknotes.", "counterfeiting_currency", None),
        ("The shop sold counterfeit goods bearing famous brands.", "counterfeiting_products", None),
        (
            "The firm is linked to illegal logging in the reserve.",
            "environmental_crime",
            "allegation",
        ),
        ("He was convicted of murder in 2019.", "murder", "conviction"),
        ("Gunmen kidnapped the engineer and demanded a ransom.", "kidnapping", None),
        ("Three men carried out an armed robbery at the jeweller.", "robbery_theft", None),
        ("The crew smuggled cigarettes past customs.", "smuggling", None),
        ("The director is under investigation for tax evasion.", "tax_crime", "investigation"),
        ("The official tried to extort money from local traders.", "extortion", None),
        ("He used forged documents to open the account.", "forgery", None),
        ("Pirates hijacked the tanker in the Gulf of Guinea.", "piracy", None),
        ("The banker was fined for insider trading.", "market_abuse", "conviction"),
        ("Hackers deployed ransomware against the hospital.", "cybercrime", None),
        ("The clan is a notorious organised crime family.", "organised_crime", None),
    ],
)
def test_sentences_get_category_and_stage(sentence: str, category: str, stage: str | None) -> None:
    result = assess_text(sentence)
    assert result.categories, sentence
    top = result.categories[0].score
    assert category in {c.code for c in result.categories if c.score == top}
    assert result.stage == stage
    assert result.evidence[0].sentence.text == sentence
    assert any(cue.startswith(category) for cue in result.evidence[0].cues)


@pytest.mark.parametrize(
    "sentence",
    [
        "The bakery opened a new shop on Main Street.",
        "The football club won the league on Sunday.",
        "Shares rose 3% after the company reported record profits.",
        "The minister opened a new school in the capital.",
    ],
)
def test_neutral_sentences_find_nothing(sentence: str) -> None:
    result = assess_text(sentence)
    assert result.categories == [] and result.stage is None and result.evidence == []
    assert not result.adverse


@pytest.mark.parametrize(
    ("sentence", "stage"),
    [
        ("The director was not charged with any crime.", None),
        ("He has never been convicted of fraud.", None),
        ("The company wasn't sanctioned.", None),
        ("The company denied the accusations of fraud.", "allegation"),
        ("He denied being charged with bribery.", "allegation"),
        ("He was acquitted of murder in 2015.", "acquittal"),
        ("She was cleared of all charges.", "acquittal"),
        ("Charges of tax evasion against the director were dropped last year.", "acquittal"),
        ("A court found him not guilty of fraud.", "acquittal"),
        ("His conviction for bribery was overturned on appeal.", "acquittal"),
        ("He pleaded not guilty to charges of fraud.", "charge"),
        ("He was not there, but was later charged with fraud.", "charge"),
    ],
)
def test_negation_denial_and_acquittal(sentence: str, stage: str | None) -> None:
    assert assess_text(sentence).stage == stage


def test_negated_category_counts_half() -> None:
    plain = assess_text("He was involved in money laundering.").categories[0].score
    negated = assess_text("He was never involved in money laundering.").categories[0].score
    assert negated == pytest.approx(plain / 2)


def test_acquittal_does_not_hide_a_conviction_elsewhere() -> None:
    text = "He was convicted of fraud in 2010. In 2014 he was acquitted of bribery."
    assert assess_text(text).stage == "conviction"
    text = "He was charged with fraud in 2010. In 2014 he was acquitted."
    assert assess_text(text).stage == "acquittal"


def test_more_evidence_scores_higher() -> None:
    one = assess_text("He was accused of fraud.").categories[0].score
    two = assess_text("He was accused of fraud. Investors lost money in the Ponzi scheme.")
    assert two.categories[0].score > one


TEXT = (
    "Acme Trading opened an office in Dubai.\n\n"
    "Officials said Acme Trading shipped drone components to Russia. "
    "The Treasury sanctioned its director in March. "
    "Analysts said the market was calm. "
    "Separately, a bakery was fined for fraud."
)


def _spans(text: str, name: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]


def test_assess_reads_the_mention_sentences_and_their_neighbours() -> None:
    result = assess(TEXT, _spans(TEXT, "Acme Trading"))
    codes = [c.code for c in result.categories]
    assert codes[0] == "proliferation"
    assert "sanctions_evasion" in codes
    assert "fraud" not in codes  # three sentences away from any mention
    first = result.evidence[0]
    assert first.mention and "drone components" in first.sentence.text
    neighbour = next(e for e in result.evidence if not e.mention)
    assert neighbour.stage == "sanction"
    # The mention sentences state no stage, so the neighbour's sanction is used.
    assert result.stage == "sanction"
    assert TEXT[first.sentence.start : first.sentence.end] == first.sentence.text


def test_window_zero_reads_only_the_mention_sentences() -> None:
    result = assess(TEXT, _spans(TEXT, "Acme Trading"), window=0)
    assert [c.code for c in result.categories] == ["proliferation"]
    assert result.stage is None
    assert all(e.mention for e in result.evidence)


def test_neighbour_evidence_weighs_less_than_a_mention() -> None:
    text = "Acme was accused of fraud. Its partner Beta was accused of fraud too."
    mention = assess(text, _spans(text, "Acme"), window=1)
    assert [e.mention for e in mention.evidence] == [True, False]
    direct = assess_text("Acme was accused of fraud.").categories[0].score
    assert mention.categories[0].score > direct


def test_stage_about_the_party_prefers_its_own_sentences() -> None:
    text = "The boss was convicted of fraud. His aide Ivan Petrov was questioned by police."
    result = assess(text, _spans(text, "Ivan Petrov"))
    assert result.stage == "investigation"


def test_spans_outside_or_between_sentences_do_not_crash() -> None:
    assert assess(TEXT, [(10_000, 10_010)]).evidence == []
    assert assess("", [(0, 3)]).categories == []
    between = TEXT.index("\n\n")
    assess(TEXT, [(between, between + 1)])
    with pytest.raises(ValueError):
        assess(TEXT, [], window=-1)


def test_seed_style_article() -> None:
    text = (
        "The officials said the delegation was led by Ghassem Damavandian, the chief "
        "executive of Qods Aviation Industries, a defense manufacturer the U.S. says is "
        "central to building the country's drones.\n\n"
        "On Jan. 6, the U.S. imposed economic sanctions on Mr. Damavandian, the aviation "
        "executive accused by America of overseeing the supply of drones to Russia."
    )
    result = assess(text, _spans(text, "Damavandian"))
    assert result.stage == "sanction"
    assert {c.code for c in result.categories[:2]} == {"sanctions_evasion", "proliferation"}
    assert result.to_dict()["evidence"][0]["mention"] is True


def test_assess_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert assess_file(path).categories
    about = assess_file(path, about="acme trading", window=0)
    assert [c.code for c in about.categories] == ["proliferation"]
    assert assess_file(path, about="Nobody Here").evidence == []
    with pytest.raises(ConfigError):
        assess_file(path, about="  ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary", "binary"),
        (b"caf\xe9 au lait\n", "not UTF-8"),
    ],
)
def test_assess_file_bad_input(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        assess_file(path)
    assert "bad.txt" in str(err.value)


def test_assess_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        assess_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        assess_file(tmp_path)


words = st.sampled_from(
    [
        *("fraud", "not", "charged", "sanctions", "on", "Acme", ".", "\n\n", "denied"),
        *("acquitted", "impos", "drones", "U.S.", "Mr.", "...", " ", "accused", "—"),
        "money-laundering",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(words, max_size=60).map(" ".join) | st.text(max_size=300),
    st.lists(st.tuples(st.integers(-5, 400), st.integers(-5, 400)), max_size=4),
    st.integers(0, 3),
)
def test_assess_never_crashes(text: str, spans: list[tuple[int, int]], window: int) -> None:
    result = assess(text, spans, window=window)
    for c in result.categories:
        assert 0.0 < c.score <= 1.0
    assert result.stage is None or result.stage in LEGAL_STAGES
    for e in result.evidence:
        assert text[e.sentence.start : e.sentence.end] == e.sentence.text
