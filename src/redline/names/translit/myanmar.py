"""Myanmar (Burmese): syllables with medials, finals, kinzi and stacks, in the spelling used
for Myanmar personal and company names (Kyaw, Htun, Aung, Hlaing, Mingalar...).
"""

from __future__ import annotations

import re

from redline.names.translit.common import Readings, alts, letter_table, load_tsv

__all__ = ["read_myanmar"]

_MY_CONS = letter_table(
    "ကခဂဃငစဆဇဈဉညဋဌဍဎဏတထဒဓနပဖဗဘမယရလဝသဟဠအ",
    "k kh g g ng s s z z ny ny t ht d d n t ht d d n p ph b b m y y l w th h l -",
)
_MY_CONS["အ"] = ""
_MY_FCLASS = letter_table(
    "ကခဂဃငစဆဇဈဉညဋဌဍဎဏတထဒဓနပဖဗဘမယရလဝသဟ",
    "k k k k ng c c c c ny ny t t t t n t t t t n p p p p m y n n w t h",
)
_MY_MEDIAL_Y = {"က": "ky", "ခ": "ch", "ဂ": "gy", "ပ": "py", "ဖ": "phy", "ဗ": "by", "ဘ": "by",
                "မ": "my", "င": "ny", "လ": "ly", "သ": "thy", "ယ": "y"}  # fmt: skip
_MY_MEDIAL_H = {"ရ": "sh", "ယ": "sh", "လ": "hl", "မ": "hm", "န": "hn", "င": "hng", "ည": "hny",
                "ဝ": "hw", "ဉ": "hny"}  # fmt: skip
_MY_INDEP = {"ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "ay", "ဩ": "aw", "ဪ": "aw", "ဢ": "a"}
_MY_VOWEL_SIGNS = set("ါာိီုူေဲံ")
_MY_MEDIALS = set("ျြွှ")
_MY_OPEN = {"a": "a", "aa": "ar", "i": "i", "ii": "i", "u": "u", "uu": "u", "e": "ay",
            "ai": "e", "aw": "aw", "o": "o"}  # fmt: skip
_MY_CLOSED = {
    ("a", "k"): "et", ("a", "ng"): "in", ("a", "c"): "it", ("a", "ny"): "i", ("a", "t"): "at",
    ("a", "n"): "an", ("a", "p"): "at", ("a", "m"): "an", ("a", "y"): "e", ("a", "w"): "aw",
    ("i", "k"): "eik", ("i", "t"): "eik", ("i", "p"): "eik", ("i", "n"): "ein",
    ("i", "m"): "ein", ("i", "ng"): "ein",
    ("u", "k"): "ok", ("u", "t"): "ok", ("u", "p"): "ok", ("u", "n"): "on", ("u", "m"): "on",
    ("u", "ng"): "on",
    ("aw", "k"): "auk", ("aw", "ng"): "aung", ("o", "k"): "aik", ("o", "ng"): "aing",
    ("w", "n"): "un", ("w", "m"): "un", ("w", "t"): "ut", ("w", "p"): "ut", ("w", "ng"): "win",
    ("w", "k"): "wet", ("e", "t"): "et", ("e", "k"): "et",
}  # fmt: skip
_MY_VOICE = {"k": "g", "t": "d", "p": "b", "s": "z", "ky": "gy", "py": "by"}


class _MySyl:
    __slots__ = ("creaky", "final", "indep", "medials", "onset", "vowels")

    def __init__(self, onset: str, indep: str = "") -> None:
        self.onset = onset
        self.indep = indep
        self.medials = ""
        self.vowels = ""
        self.final = ""
        self.creaky = False


def _my_parse(s: str) -> list[_MySyl | str]:
    out: list[_MySyl | str] = []
    cur: _MySyl | None = None
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch in _MY_CONS:
            k = i + 1
            while k < n and s[k] == "\u1037":
                k += 1
            if cur is not None and not cur.final and k < n and s[k] == "\u103a":
                cur.final = ch
                cur.creaky = cur.creaky or k > i + 1
                i = k + 1
                continue
            if cur is not None and not cur.final and i + 1 < n and s[i + 1] == "\u1039":
                cur.final = ch
                i += 2
                continue
            cur = _MySyl(ch)
            out.append(cur)
        elif ch in _MY_INDEP:
            cur = _MySyl("", ch)
            out.append(cur)
        elif ch == "ဿ":
            if cur is not None and not cur.final:
                cur.final = "သ"
            cur = _MySyl("သ")
            out.append(cur)
        elif ch in _MY_MEDIALS and cur is not None:
            cur.medials += ch
        elif ch in _MY_VOWEL_SIGNS and cur is not None:
            if cur.indep == "ဥ" and ch == "ီ":
                cur.indep = "ဦ"
            else:
                cur.vowels += ch
        elif ch == "\u1037" and cur is not None:
            cur.creaky = True
        elif ch in "\u1037\u1038\u103a\u1039":
            pass
        else:
            cur = None
            out.append(ch)
        i += 1
    return out


def _my_syllable(syl: _MySyl, alt: bool, inner: bool) -> tuple[str, str]:
    """(onset, rhyme) of one syllable; `alt` picks the second convention (Yadana, Ze, Oo,
    and r for a non-initial ra as in the Pali Thiri); `inner` says it is not run-initial."""
    v = syl.vowels
    final = _MY_FCLASS.get(syl.final, "") if syl.final else ""
    if "ံ" in v and not final:
        final = "m"
    v = v.replace("ံ", "")
    if syl.indep:
        key = {"ဣ": "i", "ဤ": "ii", "ဥ": "u", "ဦ": "uu", "ဧ": "e", "ဩ": "aw", "ဪ": "aw",
               "ဢ": "a"}[syl.indep]  # fmt: skip
        if not final and not v:
            if syl.indep == "ဦ":
                return "", "oo" if alt else "u"
            if syl.indep == "ဧ":
                return "", "e" if alt else "ay"
    elif "ေ" in v and ("ာ" in v or "ါ" in v):
        key = "aw"
    elif "ိ" in v and "ု" in v:
        key = "o"
    elif "ေ" in v:
        key = "e"
    elif "ာ" in v or "ါ" in v:
        key = "aa"
    elif "ိ" in v:
        key = "i"
    elif "ီ" in v:
        key = "ii"
    elif "ု" in v:
        key = "u"
    elif "ူ" in v:
        key = "uu"
    elif "ဲ" in v:
        key = "ai"
    else:
        key = "a"
    base = _MY_CONS.get(syl.onset, "")
    if alt and inner and syl.onset == "ရ" and not syl.medials:
        base = "r"
    y = "ျ" in syl.medials or "ြ" in syl.medials
    w = "ွ" in syl.medials
    h = "ှ" in syl.medials
    if y:
        base = _MY_MEDIAL_Y.get(syl.onset, base if base.endswith("y") else base + "y")
    if h:
        if y and syl.onset == "လ":
            base = "sh"
        elif syl.onset in _MY_MEDIAL_H:
            base = _MY_MEDIAL_H[syl.onset] + (base[-1] if y and syl.onset == "မ" else "")
        else:
            base = "h" + base
    if w and final in ("n", "m", "t", "p", "ng", "k") and key == "a":
        key = "w"
    elif w:
        base += "w"
    if final:
        k2 = key if key in ("a", "i", "u", "aw", "o", "w") else ("a" if key == "aa" else key)
        rhyme = _MY_CLOSED.get((k2, final))
        if rhyme is None:
            rhyme = _MY_OPEN.get(k2, "a") + {"c": "t", "ny": "n"}.get(final, final)
        if alt and (k2, final) == ("a", "ny"):
            rhyme = "ae"
        elif syl.creaky and rhyme in ("in", "ein"):
            rhyme += "t"  # Myint, Seint
    else:
        rhyme = _MY_OPEN[key]
        if key == "e" and (base.endswith("w") or alt):
            rhyme = "e"
        elif key == "aa" and alt:
            rhyme = "a"
        elif key == "uu" and not base and alt:
            rhyme = "oo"
    if not base and rhyme == "ay":
        rhyme = "aye"
    if alt and syl.onset == "ဆ":
        base = "hs" + base[1:]
    return base, rhyme


_MY_WORDS: dict[str, str] | None = None
_MY_WORD_RE: re.Pattern[str] | None = None


def _my_words() -> tuple[dict[str, str], re.Pattern[str]]:
    global _MY_WORDS, _MY_WORD_RE
    if _MY_WORDS is None or _MY_WORD_RE is None:
        _MY_WORDS = {k: v[0] for k, v in load_tsv("my_words.tsv").items()}
        alternation = "|".join(re.escape(w) for w in sorted(_MY_WORDS, key=len, reverse=True))
        _MY_WORD_RE = re.compile(f"({alternation})(?![\u102b-\u103e])")
    return _MY_WORDS, _MY_WORD_RE


def read_myanmar(run: str, ctx: str) -> Readings:
    words, pattern = _my_words()
    readings: list[list[str]] = [[], [], []]
    for piece in pattern.split(run):
        if not piece:
            continue
        if piece in words:
            for r in readings:
                r.append(words[piece])
            continue
        units = _my_parse(piece)
        for variant, (alt, voice) in enumerate(((False, False), (True, False), (False, True))):
            prev_open = False
            prev: _MySyl | None = None
            for u in units:
                if isinstance(u, str):
                    readings[variant].append(u)
                    prev_open, prev = False, None
                    continue
                onset, rhyme = _my_syllable(u, alt, prev is not None)
                if voice and prev_open and onset in _MY_VOICE and "ှ" not in u.medials:
                    onset = _MY_VOICE[onset]
                readings[variant].append(onset + rhyme)
                prev_open = not u.final or _MY_FCLASS.get(u.final) in ("ng", "n", "m", "ny")
                prev = u
    return alts(*(" ".join(r) for r in readings))
