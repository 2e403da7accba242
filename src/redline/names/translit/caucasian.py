"""The Caucasian alphabets, Georgian (national system) and Armenian (Eastern, then
Western consonant values), read letter by letter with their few digraph rules.
"""

from __future__ import annotations

from redline.names.translit.common import Readings, alts, letter_table

__all__ = ["read_armenian", "read_georgian"]

_KA = letter_table(
    "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰჱჲჳჴჵჶჷჸჹჺ",
    "a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h "
    "e y w q o f e i g a",
)


def read_georgian(run: str, ctx: str) -> Readings:
    s = run.lower()
    r1 = "".join(_KA.get(c, c) for c in s)
    r2 = "".join("k" if c == "ყ" else _KA.get(c, c) for c in s)
    return alts(r1, r2)


_HY = letter_table(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f",
)
_HY_WEST = {"բ": "p", "պ": "b", "գ": "k", "կ": "g", "դ": "t", "տ": "d", "ջ": "ch", "ճ": "j",
            "ձ": "ts", "ծ": "dz"}  # fmt: skip
_HY_VOWELS = set("աեէըիոօ")


def read_armenian(run: str, ctx: str) -> Readings:
    s = run.lower().replace("\u0587", "եւ")
    outs = []
    for west in (False, True):
        o: list[str] = []
        n = len(s)
        i = 0
        while i < n:
            c = s[i]
            if c == "ո" and i + 1 < n and s[i + 1] == "ւ":
                o.append("u")
                i += 2
                continue
            if c == "ե" and i + 1 < n and s[i + 1] == "ւ":
                o.append(("y" if i == 0 else "") + "ev")
                i += 2
                continue
            if c == "ե" and (i == 0 or s[i - 1] in _HY_VOWELS):
                o.append("ye")
            elif c == "ո" and i == 0:
                o.append("vo")
            elif c == "յ" and west and i + 2 < n and s[i + 1] == "ա" and s[i + 2] == "ն":
                o.append("i")
            else:
                o.append((west and _HY_WEST.get(c)) or _HY.get(c, c))
            i += 1
        outs.append("".join(o))
    return alts(*outs)
