"""Han characters and Kana: pinyin, Japanese readings of name and company words, Korean
readings of Hanja, and Hepburn for Kana (they share Japanese text, hence one module).
"""

from __future__ import annotations

import re

from anyascii import anyascii

from redline.names.translit.common import Readings, alts, clean, letter_table, load_tsv

__all__ = ["read_han", "read_kana"]

# --------------------------------------------------------------------------------------
# Kana: Hepburn, long vowels unmarked as in passports (first) or spelled out (second).

_KANA = letter_table(
    "あいうえおかきくけこがぎぐげごさしすせそざじずぜぞたちつてとだぢづでどなにぬねのはひふへほ"
    "ばびぶべぼぱぴぷぺぽまみむめもやゆよらりるれろわゐゑをんぁぃぅぇぉゔゕゖゃゅょゎ",
    "a i u e o ka ki ku ke ko ga gi gu ge go sa shi su se so za ji zu ze zo ta chi tsu te to "
    "da ji zu de do na ni nu ne no ha hi fu he ho ba bi bu be bo pa pi pu pe po ma mi mu me mo "
    "ya yu yo ra ri ru re ro wa i e o n a i u e o vu ka ke ya yu yo wa"
)  # fmt: skip
_KANA.update({"ヷ": "va", "ヸ": "vi", "ヹ": "ve", "ヺ": "vo"})
_KANA_SMALL_Y = set("ゃゅょ")
_KANA_SMALL_V = set("ぁぃぅぇぉ")


def read_kana(run: str, ctx: str) -> Readings:
    s = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in run)
    sylls: list[str] = []
    geminate = False
    for c in s:
        if c in "っッ":
            geminate = True
            continue
        if c in "ーｰ":
            if sylls and sylls[-1]:
                sylls.append("-" + sylls[-1][-1] if sylls[-1][-1] in "aeiou" else "")
            continue
        if c in "ゝヽゞヾ":
            if sylls:
                sylls.append(sylls[-1])
            continue
        r = _KANA.get(c)
        if r is None:
            r = clean(anyascii(c)) if c.isalpha() else ""
        if c in _KANA_SMALL_Y and sylls and sylls[-1].endswith("i") and len(sylls[-1]) > 1:
            prev = sylls.pop()
            stem = prev[:-1]
            r = (stem + r[1:]) if stem in ("sh", "ch", "j") else (stem + r)
        elif c in _KANA_SMALL_V and sylls and sylls[-1]:
            prev = sylls.pop()
            stem = prev[:-1] if prev != "u" else "w"
            if stem in ("ts", "f", "v") or (prev.endswith("u") and len(prev) > 1):
                stem = prev[:-1]
            r = stem + r
        if geminate and r:
            r = ("t" + r) if r.startswith("ch") else (r[0] + r)
            geminate = False
        sylls.append(r)
    long_form = "".join(sylls).replace("-", "")
    short = re.sub(r"-[aeiou]", "", "".join(sylls))
    short = re.sub(r"ou|oo", "o", short)
    short = re.sub(r"uu", "u", short)
    return alts(short, long_form)


# --------------------------------------------------------------------------------------
# Han: pinyin; Japanese readings of name and company words; Korean readings of Hanja.

_JA: dict[str, str] | None = None
_JA_MAXLEN = 1
_KO_HANJA: dict[str, list[str]] | None = None


def _han_tables() -> tuple[dict[str, str], dict[str, list[str]]]:
    global _JA, _KO_HANJA, _JA_MAXLEN
    if _JA is None or _KO_HANJA is None:
        _JA = {k: v[0] for k, v in load_tsv("ja_words.tsv").items()}
        _JA_MAXLEN = max(len(k) for k in _JA)
        _KO_HANJA = {k: v[0].split(",") for k, v in load_tsv("ko_hanja.tsv").items()}
    return _JA, _KO_HANJA


def _japanese(run: str, need_word: bool) -> str | None:
    """Longest-first segmentation into known words; single kanji fall back to their name
    reading and run together (they are usually one word). None when nothing is known."""
    ja, _ = _han_tables()
    parts: list[str] = []
    glued = False
    matched_word = False
    i = 0
    n = len(run)
    while i < n:
        if run[i] in "々〻" and i:
            piece = run[i - 1]
            size = 1
        else:
            for size in range(min(_JA_MAXLEN, n - i), 0, -1):
                piece = run[i : i + size]
                if piece in ja:
                    break
            else:
                return None
        reading = ja.get(piece, "")
        if piece == "丸":  # the suffix of Japanese ship names is a word of its own
            matched_word = True
            parts.append(reading)
            glued = False
        elif size == 1:
            if glued and parts:
                parts[-1] += reading
            else:
                parts.append(reading)
            glued = True
        else:
            matched_word = True
            parts.append(reading)
            glued = False
        i += size
    if need_word and not matched_word:
        return None
    return " ".join(parts)


def read_han(run: str, ctx: str) -> Readings:
    _, ko = _han_tables()
    pinyin = " ".join(clean(anyascii(c)) for c in run if c not in "々〻")
    japanese = _japanese(run, need_word="ja" not in ctx)
    readings = [japanese, pinyin] if "ja" in ctx and japanese else [pinyin]
    if all(c in ko for c in run):
        for k in (1, 2, 0):
            readings.append(" ".join(ko[c][min(k, len(ko[c]) - 1)] for c in run))
    if japanese and "ja" not in ctx:
        readings.insert(min(2, len(readings)), japanese)
    return alts(*(r for r in readings if r))
