"""Comparison of two analysed names: token alignment with explained similarities.

The score of a name pair is a weighted share of aligned words:

* every word of one name is paired with at most one word (or a run of up to three
  adjacent words, for names spaced differently) of the other, best pairs first, by the
  word similarities of :mod:`redline.matching.similarity`;
* unpaired words count against the score. Words left over on both sides are different
  words and count in full; words only one side has count fully for the query and by
  ``extra_candidate`` for the listed name (whose middle names a screener rarely knows);
  generic business words and initials count by their lower weight;
* different numbers ("Sino Iron I" / "II", "No. 8" / "No. 6"), incompatible legal forms
  of two jurisdictions and a match through a former name multiply the score down.

When a query is screened against many listed names, :func:`upper_bounds` first says,
from the word similarities alone, how high each name could possibly score; only names
that could reach the threshold are aligned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import OSA

from redline.matching import similarity
from redline.matching.similarity import (
    INITIAL,
    SAME_READING,
    SKELETON_EQUAL,
    VOWEL_ONLY,
    pair_similarity_cells,
    similarity_at_least,
    unit_similarity,
)
from redline.names import orgtypes
from redline.names.analysis import NameForm
from redline.names.units import END, SPECIAL, START, FloatArray, FormBlock, Unit, same_romanisation

#: Words left over on both sides count at least this much each (see :func:`align`).
LEFT_OVER = 0.7


@dataclass(frozen=True, slots=True)
class NameConfig:
    """The knobs of name comparison; an algorithm version fixes their values."""

    extra_query: float = 1.0
    extra_candidate: float = 0.5
    number_mismatch: float = 0.55
    number_one_side: float = 0.8
    legal_form_floor: float = 0.45
    former_name: float = 0.9
    min_pair: float = 0.5
    knobs: tuple[float, float, float, float] = field(init=False, repr=False, compare=False)
    """The alignment knobs in the order the C kernel takes them."""
    rules: tuple[float, ...] = field(init=False, repr=False, compare=False)
    """The word similarity rules as the C kernel takes them, with min_pair as the floor."""

    def __post_init__(self) -> None:
        knobs = (self.min_pair, self.extra_query, self.extra_candidate, LEFT_OVER)
        object.__setattr__(self, "knobs", knobs)
        object.__setattr__(self, "rules", similarity.kernel_rules(self.min_pair))


class NameMatch(NamedTuple):
    """The result of comparing two names. The score is computed at once; the aligned
    pairs and notes that explain it are written only when read, since a screen or a
    pairs file scores many more names than anyone reads the explanation of. (A named
    tuple: it is made for every pair compared, and a frozen dataclass costs more to
    make than the kernel's whole comparison.)"""

    score: float
    query: NameForm
    candidate: NameForm
    chosen: tuple[tuple[int, int, float], ...]
    """The aligned units: (query unit, candidate unit, similarity), best first."""
    query_used: bytes
    """Per query word, whether it was aligned."""
    candidate_used: bytes
    joined: float | None
    """The score of the names run together, when that won over the alignment."""
    qualified: tuple[str, ...]
    """The notes of the numbers, legal forms and former names rules."""

    @property
    def pairs(self) -> tuple[tuple[str, str, float, str], ...]:
        """(query words, candidate words, similarity, how) per aligned pair."""
        query, candidate = self.query, self.candidate
        if self.joined is not None:
            return ((query.comparable, candidate.comparable, self.joined, SPACED_APART),)
        qus, cus = query.units, candidate.units
        return tuple(
            (_label(query, qus[i]), _label(candidate, cus[j]), value, _how(qus[i], cus[j], value))
            for i, j, value in self.chosen
        )

    @property
    def notes(self) -> tuple[str, ...]:
        """Words left over, then what the numbers, legal forms and former names did."""
        notes: list[str] = []
        if self.joined is None:
            query, candidate = self.query, self.candidate
            used_q = zip(query.tokens, self.query_used, strict=True)
            used_c = zip(candidate.tokens, self.candidate_used, strict=True)
            extra_q = [t.text for t, used in used_q if not used]
            extra_c = [t.text for t, used in used_c if not used]
            if extra_q:
                notes.append("query only: " + " ".join(extra_q))
            if extra_c:
                notes.append("candidate only: " + " ".join(extra_c))
        return (*notes, *self.qualified)

    def detail(self) -> str:
        """A reviewer's one-line account of how the names were aligned."""
        parts = [f"{q}~{c} {s:.2f} ({how})" for q, c, s, how in self.pairs]
        text = "; ".join(parts) if parts else "no words aligned"
        notes = self.notes
        if notes:
            text += " | " + "; ".join(notes)
        return text


#: How :attr:`NameMatch.pairs` names a match of the names run together.
SPACED_APART = "same letters, spaced apart"


def _how(qu: Unit, cu: Unit, value: float) -> str:
    if qu.number is not None:
        return "same number"
    if qu.text == cu.text:
        return "same"
    if qu.key == cu.key:
        return "same sound"
    if value == VOWEL_ONLY:
        return "vowels differ"
    if qu.concept is not None and qu.concept == cu.concept and value <= 0.95:
        return f"same meaning ({qu.concept.lower()})"
    if (len(qu.text) == 1 or len(cu.text) == 1) and value == INITIAL:
        return "initial"
    if (qu.abjad or cu.abjad) and value <= SKELETON_EQUAL[4]:
        return "consonants"
    if value == SAME_READING and same_romanisation(qu, cu):
        return "Wade-Giles"
    if qu.alts or cu.alts:
        return "reading"
    return "spelling"


#: Without the C kernel: up to this many special cells (numbers, other scripts,
#: readings...) a pair of names is scored cell by cell; past it, the whole-matrix rules
#: cost less. Both give the same similarities (tests/matching/test_similarity.py).
CELLS_ONE_BY_ONE = 12


def compare_names(
    query: NameForm, candidate: NameForm, config: NameConfig, sim: FloatArray | None = None
) -> NameMatch:
    """Score how well two analysed names agree, with the alignment that explains it.

    ``sim`` is the word similarity of the two names when a screen already computed it
    (:func:`word_similarity` over many names, cut to this one's columns)."""
    if sim is not None:
        return align(query, candidate, sim, config)
    kernel = similarity.active_kernel()
    if kernel is not None:
        # Word similarities and alignment in one call, on the tables as read once. The
        # kernel skips what decides only cells under min_pair, which cannot be aligned
        # (the same floor as word_similarity).
        q_side = query.table.kernel_side or similarity.prepared(query.table)
        c_side = candidate.table.kernel_side or similarity.prepared(candidate.table)
        matched, total, chosen, q_used, c_used = kernel.compare(
            q_side, c_side, config.rules, config.knobs
        )
        return _finish(query, candidate, config, matched, total, chosen, q_used, c_used)
    q_special = int(query.table.has(SPECIAL).sum())
    c_special = int(candidate.table.has(SPECIAL).sum())
    cells = q_special * candidate.table.unit_count + c_special * query.table.unit_count
    if cells > CELLS_ONE_BY_ONE:
        sim = unit_similarity(query.table, candidate.table)
    else:
        sim = pair_similarity_cells(query.table, candidate.table, query.units, candidate.units)
    return align(query, candidate, sim, config)


def align(query: NameForm, candidate: NameForm, sim: FloatArray, config: NameConfig) -> NameMatch:
    """Pair the words of two names best first, given the similarity of every unit pair
    (in C when the kernel is built; :func:`align_python` is the reference)."""
    kernel = similarity.active_kernel()
    if kernel is None:
        return align_python(query, candidate, sim, config)
    matched, total, chosen, q_used, c_used = kernel.align(
        np.ascontiguousarray(sim, dtype=np.float64),
        query.table.ints,
        candidate.table.ints,
        query.table.token_weights,
        candidate.table.token_weights,
        config.knobs,
    )
    return _finish(query, candidate, config, matched, total, chosen, q_used, c_used)


def align_python(
    query: NameForm, candidate: NameForm, sim: FloatArray, config: NameConfig
) -> NameMatch:
    """:func:`align` in Python: the reference the C kernel is held to."""
    qus, cus = query.units, candidate.units
    rows, cols = np.nonzero(sim >= config.min_pair)
    q_len, c_len = len(query.tokens), len(candidate.tokens)

    def rank(rc: tuple[int, int]) -> tuple[float, float, float]:
        # Best similarity first, heavier words first; between equals, the pair whose
        # words stand at the same place in their names ("AMINULLAH AMIN" gives its
        # last Amin to the last امین of امین الله امین, leaving the first to the run).
        qu, cu = qus[rc[0]], cus[rc[1]]
        drift = abs((qu.start + qu.end) / q_len - (cu.start + cu.end) / c_len)
        return (sim[rc[0], rc[1]], qu.weight + cu.weight, -drift)

    order = sorted(zip(rows.tolist(), cols.tolist(), strict=True), key=rank, reverse=True)
    q_used = [False] * len(query.tokens)
    c_used = [False] * len(candidate.tokens)
    matched = 0.0
    total = 0.0
    chosen: list[tuple[int, int, float]] = []
    for i, j in order:
        qu, cu = qus[i], cus[j]
        if any(q_used[qu.start : qu.end]) or any(c_used[cu.start : cu.end]):
            continue
        for k in range(qu.start, qu.end):
            q_used[k] = True
        for k in range(cu.start, cu.end):
            c_used[k] = True
        value = float(sim[i, j])
        weight = qu.weight + cu.weight
        matched += value * weight
        total += weight
        chosen.append((i, j, value))
    extra_q = [t for t, used in zip(query.tokens, q_used, strict=True) if not used]
    extra_c = [t for t, used in zip(candidate.tokens, c_used, strict=True) if not used]
    if extra_q and extra_c:
        # Words left over on both sides are different words, not missing ones; even a
        # generic word ("Exports" for "Imports") then names another business.
        total += sum(max(t.weight, LEFT_OVER) for t in (*extra_q, *extra_c))
    else:
        total += sum(t.weight for t in extra_q) * config.extra_query
        total += sum(t.weight for t in extra_c) * config.extra_candidate
    return _finish(query, candidate, config, matched, total, chosen, bytes(q_used), bytes(c_used))


def _finish(
    query: NameForm,
    candidate: NameForm,
    config: NameConfig,
    matched: float,
    total: float,
    chosen: list[tuple[int, int, float]],
    q_used: bytes,
    c_used: bytes,
) -> NameMatch:
    """The aligned share, then names run together, numbers, legal forms, former names."""
    score = matched / total if total else 0.0
    joined = None
    if len(query.tokens) != len(candidate.tokens):
        spaced = _joined_strings(query.joined, candidate.joined)
        if spaced > score:
            score = joined = spaced
    notes: tuple[str, ...] = ()
    if not (query.plain and candidate.plain):
        score, qualified = _qualify(score, query, candidate, config)
        notes = tuple(qualified)
    return NameMatch(
        score if score < 1.0 else 1.0,
        query,
        candidate,
        tuple(chosen),
        q_used,
        c_used,
        joined,
        notes,
    )


def _qualify(
    score: float, query: NameForm, candidate: NameForm, config: NameConfig
) -> tuple[float, list[str]]:
    """Numbers, legal forms and former names: multipliers applied after alignment."""
    notes: list[str] = []
    if query.numbers and candidate.numbers and query.numbers != candidate.numbers:
        score *= config.number_mismatch
        notes.append(
            f"numbers differ: {','.join(sorted(query.numbers))} vs "
            f"{','.join(sorted(candidate.numbers))}"
        )
    elif bool(query.numbers) != bool(candidate.numbers):
        score *= config.number_one_side
        notes.append("a number on one side only")
    if query.legal_forms and candidate.legal_forms:
        compat = orgtypes.legal_form_compatibility(query.legal_forms, candidate.legal_forms)
        if compat < 1.0:
            score *= config.legal_form_floor + (1 - config.legal_form_floor) * compat
            notes.append(
                "legal forms differ: "
                + "/".join(f.text for f in query.legal_forms)
                + " vs "
                + "/".join(f.text for f in candidate.legal_forms)
            )
    if query.kind == "former" and candidate.kind == "former":
        # Two craft that once bore the same name are two craft unless their current
        # names agree too.
        score *= config.former_name * config.former_name * 0.85
        notes.append("only through former names on both sides")
    elif "former" in (query.kind, candidate.kind):
        score *= config.former_name
        notes.append("through a former name")
    return score, notes


def _joined_strings(a: str, b: str) -> float:
    """The names run together without spaces: "GroupeDiarraImportExport" is "Groupe
    Diarra Import Export". Counted only when the names are spaced differently (their word
    counts differ; the callers check) and nearly equal, since long strings hide a
    different short word."""
    if not a or not b:
        return 0.0
    longest = max(len(a), len(b))
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance > min(2, longest // 8):
        return 0.0
    return 1.0 - 0.5 * distance / longest - 0.02


def _label(form: NameForm, unit: Unit) -> str:
    return " ".join(t.text for t in form.tokens[unit.start : unit.end])


def word_similarity(query: NameForm, block: FormBlock, config: NameConfig) -> FloatArray:
    """Every query unit against every unit of the names of ``block`` (one column per
    unit, names end to end), similarities below ``min_pair`` as 0: they cannot be
    aligned. A cell depends on its two units alone, so the columns of one name are the
    matrix :func:`compare_names` would compute for that pair (the screener hands them
    over instead of computing them twice)."""
    return similarity_at_least(query.table, block.table, config.min_pair)


def upper_bounds(
    query: NameForm, block: FormBlock, config: NameConfig, sim: FloatArray | None = None
) -> FloatArray:
    """For each name of ``block``, a score :func:`compare_names` cannot exceed, computed
    for all of them at once from the word similarities, without aligning.

    Every aligned pair is worth its similarity times the weights of its words, so each
    word can bring at most its weight times its best similarity with any word of the
    other name (below ``min_pair`` a word cannot be aligned at all). Left-over words add
    nothing to the aligned share and at least their weight times ``extra_query`` or
    ``extra_candidate`` to the total. Numbers, legal forms and former names only
    multiply the score down. Only names run together ("same letters, spaced apart") can
    score otherwise, and they are measured directly.
    """
    if block.size == 0:
        return np.zeros(0)
    if sim is None:
        sim = word_similarity(query, block, config)
    kernel = similarity.active_kernel()
    if kernel is None:
        bounds = _aligned_bounds(query, block, config, sim)
    else:
        bounds = kernel_bounds(kernel, query, block, config, sim)
    # Names run together: only those spaced differently and of nearly equal length.
    spaced = (block.token_counts != len(query.table.token_weights)) & (
        np.abs(block.joined_lens - len(query.joined)) <= 2
    )
    for i in np.flatnonzero(spaced).tolist():
        joined = _joined_strings(query.joined, block.joined[i])
        if joined > bounds[i]:
            bounds[i] = joined
    return np.minimum(bounds, 1.0)


def kernel_bounds(
    kernel: ModuleType, query: NameForm, block: FormBlock, config: NameConfig, sim: FloatArray
) -> FloatArray:
    """:func:`upper_bounds` before names run together, from the C kernel."""
    bounds: FloatArray = np.empty(block.size)
    kernel.upper_bounds(
        np.ascontiguousarray(sim, dtype=np.float64),
        query.table.ints,
        query.table.token_weights,
        block.table.ints,
        block.table.token_weights,
        block.unit_counts,
        block.token_counts,
        bounds,
        (config.extra_query, config.extra_candidate),
    )
    return bounds


def _aligned_bounds(
    query: NameForm, block: FormBlock, config: NameConfig, sim: FloatArray
) -> FloatArray:
    """:func:`upper_bounds` before names run together, in numpy: the reference the C
    kernel's is held to (to the last bit or so: the sums run in another order)."""
    unit_starts = np.concatenate(([0], np.cumsum(block.unit_counts)[:-1]))
    token_starts = np.concatenate(([0], np.cumsum(block.token_counts)[:-1]))
    # Query words: the best similarity of any unit holding the word, per candidate name.
    q_ints = query.table.ints
    q_weights = query.table.token_weights
    positions = np.arange(len(q_weights))[:, None]
    holds = (positions >= q_ints[:, START][None, :]) & (positions < q_ints[:, END][None, :])
    per_name = np.maximum.reduceat(sim, unit_starts, axis=1)  # query units x names
    best_q = np.where(holds[:, :, None], per_name[None, :, :], 0.0).max(axis=1)
    aligned = q_weights @ best_q
    # Candidate words: the best similarity of any unit holding the word.
    col_best = sim.max(axis=0)
    unit_name = np.repeat(np.arange(block.size), block.unit_counts)
    best_c = np.zeros(int(block.token_counts.sum()))
    starts, ends = block.table.ints[:, START], block.table.ints[:, END]
    for step in range(3):
        inside = starts + step < ends
        if not inside.any():
            break
        where = token_starts[unit_name[inside]] + starts[inside] + step
        np.maximum.at(best_c, where, col_best[inside])
    weights = block.table.token_weights
    aligned = aligned + np.add.reduceat(weights * best_c, token_starts)
    total = q_weights.sum() * min(1.0, config.extra_query)
    total = total + np.add.reduceat(weights, token_starts) * min(1.0, config.extra_candidate)
    bounds: FloatArray = np.divide(aligned, total, out=np.zeros_like(aligned), where=total > 0)
    return bounds
