"""Hebrew and Yiddish: consonantal and vocalic readings of unpointed text (matres lectionis,
geresh letters), and a full reading of pointed text (niqqud); last, a reading of the word
as the Hebrew spelling of a foreign name (ג׳ g, initial י j, ש ch, medial א a).
"""

from __future__ import annotations

from anyascii import anyascii

from redline.names.translit.common import APOSTROPHES, Readings, clean, distinct

__all__ = ["read_hebrew"]

_HE = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "v", "ז": "z", "ח": "kh", "ט": "t",
    "י": "y", "ך": "k", "כ": "k", "ל": "l", "ם": "m", "מ": "m", "ן": "n", "נ": "n", "ס": "s",
    "ע": "", "ף": "p", "פ": "p", "ץ": "ts", "צ": "ts", "ק": "q", "ר": "r", "ש": "sh", "ת": "t",
    "װ": "v", "ױ": "oy", "ײ": "ey",
}  # fmt: skip
_HE_GERESH = {"ג": "j", "צ": "ch", "ץ": "ch", "ז": "zh", "ת": "th", "ד": "dh", "ח": "kh"}
_HE_SPIRANT = {"ב": "v", "כ": "kh", "ך": "kh", "פ": "f", "ף": "f"}
_HE_NIQQUD = {
    "\u05b1": "e", "\u05b2": "a", "\u05b3": "o", "\u05b4": "i", "\u05b5": "e", "\u05b6": "e",
    "\u05b7": "a", "\u05b8": "a", "\u05b9": "o", "\u05ba": "o", "\u05bb": "u", "\u05c7": "o",
}  # fmt: skip
_HE_MATRES = set("אהוי")


def read_hebrew(run: str, ctx: str) -> Readings:
    letters: list[list[str]] = []  # [letter, marks, geresh]
    for ch in run:
        if ch in APOSTROPHES:
            if letters:
                letters[-1][2] = "'"
        elif ch in '\u05f4"':
            continue
        elif "\u0591" <= ch <= "\u05c7" and ch not in "\u05be\u05c0\u05c3\u05c6":
            if letters:
                letters[-1][1] += ch
        elif ch.isalpha():
            letters.append([ch, "", ""])
    n = len(letters)
    vowelled = any(any(m in _HE_NIQQUD for m in marks) for _, marks, _ in letters)
    r1: list[str] = []
    r2: list[str] = []
    r3: list[str] = []
    r4: list[str] = []
    rv: list[str] = []
    for i, (c, marks, geresh) in enumerate(letters):
        base = _HE.get(c)
        if base is None:
            base = clean(anyascii(c))
        if geresh and c in _HE_GERESH:
            base = _HE_GERESH[c]
        prev = letters[i - 1][0] if i else ""
        nxt = letters[i + 1][0] if i + 1 < n else ""
        # consonantal reading: double vav / yod are one consonant
        cons = "" if c in "וי" and prev == c else base
        r1.append(cons)
        # vocalic readings
        inner = bool(prev) and prev not in "וא"
        if c == "ו":
            v = "" if prev == "ו" else ("o" if inner and nxt != "ו" else "v")
        elif c == "י":
            v = "" if prev == "י" else ("i" if inner and nxt != "י" and prev != "י" else "y")
        elif c in "אע":
            v = "a" if not prev else ""
        elif c == "ה" and not nxt and prev:
            v = "a"
        elif c in _HE_SPIRANT and not geresh and (prev or c in "ךף"):
            v = _HE_SPIRANT[c]
        elif c == "ק":
            v = "k"
        else:
            v = base
        r2.append(v)
        if geresh and c in "גזצץ":
            r4.append("g" if c in "גז" else "c")  # Giovanni, Gérard, Kukoč
        elif c == "י" and not prev and nxt and nxt != "י":
            r4.append("j")  # Jann, Jutta: German and Slavic j
        elif c == "א" and not prev and nxt == "ו":
            r4.append("")
        elif c == "א" and prev and (prev not in _HE_MATRES or i == 1) and nxt != "י":
            r4.append("a")  # the a of foreign names (יאני Janni, מאהר Maher)
        elif c == "ש" and not geresh:
            r4.append("ch")  # the French ch (מישל Michel, ללוש Lellouche)
        elif c == "ו" and prev == "א" and i == 1:
            r4.append("o")  # an initial או is o (אוחנון Ohanon)
        elif base and c not in "וי" and prev and _HE.get(prev) == base and r4[-1] == base:
            r4.append("e" + base)  # two like consonants have a vowel between (רונן)
        else:
            r4.append(v)
        if c == "ה" and not nxt and prev:
            r3.append("e")
        elif c == "ח":
            r3.append("h")
        elif c in "צץ" and not geresh:
            r3.append("tz")
        elif c in "בכפ":
            r3.append(base)
        else:
            r3.append(v)
        if vowelled:
            pmarks = letters[i - 1][1] if i else ""
            rv.append(_hebrew_pointed(c, marks, geresh, base, prev, pmarks, last=not nxt))
    if vowelled:
        return distinct("".join(rv), "".join(r1), "".join(r2), "".join(r4))
    return distinct("".join(r1), "".join(r2), "".join(r3), "".join(r4))


def _hebrew_pointed(
    c: str, marks: str, geresh: str, base: str, prev: str, pmarks: str, *, last: bool
) -> str:
    """One letter of pointed Hebrew: its consonant (dagesh, shin/sin dots) and its vowel."""
    dagesh = "\u05bc" in marks
    vowel = "".join(_HE_NIQQUD.get(m, "") for m in marks)
    if not prev and "\u05b0" in marks:
        vowel = "e"  # a sheva under the first letter is sounded
    if c == "ו":
        if "\u05b9" in marks and not vowel.replace("o", ""):
            return "o"
        if dagesh and not vowel:
            return "u"
        return "v" + vowel
    if (
        c == "י"
        and not vowel
        and not dagesh
        and prev
        and any(m in pmarks for m in "\u05b4\u05b5\u05b6")
    ):
        return ""
    if c in _HE_SPIRANT and not geresh:
        base = {"ב": "b", "כ": "k", "ך": "k", "פ": "p", "ף": "p"}[c] if dagesh else _HE_SPIRANT[c]
    if c == "ש" and "\u05c2" in marks:
        base = "s"
    if c == "ה" and not vowel and not dagesh and last and prev:
        base = ""  # a final he without a vowel only marks the vowel before it
    return base + vowel
