"""Cleaning of raw names before analysis: one Unicode form, no controls, bounded size.

Names reach the matcher from list files, customer files, the CLI and HTTP. Whatever
arrives (control characters, lone surrogates, zero-width marks, 10,000-character
fields), the rest of the pipeline sees a short, NFKC-normalised, single-spaced string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Longest name kept, in characters. Real names (even long Burmese or Polish company
#: names with their legal forms) are far shorter; the cap bounds the work per query.
MAX_NAME_CHARS = 400
#: Most tokens kept per name.
MAX_TOKENS = 24

_SPACES = re.compile(r"\s+")
# Word characters in any script (letters, marks, digits); everything else separates.
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*", re.UNICODE)
# The Hebrew geresh (ג׳ j, צ׳ ch) is a letter's mark, not a word break: read as an
# apostrophe, which the Hebrew reader takes as a geresh.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "\u05f3": "'"})
#: Hebrew letters a geresh changes (ג׳ j, ז׳ zh, צ׳ ch, ת׳ th, ח׳ kh, ד׳ dh): kept even at
#: the end of a word (ג׳ורג׳, George).
_GERESH_LETTERS = frozenset("גזצץתחד")


def clean_name(text: str) -> str:
    """Return ``text`` NFKC-normalised, without control or format characters, single-spaced.

    Lone surrogates (from badly decoded bytes) are dropped rather than raising later.
    """
    if not text:
        return ""
    if len(text) > MAX_NAME_CHARS * 4:
        text = text[: MAX_NAME_CHARS * 4]
    text = text.encode("utf-8", "ignore").decode("utf-8") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFKC", text)
    chars = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat == "Cs" or cat == "Co" or cat == "Cn":
            chars.append(" " if ch in "\t\n\r\x0b\x0c" else "")
        elif cat == "Cf":
            # Zero-width joiners and marks change no reading; drop them.
            continue
        else:
            chars.append(ch)
    cleaned = _SPACES.sub(" ", "".join(chars)).strip()
    if len(cleaned) > MAX_NAME_CHARS:
        cut = cleaned.rfind(" ", 0, MAX_NAME_CHARS)
        cleaned = cleaned[: cut if cut > MAX_NAME_CHARS // 2 else MAX_NAME_CHARS]
    return cleaned


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def tokenize(text: str) -> list[str]:
    """Split a cleaned name into words of any script, apostrophes kept inside words.

    Letters, combining marks and digits make words: Burmese, Devanagari and Thai vowel
    signs, Hebrew points and Arabic harakat are marks, which a plain ``\\w`` regex
    would cut words at.
    """
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return _TOKEN.findall(text)[:MAX_TOKENS]
    words = ("".join(map(_word_char, text))).split()
    return [w for w in (_trim(word) for word in words) if w][:MAX_TOKENS]


def _trim(word: str) -> str:
    """A word without the apostrophes around it, but for a geresh ending a Hebrew word."""
    core = word.strip("'")
    if core and core[-1] in _GERESH_LETTERS and word.endswith("'"):
        return core + "'"
    return core


@lru_cache(maxsize=8192)
def _word_char(ch: str) -> str:
    """A character kept in a word (letters, marks, digits, apostrophes), else a space."""
    return ch if ch.isalnum() or ch == "'" or unicodedata.category(ch)[0] == "M" else " "


def fold_latin(text: str) -> str:
    """Lowercase and strip accents from Latin text (other scripts pass through unchanged)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
