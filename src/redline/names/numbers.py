"""Numbers in names, whatever their spelling: "5", "five", "V", "第五", "ה׳" all read "5".

Vessels and special-purpose companies differ by a number ("Hoshikaze Maru No. 8" vs
"No. 6", "Seraphine Navigation II" vs "IX"), and lists spell the number as digits,
words, Roman or CJK numerals. The scorer compares numbers exactly, so each token that
is a number becomes one canonical decimal string here ("08" → "8").

Splitting "No.8" into "No." and "8" is the caller's job: :data:`VESSEL_NUMBER_MARKERS`
lists the markers to drop. A lone "I" is Roman one only where the caller knows it
trails a name ("Sino Iron I"); elsewhere it is a pronoun or an initial.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "AMBIGUOUS_NUMBER_WORDS",
    "VESSEL_NUMBER_MARKERS",
    "numbers_in",
    "parse_number",
]

VESSEL_NUMBER_MARKERS = frozenset({"no", "no.", "nr", "nr.", "number", "№", "num", "#"})
"""Tokens that only announce the number after them ("No. 8", "Nr 3", "№ 5")."""

_MAX_DIGITS = 30
_MAX_TOKEN = 40

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
}
_BIG = {"hundred": 100, "thousand": 1000}

# One to ten in other languages. Words that are mostly something else ("un", "on", "he",
# "het") are left out; those that are also common name words ("Otto", "Dos" Santos)
# are listed in AMBIGUOUS_NUMBER_WORDS for the caller to weigh.
_FOREIGN = {
    # French
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "premier": 1, "premiere": 1,
    "deuxieme": 2, "troisieme": 3,
    # Spanish
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "primero": 1, "segundo": 2,
    "tercero": 3,
    # Portuguese
    "uma": 1, "dois": 2, "duas": 2, "quatro": 4, "sete": 7, "oito": 8,
    "nove": 9, "dez": 10,
    # Italian
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8,
    "dieci": 10, "primo": 1, "secondo": 2, "terzo": 3,
    # German
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    # Russian, in Latin
    "odin": 1, "dva": 2, "tri": 3, "chetyre": 4, "pyat": 5, "pjat": 5, "shest": 6,
    "sem": 7, "vosem": 8, "devyat": 9, "devjat": 9, "desyat": 10, "desjat": 10,
    # Russian and Ukrainian, in Cyrillic (й folds to и, ё to е)
    "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "чотири": 4, "пʼять": 5, "шість": 6, "сім": 7, "вісім": 8, "девʼять": 9,
    "дві": 2,
    # Turkish (ü, ç, ş, ö, ı folded)
    "bir": 1, "iki": 2, "uc": 3, "dort": 4, "bes": 5, "alti": 6, "yedi": 7,
    "sekiz": 8, "dokuz": 9,
}  # fmt: skip

# Hebrew letter names in Latin, as vessel and unit names use them ("Aleph", "Bet").
_HEBREW_NAMES = {
    "aleph": 1, "alef": 1, "bet": 2, "beth": 2, "beit": 2, "gimel": 3, "gimmel": 3,
    "dalet": 4, "daleth": 4, "hei": 5, "hey": 5, "vav": 6, "waw": 6,
    "zayin": 7, "chet": 8, "heth": 8, "khet": 8, "tet": 9, "teth": 9,
    "yod": 10, "yud": 10, "jod": 10,
}  # fmt: skip

AMBIGUOUS_NUMBER_WORDS = frozenset(
    {
        "uno", "una", "uma", "dos", "tres", "sei", "tre", "due", "otto", "nove",
        "sette", "sept", "neuf", "dix", "vier", "acht", "sem", "tri", "dva", "bir",
        "iki", "alti", "bet", "tet", "hey", "one", "second", "primo", "i", "v", "x",
        "vi", "xi", "xx", "xv", "iv", "ix",
    }
)  # fmt: skip
"""Tokens that read as a number but are just as often a name or a word ("Otto",
"Dos Santos", "Xi", "Vi"); a scorer may count a clash on them less."""

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _to_roman(value: int) -> str:
    out = []
    for symbol, amount in (("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1)):
        while value >= amount:
            out.append(symbol)
            value -= amount
    return "".join(out)


_ROMAN = {_to_roman(n): n for n in range(2, 31)}

_CJK_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "壱": 1, "壹": 1, "二": 2, "弐": 2, "贰": 2, "貳": 2,
    "两": 2, "兩": 2, "三": 3, "参": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5,
    "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9,
    "玖": 9,
}  # fmt: skip
_CJK_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CJK_CHARS = "".join(_CJK_DIGITS) + "".join(_CJK_UNITS)
_CJK_NUMBER = re.compile(rf"第([{_CJK_CHARS}]+)|([{_CJK_CHARS}]+)[号號番]|第?(\d+)[号號番]?")

_HEBREW_LETTERS = {
    "א": 1, "ב": 2, "ג": 3, "ד": 4, "ה": 5, "ו": 6, "ז": 7, "ח": 8, "ט": 9, "י": 10,
    "כ": 20, "ך": 20, "ל": 30, "מ": 40, "ם": 40, "נ": 50, "ן": 50, "ס": 60, "ע": 70,
    "פ": 80, "ף": 80, "צ": 90, "ץ": 90, "ק": 100, "ר": 200, "ש": 300, "ת": 400,
}  # fmt: skip
_GERESH = "׳'’`"
_GERSHAYIM = '״"”“'

_ORDINAL_SUFFIX = re.compile(r"^(\d{1,6})(?:st|nd|rd|th|e|er|re|eme|ème|º|ª|°|\.)$")
_MARKED = re.compile(r"(?:no|nr|#|№)\.?(\d{1,6})")
_SPLITTER = re.compile(r"[\s,;:/()\[\]{}]+")
_WORD_JOIN = re.compile(r"[-‐]")


def _fold(token: str) -> str:
    low = token.casefold()
    if low.isascii():
        return low
    low = (
        low.replace("ı", "i")
        .replace("ё", "е")
        .replace("й", "и")
        .replace("'", "ʼ")
        .replace("’", "ʼ")
    )
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _digits(token: str) -> str | None:
    if len(token) > _MAX_DIGITS:
        return None
    if token.isascii():
        return token.lstrip("0") or "0"
    out = []
    for ch in token:
        value = unicodedata.decimal(ch, -1)
        if value < 0:
            return None
        out.append(str(value))
    return "".join(out).lstrip("0") or "0"


def _cjk(text: str) -> int | None:
    """Value of a CJK numeral: 八 8, 十八 18, 二十 20, 三百二十 320, 一八 18."""
    if not text or any(ch not in _CJK_DIGITS and ch not in _CJK_UNITS for ch in text):
        return None
    if not any(ch in _CJK_UNITS for ch in text):
        return int("".join(str(_CJK_DIGITS[ch]) for ch in text))
    total = 0
    pending = 0
    for ch in text:
        if ch in _CJK_DIGITS:
            pending = _CJK_DIGITS[ch]
        else:
            total += (pending or 1) * _CJK_UNITS[ch]
            pending = 0
    return total + pending


def _hebrew(token: str) -> int | None:
    """Hebrew letters used as numerals, marked by geresh or gershayim: א׳ 1, י״ב 12."""
    letters = [ch for ch in token if ch in _HEBREW_LETTERS]
    marks = [ch for ch in token if ch in _GERESH or ch in _GERSHAYIM]
    if not letters or not marks or len(letters) + len(marks) != len(token):
        return None
    if len(letters) > 4 or len(marks) != 1:
        return None
    mark = token.index(marks[0])
    if len(letters) == 1 and mark != 1:
        return None
    if len(letters) > 1 and mark != len(token) - 2:
        return None
    return sum(_HEBREW_LETTERS[ch] for ch in letters)


def _words(low: str) -> int | None:
    if low in _UNITS:
        return _UNITS[low]
    if low in _TENS:
        return _TENS[low]
    if low in _ORDINALS:
        return _ORDINALS[low]
    if low in _BIG:
        return _BIG[low]
    if low in _FOREIGN:
        return _FOREIGN[low]
    if low in _HEBREW_NAMES:
        return _HEBREW_NAMES[low]
    if low in _ROMAN:
        return _ROMAN[low]
    # "twenty-one", "twentyone", "twenty-first"
    for tens, value in _TENS.items():
        if low.startswith(tens) and len(low) > len(tens):
            rest = low[len(tens) :].lstrip("-‐")
            unit = _UNITS.get(rest, _ORDINALS.get(rest))
            if unit is not None and 0 < unit < 10:
                return value + unit
    return None


@lru_cache(maxsize=65_536)
def parse_number(token: str, roman_i: bool = False) -> str | None:
    """The number a token spells, as a canonical decimal string, or None.

    Digits of any script ("08" → "8", "٨" → "8"), ordinals ("8th", "1er"), English
    number words (one … nineteen, twenty … ninety, "twenty-one", hundred, thousand,
    first … twentieth), one to ten in French, Spanish, Portuguese, Italian, German,
    Russian (Latin and Cyrillic), Ukrainian and Turkish, Roman numerals II–XXX ("I"
    only when ``roman_i``), CJK numerals (八, 十八, 第八, 八号) and Hebrew letter numerals
    with geresh (ה׳ 5, י״ב 12) or their Latin names ("aleph" 1, "bet" 2). Never raises.
    """
    if not token or len(token) > _MAX_TOKEN:
        return None
    token = token.strip().rstrip(".")
    if not token:
        return None
    if token.isdecimal():
        return _digits(token)
    low = _fold(token)
    if not low:
        return None
    if low == "i":
        return "1" if roman_i else None
    value = _words(low)
    if value is not None:
        return str(value)
    if low[0].isdecimal():
        m = _ORDINAL_SUFFIX.match(low)
        return _digits(m.group(1)) if m else None
    first = token[0]
    if first in _CJK_DIGITS or first in _CJK_UNITS or first == "第":
        m = _CJK_NUMBER.fullmatch(token)
        if m:
            if m.group(3) is not None:
                return _digits(m.group(3))
            cjk = _cjk(m.group(1) or m.group(2))
            return None if cjk is None else str(cjk)
        cjk = _cjk(token)
        return None if cjk is None else str(cjk)
    if first in _HEBREW_LETTERS:
        hebrew = _hebrew(token)
        return None if hebrew is None else str(hebrew)
    return None


_CJK_IN_TEXT = re.compile(rf"第([{_CJK_CHARS}\d]+)|([{_CJK_CHARS}]+)[号號番]")


def numbers_in(text: str) -> tuple[str, ...]:
    """Every number a name spells, in order: "Hoshikaze Maru No. 8" → ("8",),
    "第十八星風丸" → ("18",), "twenty five" → ("25",). A trailing lone "I" counts."""
    if not text:
        return ()
    text = text[:1000]
    out: list[str] = []
    tokens = [t for t in _SPLITTER.split(text) if t]
    previous_tens = False
    for index, raw in enumerate(tokens):
        token = raw
        low = _fold(token).rstrip(".")
        if low in VESSEL_NUMBER_MARKERS:
            previous_tens = False
            continue
        marked = _MARKED.match(low)
        if marked:
            token = marked.group(1)
        value = parse_number(token, roman_i=index == len(tokens) - 1 and index > 0)
        if value is None:
            for m in _CJK_IN_TEXT.finditer(raw):
                group = m.group(1) or m.group(2)
                cjk = _digits(group) if group.isdecimal() else _cjk(group)
                if cjk is not None:
                    out.append(str(cjk))
            previous_tens = False
            continue
        number = int(value) if len(value) < 6 else -1
        if previous_tens and 0 < number < 10:
            out[-1] = str(int(out[-1]) + number)
            previous_tens = False
            continue
        out.append(value)
        previous_tens = _fold(token) in _TENS
    return tuple(out)
