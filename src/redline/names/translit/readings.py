"""The driver: split a name into tokens and each token into same-script runs, read each run
with its script's module, and combine the readings (cached per token and per name).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii

from redline.names.translit.arabic import read_arabic
from redline.names.translit.caucasian import read_armenian, read_georgian
from redline.names.translit.common import (
    APOSTROPHES,
    ASCII_CLEAN,
    DIGITS,
    Readings,
    alts,
    clean,
    combine,
)
from redline.names.translit.cyrillic import read_cyrillic
from redline.names.translit.greek import read_greek
from redline.names.translit.han import read_han, read_kana
from redline.names.translit.hangul import read_hangul
from redline.names.translit.hebrew import read_hebrew
from redline.names.translit.indic import read_devanagari, read_indic
from redline.names.translit.latin import NAME_WORDS, read_latin
from redline.names.translit.myanmar import read_myanmar
from redline.names.translit.scriptdetect import script_of
from redline.names.translit.thai import read_thai

__all__ = ["latinize"]


def _other(run: str, ctx: str) -> Readings:
    return alts(anyascii(run))


_HANDLERS: dict[str, Callable[[str, str], Readings]] = {
    "Latin": read_latin, "Cyrillic": read_cyrillic, "Greek": read_greek,
    "Georgian": read_georgian, "Armenian": read_armenian, "Arabic": read_arabic,
    "Hebrew": read_hebrew, "Devanagari": read_devanagari, "Thai": read_thai,
    "Myanmar": read_myanmar, "Indic": read_indic, "Hangul": read_hangul, "Kana": read_kana,
    "Han": read_han,
}  # fmt: skip

_CTX_MARKERS = (
    ("fa", set("پچژگکی۰۱۲۳۴۵۶۷۸۹")),
    ("ja", {chr(c) for c in range(0x3041, 0x30FF)}),
    ("uk", set("іїєґІЇЄҐ")),
    ("sr", set("ђјљњћџЂЈЉЊЋЏ")),
)


def _context(text: str) -> str:
    chars = set(text)
    return " ".join(name for name, marks in _CTX_MARKERS if chars & marks)


@lru_cache(maxsize=65536)
def _word(token: str, ctx: str) -> Readings:
    """Readings of one whitespace-free token (cached: names repeat their words)."""
    runs: list[tuple[str, str]] = []
    pieces: list[Readings] = []
    cur_script = ""
    cur = ""

    def flush() -> None:
        nonlocal cur, cur_script
        if cur:
            runs.append((cur_script or "Latin", cur))
        cur, cur_script = "", ""

    for ch in token:
        sc = script_of(ch)
        if sc is None:
            if ch.isdigit() or ch in APOSTROPHES:
                cur += ch  # digits and apostrophes belong to the run they sit in
            elif ch in '"\u05f4' and cur_script == "Hebrew":
                cur += ch  # gershayim
            else:
                flush()  # any other punctuation separates
            continue
        if sc == "Inherited":
            cur += ch
            continue
        if cur_script and sc != cur_script:
            flush()
        cur_script = sc
        cur += ch
    flush()
    for sc, run in runs:
        handler = _HANDLERS.get(sc, _other)
        try:
            readings = handler(run, ctx)
        except (IndexError, KeyError, ValueError):
            # A malformed sequence (stray marks, broken clusters) must not lose the name.
            readings = alts(anyascii(run))
        pieces.append(readings)
    return combine(pieces)


def _ascii(text: str) -> str:
    return " ".join(text.translate(ASCII_CLEAN).split())


def latinize(text: str) -> list[str]:
    """One to four Latin readings of `text`, the conventional one first.

    Each reading is lowercase ASCII letters, digits and single spaces. Apostrophes join
    (o'brien -> obrien), other punctuation splits (al-qaida -> al qaida). Never raises.
    """
    if text.isascii():
        reading = _ascii(text)
        return [reading, *NAME_WORDS.get(reading, ())]
    return list(_latinize(text))


@lru_cache(maxsize=16384)
def _latinize(text: str) -> Readings:
    limit = 4 * len(text) + 64
    text = unicodedata.normalize("NFKC", text).translate(DIGITS)
    if text.isascii():
        return (_ascii(text)[:limit].strip(),)
    ctx = _context(text)
    parts = [(_ascii(tok),) if tok.isascii() else _word(tok, ctx) for tok in text.split()]
    out: list[str] = []
    for reading in combine(parts):
        reading = clean(reading)
        if len(reading) > limit:
            reading = reading[:limit].strip()
        if reading not in out:
            out.append(reading)
    return tuple(out) or ("",)
