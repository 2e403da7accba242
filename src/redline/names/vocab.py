"""Business vocabulary: abbreviations, multilingual concepts and generic words.

Company names translate their business words: "Shaltiel Hovalot" is "Shaltiel
Transport", "Tsiklauri Gvino" is "Tsiklauri Wine", "ТОВ Перевезення" is "Transport
LLC". A transliteration never makes "hovalot" look like "transport", so each business
word maps to a concept symbol (``TRANSPORT``) that the scorer compares instead. Words
such as "trading", "international" or "the" say little about *which* company a name is;
:func:`is_generic` lets the scorer weigh them less. The table is ``data/vocab.tsv``,
written from general knowledge of the languages (its header explains the format).

Lookups take one token (any case; Latin accents are ignored) and are cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

__all__ = [
    "concept",
    "concepts",
    "expand_abbreviation",
    "find_concepts",
    "fold_token",
    "is_generic",
    "split_unspaced",
]

_MAX_TOKEN = 64

_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        # Arabic-script letters that Arabic and Persian write differently.
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ـ": None,
        "\u200c": None,
        "\u200d": None,
    }
)
_HEBREW_PREFIXES = ("וה", "ו", "ה", "ב", "ל")
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال", "و")
# Scripts written without spaces between words, where a word is found inside a run.
# Korean is spaced in prose, but company names run their words together (새벽별물류:
# "dawn star" + "logistics"), so Hangul is searched the same way.
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)

# Chinese, Japanese and Korean, whose business words are cut out of a run as words of
# their own; Thai and Burmese readings find them inside their runs (translit/myanmar.py).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


@cache
def fold_token(token: str) -> str:
    """The lookup key of a token: casefolded, accents and vowel marks dropped, ł/ø/ß/æ/ı/đ
    spelled out, Arabic-script letter variants unified, outer dots and quotes removed."""
    key = token.strip().casefold()
    if not key.isascii():
        decomposed = unicodedata.normalize("NFKD", key)
        key = "".join(c for c in decomposed if not unicodedata.combining(c))
        key = key.translate(_SPECIAL).casefold()
    return key.strip(".'\"")


@dataclass(frozen=True, slots=True)
class _Vocab:
    abbreviations: dict[str, str]
    concepts: dict[str, str]
    generic_words: frozenset[str]
    generic_concepts: frozenset[str]
    unspaced: re.Pattern[str] | None
    unspaced_concepts: dict[str, str]  # the pattern's words (composed) and their concepts
    conflicts: tuple[tuple[str, str, str], ...]  # (word, kept concept, dropped concept)


@cache
def _vocab() -> _Vocab:
    text = resources.files("redline.names").joinpath("data/vocab.tsv").read_text("utf-8")
    abbreviations: dict[str, str] = {}
    mapping: dict[str, str] = {}
    generic: set[str] = set()
    generic_concepts: set[str] = set()
    conflicts: list[tuple[str, str, str]] = []
    unspaced: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, key, _lang, words = line.split("\t")
        if kind == "abbr":
            for word in words.split():
                abbreviations.setdefault(fold_token(word), key)
        elif kind == "generic":
            generic.update(fold_token(w) for w in words.split())
        elif kind == "generic-concepts":
            generic_concepts.update(words.split())
        elif kind == "concept":
            for word in words.split():
                folded = fold_token(word)
                if not folded:
                    continue
                kept = mapping.setdefault(folded, key)
                if kept != key:
                    conflicts.append((folded, kept, key))
                # Folding decomposes Hangul syllables into letters; runs are searched
                # in names as written (composed), so the pattern takes the composed word.
                surface = unicodedata.normalize("NFC", folded)
                if _UNSPACED.search(surface):
                    unspaced.setdefault(surface, kept)
        else:
            raise ValueError(f"vocab.tsv: unknown kind in {line!r}")
    pattern = None
    if unspaced:
        ordered = sorted(unspaced, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(w) for w in ordered))
    return _Vocab(
        abbreviations,
        mapping,
        frozenset(generic),
        frozenset(generic_concepts),
        pattern,
        unspaced,
        tuple(conflicts),
    )


@lru_cache(maxsize=131_072)
def expand_abbreviation(token: str) -> str | None:
    """The full word for a business abbreviation ("intl" → "international", "Mfg." →
    "manufacturing", "F.lli" → "fratelli", "&" → "and"), or None. "St" reads "saint";
    "Com"/"Ind" read as the Portuguese/Spanish "comercio"/"industria" of export names."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    key = fold_token(token)
    table = _vocab().abbreviations
    found = table.get(key)
    if found is None and ("." in key or "'" in key):
        found = table.get(key.replace(".", "").replace("'", ""))
    return found


@lru_cache(maxsize=131_072)
def concept(token: str) -> str | None:
    """The concept symbol of a business word in any listed language ("Hovalot",
    "перевозки", "Transportes" → "TRANSPORT"), or None. Plural "-s"/"-es"/"-ies" of
    Latin words and a leading Hebrew ו/ה or Arabic ال/و/لل are tried off when the whole
    word is unknown."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    key = fold_token(token)
    if not key:
        return None
    table = _vocab().concepts
    found = table.get(key)
    if found is not None:
        return found
    if key.isascii():
        if len(key) >= 5 and key.endswith("s"):
            for stem in (key[:-1], key[:-2], key[:-3] + "y" if key.endswith("ies") else ""):
                if stem and stem in table:
                    return table[stem]
        return None
    first = key[0]
    if "\u05d0" <= first <= "\u05ea":
        prefixes: tuple[str, ...] = _HEBREW_PREFIXES
    elif "\u0600" <= first <= "\u06ff":
        prefixes = _ARABIC_PREFIXES
    else:
        return None
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) - len(prefix) >= 3:
            found = table.get(key[len(prefix) :])
            if found is not None:
                return found
    return None


@lru_cache(maxsize=131_072)
def is_generic(token: str) -> bool:
    """Whether a word says little about which organisation a name is: articles and
    conjunctions ("the", "de", "and", "ve"), and words of generic concepts (company,
    group, trading, international, services, holdings, industries, general …)."""
    if not token or len(token) > _MAX_TOKEN:
        return False
    vocab = _vocab()
    key = fold_token(token)
    if key in vocab.generic_words:
        return True
    expanded = vocab.abbreviations.get(key)
    found = concept(expanded if expanded is not None else token)
    return found is not None and found in vocab.generic_concepts


def find_concepts(text: str) -> tuple[tuple[int, int, str], ...]:
    """Concept words inside runs of Chinese, Japanese, Thai or Burmese text, which are
    written without spaces: "雾山精密机械" → ((2, 4, "PRECISION"), (4, 6, "MACHINERY")).
    Positions are in ``text``; longest words win."""
    if not text or not _UNSPACED.search(text):
        return ()
    vocab = _vocab()
    if vocab.unspaced is None:
        return ()
    folded = text[:2000]
    return tuple(
        (m.start(), m.end(), vocab.unspaced_concepts[m.group()])
        for m in vocab.unspaced.finditer(folded)
    )


def split_unspaced(text: str) -> str:
    """``text`` with spaces around the Chinese, Japanese and Korean business words of
    two or more characters inside runs: "雾山精密机械" → "雾山 精密 机械", "새벽별물류" →
    "새벽별 물류". Each is then a word of its own that compares by concept with its
    translation. Single characters (海, 船) stay in their run: too many names hold them."""
    found = [(a, b) for a, b, _ in find_concepts(text) if b - a >= 2 and _CJK.fullmatch(text[a:b])]
    if not found:
        return text
    out: list[str] = []
    last = 0
    for start, end in found:
        out.extend((text[last:start], " ", text[start:end], " "))
        last = end
    out.append(text[last:])
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def concepts() -> dict[str, frozenset[str]]:
    """Every concept with its (folded) words, for documentation and tests."""
    out: dict[str, set[str]] = {}
    for word, symbol in _vocab().concepts.items():
        out.setdefault(symbol, set()).add(word)
    return {symbol: frozenset(words) for symbol, words in out.items()}
