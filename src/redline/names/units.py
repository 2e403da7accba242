"""Alignment units of an analysed name, and the same units packed as arrays.

A unit is a word, or a run of two or three adjacent words joined ("Wirra long" must meet
"Wirralong"). The scorer compares every query unit with every candidate unit; when a
query is screened against a hundred listed names at once, those comparisons run as a few
whole-matrix operations over :class:`UnitTable`, the units of many names laid end to end,
instead of a Python loop per pair of words.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from redline.names.phonetics import phonetic_key, skeleton, vowel_key

if TYPE_CHECKING:
    from redline.names.analysis import NameForm, Token

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
#: Strings as a numpy object array: cut by index arrays without a Python loop, and
#: handed to rapidfuzz as they are.
StrArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class Unit:
    """A token, or a run of two or three adjacent tokens joined, as the scorer aligns
    them: "Wirra long" must meet "Wirralong" and a Burmese or Korean name written as one
    word must meet its romanisation written as three.

    ``native``: written in another script than Latin; such a word meets a Latin one by
    the lenient cross-script rule too (vowels count half), since its romanisation is a
    guess at sounds. ``syllabic``: a single Hangul or Han word. Every character is a
    syllable, and its readings (pinyin; Revised, McCune-Reischauer and the usual Korean
    name spellings; the Japanese and Korean readings of the tables) are exact, so it
    meets Latin words by those readings alone: the lenient rule let 성훈 (seonghun) meet
    "Jong Un" and 志忠 meet "Junzheng" through their consonants. One syllable read as
    one letter (이 "i", 阿 "a") is a whole word, never an initial. A joined run keeps
    the lenient rule; its only other readings are those of Arabic-script compounds with
    the article (:func:`_elided`), and it meets other words by equal consonant skeletons
    only (see :func:`redline.matching.similarity.skeleton_similarity_matrix`)."""

    start: int
    end: int
    text: str
    key: str
    skel: str
    bare_skel: str
    weight: float
    abjad: bool
    number: str | None
    concept: str | None
    alts: tuple[str, ...]
    multi: bool
    special: bool
    native: bool
    syllabic: bool = False
    roman: str | None = None
    """The Wade-Giles spelling of a Han or pinyin unit (see :func:`same_romanisation`)."""


def _bare_skeleton(text: str, abjad: bool) -> str:
    """The skeleton with v/w taken out, for abjad tokens: Hebrew ו and Arabic و stand
    for the vowels o and u at least as often as for a consonant."""
    if not abjad or ("v" not in text and "w" not in text):
        return ""
    return skeleton(text.replace("v", "").replace("w", ""))


def make_units(tokens: tuple[Token, ...]) -> tuple[Unit, ...]:
    """Single tokens, then joined runs of two and three (runs never include numbers)."""
    units = [
        Unit(
            i,
            i + 1,
            t.text,
            t.key,
            t.skel,
            _bare_skeleton(t.text, t.abjad),
            t.weight,
            t.abjad,
            t.number,
            t.concept,
            t.alts,
            False,
            t.number is not None
            or t.concept is not None
            or bool(t.alts)
            or t.abjad
            or t.native
            or t.roman is not None
            or len(t.text) == 1,
            t.native,
            t.syllabic,
            t.roman,
        )
        for i, t in enumerate(tokens)
    ]
    for size in (2, 3):
        for start in range(0, len(tokens) - size + 1):
            run = tokens[start : start + size]
            if any(t.number is not None for t in run):
                continue
            text = "".join(t.text for t in run)
            abjad = any(t.abjad for t in run)
            roman = None
            if any(t.roman is not None for t in run):
                roman = "".join(t.roman or t.text for t in run)
            units.append(
                Unit(
                    start,
                    start + size,
                    text,
                    "".join(t.key for t in run),
                    "".join(t.skel for t in run),
                    _bare_skeleton(text, abjad),
                    sum(t.weight for t in run),
                    abjad,
                    None,
                    None,
                    _elided(run),
                    True,
                    abjad or any(t.native for t in run) or roman is not None,
                    any(t.native for t in run),
                    False,
                    roman,
                )
            )
    return tuple(units)


def _elided(run: Sequence[Token]) -> tuple[str, ...]:
    """Readings of two Arabic-script words whose second begins with the article, as
    Latin writes them run together: the article's l assimilates and its vowel becomes
    u (شمس الدین Shamsuddin, عزیز الرحمن Azizurrahman, فیض الله Faizullah), which
    leaves the run's consonants one l away from the Latin spelling's."""
    if len(run) != 2 or not run[1].abjad:
        return ()
    first, second = run
    if not second.text.startswith("al") or len(second.text) < 4:
        return ()
    return tuple(f"{word}u{second.text[2:]}" for word in (first.text, *first.alts[:1]))


def latin_text(unit: Unit) -> str | None:
    """A Latin unit's text, which may be a Wade-Giles spelling ("Hsu" is pinyin Xu and
    徐); None for other scripts and numbers."""
    return None if unit.native or unit.number is not None else unit.text


def same_romanisation(q: Unit, c: Unit) -> bool:
    """Whether two units are one Chinese word in pinyin (or Han) and in Wade-Giles: the
    Wade-Giles spelling of one is the other's, or the other's Latin text. A pinyin-shaped
    Latin word may be Wade-Giles itself ("Chi" is pinyin chi, spelt chih, and Wade-Giles
    for qi), so its text counts as well as its spelling. Only equal spellings count:
    Wade-Giles merges consonants pinyin keeps apart (zh, ch, j and q are all ch), so a
    spelling near another says nothing."""
    if q.roman is not None and (q.roman == c.roman or q.roman == latin_text(c)):
        return True
    return c.roman is not None and c.roman == latin_text(q)


def _stable_id(value: str | None) -> int:
    """A number for a concept, number or spelling that is the same in every process (the
    saved index is built in one process and read in another)."""
    return -1 if value is None else zlib.crc32(value.encode("utf-8"))


# Columns of UnitTable.ints
NUMBER, CONCEPT, FIRST, LENGTH, TEXT_LEN, START, END, SKEL_LEN, BARE_LEN, ROMAN, LATIN = range(11)
# Columns of UnitTable.flags
SPECIAL, MULTI, ABJAD, NATIVE, ALTS, BARE, SYLLABIC = range(7)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the strings of a table cut from a larger one are: that table's string
    columns prepared for the C kernel (keys, vowels, skeletons, bare skeletons, reading
    keys, reading skeletons), and the positions of the cut's units and readings in
    them. Cutting a query's candidates then copies no strings."""

    columns: tuple[object, ...]
    units: IntArray
    readings: IntArray


@dataclass(frozen=True, slots=True)
class UnitTable:
    """The units of one or more names as parallel columns.

    ``ints`` holds, per unit, the number and concept ids (-1 for none), the first letter,
    the key length (at least 1), the text length, the token span, the lengths of the
    skeletons, and the ids of the Wade-Giles spelling and of the :func:`latin_text` (-1
    for none); ``flags`` the yes/no columns above. Strings are object arrays, which a
    block of many names cuts by index arrays and rapidfuzz compares as they are.
    Every unit has one or more *readings* (its text and its other readings), listed in
    unit order; ``reading_counts`` says how many each unit has, ``reading_lens`` the
    lengths of each reading's key and skeleton. A table cut for the C kernel has an
    ``origin`` instead of string columns of its own (they are empty).
    """

    ints: IntArray
    flags: BoolArray
    keys: StrArray
    vowels: StrArray
    skels: StrArray
    bare: StrArray
    reading_keys: StrArray
    reading_skels: StrArray
    reading_counts: IntArray
    reading_lens: IntArray
    token_weights: FloatArray
    unit_count: int
    origin: Origin | None = None
    kernel_side: object | None = field(default=None, compare=False, repr=False)
    """The table as the C kernel takes it (``similarity.prepared``), made at its first
    comparison and kept: a query's or candidate's table is compared again and again
    (not saved with an index)."""

    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, f) for f in _TABLE_FIELDS)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for name, value in zip(_TABLE_FIELDS, state, strict=True):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "kernel_side", None)

    @classmethod
    def of_units(cls, units: Sequence[Unit], tokens: Sequence[Token]) -> UnitTable:
        """Pack the units of one name."""
        ints = np.array(
            [
                (
                    _stable_id(u.number),
                    _stable_id(u.concept),
                    ord(u.text[0]) if u.text else 0,
                    max(len(u.key), 1),
                    len(u.text),
                    u.start,
                    u.end,
                    len(u.skel),
                    len(u.bare_skel),
                    _stable_id(u.roman),
                    _stable_id(latin_text(u)),
                )
                for u in units
            ],
            dtype=np.int64,
        ).reshape(len(units), 11)
        flags = np.array(
            [
                (
                    u.special,
                    u.multi,
                    u.abjad,
                    u.native,
                    bool(u.alts),
                    bool(u.bare_skel),
                    u.syllabic,
                )
                for u in units
            ],
            dtype=np.bool_,
        ).reshape(len(units), 7)
        readings = [(u.text, *u.alts) for u in units]
        reading_keys = [phonetic_key(x) for r in readings for x in r]
        reading_skels = [skeleton(x) for r in readings for x in r]
        return cls(
            ints=ints,
            flags=flags,
            keys=_object_array([u.key for u in units]),
            vowels=_object_array([vowel_key(u.key) for u in units]),
            skels=_object_array([u.skel for u in units]),
            bare=_object_array([u.bare_skel for u in units]),
            reading_keys=_object_array(reading_keys),
            reading_skels=_object_array(reading_skels),
            reading_counts=np.array([len(r) for r in readings], dtype=np.int64),
            reading_lens=np.array(
                [(len(k), len(s)) for k, s in zip(reading_keys, reading_skels, strict=True)],
                dtype=np.int64,
            ).reshape(len(reading_keys), 2),
            token_weights=np.array([t.weight for t in tokens], dtype=np.float64),
            unit_count=len(units),
        )

    @classmethod
    def concat(cls, tables: Sequence[UnitTable]) -> UnitTable:
        """The units of many names end to end (token spans stay local to each name)."""
        if len(tables) == 1:
            return tables[0]
        return cls(
            ints=np.concatenate([t.ints for t in tables]),
            flags=np.concatenate([t.flags for t in tables]),
            keys=np.concatenate([t.keys for t in tables]),
            vowels=np.concatenate([t.vowels for t in tables]),
            skels=np.concatenate([t.skels for t in tables]),
            bare=np.concatenate([t.bare for t in tables]),
            reading_keys=np.concatenate([t.reading_keys for t in tables]),
            reading_skels=np.concatenate([t.reading_skels for t in tables]),
            reading_counts=np.concatenate([t.reading_counts for t in tables]),
            reading_lens=np.concatenate([t.reading_lens for t in tables]),
            token_weights=np.concatenate([t.token_weights for t in tables]),
            unit_count=sum(t.unit_count for t in tables),
        )

    def select(self, units: IntArray) -> UnitTable:
        """Some of the units, with their readings, in the order given. Token weights are
        not carried over: a selection is for word similarity, not for name scores."""
        starts = _starts(self.reading_counts)
        readings = ranges(starts[units], self.reading_counts[units])
        return UnitTable(
            ints=self.ints[units],
            flags=self.flags[units],
            keys=self.keys[units],
            vowels=self.vowels[units],
            skels=self.skels[units],
            bare=self.bare[units],
            reading_keys=self.reading_keys[readings],
            reading_skels=self.reading_skels[readings],
            reading_counts=self.reading_counts[units],
            reading_lens=self.reading_lens[readings],
            token_weights=np.zeros(0),
            unit_count=len(units),
        )

    def string_columns(self) -> tuple[StrArray, ...]:
        """Keys, vowel keys, skeletons and bare skeletons (one per unit), then reading
        keys and reading skeletons (one per reading): the order the C kernel takes."""
        return (
            self.keys,
            self.vowels,
            self.skels,
            self.bare,
            self.reading_keys,
            self.reading_skels,
        )

    def has(self, flag: int) -> BoolArray:
        """Per unit, whether ``flag`` is set."""
        out: BoolArray = self.flags[:, flag]
        return out


_TABLE_FIELDS = tuple(f.name for f in fields(UnitTable) if f.name != "kernel_side")


def ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """The indexes start..start+count-1 of every range, end to end."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    out: IntArray = np.arange(total, dtype=np.int64) + shift
    return out


@dataclass
class FormBlock:
    """Many analysed names end to end: their units as one :class:`UnitTable`, how many
    units and words each name has, and each name's words run together (and their length).

    The index keeps every listed name in one block and cuts out the candidates of a
    query with :meth:`take`, so that a saved index is a few large arrays, quick to load,
    rather than hundreds of thousands of small objects.
    """

    table: UnitTable
    unit_counts: IntArray
    token_counts: IntArray
    joined: StrArray
    joined_lens: IntArray
    _cache: tuple[IntArray, IntArray, IntArray] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _columns: tuple[object, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        # Offsets and prepared columns are derived; a saved index holds only the columns.
        return {k: v for k, v in self.__dict__.items() if k not in ("_cache", "_columns")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._cache = None
        self._columns = None

    @classmethod
    def of(cls, forms: Sequence[NameForm]) -> FormBlock:
        """The block of some analysed names."""
        tables = [f.table for f in forms]
        return cls(
            table=UnitTable.concat(tables) if tables else _EMPTY,
            unit_counts=np.fromiter((t.unit_count for t in tables), np.int64, len(tables)),
            token_counts=np.fromiter((len(t.token_weights) for t in tables), np.int64, len(tables)),
            joined=_object_array([f.joined for f in forms]),
            joined_lens=np.fromiter((len(f.joined) for f in forms), np.int64, len(forms)),
        )

    def intern(self) -> FormBlock:
        """The same block with equal strings shared (a listed word recurs in many names):
        a saved index is smaller, and a query's cut touches less memory."""
        table = self.table
        for column in (table.keys, table.vowels, table.skels, table.bare):
            column[:] = [sys.intern(x) for x in column.tolist()]
        for column in (table.reading_keys, table.reading_skels, self.joined):
            column[:] = [sys.intern(x) for x in column.tolist()]
        return self

    @property
    def size(self) -> int:
        """Number of names in the block."""
        return len(self.joined)

    def prepared(self, prepare: Callable[[list[str]], object]) -> tuple[object, ...]:
        """The string columns (keys, vowels, skeletons, bare skeletons, reading keys,
        reading skeletons) prepared by ``prepare``, once per block."""
        if self._columns is None:
            self._columns = tuple(prepare(c.tolist()) for c in self.table.string_columns())
        return self._columns

    def take(
        self, forms: IntArray, prepare: Callable[[list[str]], object] | None = None
    ) -> FormBlock:
        """The block of the names at ``forms`` (positions in this block), in that order.

        With ``prepare`` (the C kernel's column type), the cut copies no strings: its
        table points into this block's string columns, prepared once (see
        :class:`Origin`)."""
        table = self.table
        if self._cache is None:
            self._cache = (
                _starts(self.unit_counts),
                _starts(self.token_counts),
                _starts(table.reading_counts),
            )
        unit_offsets, token_offsets, reading_offsets = self._cache
        units = ranges(unit_offsets[forms], self.unit_counts[forms])
        tokens = ranges(token_offsets[forms], self.token_counts[forms])
        readings = ranges(reading_offsets[units], table.reading_counts[units])
        if prepare is None:  # four columns by unit, then two by reading
            strings = tuple(
                column[units if k < 4 else readings]
                for k, column in enumerate(table.string_columns())
            )
            origin = None
        else:
            strings = (_NO_STRINGS,) * 6
            origin = Origin(self.prepared(prepare), units, readings)
        keys, vowels, skels, bare, reading_keys, reading_skels = strings
        return FormBlock(
            table=UnitTable(
                ints=table.ints[units],
                flags=table.flags[units],
                keys=keys,
                vowels=vowels,
                skels=skels,
                bare=bare,
                reading_keys=reading_keys,
                reading_skels=reading_skels,
                reading_counts=table.reading_counts[units],
                reading_lens=table.reading_lens[readings],
                token_weights=table.token_weights[tokens],
                unit_count=len(units),
                origin=origin,
            ),
            unit_counts=self.unit_counts[forms],
            token_counts=self.token_counts[forms],
            joined=self.joined[forms],
            joined_lens=self.joined_lens[forms],
        )


def _starts(counts: IntArray) -> IntArray:
    out: IntArray = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    return out


def _object_array(values: Sequence[str]) -> StrArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


_NO_STRINGS = _object_array([])
_EMPTY = UnitTable(
    ints=np.zeros((0, 11), dtype=np.int64),
    flags=np.zeros((0, 7), dtype=np.bool_),
    keys=_object_array([]),
    vowels=_object_array([]),
    skels=_object_array([]),
    bare=_object_array([]),
    reading_keys=_object_array([]),
    reading_skels=_object_array([]),
    reading_counts=np.zeros(0, dtype=np.int64),
    reading_lens=np.zeros((0, 2), dtype=np.int64),
    token_weights=np.zeros(0),
    unit_count=0,
)
