"""Han characters and Kana: pinyin and its Wade-Giles spelling, Japanese readings of name
and company words, Korean readings of Hanja, and Hepburn for Kana (they share Japanese
text, hence one module).
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from redline.names.translit.common import (
    Readings,
    alts,
    clean,
    letter_table,
    load_tsv,
    read_data,
)

__all__ = [
    "chinese_surname",
    "han_pinyin",
    "pinyin_syllables",
    "read_han",
    "read_kana",
    "wade_giles",
]

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


# --------------------------------------------------------------------------------------
# Wade-Giles: the romanisation of Taiwan, of older Hong Kong records and of many names
# written before pinyin. A pinyin syllable has one Wade-Giles spelling without its
# apostrophes and umlauts (zhang and chang are both "chang"), so pinyin can be read into
# it, not back.

_WADE_GILES: dict[str, str] | None = None
#: The longest pinyin syllable (chuang, shuang, zhuang).
_LONGEST_SYLLABLE = 6
#: Longer words are not read as pinyin: a name's word has at most three syllables.
_LONGEST_WORD = 30
#: Letters a pinyin syllable begins with (not i, u or v).
_FIRST_LETTERS = frozenset("abcdefghjklmnopqrstwxyz")


def _wade_giles_table() -> dict[str, str]:
    global _WADE_GILES
    if _WADE_GILES is None:
        _WADE_GILES = {k: v[0] for k, v in load_tsv("pinyin.tsv").items()}
    return _WADE_GILES


@lru_cache(maxsize=65536)
def pinyin_syllables(word: str) -> tuple[str, ...] | None:
    """The syllables of a toneless pinyin word ("zhiming" is zhi-ming), or None when the
    word is not made of pinyin syllables. Pinyin's own rule splits a word: a syllable
    after the first never begins with a vowel (Xi'an is marked with an apostrophe, so
    "xian" is one syllable and "changan" chan-gan); of the splits left, the one with the
    fewest syllables."""
    table = _wade_giles_table()
    n = len(word)
    if not 0 < n <= _LONGEST_WORD or word[0] not in _FIRST_LETTERS:
        return None
    # best[i]: the fewest syllables spelling word[:i].
    best: list[tuple[str, ...] | None] = [()] + [None] * n
    for end in range(1, n + 1):
        for size in range(min(_LONGEST_SYLLABLE, end), 0, -1):
            before = best[end - size]
            piece = word[end - size : end]
            if before is None or piece not in table or (before and piece[0] in "aeo"):
                continue
            found = best[end]
            if found is None or len(before) + 1 < len(found):
                best[end] = (*before, piece)
    return best[n] or None


_SURNAMES: frozenset[str] | None = None


def chinese_surname(word: str) -> bool:
    """Whether a toneless pinyin word is a Chinese family name (``data/zh_surnames.txt``)."""
    global _SURNAMES
    if _SURNAMES is None:
        lines = read_data("zh_surnames.txt").splitlines()
        _SURNAMES = frozenset(w for line in lines if not line.startswith("#") for w in line.split())
    return word in _SURNAMES


def wade_giles(word: str) -> str | None:
    """The Wade-Giles spelling of a toneless pinyin word, its syllables run together
    ("zhiming" is "chihming", "xu" is "hsu"); None when the word is not pinyin. A pinyin
    reading of Han characters, its syllables spaced, is read syllable by syllable."""
    parts = [pinyin_syllables(part) for part in word.split()]
    if not parts or any(p is None for p in parts):
        return None
    table = _wade_giles_table()
    return "".join(table[s] for p in parts if p is not None for s in p)


def han_pinyin(run: str) -> str:
    """The pinyin of a run of Han characters, a syllable per character, spaced."""
    return " ".join(clean(anyascii(c)) for c in run if c not in "々〻")


def read_han(run: str, ctx: str) -> Readings:
    _, ko = _han_tables()
    pinyin = han_pinyin(run)
    japanese = _japanese(run, need_word="ja" not in ctx)
    readings = [japanese, pinyin] if "ja" in ctx and japanese else [pinyin]
    if all(c in ko for c in run):
        for k in (1, 2, 0):
            readings.append(" ".join(ko[c][min(k, len(ko[c]) - 1)] for c in run))
    if japanese and "ja" not in ctx:
        readings.insert(min(2, len(readings)), japanese)
    return alts(*(r for r in readings if r))
