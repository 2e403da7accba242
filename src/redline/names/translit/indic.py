"""Devanagari (inherent a dropped word-finally) and the other Brahmic scripts of South Asia,
which are mapped onto their Devanagari twins (ISCII layout) and read the same way.
"""

from __future__ import annotations

import unicodedata

from redline.names.translit.common import Readings, alts, letter_table

__all__ = ["read_devanagari", "read_indic"]

_DEVA_CONS = letter_table(
    "कखगघङचछजझञटठडढणतथदधनऩपफबभमयरऱलळऴवशषसह",
    "k kh g gh ng ch chh j jh ny t th d dh n t th d dh n n p ph b bh m y r r l l l v sh sh s h",
)
_DEVA_NUKTA = {"क": "q", "ख": "kh", "ग": "gh", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
_DEVA_VOWELS = letter_table("अआइईउऊऋॠऌएऐओऔऑऍऎऒ", "a a i i u u ri ri li e ai o au o e e o")
_DEVA_MATRA = letter_table("ािीुूृॄेैोौॉॅॆॊॢ", "a i i u u ri ri e ai o au o e e o li")


def read_devanagari(run: str, ctx: str) -> Readings:
    outs: list[str] = []
    for keep_final in (False, True):
        o: list[str] = []
        pending = False  # an inherent "a" may follow the last consonant
        conjunct = False
        prev_virama = False
        for ch in run:
            if ch in _DEVA_CONS:
                if pending:
                    o.append("a")
                value = _DEVA_CONS[ch]
                if o and o[-1] == "\u0902":  # the anusvara takes the place of the next stop
                    o[-1] = "m" if value[0] in "pbm" else "n"
                o.append(value)
                pending, conjunct, prev_virama = True, prev_virama, False
            elif ch == "\u093c":
                if o and pending:
                    for k, v in _DEVA_NUKTA.items():
                        if o[-1] == _DEVA_CONS[k]:
                            o[-1] = v
                            break
            elif ch == "\u094d":
                pending, prev_virama = False, True
            elif ch in _DEVA_MATRA:
                o.append(_DEVA_MATRA[ch])
                pending = prev_virama = False
            elif ch in _DEVA_VOWELS:
                if pending:
                    o.append("a")
                o.append(_DEVA_VOWELS[ch])
                pending = prev_virama = False
            elif ch in "\u0902\u0901":
                if pending:
                    o.append("a")
                o.append("\u0902")
                pending = prev_virama = False
            elif ch == "\u0903":
                if pending:
                    o.append("a")
                o.append("h")
                pending = prev_virama = False
            elif ch == "ॐ":
                o.append("om")
            elif ch.isdigit():
                if pending:
                    o.append("a")
                o.append(ch)
                pending = prev_virama = False
        if pending and (keep_final or conjunct):
            o.append("a")
        outs.append("".join(o).replace("\u0902", "n"))
    return alts(*outs)


def read_indic(run: str, ctx: str) -> Readings:
    """Bengali, Gurmukhi, Gujarati, Oriya and the southern scripts share Devanagari's layout
    (ISCII): move each letter onto its Devanagari twin and read it the same way."""
    out = []
    for ch in run:
        cp = ord(ch)
        if ch in "\u0a70\u0a02":  # Gurmukhi tippi and bindi: a nasal
            out.append("\u0902")
        elif ch == "\u0982":  # the Bengali anusvara is always ng (Bangla)
            out.append("ङ\u094d")
        elif ch == "\u09ce":  # Bengali khanda ta
            out.append("त\u094d")
        elif 0x0980 <= cp <= 0x0DFF and unicodedata.category(ch)[0] in "LM":
            out.append(chr(0x0900 + (cp - 0x0980) % 0x80))
        elif ch.isdigit():
            out.append(ch)
    return read_devanagari("".join(out), ctx)
