"""The Screener: retrieval plus scoring over a set of listed parties, end to end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from redline.entities import Entity
from redline.errors import ConfigError
from redline.matching.algorithms import RedlineV1
from redline.matching.profile import Profile
from redline.matching.screener import Screener
from redline.names.units import FormBlock, IntArray
from redline.settings import Settings
from redline.store import Store
from tests.conftest import write_ftm


def _entity(eid: str, schema: str, names: list[str], **props: list[str]) -> Entity:
    entity = Entity(eid, schema, datasets=["test"])
    entity.add("name", names[0])
    entity.add("alias", names[1:])
    for prop, values in props.items():
        entity.add(prop, values)
    return entity


@pytest.fixture(scope="module")
def screener() -> Screener:
    parties = [
        _entity(
            "p-damavandian",
            "Person",
            ["DAMAVANDIAN, Ghassem", "DAMAVANDIAN, Qassem"],
            birthDate=["1960-04-09"],
            nationality=["Iran"],
            gender=["male"],
        ),
        _entity("p-mehrabi", "Person", ["MEHRABI, Abdollah"], nationality=["Iran"]),
        _entity(
            "c-qods",
            "Company",
            ["QODS AVIATION INDUSTRIES", "GHODS AVIATION INDUSTRIES"],
            country=["Iran"],
            registrationNumber=["10100"],
        ),
        _entity("v-shahed", "Vessel", ["IRAN SHAHED"], imoNumber=["IMO 9167253"]),
        _entity("c-shahed", "Company", ["SHAHED AVIATION INDUSTRIES RESEARCH CENTER"]),
    ]
    fillers = [
        _entity(f"p-{i}", "Person", [f"{first} {last}"])
        for i, (first, last) in enumerate(
            (first, last)
            for first in ("Ali", "Reza", "Hassan", "Maryam", "Olga", "Ivan")
            for last in ("Karimi", "Petrov", "Hosseini", "Smirnova", "Rahimi")
        )
    ]
    return Screener.from_entities(parties + fillers)


def test_finds_the_listed_person_under_another_spelling(screener: Screener) -> None:
    matches = screener.match("Qassem Damavandian")
    assert matches[0].entity_id == "p-damavandian"
    assert matches[0].entity is not None
    assert matches[0].explanations[0].feature == "name_match"


def test_finds_across_scripts(screener: Screener) -> None:
    assert screener.match("قاسم دماوندیان")[0].entity_id == "p-damavandian"


def test_secondary_attributes_confirm_and_contradict(screener: Screener) -> None:
    same = Entity("q", "Person")
    same.add("name", "Ghassem Damavandian")
    same.add("birthDate", "1960-04-09")
    other = Entity("q", "Person")
    other.add("name", "Ghassem Damavandian")
    other.add("birthDate", "1990")
    other.add("gender", "female")
    confirmed = screener.match(same)[0]
    assert {e.feature for e in confirmed.explanations} >= {"name_match", "birth_date"}
    contradicted = screener.match(other, threshold=0.0)
    hit = next(m for m in contradicted if m.entity_id == "p-damavandian")
    assert hit.score < confirmed.score - 0.3
    assert not hit.match


def test_an_identifier_alone_finds_a_vessel(screener: Screener) -> None:
    query = Entity("q", "Vessel")
    query.add("name", "Totally Renamed")
    query.add("imoNumber", "9167253")
    matches = screener.match(query)
    assert [m.entity_id for m in matches] == ["v-shahed"]
    assert any(e.feature == "identifier_match" for e in matches[0].explanations)


def test_schema_filters_candidates(screener: Screener) -> None:
    ids = [m.entity_id for m in screener.match("Iran Shahed", schema="Person", threshold=0.0)]
    assert "v-shahed" not in ids
    ids = [m.entity_id for m in screener.match("Iran Shahed", schema="Vessel")]
    assert ids == ["v-shahed"]


def test_no_match_for_an_unlisted_name(screener: Screener) -> None:
    assert screener.match("Kahraba") == []


def test_limit_and_exclusions(screener: Screener) -> None:
    assert screener.match("Qods Aviation Industries", exclude=["c-qods"]) == []
    with pytest.raises(ConfigError):
        screener.match("x", limit=0)


def test_from_store_saves_and_reuses_the_index(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    from redline import lists

    rows = [
        {
            "id": "t-1",
            "schema": "Person",
            "properties": {"name": ["Ghassem Damavandian"]},
            "datasets": ["test"],
        },
        {"id": "t-2", "schema": "Company", "properties": {"name": ["Qods Aviation Industries"]}},
    ]
    lists.load(store, settings, "ftm", [write_ftm(tmp_path / "l.jsonl", rows)])
    cache = tmp_path / "index"
    first = Screener.from_store(store, cache_dir=cache)
    assert [m.entity_id for m in first.match("Damavandian Ghassem")] == ["t-1"]
    saved = list(cache.glob("*.idx"))
    assert len(saved) == 1
    again = Screener.from_store(store, cache_dir=cache)
    hit = again.match("Quds Aviation Industries")[0]
    assert hit.entity_id == "t-2" and hit.source == "ftm" and hit.entity is not None
    saved[0].write_bytes(b"not a pickle")
    stale = cache / "names-0123456789abcdef01234567.idx"
    stale.write_bytes(b"an index of an earlier snapshot")
    rebuilt = Screener.from_store(store, cache_dir=cache)
    assert rebuilt.match("Damavandian Ghassem")[0].entity_id == "t-1"
    assert list(cache.glob("*.idx")) == saved  # the new one replaced both
    assert screener_sources(rebuilt) == {"ftm"}


def screener_sources(screener: Screener) -> set[str]:
    return set(screener.sources)


def test_a_loaded_index_analyses_its_parties_when_needed_and_when_warmed(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A saved index keeps names as text; parties are analysed again at their first
    match or all at once by warm(), and a full cache drops its older half only."""
    import pickle

    from redline.matching import index as index_module

    loaded = replace(screener, index=pickle.loads(pickle.dumps(screener.index)))
    assert not loaded.index.profiles[0].names[0].forms
    expected = [(m.entity_id, m.score) for m in screener.match("Qassem Damavandian")]
    assert [(m.entity_id, m.score) for m in loaded.match("Qassem Damavandian")] == expected
    monkeypatch.setattr(index_module, "HYDRATED_CACHE", 4)
    loaded.warm()
    assert 0 < len(loaded.index._hydrated) <= 4
    for i in range(loaded.size):
        got, want = loaded.index.profile(i), screener.index.profile(i)
        assert [f.comparable for e in got.names for f in e.forms] == [
            f.comparable for e in want.names for f in e.forms
        ]
        assert len(loaded.index._hydrated) <= 4


class _Unbounded(RedlineV1):
    """redline-v1 without the upper bound: every candidate is aligned."""

    def score_bounds(self, query: Profile, names: FormBlock, owners: IntArray, count: int) -> None:
        return None


@pytest.mark.parametrize(
    "query",
    [
        "Qassem Damavandian",
        "قاسم دماوندیان",
        "Abdolah Merhabi",
        "Quds Aviation Industries",
        "Ali Karimi",
        "Ivan Petrov Smirnov",
        "Iran Shahed",
        "Olga",
    ],
)
@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.8])
def test_skipping_by_bound_changes_no_result(
    screener: Screener, query: str, threshold: float
) -> None:
    """Bounding skips candidates and hands its word similarities to the comparison; the
    scores and explanations are those of comparing every candidate from scratch."""
    bounded = screener.match(query, threshold=threshold, limit=50)
    plain = replace(screener, algorithm=_Unbounded()).match(query, threshold=threshold, limit=50)
    assert [(m.entity_id, m.score, m.explanations) for m in bounded] == [
        (m.entity_id, m.score, m.explanations) for m in plain
    ]


@pytest.mark.parametrize(
    "props",
    [
        {"birthDate": ["1960-04-09"], "nationality": ["Iran"], "gender": ["male"]},
        {"birthDate": ["1990"], "nationality": ["Germany"], "gender": ["female"]},
        {"birthDate": ["1961"]},
        {"nationality": ["Iran"], "idNumber": ["10100"]},
    ],
)
@pytest.mark.parametrize("name", ["Qassem Damavandian", "Ghasem Damavandi", "Ali Karimi"])
@pytest.mark.parametrize("threshold", [0.0, 0.7, 0.8, 0.9])
def test_ruling_out_by_secondary_facts_changes_no_result(
    screener: Screener, props: dict[str, list[str]], name: str, threshold: float
) -> None:
    """Candidates whose names cannot reach the threshold once their birth date,
    nationality and gender are counted are not aligned; the results stay those of
    comparing every candidate."""
    query = _entity("q", "Person", [name], **props)
    bounded = screener.match(query, threshold=threshold, limit=50)
    plain = replace(screener, algorithm=_Unbounded()).match(query, threshold=threshold, limit=50)
    assert [(m.entity_id, m.score, m.explanations) for m in bounded] == [
        (m.entity_id, m.score, m.explanations) for m in plain
    ]


_MANY_NAMES = [
    (
        "Person",
        ["Abdollah Mehrabi", "Abdolah Merhabi", "عبدالله محرابی"],
        [
            "MEHRABI, Abdollah",
            "MEHRABI, Abdolah",
            "Abdullah Mihrabi",
            "A. Mehrabi",
            "Reza Karimi",
        ],
    ),
    (
        "Company",
        ["Qods Aviation Industries", "Ghods Aviation"],
        [
            "QODS AVIATION INDUSTRIES",
            "Quds Aviation Industry",
            "Ghods Aviation Industries Co",
            "Shahed Aviation Industries",
            "Qods Air Industries",
        ],
    ),
    ("Person", ["Olga Smirnova"], ["Ivan Petrov", "Olga Ivanovna", "O. Smirnova", "Smirnov Oleg"]),
]


@pytest.mark.parametrize(("schema", "queries", "names"), _MANY_NAMES)
def test_pruned_best_name_equals_aligning_every_pair(
    schema: str, queries: list[str], names: list[str]
) -> None:
    """RedlineV1 skips name pairs whose bound cannot win; the chosen pair, its score and
    its explanation stay those of aligning every pair in order."""
    from redline.matching.algorithms import Algorithm
    from redline.matching.profile import profile_of

    algo = RedlineV1()
    query = profile_of(_entity("q", schema, queries))
    for count in range(1, len(names) + 1):
        for start in range(len(names)):
            chosen = (names[start:] + names[:start])[:count]
            candidate = _entity("c", schema, chosen, weakAlias=["the Engineer"])
            profile = profile_of(candidate)
            assert algo.best_name(query, profile) == Algorithm.best_name(algo, query, profile)


def _common_name_list() -> list[Entity]:
    """A hundred and twenty parties called "Ahmad Ali" and one more word, and two more
    spelt so that retrieval ranks them below all of those (past the first net)."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    fillers = [
        _entity(f"f-{i}", "Person", [f"Ahmad Ali {syllables[i % 70]}{syllables[(i * 7) % 70]}"])
        for i in range(120)
    ]
    return [
        *fillers,
        _entity("p-achmad", "Person", ["Achmad Aly"]),
        _entity("p-joined", "Person", ["Ahmadali"]),
    ]


def test_a_common_name_casts_a_wider_net(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the lower half of the first candidates still holds matches, more are
    looked at: the two best matches of "Ahmad Ali" rank 120th and 130th in retrieval."""
    import redline.matching.screener as screener_module

    screener = Screener.from_entities(_common_name_list())
    best = [m.entity_id for m in screener.match("Ahmad Ali", limit=3)]
    assert best[:2] == ["p-joined", "p-achmad"], best
    monkeypatch.setattr(screener_module, "WIDEN", 1)
    narrow = [m.entity_id for m in screener.match("Ahmad Ali", limit=3)]
    assert "p-joined" not in narrow and "p-achmad" not in narrow, "the test would not fail"
