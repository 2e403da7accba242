"""Which script each letter belongs to, from a table of Unicode ranges: the driver splits
words into same-script runs with it, and the scorer asks whether a name is abjad.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import lru_cache

__all__ = ["is_abjad", "script_of", "scripts"]

_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x005A, "Latin"),
        (0x0061, 0x007A, "Latin"),
        (0x00AA, 0x00AA, "Latin"),
        (0x00BA, 0x00BA, "Latin"),
        (0x00C0, 0x02AF, "Latin"),
        (0x0300, 0x036F, "Inherited"),
        (0x0370, 0x03FF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"),
        (0x0530, 0x058F, "Armenian"),
        (0x0590, 0x05FF, "Hebrew"),
        (0x0600, 0x06FF, "Arabic"),
        (0x0750, 0x077F, "Arabic"),
        (0x0870, 0x08FF, "Arabic"),
        (0x0900, 0x097F, "Devanagari"),
        (0x0980, 0x0DFF, "Indic"),
        (0x0E00, 0x0E7F, "Thai"),
        (0x1000, 0x109F, "Myanmar"),
        (0x10A0, 0x10FF, "Georgian"),
        (0x1100, 0x11FF, "Hangul"),
        (0x1AB0, 0x1AFF, "Inherited"),
        (0x1C80, 0x1C8F, "Cyrillic"),
        (0x1C90, 0x1CBF, "Georgian"),
        (0x1DC0, 0x1DFF, "Inherited"),
        (0x1E00, 0x1EFF, "Latin"),
        (0x1F00, 0x1FFF, "Greek"),
        (0x20D0, 0x20FF, "Inherited"),
        (0x2C60, 0x2C7F, "Latin"),
        (0x2D00, 0x2D2F, "Georgian"),
        (0x2DE0, 0x2DFF, "Cyrillic"),
        (0x2E80, 0x2FDF, "Han"),
        (0x3005, 0x3005, "Han"),
        (0x3007, 0x3007, "Han"),
        (0x3021, 0x3029, "Han"),
        (0x3031, 0x3035, "Kana"),
        (0x3040, 0x30FF, "Kana"),
        (0x3130, 0x318F, "Hangul"),
        (0x31F0, 0x31FF, "Kana"),
        (0x3400, 0x4DBF, "Han"),
        (0x4E00, 0x9FFF, "Han"),
        (0xA640, 0xA69F, "Cyrillic"),
        (0xA720, 0xA7FF, "Latin"),
        (0xA8E0, 0xA8FF, "Devanagari"),
        (0xA960, 0xA97F, "Hangul"),
        (0xA9E0, 0xA9FF, "Myanmar"),
        (0xAA60, 0xAA7F, "Myanmar"),
        (0xAB30, 0xAB6F, "Latin"),
        (0xAC00, 0xD7FF, "Hangul"),
        (0xF900, 0xFAFF, "Han"),
        (0xFB00, 0xFB06, "Latin"),
        (0xFB13, 0xFB17, "Armenian"),
        (0xFB1D, 0xFB4F, "Hebrew"),
        (0xFB50, 0xFDFF, "Arabic"),
        (0xFE20, 0xFE2F, "Inherited"),
        (0xFE70, 0xFEFF, "Arabic"),
        (0xFF21, 0xFF3A, "Latin"),
        (0xFF41, 0xFF5A, "Latin"),
        (0xFF66, 0xFF9F, "Kana"),
        (0xFFA0, 0xFFDC, "Hangul"),
        (0x1B000, 0x1B16F, "Kana"),
        (0x20000, 0x3134F, "Han"),
    ]
)
_STARTS = [r[0] for r in _RANGES]
_NAMED = frozenset(
    {"Latin", "Cyrillic", "Greek", "Arabic", "Hebrew", "Georgian", "Armenian", "Han", "Hangul"}
    | {"Kana", "Thai", "Myanmar", "Devanagari"}
)


@lru_cache(maxsize=8192)
def script_of(ch: str) -> str | None:
    """Script of a letter or combining mark (None for anything else)."""
    cat = unicodedata.category(ch)
    if cat[0] not in "LM":
        return None
    cp = ord(ch)
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _RANGES[i][1]:
        return _RANGES[i][2]
    return "Inherited" if cat[0] == "M" else "Other"


def scripts(text: str) -> frozenset[str]:
    """The scripts of the letters in `text` (marks, digits and punctuation do not count)."""
    if text.isascii():
        return frozenset(("Latin",)) if any(c.isalpha() for c in text) else frozenset()
    found = set()
    for ch in text:
        if ch.isalpha():
            s = script_of(ch)
            if s is not None and s != "Inherited":
                found.add(s if s in _NAMED else "Other")
    return frozenset(found)


def is_abjad(text: str) -> bool:
    """True when most letters are Arabic-script or Hebrew, written without short vowels."""
    if text.isascii():
        return False
    abjad = total = 0
    for ch in text:
        if ch.isalpha():
            total += 1
            if script_of(ch) in ("Arabic", "Hebrew"):
                abjad += 1
    return total > 0 and abjad * 2 > total
