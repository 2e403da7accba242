"""Similarity of every query unit with every candidate unit, as whole-matrix operations.

The rules (docs/matching.md, "word similarity"):

* the edit similarity of the phonetic keys, falling off a cliff past a length-dependent
  number of edits, or 0.92 times that of the vowel-folded keys (Qods/Quds);
* numbers are equal (1.0) or not (0.0); an initial meets a word it begins (0.8);
* a translation of the same business word is worth 0.95;
* other readings (Korean, Japanese, Hebrew variants) are compared too, equal keys 0.97;
* Arabic-, Persian- and Hebrew-script words are compared by consonant skeleton, capped
  lower because vowel-less writing proves less;
* a transliterated word against a Latin one counts vowels half and forgives one more
  edit, plus a small bonus;
* two joined runs of words are never aligned with each other.

Each rule is computed for the whole matrix at once (a handful of rapidfuzz calls and
numpy operations), and only when some cell needs it; the same function scores one pair
of names and a query against a hundred listed names laid end to end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import ModuleType

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from redline.names.phonetics import phonetic_key, skeleton
from redline.names.units import (
    ABJAD,
    ALTS,
    BARE,
    BARE_LEN,
    CONCEPT,
    FIRST,
    LATIN,
    LENGTH,
    MULTI,
    NATIVE,
    NUMBER,
    ROMAN,
    SKEL_LEN,
    SPECIAL,
    SYLLABIC,
    TEXT_LEN,
    BoolArray,
    FloatArray,
    IntArray,
    StrArray,
    Unit,
    UnitTable,
    same_romanisation,
)

#: Similarity kept past the cliff: still a hint, never a match on its own.
CLIFF_FACTOR = 0.6
#: Similarity of equal consonant skeletons (vowel-less scripts), by skeleton length.
SKELETON_EQUAL = (0.0, 0.75, 0.85, 0.9, 0.93)
#: Added to the similarity of a transliterated word and a Latin one.
CROSS_SCRIPT_BONUS = 0.08
#: Cap on a match that differs only in vowels (Qods/Quds): below a same-sound match.
VOWEL_ONLY = 0.92
#: A same-meaning business word (Wine/Gvino).
SAME_CONCEPT = 0.95
#: Equal keys of another reading.
SAME_READING = 0.97
#: An initial against a word it begins.
INITIAL = 0.8


def _cliff_table(size: int = 1024) -> IntArray:
    """Edits allowed, by word length, before a pair stops counting as one word."""
    table = np.zeros(size, dtype=np.int64)
    for length in range(size):
        table[length] = 0 if length <= 3 else 1 if length <= 5 else 2 if length <= 9 else 3
    return table


_CLIFF = _cliff_table()
#: A run of one letter.
_RUNS = re.compile(r"(.)\1+")
#: d and t are one consonant in Korean (ㄷ: McCune-Reischauer's To, Tok and Tu are
#: 도, 덕 and 두) and in Wade-Giles Chinese (Tung for 东).
_SYLLABLE_LETTERS = str.maketrans("d", "t")


def same_syllables(a: str, b: str) -> bool:
    """Whether two skeletons have the same consonants as syllabic readings are
    compared: d read as t, and a run of one letter as one (bakgeun and parkkeun)."""
    return _syllabic_consonants(a) == _syllabic_consonants(b)


def _syllabic_consonants(skel: str) -> str:
    return _RUNS.sub(r"\1", skel.translate(_SYLLABLE_LETTERS))


_SKELETON_EQUAL = np.asarray(SKELETON_EQUAL)
_RULES = (
    CLIFF_FACTOR,
    VOWEL_ONLY,
    SAME_CONCEPT,
    SAME_READING,
    INITIAL,
    CROSS_SCRIPT_BONUS,
    *SKELETON_EQUAL,
)


def _load_kernel() -> ModuleType | None:
    """The C kernel (``_kernel.c``), built at install time where a C compiler is found."""
    try:
        from redline.matching import _kernel  # type: ignore[attr-defined]
    except ImportError:
        return None
    kernel: ModuleType = _kernel
    return kernel


_BUILT = _load_kernel()
_KERNEL = _BUILT


def kernel_loaded() -> bool:
    """Whether word similarities are computed by the C kernel (else by numpy)."""
    return _KERNEL is not None


def use_kernel(enabled: bool) -> bool:
    """Compute word similarities with the C kernel (when it is built) or with numpy,
    from now on in this process, e.g. to compare the two; whether the kernel is in use.
    Indexes prepared for the kernel keep working either way."""
    global _KERNEL
    _KERNEL = _BUILT if enabled else None
    return _KERNEL is not None


def active_kernel() -> ModuleType | None:
    """The C kernel when it is built and in use (see :func:`use_kernel`), else None."""
    return _KERNEL


def column_type() -> type | None:
    """The C kernel's prepared string column (for :meth:`FormBlock.take`), or None."""
    if _KERNEL is None:
        return None
    strings: type = _KERNEL.Strings
    return strings


def prepared(t: UnitTable) -> object:
    """The table as the C kernel takes it (a ``Side``: its arrays and strings read once),
    made at its first comparison and kept on the table. Only with the kernel built."""
    side = t.kernel_side
    if side is None:
        if _KERNEL is None:
            raise RuntimeError("the C kernel is not in use (similarity.use_kernel)")
        weights = t.token_weights if t.origin is None else None
        side = _KERNEL.Side(side_tuple(t), weights)
        object.__setattr__(t, "kernel_side", side)
    return side


def side_tuple(t: UnitTable) -> tuple[object, ...]:
    """The columns of a table in the kernel's order (see ``side_of`` in _kernel.c): a
    table cut from a block points into the block's string columns instead of copying."""
    if t.origin is not None:
        return (
            np.ascontiguousarray(t.ints),
            np.ascontiguousarray(t.flags),
            *t.origin.columns,
            np.ascontiguousarray(t.reading_counts),
            np.ascontiguousarray(t.reading_lens),
            t.origin.units,
            t.origin.readings,
        )
    return (
        np.ascontiguousarray(t.ints),
        np.ascontiguousarray(t.flags),
        *(column.tolist() for column in t.string_columns()),
        np.ascontiguousarray(t.reading_counts),
        np.ascontiguousarray(t.reading_lens),
    )


_KERNEL_RULES: dict[float, tuple[float, ...]] = {}


def kernel_rules(floor: float) -> tuple[float, ...]:
    """The rule constants as the kernel takes them, with ``floor`` as its min_pair."""
    rules = _KERNEL_RULES.get(floor)
    if rules is None:
        rules = (*_RULES, floor)
        _KERNEL_RULES[floor] = rules
    return rules


def similarity_at_least(q: UnitTable, c: UnitTable, floor: float) -> FloatArray:
    """:func:`unit_similarity` with the cells under ``floor`` set to 0 (pairs too weak
    to align), from the C kernel in one pass when it is built."""
    if _KERNEL is None:
        sim = unit_similarity_numpy(q, c)
        out: FloatArray = np.where(sim >= floor, sim, 0.0)
        return out
    result: FloatArray = np.empty((q.unit_count, c.unit_count))
    _KERNEL.unit_similarity(prepared(q), prepared(c), result, kernel_rules(floor))
    return result


def _distances(left: StrArray, right: StrArray) -> IntArray:
    result: IntArray = cdist(left, right, scorer=OSA.distance, dtype=np.int64)
    return result


def edit_similarity(distance: IntArray, longest: IntArray) -> FloatArray:
    """1 - edits/length, times CLIFF_FACTOR past the cliff for that length."""
    longest = np.maximum(longest, 1)
    sim = 1.0 - distance / longest
    cliff = _CLIFF[np.minimum(longest, 1023)]
    past: FloatArray = np.where(distance > cliff, sim * CLIFF_FACTOR, sim)
    return past


def skeleton_similarity_matrix(
    distance: IntArray, len_l: IntArray, len_r: IntArray, exact: BoolArray | None = None
) -> FloatArray:
    """Similarity of consonant skeletons: equal ones by length, else a near one (at most
    a quarter of the letters edited, four or more letters) a little lower.

    ``exact`` marks the pairs where a joined run is on one side: only equal skeletons
    count there. A run's consonants already span two words, and with an edit on top
    they met unrelated single words ("ywsf rsth" ~ Severstal, "twrk agha" ~ Petrokick).
    """
    longest = np.maximum.outer(len_l, len_r)
    empty = np.minimum.outer(len_l, len_r) == 0
    equal = _SKELETON_EQUAL[np.minimum(longest, 4)]
    near_ok = (longest > 3) & (distance <= longest // 4)
    if exact is not None:
        near_ok &= ~exact
    near = np.where(near_ok, SKELETON_EQUAL[4] - 0.07 * distance, 0.0)
    out: FloatArray = np.where(empty, 0.0, np.where(distance == 0, equal, near))
    return out


def skeleton_similarity(a: str, b: str, exact: bool = False) -> float:
    """The same rule for one pair of skeletons."""
    if not a or not b:
        return 0.0
    if a == b:
        return SKELETON_EQUAL[min(len(a), 4)]
    longest = max(len(a), len(b))
    if exact or longest <= 3:
        return 0.0
    distance = OSA.distance(a, b)
    if distance > longest // 4:
        return 0.0
    return SKELETON_EQUAL[4] - 0.07 * distance


def _plain(q: UnitTable, c: UnitTable) -> FloatArray:
    """The spelling rule alone: keys, or vowel-folded keys a little lower."""
    longest = np.maximum.outer(q.ints[:, LENGTH], c.ints[:, LENGTH])
    sim = edit_similarity(_distances(q.keys, c.keys), longest)
    vowels = edit_similarity(_distances(q.vowels, c.vowels), longest)
    out: FloatArray = np.maximum(sim, vowels * VOWEL_ONLY)
    return out


def unit_similarity(q: UnitTable, c: UnitTable) -> FloatArray:
    """Similarity of every unit of ``q`` (rows) with every unit of ``c`` (columns)."""
    if _KERNEL is None:
        return unit_similarity_numpy(q, c)
    return similarity_at_least(q, c, -1.0)


def unit_similarity_numpy(q: UnitTable, c: UnitTable) -> FloatArray:
    """:func:`unit_similarity` as whole-matrix numpy operations: the reference the C
    kernel is held to, and the rules where it is not built."""
    if q.origin is not None or c.origin is not None:
        raise ValueError("a table cut for the C kernel has no strings of its own")
    sim = _plain(q, c)
    q_special, c_special = q.has(SPECIAL), c.has(SPECIAL)
    if q_special.any():
        special = np.logical_or.outer(q_special, c_special)
        sim = np.where(special, _special(q, c, sim), sim)
    else:
        # A query of plain Latin words needs the special rules only in the columns of
        # special candidate words (about one in nine): run them on those alone.
        cols = np.flatnonzero(c_special)
        if cols.size:
            sim[:, cols] = _special(q, c.select(cols), sim[:, cols])
    both_multi = np.logical_and.outer(q.has(MULTI), c.has(MULTI))
    if both_multi.any():
        sim = np.where(both_multi, 0.0, sim)
    return sim


def _special(q: UnitTable, c: UnitTable, base: FloatArray) -> FloatArray:
    """The rules for numbers, initials, concepts, readings, skeletons and scripts."""
    # A Hangul or Han word and another: letters count only when the consonants are the
    # same (see _readings).
    syllabic = np.not_equal.outer(q.has(SYLLABIC), c.has(SYLLABIC))
    value = base
    if syllabic.any():
        same = np.equal.outer(_syllabic_column(q.skels), _syllabic_column(c.skels))
        value = np.where(syllabic & ~same, 0.0, base)
    q_concept, c_concept = q.ints[:, CONCEPT], c.ints[:, CONCEPT]
    same_concept = np.equal.outer(q_concept, c_concept) & (q_concept >= 0)[:, None]
    if same_concept.any():
        value = np.where(same_concept, np.maximum(value, SAME_CONCEPT), value)
    # One Chinese word in pinyin (or Han) and in Wade-Giles: see same_romanisation.
    q_roman, c_roman = q.ints[:, ROMAN], c.ints[:, ROMAN]
    q_latin, c_latin = q.ints[:, LATIN], c.ints[:, LATIN]
    same_roman = (q_roman >= 0)[:, None] & (
        np.equal.outer(q_roman, c_roman) | np.equal.outer(q_roman, c_latin)
    ) | ((c_roman >= 0)[None, :] & np.equal.outer(q_latin, c_roman))
    if same_roman.any():
        value = np.where(same_roman, np.maximum(value, SAME_READING), value)
    alts = np.logical_or.outer(q.has(ALTS), c.has(ALTS)) | syllabic
    abjad = np.logical_or.outer(q.has(ABJAD), c.has(ABJAD))
    cross = _cross(q, c)
    if alts.any() or cross.any():
        by_reading, across = _readings(q, c)
        if alts.any():
            value = np.where(alts, np.maximum(value, by_reading), value)
        if abjad.any():
            value = np.where(abjad, np.maximum(value, _skeletons(q, c)), value)
        if cross.any():
            value = np.where(cross, np.maximum(value, across), value)
    elif abjad.any():
        value = np.where(abjad, np.maximum(value, _skeletons(q, c)), value)
    # An initial meets a word it begins; "I", Wade-Giles for yi, is also a word.
    initials = _initials(q, c, base)
    if same_roman.any():
        initials = np.where(same_roman, np.maximum(initials, SAME_READING), initials)
    value = np.where(_single(q, c), initials, value)
    q_num, c_num = q.ints[:, NUMBER], c.ints[:, NUMBER]
    numbered = np.logical_or.outer(q_num >= 0, c_num >= 0)
    if numbered.any():
        value = np.where(numbered, np.equal.outer(q_num, c_num).astype(np.float64), value)
    return value


def _cross(q: UnitTable, c: UnitTable) -> BoolArray:
    """Pairs that meet by the lenient cross-script rule: a Latin word and one of another
    script, unless that is a Hangul or Han word (its exact readings decide)."""
    out: BoolArray = np.not_equal.outer(q.has(NATIVE), c.has(NATIVE))
    out &= np.logical_and.outer(~q.has(SYLLABIC), ~c.has(SYLLABIC))
    return out


def _initial(table: UnitTable) -> BoolArray:
    """Per unit, whether it is an initial: one letter, and not a Hangul or Han syllable."""
    out: BoolArray = (table.ints[:, TEXT_LEN] == 1) & ~table.has(SYLLABIC)
    return out


def _single(q: UnitTable, c: UnitTable) -> BoolArray:
    out: BoolArray = np.logical_or.outer(_initial(q), _initial(c))
    return out


def _initials(q: UnitTable, c: UnitTable, base: FloatArray) -> FloatArray:
    """An initial meets a word it begins (not a joined run); two different initials, or
    an initial and a word it does not begin, are different."""
    begins = np.equal.outer(q.ints[:, FIRST], c.ints[:, FIRST])
    begins &= np.logical_and.outer(~q.has(MULTI), ~c.has(MULTI))
    both_single = np.logical_and.outer(_initial(q), _initial(c))
    out: FloatArray = np.where(begins, np.maximum(base, INITIAL), np.where(both_single, base, 0.0))
    return out


def _skeletons(q: UnitTable, c: UnitTable) -> FloatArray:
    """Vowel-less words by consonant skeleton, also with v/w read as vowels."""
    q_len, c_len = q.ints[:, SKEL_LEN], c.ints[:, SKEL_LEN]
    exact = np.logical_or.outer(q.has(MULTI), c.has(MULTI))
    best = skeleton_similarity_matrix(_distances(q.skels, c.skels), q_len, c_len, exact)
    q_bare = q.has(BARE)
    if q_bare.any():
        sim = skeleton_similarity_matrix(
            _distances(q.bare, c.skels), q.ints[:, BARE_LEN], c_len, exact
        )
        use = np.logical_and.outer(q_bare, ~c.has(ABJAD))
        best = np.where(use, np.maximum(best, sim), best)
    c_bare = c.has(BARE)
    if c_bare.any():
        sim = skeleton_similarity_matrix(
            _distances(q.skels, c.bare), q_len, c.ints[:, BARE_LEN], exact
        )
        use = np.logical_and.outer(~q.has(ABJAD), c_bare)
        best = np.where(use, np.maximum(best, sim), best)
    return best


def _readings(q: UnitTable, c: UnitTable) -> tuple[FloatArray, FloatArray]:
    """Over every pair of readings of two units: the best reading similarity (equal keys
    0.97; skeletons too when a side is abjad) and the cross-script similarity (vowels
    count half, one more edit forgiven, plus a bonus)."""
    distance = _distances(q.reading_keys, c.reading_keys)
    longest = np.maximum(np.maximum.outer(q.reading_lens[:, 0], c.reading_lens[:, 0]), 1)
    letters = edit_similarity(distance, longest)
    q_owner = np.repeat(np.arange(q.unit_count), q.reading_counts)
    c_owner = np.repeat(np.arange(c.unit_count), c.reading_counts)
    consonants = skeleton_similarity_matrix(
        _distances(q.reading_skels, c.reading_skels),
        q.reading_lens[:, 1],
        c.reading_lens[:, 1],
        np.logical_or.outer(q.has(MULTI)[q_owner], c.has(MULTI)[c_owner]),
    )
    # A reading of a Hangul or Han word is a row of syllables: against another word,
    # a vowel may be spelt otherwise (yeongcheol, yongchol, youngchul) but a consonant
    # edit is another syllable (yongsuk is not yongsu), so letters count only when the
    # consonants are the same (doubled ones read once: bakgeun, parkkeun).
    syllabic = np.not_equal.outer(q.has(SYLLABIC)[q_owner], c.has(SYLLABIC)[c_owner])
    if syllabic.any():
        same = np.equal.outer(_syllabic_column(q.reading_skels), _syllabic_column(c.reading_skels))
        letters = np.where(syllabic & ~same, 0.0, letters)
    abjad = np.logical_or.outer(q.has(ABJAD)[q_owner], c.has(ABJAD)[c_owner])
    reading = np.where(distance == 0, SAME_READING, letters)
    reading = np.where(abjad, np.maximum(reading, consonants), reading)
    near = distance <= _CLIFF[np.minimum(longest, 1023)] + 1
    mixed = np.where(near, 0.5 * (1.0 - distance / longest) + 0.5 * consonants, 0.0)
    q_start = np.concatenate(([0], np.cumsum(q.reading_counts)[:-1]))
    c_start = np.concatenate(([0], np.cumsum(c.reading_counts)[:-1]))
    by_reading = _group_max(reading, q_start, c_start)
    best_mixed = _group_max(mixed, q_start, c_start)
    across: FloatArray = np.where(
        best_mixed > 0, np.minimum(0.97, best_mixed + CROSS_SCRIPT_BONUS), 0.0
    )
    return by_reading, across


def _syllabic_column(strings: StrArray) -> StrArray:
    """Each skeleton's consonants as :func:`same_syllables` compares them."""
    out = np.empty(len(strings), dtype=object)
    out[:] = [_syllabic_consonants(x) for x in strings.tolist()]
    return out


def _group_max(matrix: FloatArray, rows: IntArray, cols: IntArray) -> FloatArray:
    if matrix.shape[0] != len(rows):
        matrix = np.maximum.reduceat(matrix, rows, axis=0)
    if matrix.shape[1] != len(cols):
        matrix = np.maximum.reduceat(matrix, cols, axis=1)
    return matrix


# ---------------------------------------------------------------------------------------
# The same rules cell by cell: for one pair of names, a loop over the few special cells
# costs less than the whole-matrix operations above. tests/matching/test_similarity.py
# holds the two to the same results.


def pair_similarity_cells(
    q: UnitTable, c: UnitTable, q_units: Sequence[Unit], c_units: Sequence[Unit]
) -> FloatArray:
    """:func:`unit_similarity` for one pair of names in numpy and Python, with the units
    themselves: cell by cell where a rule is special (without the C kernel, for a pair
    with few special cells this costs less than the whole-matrix rules)."""
    sim = _plain(q, c)
    q_special = np.flatnonzero(q.has(SPECIAL)).tolist()
    c_special = np.flatnonzero(c.has(SPECIAL)).tolist()
    if q_special or c_special:
        cells = {(i, j) for i in q_special for j in range(len(c_units))}
        cells.update((i, j) for j in c_special for i in range(len(q_units)))
        for i, j in cells:
            sim[i, j] = _special_cell(q_units[i], c_units[j], float(sim[i, j]))
    both_multi = np.logical_and.outer(q.has(MULTI), c.has(MULTI))
    if both_multi.any():
        sim = np.where(both_multi, 0.0, sim)
    return sim


def _special_cell(qu: Unit, cu: Unit, value: float) -> float:
    if qu.number is not None or cu.number is not None:
        return 1.0 if qu.number == cu.number else 0.0
    q_initial = len(qu.text) == 1 and not qu.syllabic
    c_initial = len(cu.text) == 1 and not cu.syllabic
    if q_initial or c_initial:
        # "I" is Wade-Giles for yi as well as an initial.
        roman = SAME_READING if same_romanisation(qu, cu) else 0.0
        short, long_ = (qu.text, cu.text) if q_initial else (cu.text, qu.text)
        if long_[:1] == short[:1] and not qu.multi and not cu.multi:
            return max(value, INITIAL, roman)
        return max(value if q_initial and c_initial else 0.0, roman)
    syllabic = qu.syllabic != cu.syllabic
    if syllabic and not same_syllables(qu.skel, cu.skel):
        value = 0.0
    if qu.concept is not None and qu.concept == cu.concept:
        value = max(value, SAME_CONCEPT)
    if same_romanisation(qu, cu):
        value = max(value, SAME_READING)
    cross = qu.native != cu.native and not qu.syllabic and not cu.syllabic
    if qu.alts or cu.alts or cross or syllabic:
        by_reading, across = _reading_cell(qu, cu)
        if qu.alts or cu.alts or syllabic:
            value = max(value, by_reading)
        if cross:
            value = max(value, across)
    if qu.abjad or cu.abjad:
        exact = qu.multi or cu.multi
        value = max(value, skeleton_similarity(qu.skel, cu.skel, exact))
        if qu.bare_skel and not cu.abjad:
            value = max(value, skeleton_similarity(qu.bare_skel, cu.skel, exact))
        if cu.bare_skel and not qu.abjad:
            value = max(value, skeleton_similarity(qu.skel, cu.bare_skel, exact))
    return value


def _reading_cell(qu: Unit, cu: Unit) -> tuple[float, float]:
    by_reading = 0.0
    mixed = 0.0
    abjad = qu.abjad or cu.abjad
    exact = qu.multi or cu.multi
    syllabic = qu.syllabic != cu.syllabic
    for x in (qu.text, *qu.alts):
        kx, sx = phonetic_key(x), skeleton(x)
        for y in (cu.text, *cu.alts):
            ky, sy = phonetic_key(y), skeleton(y)
            longest = max(len(kx), len(ky), 1)
            distance = OSA.distance(kx, ky)
            consonants = skeleton_similarity(sx, sy, exact)
            if distance == 0:
                by_reading = max(by_reading, SAME_READING)
            else:
                sim = 1.0 - distance / longest
                if distance > _CLIFF[min(longest, 1023)]:
                    sim *= CLIFF_FACTOR
                if syllabic and not same_syllables(sx, sy):
                    sim = 0.0
                by_reading = max(by_reading, sim)
            if abjad:
                by_reading = max(by_reading, consonants)
            if distance <= _CLIFF[min(longest, 1023)] + 1:
                mixed = max(mixed, 0.5 * (1.0 - distance / longest) + 0.5 * consonants)
    across = min(0.97, mixed + CROSS_SCRIPT_BONUS) if mixed > 0 else 0.0
    return by_reading, across
