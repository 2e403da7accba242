"""The C kernel gives the numpy rules' word similarities, and the Python alignment's
scores and pairs, bit for bit.

Where the kernel was not built (no C compiler at install time) redline uses the numpy
rules and these tests skip, unless ``REDLINE_REQUIRE_KERNEL`` is set, as CI sets it.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from redline.matching import similarity
from redline.matching.algorithms import RedlineV1
from redline.matching.compare import align, align_python
from redline.matching.similarity import kernel_loaded, similarity_at_least
from redline.names.analysis import analyse
from redline.names.units import FormBlock

from .test_similarity import NAMES

if not kernel_loaded():
    if os.environ.get("REDLINE_REQUIRE_KERNEL"):
        raise RuntimeError("the C kernel is required (REDLINE_REQUIRE_KERNEL) but not built")
    pytest.skip("the C kernel is not built here", allow_module_level=True)

KERNEL = similarity._KERNEL
assert KERNEL is not None

#: More names than test_similarity's: Hebrew, Arabic and Burmese words with other
#: readings, single letters, joined runs, numbers on one side only.
MORE = [
    ("Person", "J. R. Smith"),
    ("Person", "John Ronald Smith"),
    ("Person", "ג׳ורג׳ בוש"),
    ("Person", "George Bush"),
    ("Person", "محمد بن سلمان"),
    ("Person", "Mohammed bin Salman"),
    ("Company", "ရွှေမြင့် လက်ဖက်ခြောက် ကုမ္ပဏီလီမိတက်"),
    ("Company", "Shwe Myint Tea Co., Ltd."),
    ("Company", "雾山精密机械股份有限公司"),
    ("Company", "Wushan Precision Machinery Co., Ltd."),
    ("Company", "Marrowgate Leasing 3 Ltd"),
    ("Company", "Marrowgate Leasing Ltd"),
    ("Vessel", "第三海王丸"),
    ("Vessel", "Kaio Maru No. 3"),
    ("Person", "徐明"),
    ("Person", "Hsu Ming"),
    ("Person", "Xu Ming"),
    ("Person", "Li Yi"),
    ("Person", "Li I"),
    ("Company", "Shenzhen Zhongxing Trading"),
]
FORMS = [f for schema, name in [*NAMES, *MORE] for f in analyse(name, schema)]


def _same(q, c, floor=-1.0) -> None:  # type: ignore[no-untyped-def]
    reference = similarity.unit_similarity_numpy(q, c)
    if floor >= 0:
        reference = np.where(reference >= floor, reference, 0.0)
    np.testing.assert_array_equal(similarity_at_least(q, c, floor), reference)


def test_every_pair_of_names_scores_as_numpy_does() -> None:
    for qf in FORMS:
        for cf in FORMS:
            _same(qf.table, cf.table)


@pytest.mark.parametrize("floor", [0.0, 0.3, 0.5, 0.8, 0.85, 0.95])
def test_a_block_of_names_scores_as_numpy_does_with_the_floor(floor: float) -> None:
    """Parts of the rules are skipped when bounds put them under the floor: at any floor
    the cells are numpy's, floored."""
    block = FormBlock.of(FORMS)
    for qf in FORMS:
        _same(qf.table, block.table, floor)
    cut = block.take(np.asarray([7, 3, 3, 20, 0]))
    for qf in FORMS:
        _same(qf.table, cut.table, floor)


_TEXT = st.text(
    alphabet=st.sampled_from("abcdeghijklmnorstuvwyz ''-.0123456789") | st.characters(),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["Person", "Company", "Vessel"]),
    _TEXT,
    st.lists(_TEXT, max_size=5),
    st.sampled_from([0.3, 0.5, 0.8]),
)
def test_any_names_score_as_numpy_does(
    schema: str, query: str, others: list[str], floor: float
) -> None:
    forms = [f for o in others for f in analyse(o, schema)]
    for qf in analyse(query, schema):
        for cf in forms:
            _same(qf.table, cf.table)
        if forms:
            _same(qf.table, FormBlock.of(forms).table, floor)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=12) | st.text(max_size=12)


@settings(max_examples=500, deadline=None)
@given(_WORD, _WORD)
def test_edit_distance_is_optimal_string_alignment(a: str, b: str) -> None:
    assert KERNEL.osa_distance(a, b) == OSA.distance(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("", ""),
        ("abc", ""),
        ("ab", "ba"),
        ("ca", "abc"),
        ("a" * 64, "a" * 63 + "b"),
        ("a" * 65, "b" + "a" * 64),  # longer than one machine word: the plain recurrence
        ("x" * 300, "y" * 200),
        ("smith", "smiht"),
        ("é" * 3, "e" * 3),
        ("名前", "名字"),
    ],
)
def test_edit_distance_edges(a: str, b: str) -> None:
    assert KERNEL.osa_distance(a, b) == OSA.distance(a, b)
    assert KERNEL.osa_distance(b, a) == OSA.distance(b, a)


def test_a_cut_that_points_into_its_block_scores_as_a_copied_cut() -> None:
    block = FormBlock.of(FORMS)
    picked = np.asarray([7, 3, 3, 20, 0, len(FORMS) - 1])
    copied = block.take(picked)
    pointing = block.take(picked, KERNEL.Strings)
    assert pointing.table.origin is not None and len(pointing.table.keys) == 0
    np.testing.assert_array_equal(pointing.table.ints, copied.table.ints)
    for qf in FORMS:
        np.testing.assert_array_equal(
            similarity_at_least(qf.table, pointing.table, 0.5),
            similarity_at_least(qf.table, copied.table, 0.5),
        )
    with pytest.raises(ValueError, match="no strings"):
        similarity.unit_similarity_numpy(FORMS[0].table, pointing.table)


def test_positions_outside_a_prepared_column_are_refused() -> None:
    block = FormBlock.of(FORMS)
    cut = block.take(np.asarray([0, 1]), KERNEL.Strings)
    assert cut.table.origin is not None
    side = list(similarity.side_tuple(cut.table))
    side[10] = np.asarray([10**9] * cut.table.unit_count, dtype=np.int64)
    query = FORMS[0].table
    out = np.empty((query.unit_count, cut.table.unit_count))
    with pytest.raises(IndexError):
        KERNEL.unit_similarity(
            similarity.side_tuple(query), tuple(side), out, (*similarity._RULES, 0.5)
        )
    pointing = similarity.side_tuple(cut.table)
    square = np.empty((cut.table.unit_count, cut.table.unit_count))
    with pytest.raises(ValueError, match="query side"):
        KERNEL.unit_similarity(pointing, pointing, square, (*similarity._RULES, 0.5))
    assert len(KERNEL.Strings(["a", "bc"])) == 2
    with pytest.raises(TypeError):
        KERNEL.Strings(["a", 1])


def test_the_kernel_can_be_switched_off_for_a_process() -> None:
    try:
        assert similarity.use_kernel(False) is False
        assert not kernel_loaded() and similarity.column_type() is None
        table = FORMS[0].table
        np.testing.assert_array_equal(
            similarity.unit_similarity(table, table), similarity.unit_similarity_numpy(table, table)
        )
    finally:
        assert similarity.use_kernel(True) is True
    assert kernel_loaded()


def test_bad_arguments_are_errors_not_crashes() -> None:
    table = FORMS[0].table
    side = similarity.side_tuple(table)
    out = np.empty((table.unit_count, table.unit_count))
    rules = (*similarity._RULES, -1.0)
    with pytest.raises(ValueError):
        KERNEL.unit_similarity(side, side, np.empty(1), rules)
    with pytest.raises(ValueError):
        KERNEL.unit_similarity((*side[:2], [], *side[3:]), side, out, rules)
    with pytest.raises(TypeError):
        KERNEL.unit_similarity(side, side, out, rules[:3])


CONFIG = RedlineV1().names


def _aligned_alike(qf, cf, floor=-1.0) -> None:  # type: ignore[no-untyped-def]
    sim = similarity_at_least(qf.table, cf.table, floor)
    assert align(qf, cf, sim, CONFIG) == align_python(qf, cf, sim, CONFIG)


def test_every_pair_of_names_aligns_as_python_does() -> None:
    for qf in FORMS:
        for cf in FORMS:
            _aligned_alike(qf, cf)


def test_ties_align_as_python_does() -> None:
    """Equal similarities and weights everywhere: only the words' places and the order
    of the pairs decide, as in Python's stable sort."""
    for name in ("Amin Amin Amin", "AMINULLAH AMIN", "Ali Ali", "A B A B"):
        for qf in analyse(name, "Person"):
            for cf in analyse("Amin Ali Amin Ali", "Person"):
                _aligned_alike(qf, cf)
                sim = np.ones((qf.table.unit_count, cf.table.unit_count))
                assert align(qf, cf, sim, CONFIG) == align_python(qf, cf, sim, CONFIG)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Person", "Company", "Vessel"]), _TEXT, _TEXT)
def test_any_names_align_as_python_does(schema: str, query: str, other: str) -> None:
    for qf in analyse(query, schema):
        for cf in analyse(other, schema):
            _aligned_alike(qf, cf, 0.5)


def test_bad_alignment_arguments_are_errors_not_crashes() -> None:
    qf, cf = FORMS[0], FORMS[1]
    table_q, table_c = qf.table, cf.table
    sim = np.zeros((table_q.unit_count, table_c.unit_count))
    knobs = (0.5, 1.0, 0.5, 0.7)
    weights_q, weights_c = table_q.token_weights, table_c.token_weights
    with pytest.raises(ValueError, match="query units x candidate units"):
        KERNEL.align(np.zeros(1), table_q.ints, table_c.ints, weights_q, weights_c, knobs)
    with pytest.raises(ValueError, match="spans words"):
        KERNEL.align(sim, table_q.ints, table_c.ints, weights_q[:0], weights_c, knobs)
    with pytest.raises(ValueError, match="8-byte"):
        KERNEL.align(sim, table_q.ints, table_c.flags, weights_q, weights_c, knobs)
    with pytest.raises(TypeError):
        KERNEL.align(sim, table_q.ints, table_c.ints, weights_q, weights_c, knobs[:2])


@pytest.mark.parametrize(
    "query",
    [
        "Qassem Damavandian",
        "قاسم دماوندیان",
        "Abdollah Merhabi",
        "Quds Aviation Industries",
        "雾山精密机械",
        "J. Smith",
        "Sino Iron 2",
    ],
)
def test_screening_without_the_kernel_gives_the_same_matches(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.entities import Entity
    from redline.matching.screener import Screener

    parties = []
    for k, (schema, name) in enumerate([*NAMES, *MORE]):
        entity = Entity(f"e-{k}", schema, datasets=["test"])
        entity.add("name", name)
        parties.append(entity)
    fast = Screener.from_entities(parties)
    with_kernel = fast.match(query, threshold=0.0, limit=50)
    monkeypatch.setattr(similarity, "_KERNEL", None)
    slow = Screener.from_entities(parties)
    without = slow.match(query, threshold=0.0, limit=50)
    assert with_kernel, query
    assert [(m.entity_id, m.score, m.explanations) for m in with_kernel] == [
        (m.entity_id, m.score, m.explanations) for m in without
    ]


# --- compare and best_name: the whole comparison of names in one call --------------


def test_compare_is_the_similarities_then_the_alignment() -> None:
    knobs = CONFIG.knobs
    # Long names too: more cells than the kernel keeps on its stack.
    long = analyse("Abd al Rahman ibn Muhammad ibn Abd al Aziz ibn Saud al Qahtani", "Person")
    longer = analyse("Abdulrahman bin Mohammed bin Abdulaziz Al Saud Qahtani", "Person")
    assert long[0].table.unit_count * longer[0].table.unit_count > 64
    forms = [*FORMS, *long, *longer]
    for qf in forms:
        for cf in forms:
            sim = similarity_at_least(qf.table, cf.table, CONFIG.min_pair)
            whole = KERNEL.compare(
                similarity.prepared(qf.table), similarity.prepared(cf.table), CONFIG.rules, knobs
            )
            assert whole == KERNEL.align(
                sim,
                qf.table.ints,
                cf.table.ints,
                qf.table.token_weights,
                cf.table.token_weights,
                knobs,
            )


def _profile(schema: str, names: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    from redline.entities import Entity
    from redline.matching.profile import profile_of

    entity = Entity("p", schema)
    for prop, name in names:
        entity.add(prop, name)
    return profile_of(entity)


def _best_name_alike(query, candidate) -> None:  # type: ignore[no-untyped-def]
    """The kernel's best_name against the Python rule it replaces (base class)."""
    algo = RedlineV1()
    fast = algo.best_name(query, candidate)
    slow = super(RedlineV1, algo).best_name(query, candidate)
    assert (fast.score, fast.detail, fast.query, fast.candidate) == (
        slow.score,
        slow.detail,
        slow.query,
        slow.candidate,
    )


PROFILES = [
    ("Person", [("name", "Qassem Damavandian"), ("alias", "قاسم دماوندیان")]),
    ("Person", [("name", "Ghasem Damavandian"), ("weakAlias", "Damavandian")]),
    (
        "Person",
        [("name", "Abdollah Mehrabi"), ("alias", "Abdullah Merhabi"), ("alias", "A. Mehrabi")],
    ),
    ("Person", [("name", "Ali Ali"), ("alias", "Amin Ali Amin"), ("weakAlias", "Ali")]),
    ("Organization", [("name", "Quds Aviation Industries"), ("alias", "Qods Aviation")]),
    ("Organization", [("name", "Ghods Aviation Industry"), ("weakAlias", "QAI")]),
    ("Person", [("name", "George Bush"), ("alias", "ג׳ורג׳ בוש")]),
    ("Person", [("name", "Xu Ming"), ("alias", "徐明"), ("alias", "Hsu Ming")]),
    ("Person", [("name", "Mariadelcarmenlopez")]),  # run together: "spaced apart"
    ("Person", [("name", "Maria Del Carmen Lopes"), ("alias", "M. C. Lopez")]),
]


def test_best_name_in_the_kernel_is_the_python_rule() -> None:
    profiles = [_profile(schema, names) for schema, names in PROFILES]
    assert all(p.plain_names for p in profiles)
    for query in profiles:
        for candidate in profiles:
            _best_name_alike(query, candidate)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["name", "alias", "weakAlias"]), _TEXT), max_size=4),
    st.lists(st.tuples(st.sampled_from(["name", "alias", "weakAlias"]), _TEXT), max_size=4),
)
def test_any_names_score_in_the_kernel_as_in_python(
    query: list[tuple[str, str]], candidate: list[tuple[str, str]]
) -> None:
    q, c = _profile("Person", query), _profile("Person", candidate)
    if q.plain_names and c.plain_names:
        _best_name_alike(q, c)


def test_names_with_numbers_or_legal_forms_stay_in_python() -> None:
    numbered = _profile("Company", [("name", "Marrowgate Leasing 3 Ltd")])
    plain = _profile("Company", [("name", "Marrowgate Leasing")])
    assert not numbered.plain_names and plain.plain_names
    result = RedlineV1().compare(plain, numbered)
    assert "a number on one side only" in result.explanations[0].detail
    assert numbered.kernel_names is None


def test_a_profile_is_saved_without_its_kernel_names() -> None:
    import pickle

    profile = _profile("Person", [("name", "Qassem Damavandian")])
    RedlineV1().compare(profile, profile)
    assert profile.kernel_names is not None
    again = pickle.loads(pickle.dumps(profile))
    assert again.kernel_names is None and again.plain_names
    assert RedlineV1().compare(again, profile).score == 1.0


def test_an_explanation_is_written_when_read() -> None:
    from redline.matching.algorithms import Explanation

    calls: list[int] = []

    def write() -> str:
        calls.append(1)
        return "written"

    lazy = Explanation("name_match", 0.9, write, "a", "b")
    assert calls == []
    assert lazy.detail == "written" and lazy.detail == "written"
    assert calls == [1]
    assert lazy == Explanation("name_match", 0.9, "written", "a", "b")
    assert lazy.to_dict()["detail"] == "written"


def test_a_lazy_explanation_pickles_with_its_words() -> None:
    import pickle

    alias = _profile("Person", [("alias", "Qassem Damavandian")])
    query = _profile("Person", [("name", "Ghasem Damavandian")])
    name = RedlineV1().compare(query, alias).explanations[0]
    again = pickle.loads(pickle.dumps(name))
    assert again == name and "[alias name x1.00]" in again.detail


def test_bad_sides_and_names_are_errors_not_crashes() -> None:
    table = FORMS[0].table
    side = similarity.side_tuple(table)
    with pytest.raises(ValueError, match="8-byte"):
        KERNEL.Side(side, table.ints)
    with pytest.raises(ValueError, match="spans words"):
        KERNEL.Side(side, table.token_weights[:0])
    bare = KERNEL.Side(side)
    with pytest.raises(ValueError, match="word weights"):
        KERNEL.compare(bare, bare, CONFIG.rules, CONFIG.knobs)
    with pytest.raises(TypeError):
        KERNEL.compare(side, side, CONFIG.rules, CONFIG.knobs)
    with pytest.raises(ValueError, match="word weights"):
        KERNEL.Names([(1.0, ((bare, "x"),), "x", "name")])
    with pytest.raises(TypeError, match="not \\(factor, forms, text, kind\\)"):
        KERNEL.Names([("heavy", (), "x", "name")])
    with pytest.raises(TypeError, match="not \\(Side, str\\)"):
        KERNEL.Names([(1.0, ((side, "x"),), "x", "name")])
    with pytest.raises(TypeError):
        KERNEL.best_name([], [], CONFIG.rules, CONFIG.knobs)
    empty = KERNEL.Names([])
    assert KERNEL.best_name(empty, empty, CONFIG.rules, CONFIG.knobs) == (
        0.0,
        -1,
        -1,
        -1,
        -1,
        None,
        None,
        None,
    )


# --- upper bounds --------------------------------------------------------------------


def _bounds_alike(query, block) -> None:  # type: ignore[no-untyped-def]
    from redline.matching.compare import _aligned_bounds, kernel_bounds

    sim = similarity_at_least(query.table, block.table, CONFIG.min_pair)
    np.testing.assert_allclose(
        kernel_bounds(KERNEL, query, block, CONFIG, sim),
        _aligned_bounds(query, block, CONFIG, sim),
        rtol=1e-12,
    )


def test_upper_bounds_in_the_kernel_are_numpy_s() -> None:
    block = FormBlock.of(FORMS)
    for query in FORMS:
        _bounds_alike(query, block)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.lists(_TEXT, min_size=1, max_size=6))
def test_any_names_bound_alike(query: str, others: list[str]) -> None:
    forms = [f for name in others for f in analyse(name, "Person")]
    if not forms:
        return
    block = FormBlock.of(forms)
    for qf in analyse(query, "Person"):
        _bounds_alike(qf, block)


def test_bad_bounds_arguments_are_errors_not_crashes() -> None:
    block = FormBlock.of(FORMS[:3])
    query = FORMS[0].table
    sim = np.zeros((query.unit_count, block.table.unit_count))
    out = np.empty(block.size)
    knobs = (1.0, 0.5)
    args = [
        sim,
        query.ints,
        query.token_weights,
        block.table.ints,
        block.table.token_weights,
        block.unit_counts,
        block.token_counts,
        out,
    ]
    KERNEL.upper_bounds(*args, knobs)
    with pytest.raises(ValueError, match="one per name"):
        KERNEL.upper_bounds(*args[:7], np.empty(block.size + 1), knobs)
    with pytest.raises(ValueError, match="add up"):
        KERNEL.upper_bounds(*args[:5], block.unit_counts * 2, *args[6:], knobs)
    with pytest.raises(ValueError, match="8-byte"):
        KERNEL.upper_bounds(*args[:5], block.unit_counts.astype(np.float64), *args[6:], knobs)
    with pytest.raises(TypeError):
        KERNEL.upper_bounds(*args, knobs[:1])
