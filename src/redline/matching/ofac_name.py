"""The name score of OFAC's Sanctions List Search (SLS), reproduced for users who must show parity.

OFAC publishes only an outline of its tool (FAQ 249: Jaro-Winkler and Soundex, applied to
the whole name and to each name part, the higher of the two kept; candidates pre-filtered by
first letter and by at least 50% edit-distance similarity; FAQ 246/247: the fuzzy logic
reads the name field only). The rules below were fitted to 170 results of the live tool
(``namepairs/ofac_fixtures.csv`` in the shared data: 164 scored pairs, and 6 pairs it did
not return at its minimum of 80). Each rule names the rows that decide it. On those rows the
function lands within ±1 point of OFAC on 156 of 164 and within ±3 on 160; every pair OFAC
did not return scores below 80 (``benchmarks/ofac_parity.py`` prints the current figures).

1. **Cleaning.** Names are folded to upper case and their accents are stripped (NFKD), and
   the text is capped at 512 characters; the longest SDN name is under 200. Apostrophes are
   deleted, so that ``O'BRIEN`` reads ``OBRIEN`` and ``'ABD`` reads ``ABD`` ("O'BRIEN" vs
   "ORION" = 84). Letters of any script stay what they are. A Cyrillic query therefore never
   matches a Latin list name: "Владимир Путин" vs "PUTIN, Vladimir" was not returned. The
   accent stripping is our own choice; the fixture holds no accented query.
2. **Whole-name form.** The name keeps its letters, digits and hyphens; spaces, commas,
   periods and all other signs are dropped. "VLADIMIR PUTIN" is compared as
   ``VLADIMIRPUTIN``, and "PUTIN, Vladimir" as ``PUTINVLADIMIR``. Dropping the spaces brings
   25 rows within a point that the spaced form misses by more, and loses one such row. For
   example, "JOHN SMITH" vs "JOHN, Damien" = 85 gives 85 without spaces and 89 with them;
   "KIM JONG UN" vs "KIM, Yong Su" = 90 gives 90 against 93. The hyphen stays: "AL-QAEDA" vs
   "AL QAIDA" scores 90 where "AL QAEDA" vs "AL QAIDA" scores 94, and the "BASHIR-UD-DIN"
   rows fit only with the hyphen kept. The period goes: "MEHMOOD, Dr. Bashir Uddin" = 86.
3. **Jaro-Winkler, SimMetrics style.** The Jaro match window is ``max(len)//2 - 1``.
   Transpositions are counted as half the out-of-order matches *without* rounding down
   (``t = h / 2``). Rounding down would move long whole-name rows by 2-3 points: "GERD
   KNUTSEN" 71 would become 73, "GLORY HARVEST" 66 would become 68, and "KHESOUANI, George" 53 would
   become 56. The Winkler bonus is ``0.1 × prefix × (1 - jaro)``, and the common prefix
   counts up to **5** characters, not Winkler's 4. "GEORGE BUSH" vs "GEORGIEVA, Elena"
   (GEORG shared) = 83, where a cap of 4 gives 79 and a cap of 6 gives 86; the VLADIMIR rows
   agree. The bonus is given at any Jaro score, not only above 0.7: "GEORGE BUSH" vs
   "GLORY" = 67 is Jaro 0.63 plus the one-letter bonus.
4. **Whole-name technique.** This is the Jaro-Winkler score of the two whole-name forms. It
   runs whatever the first letters are, so a reversed name gets a low but non-zero score:
   "GEORGE BUSH" vs "KHESOUANI, George" = 53, "HEWANI, George" = 52.
5. **Name-part technique.** Names are split into words on every sign that is neither a
   letter nor a digit, so hyphens split here. Query words of one or two letters are left out
   ("KIM JONG UN" vs "KIM, Jong Man" = 100), unless no longer word exists ("Z" vs
   "ALBARRAQ Z" = 100). Each remaining query word takes its best Jaro-Winkler score over the
   candidate's words, and the scores are averaged. A candidate word counts only when it
   passes the pre-filter test of rule 6 against that query word. This explains "OSAMA BIN
   LADEN" vs "USAMA BIN LADEN NETWORK" = 84: OSAMA/USAMA differ in the first letter, so the
   part score is 67 and the whole-name score of 84 wins. It also explains "GEORGE BUSH" vs
   "OBEID, Boutros Georges" = 57, where BUSH/BOUTROS are only 29% alike and the whole-name
   score of 57 wins. The candidate's unmatched words cost nothing ("PUTIN" vs "PUTIN,
   Vladimir Vladimirovich" = 100), and word order does not matter.
6. **Pre-filter.** At least one query word and one candidate word must share the first
   letter and be at least 50% alike by Levenshtein distance over the longer length, or OFAC
   does not return the name, and we score it 0. Twelve "GEORGE BUSH" results scoring 62-76
   sit at exactly 50% (GEORGE/GROUPE, GEORGE/GLORY, ...), and "ALQAEDA" vs "AL QAEDA" (29%
   at best) was not returned although it is letter for letter the same.
7. **Result.** Each technique's score is rounded half up to a whole percent, as OFAC shows
   it, and the higher one is returned as a fraction.

FAQ 249 names Soundex, but no Soundex rule improves the fit. A bonus for words with equal
Soundex codes lifts some rows by a point and breaks others: "ASSAD BASHAR" vs "AL-ASSAD,
Bushra" stays at 92 although BASHAR and BUSHRA share the code B260. So the score uses no
Soundex. The four misses (|Δ| > 3) are these. "VLADIMIR PUTIN" vs "POLIN, Vladimir
Anatolevich" = 81, where we give 88. "PUTINPUTIN" vs "PUTIN, Vladimir" = 84, where we give
92. And two "PABLO ESCOBAR" rows (90 and 90, where we give 56 and 82) whose names are in
none of our SDN files. Per-word scores also tend to sit about half a point below OFAC's, as
if OFAC rounded them up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

__all__ = [
    "OfacName",
    "jaro_winkler",
    "ofac_name_score",
    "ofac_name_scores",
    "prepare_name",
    "score_prepared",
]

MAX_NAME_CHARS = 512
PREFIX_CAP = 5
PREFIX_SCALE = 0.1
MIN_PART_LENGTH = 3

_APOSTROPHES = dict.fromkeys(map(ord, "'`´ʹʻʼʽ‘’‛′"), None)
_HYPHENS = dict.fromkeys(map(ord, "‐‑‒–—―−"), ord("-"))
_WORD = re.compile(r"[^\W_]+")
_NOT_WHOLE = re.compile(r"[^\w-]|_")


class OfacName(NamedTuple):
    """A name cut the way the OFAC score reads it; build it once per name with prepare_name."""

    whole: str
    """Letters, digits and hyphens, upper case, nothing else (rule 2)."""
    words: tuple[str, ...]
    """Every word, upper case, in order (rule 5)."""
    parts: tuple[bool, ...]
    """For each word, whether it counts as a query word (3+ letters, or all if none is)."""
    by_initial: Mapping[str, tuple[str, ...]]
    """Distinct words by first letter, so that a query word meets only its own letter."""


@lru_cache(maxsize=65536)
def prepare_name(name: str) -> OfacName:
    """Clean a raw name once (rules 1, 2 and 5); cached because list names recur."""
    # Capped before and after: NFKD and upper() can lengthen a string several times over.
    text = name[:MAX_NAME_CHARS]
    if not text.isascii():
        # Accents go (é → E) rather than split the word they sit on.
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.upper().translate(_APOSTROPHES).translate(_HYPHENS)[:MAX_NAME_CHARS]
    words = tuple(_WORD.findall(text))
    whole = _NOT_WHOLE.sub("", text)
    has_long = any(len(w) >= MIN_PART_LENGTH for w in words)
    parts = tuple(len(w) >= MIN_PART_LENGTH or not has_long for w in words)
    grouped: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        grouped.setdefault(word[0], []).append(word)
    return OfacName(whole, words, parts, {k: tuple(v) for k, v in grouped.items()})


def _encode(a: str, b: str) -> tuple[bytes, bytes] | None:
    """Both strings as bytes with no zero byte (zero marks a used match), or None."""
    if a.isascii() and b.isascii() and "\0" not in a and "\0" not in b:
        return a.encode("ascii"), b.encode("ascii")
    # Non-Latin names: number the distinct characters 1..255 so that the byte search
    # below still runs in C; a pair with more than 255 distinct characters is not a name.
    alphabet = {c: i for i, c in enumerate(dict.fromkeys(a + b), 1)}
    if len(alphabet) > 255:
        return None
    return bytes(alphabet[c] for c in a), bytes(alphabet[c] for c in b)


def _jaro(a: str, b: str) -> float:
    len_a, len_b = len(a), len(b)
    if not len_a or not len_b:
        return 0.0
    if a == b:
        return 1.0
    window = max(max(len_a, len_b) // 2 - 1, 0)
    encoded = _encode(a, b)
    if encoded is None:
        return _jaro_slow(a, b, window)
    codes_a, codes_b = encoded
    free = bytearray(codes_b)
    matched_a = bytearray()
    for i, code in enumerate(codes_a):
        lo = i - window if i > window else 0
        j = free.find(code, lo, min(i + window + 1, len_b))
        if j >= 0:
            free[j] = 0
            matched_a.append(code)
    matches = len(matched_a)
    if not matches:
        return 0.0
    matched_b = bytes(c for c, f in zip(codes_b, free, strict=True) if not f)
    half = sum(x != y for x, y in zip(matched_a, matched_b, strict=True))
    return (matches / len_a + matches / len_b + (matches - half / 2) / matches) / 3


def _jaro_slow(a: str, b: str, window: int) -> float:
    """The same Jaro on code points, for the rare pair the byte path cannot encode."""
    used = [False] * len(b)
    matched_a: list[str] = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not used[j] and b[j] == ch:
                used[j] = True
                matched_a.append(ch)
                break
    matches = len(matched_a)
    if not matches:
        return 0.0
    matched_b = [c for c, u in zip(b, used, strict=True) if u]
    half = sum(x != y for x, y in zip(matched_a, matched_b, strict=True))
    return (matches / len(a) + matches / len(b) + (matches - half / 2) / matches) / 3


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler as OFAC's tool computes it (rule 3): t = h/2, prefix up to 5, any score."""
    jaro = _jaro(a, b)
    prefix = 0
    for x, y in zip(a[:PREFIX_CAP], b[:PREFIX_CAP], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + PREFIX_SCALE * prefix * (1.0 - jaro)


def _alike(a: str, b: str) -> bool:
    """The pre-filter test on two words (rule 6): at least 50% alike by Levenshtein."""
    longest = max(len(a), len(b))
    return 2 * Levenshtein.distance(a, b, score_cutoff=longest // 2) <= longest


def _percent(score: float) -> int:
    # Half up, with a hair of slack so that 0.925 computed as 0.92499999… still gives 93.
    return int(score * 100 + 0.5 + 1e-9)


def score_prepared(query: OfacName, candidate: OfacName) -> float:
    """The OFAC score of two prepared names, in [0, 1] (rules 4-7)."""
    if not query.words or not candidate.words:
        return 0.0
    retrieved = False
    total = 0.0
    count = 0
    for word, is_part in zip(query.words, query.parts, strict=True):
        best = 0.0
        for other in candidate.by_initial.get(word[0], ()):
            if _alike(word, other):
                retrieved = True
                if is_part:
                    best = max(best, jaro_winkler(word, other))
        if is_part:
            total += best
            count += 1
    if not retrieved:
        return 0.0
    whole = jaro_winkler(query.whole, candidate.whole)
    return max(_percent(whole), _percent(total / count)) / 100


def ofac_name_score(query: str, candidate: str) -> float:
    """OFAC's score of a typed query against one list name, as a fraction (0.9 for 90).

    >>> ofac_name_score("VLADIMIR PUTIN", "PUTIN, Vladimir")
    1.0
    >>> ofac_name_score("GEORGE BUSH", "HASWANI, George")
    0.5
    """
    return score_prepared(prepare_name(query), prepare_name(candidate))


def ofac_name_scores(query: str, candidates: Sequence[str]) -> float:
    """The best OFAC score of a query over one party's names (primary name and aliases)."""
    prepared = prepare_name(query)
    return max((score_prepared(prepared, prepare_name(c)) for c in candidates), default=0.0)
