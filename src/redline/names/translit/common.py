"""What every script module shares: the reading type, output cleaning to lowercase ASCII,
positional combination of per-piece readings, and loading the tables in ``data/``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from importlib import resources

from anyascii import anyascii

__all__ = [
    "APOSTROPHES",
    "ASCII_CLEAN",
    "DIGITS",
    "MAX_READINGS",
    "Readings",
    "alts",
    "clean",
    "combine",
    "distinct",
    "letter_table",
    "load_tsv",
    "read_data",
]

MAX_READINGS = 4
Readings = tuple[str, ...]

ASCII_CLEAN: dict[int, str | None] = {i: " " for i in range(128) if not chr(i).isalnum()}
ASCII_CLEAN.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
ASCII_CLEAN[ord("'")] = None
ASCII_CLEAN[ord("`")] = None
APOSTROPHES = "'`\u2019\u2018\u02bc\u02bb\u00b4\u05f3"
DIGITS = {
    cp: str(unicodedata.decimal(chr(cp)))
    for cp in range(0x80, 0x20000)
    if unicodedata.category(chr(cp)) == "Nd"
}


def clean(s: str) -> str:
    """Lowercase ASCII [a-z0-9 ], single spaces; apostrophes join, other punctuation splits."""
    if not s.isascii():
        s = anyascii(s)
    return " ".join(s.translate(ASCII_CLEAN).split())


def combine(parts: Iterable[Readings]) -> Readings:
    """Join per-piece readings positionally: reading k takes each piece's k-th (or last)."""
    plist = [p for p in parts if p]
    if not plist:
        return ("",)
    n = min(MAX_READINGS, max(len(p) for p in plist))
    out: list[str] = []
    for k in range(n):
        r = " ".join(" ".join(p[min(k, len(p) - 1)].split()) for p in plist).strip()
        r = " ".join(r.split())
        if r not in out:
            out.append(r)
    return tuple(out)


def alts(*readings: str) -> Readings:
    """Cleaned readings in their fixed positions (duplicates are dropped only at the end, so
    that reading k of every word follows the same convention)."""
    out = [clean(r) for r in readings[:MAX_READINGS]]
    while len(out) > 1 and out[-1] in out[:-1]:
        out.pop()
    return tuple(out)


def distinct(*readings: str) -> Readings:
    """The first few different cleaned readings, in order of preference: for a word
    read under several conventions of which most agree, so that the agreeing ones do
    not take the places of the ones that differ."""
    out: list[str] = []
    for reading in readings:
        r = clean(reading)
        if r not in out:
            out.append(r)
            if len(out) == MAX_READINGS:
                break
    return tuple(out)


def letter_table(keys: str, values: str) -> dict[str, str]:
    """Letter table from a string of letters and their space-separated values."""
    return dict(zip(keys, values.split(), strict=True))


def read_data(name: str) -> str:
    """The text of a table in ``redline/names/data/``."""
    return resources.files("redline.names").joinpath("data", name).read_text("utf-8")


def load_tsv(name: str) -> dict[str, list[str]]:
    """Rows of a tab-separated table in ``data/`` keyed by their first column."""
    text = read_data(name)
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        table[cols[0]] = cols[1:]
    return table
