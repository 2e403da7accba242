"""The word-similarity rules in their two numpy shapes (whole matrix and cell by cell)
agree, and the upper bound used to skip names in screening is never below the real
score. The C kernel is held to the same rules in test_kernel.py."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.matching.compare import NameConfig, compare_names, upper_bounds
from redline.matching.similarity import (
    pair_similarity_cells as pair_similarity,
)
from redline.matching.similarity import (
    unit_similarity_numpy as unit_similarity,
)
from redline.names.analysis import NameForm, analyse
from redline.names.units import FormBlock

#: Names that exercise every rule: scripts with and without vowels, other readings,
#: numbers in several notations, initials, business words, joined and split names.
NAMES = [
    ("Person", "Ghassem Damavandian"),
    ("Person", "قاسم دماوندیان"),
    ("Person", "Abdollah Mehrabi"),
    ("Person", "عبدالله محرابی"),
    ("Person", "Владимир Путин"),
    ("Person", "Vladimir V. Putin"),
    ("Person", "V Putin"),
    ("Person", "יוסף כהן"),
    ("Person", "Yosef Cohen"),
    ("Person", "김정은"),
    ("Person", "Kim Jong Un"),
    ("Person", "Kim Jongun"),
    ("Person", "이 명박"),
    ("Person", "Lee Myung-bak"),
    ("Person", "I. Oh"),
    ("Person", "오"),
    ("Person", "지훈 김"),
    ("Person", "Kim Kwang Chun"),
    ("Person", "영숙 김"),
    ("Person", "Kim Yong Su"),
    ("Person", "박근혜"),
    ("Person", "Park Geun-hye"),
    ("Person", "習近平"),
    ("Person", "Xi Jinping"),
    ("Person", "Zhang Zhiming"),
    ("Person", "Chang Chih-ming"),
    ("Person", "张志明"),
    ("Person", "Zhang Yi"),
    ("Person", "Chang I"),
    ("Person", "Αλέξανδρος Παπαδόπουλος"),
    ("Person", "شمس الدین"),
    ("Person", "Shamsuddin"),
    ("Person", "یوسف رسته"),
    ("Person", "Severstal"),
    ("Company", "Qods Aviation Industries"),
    ("Company", "Quds Aviation Industry Co."),
    ("Company", "Шахед Авиа Индастриз ООО"),
    ("Company", "Sino Iron II"),
    ("Company", "Sino Iron 2"),
    ("Company", "Sino Iron Two Ltd"),
    ("Company", "Groupe Diarra Import Export"),
    ("Company", "GroupeDiarraImportExport"),
    ("Company", "Gvino Trading"),
    ("Company", "Wine Trading LLC"),
    ("Vessel", "MV Ocean Pioneer (ex-Cape Diamond)"),
    ("Vessel", "Ocean Pioneer 5"),
    ("Vessel", "OCEAN PIONEER V"),
]


def _forms(schema: str, name: str) -> tuple[NameForm, ...]:
    return analyse(name, schema)


PAIRS = [
    (qf, cf)
    for (s1, n1), (s2, n2) in itertools.product(NAMES, NAMES)
    if s1 == s2
    for qf in _forms(s1, n1)
    for cf in _forms(s2, n2)
]


def test_matrix_and_cell_rules_agree() -> None:
    for qf, cf in PAIRS:
        whole = unit_similarity(qf.table, cf.table)
        cells = pair_similarity(qf.table, cf.table, qf.units, cf.units)
        np.testing.assert_allclose(
            whole, cells, atol=1e-9, err_msg=f"{qf.original} / {cf.original}"
        )


@pytest.mark.parametrize("schema", ["Person", "Company", "Vessel"])
def test_bound_never_below_score(schema: str) -> None:
    config = NameConfig()
    forms = [f for s, n in NAMES if s == schema for f in _forms(s, n)]
    for qf in forms:
        bounds = upper_bounds(qf, FormBlock.of(forms), config)
        for cf, bound in zip(forms, bounds.tolist(), strict=True):
            assert compare_names(qf, cf, config).score <= bound + 1e-9, (qf.original, cf.original)


def test_bound_is_tight_enough_to_skip_other_names() -> None:
    config = NameConfig()
    query = _forms("Person", "Ghassem Damavandian")[0]
    others = [f for s, n in NAMES if s == "Person" for f in _forms(s, n)]
    bounds = upper_bounds(query, FormBlock.of(others), config)
    skipped = sum(b < 0.73 for b in bounds.tolist())
    assert skipped >= len(others) // 2


_WORD = st.text(alphabet="abdeghiklmnorstuvyz", min_size=1, max_size=9)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["Person", "Company"]), _NAME, st.lists(_NAME, min_size=1, max_size=6))
def test_bound_holds_for_any_latin_names(schema: str, query: str, others: list[str]) -> None:
    config = NameConfig()
    q_forms = analyse(query, schema)
    forms = [f for o in others for f in analyse(o, schema)]
    for qf in q_forms:
        bounds = upper_bounds(qf, FormBlock.of(forms), config)
        for cf, bound in zip(forms, bounds.tolist(), strict=True):
            assert compare_names(qf, cf, config).score <= bound + 1e-9
        for cf in forms:
            whole = unit_similarity(qf.table, cf.table)
            cells = pair_similarity(qf.table, cf.table, qf.units, cf.units)
            np.testing.assert_allclose(whole, cells, atol=1e-9)


def test_no_candidates() -> None:
    query = _forms("Person", "Ghassem Damavandian")[0]
    assert upper_bounds(query, FormBlock.of([]), NameConfig()).shape == (0,)


def test_a_block_cut_from_a_larger_one_is_the_same_block() -> None:
    forms = [f for s, n in NAMES for f in _forms(s, n)]
    whole = FormBlock.of(forms)
    picked = [5, 0, 17, 3, 3]
    cut = whole.take(np.asarray(picked))
    direct = FormBlock.of([forms[i] for i in picked])
    assert list(cut.joined) == list(direct.joined)
    assert list(cut.table.keys) == list(direct.table.keys)
    assert list(cut.table.reading_keys) == list(direct.table.reading_keys)
    np.testing.assert_array_equal(cut.table.ints, direct.table.ints)
    np.testing.assert_array_equal(cut.table.reading_lens, direct.table.reading_lens)
    np.testing.assert_array_equal(cut.table.token_weights, direct.table.token_weights)
    query = _forms("Person", "Ghassem Damavandian")[0]
    np.testing.assert_allclose(
        upper_bounds(query, cut, NameConfig()), upper_bounds(query, direct, NameConfig())
    )


def test_a_block_scores_as_its_names_one_by_one() -> None:
    """Against many names at once (where the special rules run on a selection of
    columns for plain queries), every cell equals the cell-by-cell rule for the pair."""
    forms = [f for schema, name in NAMES for f in _forms(schema, name)]
    block = FormBlock.of(forms)
    for query in forms:
        whole = unit_similarity(query.table, block.table)
        one_by_one = np.concatenate(
            [pair_similarity(query.table, f.table, query.units, f.units) for f in forms], axis=1
        )
        np.testing.assert_allclose(whole, one_by_one, atol=1e-12, err_msg=query.original)
