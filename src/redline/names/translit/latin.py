"""Latin letters with accents and special letters (ß, ø, ł, þ...) folded to ASCII, plus the
German/Nordic spelling (ä -> ae) and the English spelling of Slavic and Turkish letters
(č -> ch, š -> sh) as further readings.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii

from redline.names.translit.common import Readings, alts

__all__ = ["NAME_WORDS", "read_latin"]

#: Latin name words that join two words of the original: Abd al-X names are written
#: "Abdul Rahman", "Abdel Rahman", "Abdur Rehman" (the article, assimilated, joined to
#: Abd), where Arabic writes عبد الرحمن and other Latin spellings "Abd al-Rahman". The
#: word also reads as Abd alone, which meets عبد and "Abd" (the article's word meets
#: the name after it either way: al-Rahman / الرحمن / Rahman).
NAME_WORDS = {
    word: ("abd",) for word in ("abdul", "abdel", "abdal", "abdol", "abdoul", "abdur", "abdus")
}

_LATIN_SPECIAL = {
    "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th",
    "ð": "d", "ŋ": "ng", "ħ": "h", "ŧ": "t", "ə": "a", "ɛ": "e", "ɔ": "o", "ĸ": "k",
    "ƒ": "f", "ʃ": "sh", "ʒ": "zh", "ǝ": "e", "ı̇": "i",
}  # fmt: skip
_GERMANIC = {"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"}
# Slavic, Baltic and Turkish letters whose sound English spells with two letters: Mešić
# is written Meshich in Cyrillic and English, Çiçek is Chichek.
_DIGRAPHS = {
    "č": "ch", "ć": "ch", "ç": "ch", "š": "sh", "ś": "sh", "ş": "sh", "ș": "sh",
    "ž": "zh", "ź": "zh", "ż": "zh", "ř": "rzh", "ñ": "ny", "ğ": "gh", "ț": "ts",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One lowercase Latin letter without its accents."""
    if ch in _LATIN_SPECIAL:
        return _LATIN_SPECIAL[ch]
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base.isascii() else anyascii(base)


def read_latin(run: str, ctx: str) -> Readings:
    s = run.lower()
    r1 = "".join(c if c.isascii() else _fold(c) for c in s)
    extra: list[str] = []
    if any(c in _GERMANIC for c in s):
        extra.append("".join(_GERMANIC.get(c) or (c if c.isascii() else _fold(c)) for c in s))
    if any(c in _DIGRAPHS for c in s):
        extra.append("".join(_DIGRAPHS.get(c) or (c if c.isascii() else _fold(c)) for c in s))
    return alts(r1, *extra)
