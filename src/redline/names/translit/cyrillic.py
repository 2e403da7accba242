"""Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Turkic and Tajik letters):
BGN/PCGN-like first, then the popular English spelling, then ICAO Doc 9303.
"""

from __future__ import annotations

from redline.names.translit.common import Readings, alts

__all__ = ["read_cyrillic"]

_CYR = {
    "а": ("a", "a", "a"), "б": ("b", "b", "b"), "в": ("v", "v", "v"), "г": ("g", "g", "g"),
    "д": ("d", "d", "d"), "е": ("e", "e", "e"), "ё": ("yo", "e", "e"), "ж": ("zh", "zh", "zh"),
    "з": ("z", "z", "z"), "и": ("i", "i", "i"), "й": ("y", "y", "i"), "к": ("k", "k", "k"),
    "л": ("l", "l", "l"), "м": ("m", "m", "m"), "н": ("n", "n", "n"), "о": ("o", "o", "o"),
    "п": ("p", "p", "p"), "р": ("r", "r", "r"), "с": ("s", "s", "s"), "т": ("t", "t", "t"),
    "у": ("u", "u", "u"), "ф": ("f", "f", "f"), "х": ("kh", "h", "kh"), "ц": ("ts", "ts", "ts"),
    "ч": ("ch", "ch", "ch"), "ш": ("sh", "sh", "sh"), "щ": ("shch", "sch", "shch"),
    "ъ": ("", "", "ie"), "ы": ("y", "y", "y"), "ь": ("", "", ""), "э": ("e", "e", "e"),
    "ю": ("yu", "yu", "iu"), "я": ("ya", "ya", "ia"),
    # Ukrainian, Belarusian
    "є": ("ye", "ie", "ie"), "і": ("i", "i", "i"), "ї": ("yi", "i", "i"), "ґ": ("g", "g", "g"),
    "ў": ("w", "u", "u"),
    # Serbian, Macedonian
    "ђ": ("dj", "dj", "d"), "ј": ("j", "j", "j"), "љ": ("lj", "lj", "lj"),
    "њ": ("nj", "nj", "nj"), "ћ": ("c", "ch", "c"), "џ": ("dz", "dz", "dz"),
    "ѓ": ("gj", "g", "gj"), "ќ": ("kj", "k", "kj"), "ѕ": ("dz", "z", "dz"),
    # Kazakh, Tatar, Bashkir, Kyrgyz, Tajik, Uzbek
    "ә": ("a", "ae", "a"), "ғ": ("gh", "g", "g"), "қ": ("q", "k", "k"), "ң": ("ng", "n", "n"),
    "ө": ("o", "oe", "o"), "ұ": ("u", "u", "u"), "ү": ("u", "ue", "u"), "һ": ("h", "h", "h"),
    "ҳ": ("h", "h", "h"), "ӣ": ("i", "i", "i"), "ӯ": ("u", "u", "u"), "ҷ": ("j", "j", "j"),
    "ҝ": ("g", "g", "g"), "ҹ": ("j", "j", "j"), "ӄ": ("q", "k", "k"),
}  # fmt: skip
_CYR_VOWELS = set("аеёиоуыэюяєіїәөұүӣӯ")
_CYR_UK = {
    "г": ("h", "g", "h"),
    "и": ("y", "i", "y"),
    "е": ("e", "e", "e"),
    "й": ("i", "y", "i"),
    "ї": ("i", "i", "i"),
    "є": ("ie", "e", "ie"),
    "ю": ("iu", "yu", "iu"),
    "я": ("ia", "ya", "ia"),
}
_CYR_UK_INITIAL = {"й": "y", "ї": "yi", "є": "ye", "ю": "yu", "я": "ya"}
_CYR_SR = {
    "ч": ("c", "ch", "c"),
    "ш": ("s", "sh", "s"),
    "ж": ("z", "zh", "z"),
    "ц": ("c", "ts", "c"),
    "х": ("h", "h", "h"),
}


def read_cyrillic(run: str, ctx: str) -> Readings:
    s = run.lower()
    out = ["", "", ""]
    uk, sr = "uk" in ctx, "sr" in ctx
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        prev = s[i - 1] if i else ""
        vals = (uk and _CYR_UK.get(c)) or (sr and _CYR_SR.get(c)) or _CYR.get(c)
        if c in "ий" and i + 1 < n and s[i + 1] == "й" and i + 2 == n:
            # -ий / -ый endings: Dmitriy / Dmitry / Dmitrii
            first = "i" if c == "и" else "y"
            vals = (first + "y", "y", first + "i")
            i += 1
        elif c in "ыи" and i + 1 < n and s[i + 1] == "й" and i + 2 == n:
            vals = ("yy", "y", "yi")
            i += 1
        elif c == "е" and not uk and (not prev or prev in _CYR_VOWELS or prev in "ъь"):
            vals = ("ye", "e", "ie" if prev in "ъь" else "e")
        elif c == "и" and i + 1 < n and s[i + 1] == "я":
            vals = ("iya", "ia", "iia")
            i += 1
        elif c == "д" and i + 1 < n and s[i + 1] == "ж":
            vals = ("dzh", "j", "dzh")
            i += 1
        elif c == "к" and i + 1 < n and s[i + 1] == "с":
            vals = ("ks", "x", "ks")
            i += 1
        elif uk and i == 0 and c in _CYR_UK_INITIAL:
            vals = (_CYR_UK_INITIAL[c],) * 3
        elif vals is None:
            vals = (c, c, c)
        for k in range(3):
            out[k] += vals[k]
        i += 1
    return alts(*out)
