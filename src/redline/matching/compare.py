"""Comparison of two analysed names: token alignment with explained similarities.

The score of a name pair is a weighted share of aligned words:

* every word of one name is paired with at most one word (or a run of up to three
  adjacent words, for names spaced differently) of the other, best pairs first;
* a pair's similarity is the best of: equal readings (1.0), equal phonetic keys (0.97),
  a translation of the same business word (0.95), an edit-distance similarity of the
  phonetic keys that falls off a cliff past a length-dependent number of edits, and for
  Arabic-, Persian- and Hebrew-script words the similarity of consonant skeletons,
  capped lower because vowel-less writing proves less;
* unpaired words count against the score. Words left over on both sides are different
  words and count in full; words only one side has count fully for the query and by
  ``extra_candidate`` for the listed name (whose middle names a screener rarely knows);
  generic business words and initials count by their lower weight;
* different numbers ("Sino Iron I" / "II", "No. 8" / "No. 6"), incompatible legal forms
  of two jurisdictions and a match through a former name multiply the score down.

All word pairs of two names are measured in one call into rapidfuzz's C++ code, so a
name pair costs a few microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from redline.names import orgtypes
from redline.names.analysis import NameForm, Unit
from redline.names.phonetics import phonetic_key, skeleton


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


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The result of comparing two names, with the aligned pairs for the explanation."""

    score: float
    query: NameForm
    candidate: NameForm
    pairs: tuple[tuple[str, str, float, str], ...]
    notes: tuple[str, ...]

    def detail(self) -> str:
        """A reviewer's one-line account of how the names were aligned."""
        parts = [f"{q}~{c} {s:.2f} ({how})" for q, c, s, how in self.pairs]
        text = "; ".join(parts) if parts else "no words aligned"
        if self.notes:
            text += " | " + "; ".join(self.notes)
        return text


def _cliff_table(size: int = 1024) -> npt.NDArray[np.int32]:
    """Edits allowed, by word length, before a pair stops counting as one word."""
    table = np.zeros(size, dtype=np.int32)
    for length in range(size):
        table[length] = 0 if length <= 3 else 1 if length <= 5 else 2 if length <= 9 else 3
    return table


_CLIFF = _cliff_table()
#: Similarity kept past the cliff: still a hint, never a match on its own.
CLIFF_FACTOR = 0.6
#: Similarity of equal consonant skeletons (vowel-less scripts), by skeleton length.
SKELETON_EQUAL = (0.0, 0.75, 0.85, 0.9, 0.93)


def _edit_matrix(
    left: tuple[str, ...], right: tuple[str, ...], lens_l: tuple[int, ...], lens_r: tuple[int, ...]
) -> npt.NDArray[np.float64]:
    distance = cdist(left, right, scorer=OSA.distance, dtype=np.int32)
    longest = np.maximum.outer(np.asarray(lens_l), np.asarray(lens_r))
    sim = 1.0 - distance / longest
    past: npt.NDArray[np.float64] = np.where(
        distance > _CLIFF[np.minimum(longest, 1023)], sim * CLIFF_FACTOR, sim
    )
    return past


def skeleton_similarity(a: str, b: str) -> float:
    """Similarity of two consonant skeletons, capped below a letter-level match."""
    if not a or not b:
        return 0.0
    if a == b:
        return SKELETON_EQUAL[min(len(a), 4)]
    longest = max(len(a), len(b))
    if longest <= 3:
        return 0.0
    distance = OSA.distance(a, b)
    if distance > longest // 4:
        return 0.0
    return SKELETON_EQUAL[4] - 0.07 * distance


def _skeleton_pair(qu: Unit, cu: Unit) -> float:
    best = skeleton_similarity(qu.skel, cu.skel)
    if qu.bare_skel and not cu.abjad:
        best = max(best, skeleton_similarity(qu.bare_skel, cu.skel))
    if cu.bare_skel and not qu.abjad:
        best = max(best, skeleton_similarity(qu.skel, cu.bare_skel))
    return best


def _alts_pair(qu: Unit, cu: Unit) -> float:
    """Best similarity over the other readings (Korean, Japanese, Hebrew variants)."""
    best = 0.0
    for x in (qu.text, *qu.alts):
        for y in (cu.text, *cu.alts):
            kx, ky = phonetic_key(x), phonetic_key(y)
            if kx == ky:
                return 0.97
            longest = max(len(kx), len(ky), 1)
            distance = OSA.distance(kx, ky)
            sim = 1.0 - distance / longest
            if distance > _CLIFF[min(longest, 1023)]:
                sim *= CLIFF_FACTOR
            best = max(best, sim)
            if qu.abjad or cu.abjad:
                best = max(best, skeleton_similarity(skeleton(x), skeleton(y)))
    return best


#: Added to the similarity of a transliterated word and a Latin one.
CROSS_SCRIPT_BONUS = 0.08
#: Cap on a match that differs only in vowels (Qods/Quds): below a same-sound match.
VOWEL_ONLY = 0.92


def _similarities(query: NameForm, candidate: NameForm) -> npt.NDArray[np.float64]:
    """Similarity of every query unit with every candidate unit."""
    qus, cus = query.units, candidate.units
    sim = _edit_matrix(query.unit_keys, candidate.unit_keys, query.unit_lens, candidate.unit_lens)
    vowels = _edit_matrix(
        query.unit_vowel_keys, candidate.unit_vowel_keys, query.unit_lens, candidate.unit_lens
    )
    sim = np.maximum(sim, vowels * VOWEL_ONLY)
    if query.special_units or candidate.special_units:
        cells = {(i, j) for i in query.special_units for j in range(len(cus))}
        cells.update((i, j) for j in candidate.special_units for i in range(len(qus)))
        for i, j in cells:
            sim[i, j] = _special_pair(qus[i], cus[j], float(sim[i, j]))
    if query.multi_units and candidate.multi_units:
        sim[np.ix_(query.multi_units, candidate.multi_units)] = 0.0
    return sim


def _special_pair(qu: Unit, cu: Unit, value: float) -> float:
    if qu.number is not None or cu.number is not None:
        return 1.0 if qu.number == cu.number else 0.0
    if len(qu.text) == 1 or len(cu.text) == 1:
        return _initial(qu, cu, value)
    if qu.concept is not None and qu.concept == cu.concept:
        value = max(value, 0.95)
    if qu.alts or cu.alts:
        value = max(value, _alts_pair(qu, cu))
    if qu.abjad or cu.abjad:
        value = max(value, _skeleton_pair(qu, cu))
    if qu.native != cu.native:
        value = max(value, _cross_script(qu, cu))
    return value


def _cross_script(qu: Unit, cu: Unit) -> float:
    """A transliterated word against a Latin one: the transliteration is one convention
    of several, so vowels count half and one more edit is forgiven than between two
    Latin spellings ("mirskaya" for Мирская meets "Mirska")."""
    best = 0.0
    for x in (qu.text, *qu.alts):
        for y in (cu.text, *cu.alts):
            kx, ky = phonetic_key(x), phonetic_key(y)
            longest = max(len(kx), len(ky), 1)
            distance = OSA.distance(kx, ky)
            if distance > _CLIFF[min(longest, 1023)] + 1:
                continue
            letters = 1.0 - distance / longest
            consonants = skeleton_similarity(skeleton(x), skeleton(y))
            best = max(best, 0.5 * letters + 0.5 * consonants)
    # A transliteration is one convention of several: what survives of the word after
    # it counts for more than the same edits between two Latin spellings.
    return min(0.97, best + CROSS_SCRIPT_BONUS) if best else 0.0


def _initial(qu: Unit, cu: Unit, value: float) -> float:
    short, long_ = (qu.text, cu.text) if len(qu.text) == 1 else (cu.text, qu.text)
    if long_.startswith(short) and not qu.multi and not cu.multi:
        return max(value, 0.8)
    return value if len(long_) == 1 else 0.0


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
    if (len(qu.text) == 1 or len(cu.text) == 1) and value == 0.8:
        return "initial"
    if (qu.abjad or cu.abjad) and value <= SKELETON_EQUAL[4]:
        return "consonants"
    if qu.alts or cu.alts:
        return "reading"
    return "spelling"


def compare_names(query: NameForm, candidate: NameForm, config: NameConfig) -> NameMatch:
    """Score how well two analysed names agree, with the alignment that explains it."""
    sim = _similarities(query, candidate)
    qus, cus = query.units, candidate.units
    rows, cols = np.nonzero(sim >= config.min_pair)
    order = sorted(
        zip(rows.tolist(), cols.tolist(), strict=True),
        key=lambda rc: (sim[rc[0], rc[1]], qus[rc[0]].weight + cus[rc[1]].weight),
        reverse=True,
    )
    q_used = [False] * len(query.tokens)
    c_used = [False] * len(candidate.tokens)
    matched = 0.0
    total = 0.0
    pairs: list[tuple[str, str, float, str]] = []
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
        pairs.append((_label(query, qu), _label(candidate, cu), value, _how(qu, cu, value)))
    notes: list[str] = []
    extra_q = [t for t, used in zip(query.tokens, q_used, strict=True) if not used]
    extra_c = [t for t, used in zip(candidate.tokens, c_used, strict=True) if not used]
    if extra_q and extra_c:
        # Words left over on both sides are different words, not missing ones; even a
        # generic word ("Exports" for "Imports") then names another business.
        total += sum(max(t.weight, 0.7) for t in (*extra_q, *extra_c))
    else:
        total += sum(t.weight for t in extra_q) * config.extra_query
        total += sum(t.weight for t in extra_c) * config.extra_candidate
    if extra_q:
        notes.append("query only: " + " ".join(t.text for t in extra_q))
    if extra_c:
        notes.append("candidate only: " + " ".join(t.text for t in extra_c))
    score = matched / total if total else 0.0
    joined = _joined_sim(query, candidate)
    if joined > score:
        score = joined
        pairs = [(query.comparable, candidate.comparable, joined, "same letters, spaced apart")]
        notes = []
    score, notes = _qualify(score, query, candidate, config, notes)
    return NameMatch(min(score, 1.0), query, candidate, tuple(pairs), tuple(notes))


def _qualify(
    score: float, query: NameForm, candidate: NameForm, config: NameConfig, notes: list[str]
) -> tuple[float, list[str]]:
    """Numbers, legal forms and former names: multipliers applied after alignment."""
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


def _joined_sim(query: NameForm, candidate: NameForm) -> float:
    """The names run together without spaces: "GroupeDiarraImportExport" is "Groupe
    Diarra Import Export". Counted only when the names are spaced differently (their word
    counts differ) and nearly equal, since long strings hide a different short word."""
    a, b = query.joined, candidate.joined
    if not a or not b or len(query.tokens) == len(candidate.tokens):
        return 0.0
    longest = max(len(a), len(b))
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance > min(2, longest // 8):
        return 0.0
    return 1.0 - 0.5 * distance / longest - 0.02


def _label(form: NameForm, unit: Unit) -> str:
    return " ".join(t.text for t in form.tokens[unit.start : unit.end])
