"""Scoring of name pairs, one by one or a whole CSV file, for outside evaluation.

A pair is turned into two single-name entities and compared by the same algorithm
object that screening uses, so the score of ``redline pairs score`` is the score a
screening of that name against a list entry with that name would show.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from redline import schema as ftm
from redline.errors import InputError
from redline.matching.algorithms import Explanation, get_algorithm
from redline.matching.profile import Profile, name_profile

#: Schema used when a pair's schema is blank or unknown to redline.
FALLBACK_SCHEMA = "LegalEntity"


class PairScore(NamedTuple):
    """The score of one name pair and whether it passes the algorithm's threshold (a
    named tuple: one is made per pair, and a frozen dataclass costs a fifth of a
    pair's scoring to make)."""

    score: float
    match: bool
    explanations: tuple[Explanation, ...]


#: Party schemata by lowercase name, with the words other tools write for them.
_SCHEMATA = {
    **{name.lower(): name for name in ftm.PARTY_SCHEMATA},
    "individual": "Person",
    "organisation": "Organization",
    "entity": "LegalEntity",
    "ship": "Vessel",
    "aircraft": "Airplane",
}


def known_schema(schema: str | None) -> str | None:
    """The party schema a pair row names, in any letter case or by a common synonym
    (Individual, Ship, Aircraft); :data:`FALLBACK_SCHEMA` for a blank one; None for
    another word."""
    name = (schema or "").strip()
    if not name:
        return FALLBACK_SCHEMA
    return _SCHEMATA.get(name.lower())


def pair_schema(schema: str | None) -> str:
    """The party schema of a pair row: :func:`known_schema`, or
    :data:`FALLBACK_SCHEMA` for a word redline does not know."""
    return known_schema(schema) or FALLBACK_SCHEMA


def score_pair(
    schema: str | None, name1: str, name2: str, algorithm: str | None = None
) -> PairScore:
    """Score two names of one schema with ``algorithm`` (the default when None)."""
    algo = get_algorithm(algorithm)
    kind = pair_schema(schema)
    result = algo.compare(_profile("pair-1", kind, name1), _profile("pair-2", kind, name2))
    return PairScore(result.score, result.score >= algo.threshold, result.explanations)


@lru_cache(maxsize=50_000)
def _profile(id: str, schema: str, name: str) -> Profile:
    """:func:`name_profile`, kept for a name met again (a pairs file often pairs one
    name with many): a profile is immutable, and keeps the kernel's copy of its names.
    As many as the analysis keeps names (``names.analysis._analyse``)."""
    return name_profile(id, schema, name)


@dataclass(frozen=True, slots=True)
class PairsSummary:
    """What a pairs file run did."""

    rows: int
    matches: int
    algorithm: str
    threshold: float
    unknown_schemata: dict[str, int]
    """Schema values redline does not know, each with the first line it is on: those
    rows were scored as :data:`FALLBACK_SCHEMA`."""


def score_pairs_file(source: Path, target: Path, algorithm: str | None = None) -> PairsSummary:
    """Read ``schema,name1,name2`` rows (other columns kept) and write them with
    ``score`` and ``match`` added. The output is written to a temporary file and moved
    into place, so a failure leaves no half-written result."""
    algo = get_algorithm(algorithm)
    rows = 0
    matches = 0
    unknown: dict[str, int] = {}
    tmp = target.with_name(target.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer: csv.DictWriter[str] | None = None
            for line, row, fields in _read_pairs(source):
                if writer is None:
                    extra = [f for f in ("score", "match") if f not in fields]
                    writer = csv.DictWriter(out, fieldnames=[*fields, *extra])
                    writer.writeheader()
                kind = known_schema(row.get("schema"))
                if kind is None:
                    unknown.setdefault(row.get("schema", "").strip(), line)
                    kind = FALLBACK_SCHEMA
                pair = score_pair(kind, row["name1"], row["name2"], algo.name)
                row["score"] = f"{pair.score:.4f}"
                row["match"] = "true" if pair.match else "false"
                matches += pair.match
                rows += 1
                writer.writerow(row)
            if writer is None:
                raise InputError("no rows: the file is empty", path=str(source))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return PairsSummary(rows, matches, algo.name, algo.threshold, unknown)


def _read_pairs(source: Path) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    try:
        handle = source.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(source)) from None
    with handle:
        lines = _Uncommented(handle)
        try:
            # strict: a quote left open is an error, not a name running to the end.
            reader = csv.DictReader(lines, strict=True)
            fields = list(reader.fieldnames or [])
            missing = [f for f in ("name1", "name2") if f not in fields]
            if missing:
                raise InputError(
                    f"missing column(s) {', '.join(missing)}; expected schema,name1,name2",
                    path=str(source),
                    line=lines.line,
                )
            for row in reader:
                if None in row:
                    raise InputError(
                        "more fields than the header has", path=str(source), line=lines.line
                    )
                yield lines.line, {k: (v or "") for k, v in row.items()}, fields
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not UTF-8 text (byte {exc.start}): save the file as UTF-8", path=str(source)
            ) from None
        except csv.Error as exc:
            # The record that failed began after the last line read, perhaps lines earlier.
            raise InputError(f"bad CSV after line {lines.line}: {exc}", path=str(source)) from None


class _Uncommented:
    """The lines of a file without those starting with ``#``, counting all of them, so
    that a row is named by its line in the file even below comment lines."""

    def __init__(self, handle: Iterable[str]) -> None:
        self._lines = iter(handle)
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while True:
            text = next(self._lines)
            self.line += 1
            if not text.startswith("#"):
                return text
