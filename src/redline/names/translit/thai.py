"""Thai: syllables by leading vowel, initial (cluster), vowel marks and final consonant,
with RTGS values first and the common j/v spellings of names second.
"""

from __future__ import annotations

from redline.names.translit.common import Readings, alts, letter_table

__all__ = ["read_thai"]

_TH_INIT = letter_table(
    "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ",
    "k kh kh kh kh kh ng ch ch ch s ch y d t th th th n d t th th th n b p ph f ph f ph m "
    "y r l w s s s h l - h",
)
_TH_INIT["อ"] = ""
_TH_FINAL = letter_table(
    "กขคฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผพฟภมยรลวศษสฬ",
    "k k k k ng t t t t t n t t t t t n t t t t t n p p p p p p m i n n o t t t n",
)
_TH_LEAD = set("เแโใไ")
_TH_ATTACH = set("ะัาำิีึืฺุู็ๅ")
_TH_TONE = set("่้๊๋ํ๎")
_TH_KARAN = "์"
_TH_CLUSTER1 = set("กขคปผพต")
_TH_CLUSTER2 = set("รลว")
_TH_HLEAD = set("งญนมยรลว")


def _th_is_final(s: str, j: int) -> bool:
    """Whether the consonant at s[j] closes the current syllable."""
    if j >= len(s) or s[j] not in _TH_INIT or s[j] in _TH_LEAD:
        return False
    k = j + 1
    if k < len(s) and s[k] in _TH_TONE:
        return False  # a tone mark sits on an initial
    return not (k < len(s) and s[k] in _TH_ATTACH)


def read_thai(run: str, ctx: str) -> Readings:
    s = "".join(c for c in run if c not in "ๆฯ")
    n = len(s)
    out: list[str] = []
    out2: list[str] = []
    i = 0
    prev_closed = False
    while i < n:
        lead = ""
        if s[i] in _TH_LEAD:
            lead = s[i]
            i += 1
        if i >= n or (s[i] not in _TH_INIT and s[i] not in "ฤฦ"):
            if i < n and s[i].isdigit():
                out.append(s[i])
                out2.append(s[i])
            i += 1
            continue
        c = s[i]
        if c in "ฤฦ":
            out.append("rue" if c == "ฤ" else "lue")
            out2.append(out[-1])
            i += 1
            continue
        onset = _TH_INIT[c]
        onset2 = {"จ": "j", "ว": "v"}.get(c, onset)
        j = i + 1
        if j < n and s[j] == _TH_KARAN:  # silent consonant
            i = j + 1
            continue
        if c == "ห" and j < n and s[j] in _TH_HLEAD and not _th_is_final(s, j):
            onset = onset2 = _TH_INIT[s[j]]
            j += 1
        elif c == "อ" and j < n and s[j] == "ย" and j + 1 < n and s[j + 1] in _TH_TONE:
            onset = onset2 = "y"
            j += 1
        elif (
            c in _TH_CLUSTER1 and j < n and s[j] in _TH_CLUSTER2
            and j + 1 < n and (s[j + 1] in _TH_ATTACH or s[j + 1] in _TH_TONE or lead)
            and not (s[j] == "ว" and j + 1 < n and s[j + 1] not in "าะ่้")
        ):  # fmt: skip
            onset += _TH_INIT[s[j]]
            onset2 += _TH_INIT[s[j]]
            j += 1
        marks = ""
        while j < n and (s[j] in _TH_ATTACH or s[j] in _TH_TONE):
            if s[j] not in _TH_TONE:
                marks += s[j]
            j += 1
        if j < n and s[j] == _TH_KARAN:  # a silenced syllable, as in the -thi of Aphisit
            i = j + 1
            continue
        nxt = s[j] if j < n else ""
        v = ""
        if lead == "เ":
            if "า" in marks:
                v = "o" if "ะ" in marks else "ao"
            elif "ี" in marks and nxt == "ย":
                v, j = "ia", j + 1
            elif "ื" in marks and nxt == "อ":
                v, j = "uea", j + 1
            elif "ิ" in marks:
                v = "oe"
            elif nxt == "อ":
                v, j = "oe", j + 1
            else:
                v = "e"
        elif lead == "แ":
            v = "ae"
        elif lead == "โ":
            v = "o"
        elif lead in "ใไ" and lead:
            v = "ai"
        elif "ั" in marks:
            if nxt == "ว":
                v, j = "ua", j + 1
            else:
                v = "a"
        elif "ำ" in marks:
            v = "am"
        elif any(m in marks for m in "าะๅ"):
            v = "a"
        elif "ิ" in marks or "ี" in marks:
            v = "i"
        elif "ึ" in marks or "ื" in marks:
            v = "ue"
            if nxt == "อ":
                j += 1
        elif "ุ" in marks or "ู" in marks:
            v = "u"
        elif "็" in marks:
            v = "o"
        elif nxt == "อ" and not (j + 1 < n and (s[j + 1] in _TH_ATTACH or s[j + 1] in _TH_TONE)):
            v, j = "o", j + 1
        elif nxt == "ว" and j + 1 < n and _th_is_final(s, j + 1):
            v, j = "ua", j + 1
        elif nxt == "ร" and j + 1 < n and s[j + 1] == "ร":
            j += 2
            v = "a" if _th_is_final(s, j) else "an"
        final = ""
        if v == "ai" and j < n and s[j] == "ย" and _th_is_final(s, j):
            j += 1  # the silent final y of ไทย
        elif ((v and v not in ("ai", "am")) or not v) and _th_is_final(s, j):
            final = _TH_FINAL.get(s[j], "")
            j += 1
            # a silenced consonant (karan) or a cluster after the final is not pronounced
            if j + 1 < n and s[j] in _TH_INIT and s[j + 1] == _TH_KARAN:
                j += 2
            elif j + 2 < n and s[j] in _TH_INIT and s[j + 1] in _TH_INIT and s[j + 2] == _TH_KARAN:
                j += 3
            elif j < n and s[j] == _TH_KARAN:
                j += 1
        if not v:
            if final:
                v = "o"
            elif j >= n and prev_closed and not lead:
                i = j  # trailing silent consonant, as in the -tr of chinwatr
                continue
            else:
                v = "a"
        if v in ("a", "o", "u", "ae", "e") and final == "i":
            final = "i"
        syl = onset + v + final
        out.append(syl)
        out2.append(onset2 + v + final)
        prev_closed = bool(final)
        i = j
    return alts("".join(out), "".join(out2))
