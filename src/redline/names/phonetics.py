"""Phonetic keys and consonant skeletons of Latin-script tokens.

Two keys, for two jobs:

* :func:`phonetic_key` folds the spelling variants that transliteration and
  romanisation produce between Latin spellings of one name (kh/h, zh/j, ph/f, w/v,
  y/i, ee/i, oh/o before a consonant, doubled letters, c/k/s, x/ks, gh/q/k,
  ts/tz/z/s). Two spellings with one key are the same name written by two clerks:
  Zavyalov/Zavjalov, Kharitonov/Haritonov, Levitsky/Levitskiy, Shabbir/Shabir.
* :func:`skeleton` keeps only consonant classes (vowels, h, w, y dropped; b/p/f/v,
  k/q/g/c/ch/kh, s/z/sh/ts, d/dh, t/th merged). Arabic, Persian and Hebrew are written
  without short vowels, so "qasm dmawndyan" (قاسم دماوندیان) and "Ghassem Damavandian"
  share the skeleton "ksm dmbndn" while their letters differ a lot.
"""

from __future__ import annotations

import re
from functools import lru_cache

_KEY_RULES: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("shch", "sh"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "k"),
    ("ph", "f"),
    ("ck", "k"),
    ("tz", "s"),
    ("ts", "s"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("ee", "i"),
    ("ou", "u"),
    ("oo", "u"),
    ("y", "i"),
    ("z", "s"),
)
# j between letters is the y-glide of Slavic spellings (Zavjalov = Zavyalov); at the
# start of a word it is a consonant of its own (Jinqiao is not Yinqiao).
_INNER_J = re.compile(r"(?<=[a-z])j")
# An h after a single o and before a consonant or at the end lengthens the o: Japanese
# passports write Ōno and Itō as Ohno and Itoh, and English and German spell John, Kohl
# this way. After oo (Nooh) the h is a consonant of its own.
_LONG_OH = re.compile(r"(?<!o)oh(?![aeiouy])")
_SOFT_C = re.compile(r"c(?=[eiy])")
_HARD_C = re.compile(r"c(?!h)")
_DOUBLES = re.compile(r"(.)\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Fold Latin spelling variants of one token (lowercase ASCII in, key out)."""
    text = _NON_ALNUM.sub("", token.lower())
    if not text or text.isdigit():
        return text
    if "oh" in text:
        text = _LONG_OH.sub("o", text)
    text = _SOFT_C.sub("s", text)
    text = _HARD_C.sub("k", text)
    for old, new in _KEY_RULES:
        if old in text:
            text = text.replace(old, new)
    if "j" in text:
        text = _INNER_J.sub("i", text)
    return _DOUBLES.sub(r"\1", text)


_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "s"),
    ("ch", "k"),
    ("kh", "k"),
    ("gh", "k"),
    ("sh", "s"),
    ("zh", "j"),
    ("dj", "j"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "b"),
    ("ts", "s"),
    ("tz", "s"),
    ("ck", "k"),
)
_SKELETON_MAP = str.maketrans(
    {
        "p": "b",
        "f": "b",
        "v": "b",
        "q": "k",
        "g": "k",
        "c": "k",
        "x": "k",
        "z": "s",
        "a": None,
        "e": None,
        "i": None,
        "o": None,
        "u": None,
        "y": None,
        "w": "b",
        "h": None,
        "'": None,
    }
)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant classes of a Latin token, for comparing with vowel-less scripts.

    ``w`` joins the b/v/f class because Arabic و and Hebrew ו are read as v or w
    as often as u/o; when it stands for a vowel the Latin side has no consonant there
    and the edit distance pays one step.
    """
    text = _NON_ALNUM.sub("", token.lower())
    if not text or text.isdigit():
        return text
    for old, new in _SKELETON_RULES:
        if old in text:
            text = text.replace(old, new)
    # Collapse doubled letters before the vowels go, so that "kokhvei" keeps both k's
    # (כוכבי is k-v-k-b-y) while "Shabbir" and "Shabir" agree.
    return _DOUBLES.sub(r"\1", text).translate(_SKELETON_MAP)


_VOWELS = str.maketrans({"o": "u"})


def vowel_key(key: str) -> str:
    """A phonetic key with o and u made one: Qods/Quds, Yusuf/Yosuf differ only in the
    vowel that transliterations of Arabic, Persian and Russian choose freely. Other
    vowels stay apart: Pier and Peer, Exports and Experts are different words."""
    return _DOUBLES.sub(r"\1", key.translate(_VOWELS))
