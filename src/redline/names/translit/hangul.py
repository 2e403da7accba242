"""Hangul: Revised Romanization by syllable, the conventional spellings of Korean surnames
and given-name syllables from ``data/ko_names.tsv`` (Kim, Park, Lee; jong un), and the
North Korean romanisation that UN and OFAC designations of DPRK nationals use (O Kuk
Ryol, Jong Kyong Thaek, Ro Tu Chol).
"""

from __future__ import annotations

from anyascii import anyascii

from redline.names.translit.common import Readings, alts, clean, read_data

__all__ = ["read_hangul"]

_KO_L = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_KO_V = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_KO_T = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
         "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]  # fmt: skip
_KO_NAMES: dict[str, dict[str, list[str]]] | None = None


def _ko_names() -> dict[str, dict[str, list[str]]]:
    global _KO_NAMES
    if _KO_NAMES is None:
        text = read_data("ko_names.tsv")
        table: dict[str, dict[str, list[str]]] = {"s": {}, "g": {}}
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                syl, role, spellings = line.split("\t")
                table[role][syl] = spellings.split(",")
        _KO_NAMES = table
    return _KO_NAMES


def _jamo(ch: str) -> tuple[int, int, int] | None:
    """A Hangul syllable's initial, vowel and final (positions in the tables above)."""
    idx = ord(ch) - 0xAC00
    if not 0 <= idx < 11172:
        return None
    return idx // 588, (idx % 588) // 28, idx % 28


def _rr(ch: str) -> str:
    parts = _jamo(ch)
    if parts is None:
        return clean(anyascii(ch))
    initial = _KO_L[parts[0]]
    return ("" if initial == "-" else initial) + _KO_V[parts[1]] + _KO_T[parts[2]]


# North Korea's romanisation, syllable by syllable as its names are written: initial
# consonants unvoiced (k, t, p), aspirates with h (kh, th, ph), eo and yeo as o and yo,
# eu as u; finals as in Revised Romanization.
_DPRK_L = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch",
           "kh", "th", "ph", "h"]  # fmt: skip
_DPRK_V = {"eo": "o", "yeo": "yo", "eu": "u"}


def _dprk(ch: str) -> str:
    parts = _jamo(ch)
    if parts is None:
        return clean(anyascii(ch))
    vowel = _KO_V[parts[1]]
    return _DPRK_L[parts[0]] + _DPRK_V.get(vowel, vowel) + _KO_T[parts[2]]


def _ko_conventional(rr: str) -> str:
    """McCune-Reischauer-like spelling of a given-name syllable (seong -> sung)."""
    s = rr.replace("yeong", "young").replace("eo", "u")
    if s.startswith("si"):
        s = "shi" + s[2:]
    if s.startswith("g") and not s.startswith("gg"):
        s = "k" + s[1:]
    return s


def read_hangul(run: str, ctx: str) -> Readings:
    syls = [c for c in run if c.isalpha()]
    rr = [_rr(c) for c in syls]
    names = _ko_names()
    given = names["g"]
    conv1: list[str] = []
    conv2: list[str] = []
    start = 0
    surname: list[str] = []
    if 1 <= len(syls) <= 4:
        two = "".join(syls[:2])
        if len(syls) >= 3 and two in names["s"]:
            surname, start = names["s"][two], 2
        elif syls[0] in names["s"]:
            surname, start = names["s"][syls[0]], 1
    if surname:
        conv1.append(surname[0])
        conv2.append(surname[1] if len(surname) > 1 else surname[0])
    for c, r in zip(syls[start:], rr[start:], strict=True):
        spellings = given.get(c)
        if spellings:
            conv1.append(spellings[0])
            conv2.append(spellings[-1])
        else:
            conv1.append(_ko_conventional(r))
            conv2.append(conv1[-1])
    readings = [" ".join(rr), " ".join(conv1), " ".join(_dprk(c) for c in syls)]
    if surname and len(surname) > 2:
        readings.append(" ".join([surname[2], *conv1[1:]]))
    readings.append(" ".join(conv2))
    return alts(*readings)
