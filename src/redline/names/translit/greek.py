"""Greek: ELOT 743 (as in passports) first, then a phonetic reading (ai -> e, ei -> i...)."""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

from redline.names.translit.common import Readings, alts, clean, letter_table

__all__ = ["read_greek"]

_GR1 = letter_table(
    "αβγδεζηθικλμνξοπρσςτυφχψω", "a v g d e z i th i k l m n x o p r s s t y f ch ps o"
)
_GR_VOICED = set("αεηιουωβγδζλμνρ")
_GR_DIGRAPHS_PHON = {"αι": "e", "ει": "i", "οι": "i", "υι": "i", "ου": "ou"}


def read_greek(run: str, ctx: str) -> Readings:
    # Keep the diaeresis (it blocks digraphs), drop the accents.
    s = ""
    split_before: set[int] = set()
    for ch in unicodedata.normalize("NFD", run.lower()):
        if ch == "\u0308":
            split_before.add(len(s) - 1)
        elif not unicodedata.combining(ch):
            s += ch
    r1: list[str] = []
    r2: list[str] = []
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        nxt = s[i + 1] if i + 1 < n and (i + 1) not in split_before else ""
        after = s[i + 2] if i + 2 < n else ""
        pair = c + nxt
        if pair == "ου":
            r1.append("ou")
            r2.append("ou")
            i += 2
            continue
        if nxt == "υ" and c in "αεη":
            base = {"α": "a", "ε": "e", "η": "i"}[c]
            tail = "v" if after and after in _GR_VOICED else "f"
            r1.append(base + tail)
            r2.append(base + tail)
            i += 2
            continue
        if pair in _GR_DIGRAPHS_PHON:
            r1.append(_GR1[c] + _GR1[nxt])
            r2.append(_GR_DIGRAPHS_PHON[pair])
            i += 2
            continue
        if pair in ("μπ", "ντ", "γκ"):
            initial = i == 0
            stop = {"μπ": "b", "ντ": "d", "γκ": "g"}[pair]
            r1.append(stop if initial else {"μπ": "mp", "ντ": "nt", "γκ": "gk"}[pair])
            r2.append(stop if initial else {"μπ": "mb", "ντ": "nd", "γκ": "ng"}[pair])
            i += 2
            continue
        if c == "γ" and nxt in ("γ", "ξ", "χ"):
            r1.append("n")
            r2.append("n")
            i += 1
            continue
        v = _GR1.get(c)
        if v is None:
            v = clean(anyascii(c)) if c.isalpha() else c
        r1.append(v)
        r2.append({"υ": "i", "χ": "h", "η": "i"}.get(c, v))
        i += 1
    return alts("".join(r1), "".join(r2))
