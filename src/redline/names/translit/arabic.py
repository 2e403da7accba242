"""Arabic script (Arabic, Persian, Urdu, Pashto, Kurdish...): a consonantal reading as
written, then a vocalic one; vowelled text (harakat) gets its full reading first. Outside
Persian text two more vocalic readings follow, for foreign and colloquial names and for
the French spelling of the Maghreb.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from redline.names.translit.common import Readings, clean, distinct

__all__ = ["read_arabic"]

_AR = {
    "ا": "a", "أ": "a", "إ": "a", "آ": "a", "ٱ": "a", "ء": "", "ئ": "", "ؤ": "", "ب": "b",
    "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y",
    "ى": "a", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ڤ": "v",
    "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ھ": "h", "ے": "e", "ۃ": "a", "ۀ": "h", "ە": "e",
    "ې": "e", "ۍ": "y", "ڭ": "ng", "ۆ": "o", "ۇ": "u", "ۈ": "u", "ۋ": "v", "ڵ": "l", "ڕ": "r",
    "ڨ": "g", "ټ": "t", "ډ": "d", "ړ": "r", "ږ": "zh", "ښ": "sh", "ځ": "dz",
    "څ": "ts", "ګ": "g", "ڼ": "n", "ٸ": "y", "ٶ": "w", "ٷ": "u", "ٵ": "a",
}  # fmt: skip
_AR_FA = {"ق": "gh", "ذ": "z", "ض": "z", "ظ": "z", "ث": "s", "ص": "s", "و": "v"}
_HARAKAT = {"\u064e": "a", "\u0650": "i", "\u064f": "u", "\u0670": "a", "\u064b": "",
            "\u064c": "", "\u064d": "", "\u0652": ""}  # fmt: skip
_AR_LONG = set("اآىوي")
_AR_LOAN = {"ج": "g", "ق": "g", "غ": "g", "ث": "s", "ذ": "z", "ظ": "z", "ض": "z"}
_AR_FRENCH = {"ش": "ch", "ج": "dj", "و": "ou", "ۆ": "ou", "ظ": "d"}
_IYY = re.compile(r"iyy\b")
_AR_SKIP = set("\u0640\u0653\u0654\u0655\u0656\u0657\u0658\u06e1\u06ed")


def read_arabic(run: str, ctx: str) -> Readings:
    letters: list[list[str]] = []  # [letter, marks]
    for ch in run:
        if ch in _AR_SKIP:
            continue
        if unicodedata.combining(ch) or ch in _HARAKAT or ch == "\u0651":
            if letters:
                letters[-1][1] += ch
            continue
        letters.append([ch, ""])
    fa = "fa" in ctx
    n = len(letters)
    vowelled = any(m.strip("\u0651\u0652") for _, m in letters)
    cons: list[str] = []
    voc: list[str] = []
    marked: list[str] = []
    for i, (c, marks) in enumerate(letters):
        base = _AR.get(c)
        if base is None:
            base = clean(anyascii(c)) if c.isalpha() else c
        if c == "ھ" and i:
            base = "h"
        cons.append(base)
        prev = letters[i - 1][0] if i else ""
        nxt = letters[i + 1][0] if i + 1 < n else ""
        prev_cons = bool(prev) and prev not in _AR_LONG and prev in _AR
        v = (fa and _AR_FA.get(c)) or base
        if (
            c in "وۆيی"
            and i
            and (not nxt or nxt not in "اآىة")
            and (prev not in "اآ" or (i == 1 and prev in "اإ"))
            and nxt != c != prev
        ):
            # a long vowel between consonants; consonantal at the start, before or after alef
            v = "u" if c in "وۆ" else "i"
            if i == 1 and prev in "اإ":
                voc[-1] = ""  # ايران -> iran
        elif fa and c == "ی" and prev_cons and i + 3 == n and run.endswith("ان"):
            v = "i"  # the Persian -ian of Damavandian, Ahmadian
        elif c == "ع":
            v = "a" if (not prev or prev_cons) and nxt != "ا" and (nxt not in "يی") else ""
        elif c in "أإ" and not prev:
            v = "a" if c == "أ" else "i"
        elif c == "ش" and prev == "ت":
            voc[-1], v = "", "ch"  # تش writes a foreign ch
        voc.append(v)
        if vowelled:
            m = "" if c in "أإءئؤ" and any(h in marks for h in "\u064e\u0650\u064f") else base
            if "\u0651" in marks and base:
                m = base + base
            for mk in marks:
                m += _HARAKAT.get(mk, "")
            if c in _AR_LONG and c not in "آ" and not marks and i and letters[i - 1][1]:
                last = letters[i - 1][1]
                if (
                    (c == "و" and "\u064f" in last)
                    or (c == "ي" and "\u0650" in last)
                    or (c == "ا" and "\u064e" in last)
                ):
                    m = ""  # a long vowel already written by its short vowel mark
            marked.append(m)
    r1 = "".join(cons)
    r2 = "".join(voc)
    extra = () if fa else _loan_readings(letters, voc)
    if vowelled:
        return distinct(_IYY.sub("i", "".join(marked)), r1, r2, *extra)
    return distinct(r1, r2, *extra)


def _loan_readings(letters: list[list[str]], voc: list[str]) -> tuple[str, str]:
    """Two more vocalic readings, both without a leading article (Latin spellings of
    family names usually drop it: الشريف Cherif, الجنزوري Ganzouri):

    * how Arabic writes foreign names and how Egypt, the Levant and Turkey say Arabic
      ones: ج ق غ as g (جورجيت Georget, نجم Negm, القيوم Gayoom, غاو Gao), ث ذ ظ ض as
      s/z (عثمان Osman, هيذر Heather, رمضان Ramazan, فضل Fazl), a final ه as e (كلوزه
      Klose), and a vowel between two like consonants (إرونن Eronen);
    * the French spelling of the Maghreb: ش ch, ج dj, و ou, ظ d (بوشماوي Bouchamaoui,
      البشراوي Bachraoui, حافظ Hafed).
    """
    start = 2 if len(letters) > 3 and letters[0][0] in "اٱ" and letters[1][0] == "ل" else 0
    loan: list[str] = []
    fr: list[str] = []
    last = len(letters) - 1
    for i in range(start, last + 1):
        c, v = letters[i][0], voc[i]
        if c == "ه" and i == last and i > start:
            lv = "e"
        elif v and i > start and letters[i - 1][0] == c and c not in "وي":
            lv = "e" + _AR_LOAN.get(c, v)
        else:
            lv = "o" if v == "u" and c == "و" else _AR_LOAN.get(c, v) if v else v
        loan.append(lv)
        fr.append(_AR_FRENCH.get(c, v) if v else v)
    return "".join(loan), "".join(fr)
