"""The word layer of mention finding: how a text splits into words, which adjacent words
may belong to one name, and the keys a word is looked up under. Kept apart from
:mod:`redline.media.mentions` because it knows nothing of parties or gazetteers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from redline.names import translit
from redline.names import vocab as business_words
from redline.names.analysis import HONORIFICS
from redline.names.normalise import fold_latin
from redline.names.phonetics import phonetic_key, skeleton, vowel_key

#: Lower-case words that may start or end a name (Arabic, Dutch, Spanish particles).
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "de", "van", "von", "der", "da", "di"})
#: Words before a name that say who someone is, not which one.
TITLES = HONORIFICS | frozenset(
    {
        *("brig", "gen", "chief", "president", "minister", "ceo", "director", "chairman"),
        *("commander", "adm", "sgt", "cpt", "rep", "sen", "gov", "judge", "justice"),
        *("head", "deputy", "vice", "secretary", "ambassador", "spokesman", "spokesperson"),
        *("officer", "executive", "founder", "owner", "mister", "mrs", "messrs", "mme"),
    }
)
#: Capitalised words that open sentences or headlines without being part of a name.
OPENERS = frozenset(
    {
        *(
            "the",
            "a",
            "an",
            "and",
            "but",
            "or",
            "so",
            "yet",
            "as",
            "at",
            "by",
            "for",
            "from",
            "in",
            "into",
            "of",
            "on",
            "onto",
            "to",
            "with",
        ),
        *(
            "without",
            "when",
            "while",
            "after",
            "before",
            "since",
            "until",
            "under",
            "over",
            "about",
            "against",
            "between",
        ),
        *(
            "during",
            "however",
            "meanwhile",
            "also",
            "both",
            "either",
            "neither",
            "former",
            "late",
            "then",
            "there",
        ),
        *(
            "this",
            "that",
            "these",
            "those",
            "his",
            "her",
            "its",
            "their",
            "our",
            "my",
            "your",
            "he",
            "she",
            "it",
            "they",
            "we",
            "i",
        ),
        *(
            "you",
            "who",
            "whom",
            "whose",
            "which",
            "what",
            "where",
            "why",
            "how",
            "if",
            "though",
            "although",
            "because",
            "once",
        ),
        *(
            "like",
            "unlike",
            "according",
            "per",
            "via",
            "said",
            "says",
            "told",
            "report",
            "reports",
            "reported",
            "news",
        ),
        *("new",),
    }
)

_MARKS = "".join(
    chr(c)
    for c in range(0x0300, 0x2000)
    if unicodedata.category(chr(c)).startswith("M") and chr(c) not in "\u0345"
)
_WORD = re.compile(
    rf"(?:[^\W_]|[{re.escape(_MARKS)}])+(?:(?:['’ʼ]|\u200c)(?:[^\W_]|[{re.escape(_MARKS)}])+)*"
)
_POSSESSIVE = re.compile(r"['’ʼ][sS]$")
_JOIN_GAP = re.compile(r"[ \t\u00a0]*(?:\r?\n)?[ \t\u00a0]*")
_HYPHEN_GAP = re.compile(r"[ \t]*[-‐‑][ \t]*(?:\r?\n)?[ \t]*")
_DOT_GAP = re.compile(r"\.[ \t\u00a0]*(?:\r?\n)?[ \t\u00a0]*")
_SOFT_BREAK = re.compile(r"[-‐‑][ \t]*\r?\n[ \t]*")
_SENTENCE_END = (".", "!", "?", ";", ":", '"', "”", "’", ")")


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text with its offsets; a possessive "'s" is outside ``end``."""

    start: int
    end: int
    text: str
    possessive: bool


def words_of(text: str) -> list[Word]:
    """The words of a text in any script, with possessive endings split off."""
    out: list[Word] = []
    for m in _WORD.finditer(text):
        raw = m.group()
        end = m.end()
        possessive = False
        if len(raw) > 3 and _POSSESSIVE.search(raw):
            raw = raw[:-2]
            end -= 2
            possessive = True
        out.append(Word(m.start(), end, raw, possessive))
    return out


def joinable(text: str, left: Word, right: Word) -> bool:
    """Whether two adjacent words may belong to one name: only spaces and at most one
    line break between them, a hyphen ("Sharifi-Tehrani", also broken across lines), or
    the full stop of an initial or short title ("Abdollah M. Mehrabi", "Gen. Mehrabi").
    A possessive ends a name: "Iran's Quds Aviation" is not one."""
    if left.possessive:
        return False
    gap = text[left.end : right.start]
    if _JOIN_GAP.fullmatch(gap) or _HYPHEN_GAP.fullmatch(gap):
        return True
    return len(left.text) <= 3 and _DOT_GAP.fullmatch(gap) is not None


@dataclass(frozen=True, slots=True)
class WordKeys:
    """The lookup keys of one word of text, over its Latin readings."""

    keys: tuple[str, ...]
    """Phonetic keys and "v" + their vowel-folded forms: a hit on these is strong."""
    deletes: tuple[str, ...]
    """"d" + the key less one letter, for keys of five letters or more."""
    skels: tuple[str, ...]
    abjad: bool
    concept: str | None


@lru_cache(maxsize=200_000)
def word_keys(raw: str) -> WordKeys:
    """The keys one word of text is looked up under (see :class:`WordKeys`)."""
    folded = fold_latin(raw)
    if folded.isascii():
        readings = [folded.replace("'", "")]
        abjad = False
    else:
        readings = [r.replace(" ", "") for r in translit.latinize(raw)][:4]
        abjad = translit.is_abjad(raw)
    keys: list[str] = []
    deletes: list[str] = []
    skels: list[str] = []
    for reading in readings:
        key = phonetic_key(reading)
        if not key or key.isdigit():
            continue
        for k in (key, "v" + vowel_key(key)):
            if k not in keys:
                keys.append(k)
        if len(key) >= 5:
            deletes.extend("d" + d for d in _deletes(key) if "d" + d not in deletes)
        skel = skeleton(reading)
        if len(skel) >= 2 and skel not in skels:
            skels.append(skel)
    concept = business_words.concept(raw) if len(raw) > 2 else None
    return WordKeys(tuple(keys), tuple(deletes), tuple(skels), abjad, concept)


def _deletes(key: str) -> list[str]:
    return [key[:i] + key[i + 1 :] for i in range(len(key))]
