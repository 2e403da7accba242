"""Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Turkic and Tajik letters):
BGN/PCGN-like first, then the popular English spelling, then readings of the word as the
Russian spelling of a foreign name (Japanese by Polivanov, Chinese by Palladius, Western
and Central European), then ICAO Doc 9303; at most four different ones.
"""

from __future__ import annotations

import re

from redline.names.phonetics import phonetic_key
from redline.names.translit.common import Readings, alts, clean, distinct

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
    if uk or sr:
        return alts(*out)
    # A foreign reading that only respells letters the phonetic key folds anyway (Iwa,
    # Sergej) would take a place and add nothing.
    keys = {phonetic_key(clean(out[0])), phonetic_key(clean(out[1]))}
    extra: list[str] = []
    for reading in _foreign(s):
        key = phonetic_key(reading)
        if key not in keys:
            keys.add(key)
            extra.append(reading)
    return distinct(out[0], out[1], *extra, out[2])


def _scan(s: str, table: dict[str, str], longest: int) -> str:
    """Greedy longest-match rewrite of `s` with `table`; letters not in it take the
    popular reading. ``^`` before a key makes it match only at the start of the word,
    ``$`` after it only at the end, ``+`` after it only before a vowel, ``~`` after it
    only before a consonant."""
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        for size in range(min(longest, n - i), 0, -1):
            piece = s[i : i + size]
            end = i + size
            nxt = s[end] if end < n else ""
            hit = (
                (i == 0 and table.get("^" + piece))
                or (not nxt and table.get(piece + "$"))
                or (nxt and table.get(piece + ("+" if nxt in _CYR_VOWELS else "~")))
                or table.get(piece)
            )
            if hit:
                out.append("" if hit == "-" else hit)
                i = end
                break
        else:
            vals = _CYR.get(s[i])
            out.append(vals[1] if vals else s[i])
            i += 1
    return "".join(out)


# Japanese names in Russian follow Polivanov's kana table; read back to Hepburn
# (накадзима nakajima, утино uchino, тэраути terauchi, сайтё saicho, оойдзуми oizumi).
_JAPANESE = {
    "дзя": "ja", "дзю": "ju", "дзё": "jo", "дзи": "ji", "дз": "z", "тя": "cha", "тю": "chu",
    "тё": "cho", "ти": "chi", "цу": "tsu", "ся": "sha", "сю": "shu", "сё": "sho", "си": "shi",
    "э": "e", "е": "e", "ё": "yo", "ю": "yu", "я": "ya", "й": "i", "ъ": "-", "ь": "-",
    "х": "h", "оо": "o", "уу": "u", "мп": "np", "мб": "nb", "мм": "nm", "дж": "j",
}  # fmt: skip
# Chinese names follow Palladius; read back to pinyin (фансяо fangxiao, сюаньнин
# xuanning, цзыцзюнь zijun, чжэншэн zhengsheng, жучан ruchang): a syllable-final н is
# -ng, нь is -n; с, ц, цз before i/ü are x, q, j.
_CHINESE = {
    "цзы": "zi", "цы": "ci", "сы": "si", "ши": "shi", "чжи": "zhi", "чи": "chi", "жи": "ri",
    "цзюань": "juan", "цзюнь": "jun", "цзюй": "ju", "цзю": "jiu", "цзя": "jia", "цзе": "jie",
    "цзи": "ji", "цз": "z", "цюань": "quan", "цюнь": "qun", "цюй": "qu", "цю": "qiu",
    "ця": "qia", "це": "qie", "ци": "qi", "ц": "c", "сюань": "xuan", "сюнь": "xun",
    "сюй": "xu", "сю": "xiu", "ся": "xia", "се": "xie", "си": "xi", "чж": "zh", "ч": "ch",
    "ж": "r", "х": "h", "^юань": "yuan", "^юнь": "yun", "^юй": "yu", "^ю": "you",
    "юань": "uan", "юнь": "un", "юй": "u", "ю": "iu", "^я": "ya", "я": "ia", "^е": "ye",
    "е": "ie", "э": "e", "й": "i", "ь": "-", "ъ": "-", "ы": "i", "^у+": "w", "^у": "wu",
    "^и": "yi", "в": "w", "нь": "n", "н+": "n", "н": "ng",
}  # fmt: skip
# Western European names as Russian writes them: French ch/oi/-ier/gn/ill, Italian
# gi/ci, Latin -ius and au (шаванн chavanne, джанни gianni, плавтий plautius, бийяр
# billar, вотье votier).
_WESTERN = {
    "дже": "ge", "джи": "gi", "дж+": "gi", "дж": "dg", "ччи": "cci", "чче": "cce",
    "чч+": "cci", "че": "ce", "чи": "ci", "ч+": "ci",
    "ш": "ch", "же": "ge", "жи": "gi", "ж": "j", "ий$": "ius", "ийя": "illa",
    "ийе": "ille", "ийо": "illo", "ий+": "ill", "ав~": "au", "ев~": "eu", "ье$": "ier",
    "ье": "ie", "нь+": "gn", "ь": "-", "ё": "eu", "уа": "oi", "^уо": "wo", "^уи": "wi",
    "^уэ": "we", "э": "e", "й": "y", "х": "h", "^ю": "yu", "ю": "u",
}  # fmt: skip
# Polish, Czech and German names as Russian writes them: sz/cz/szcz, w, ch, j, c, and
# the rz that Russian hears as ж or ш after a consonant (пшиемский przyjemski, гжесяк
# grzesiak, барщевская barszczewska, яхович jachowicz, язбец jazbec).
_CENTRAL = {
    "пш": "prz", "тш": "trz", "кш": "krz", "гж": "grz", "бж": "brz", "вж": "wrz",
    "дж": "dz", "ш": "sz", "ч": "cz", "щ": "szcz", "ж": "z", "в": "w", "х": "ch",
    "ц": "c", "й": "j", "^я": "ja", "я": "ia", "^ю": "ju", "ю": "iu", "^е": "je",
    "ё": "io", "ий$": "i", "ый$": "y", "ая$": "a", "ь": "-", "ъ": "-", "э": "e", "ы": "y",
}  # fmt: skip
# A word made only of syllables of the Polivanov table (CV, CyV, moraic н/м, a doubled
# consonant, -й after a vowel) may be Japanese; one of Palladius syllables may be Chinese.
_JP_WORD = re.compile(
    r"(?:(?:дз|[кгстдцнхфбпмрв])?[аиуэоеяюё]й?|[нм]ъ?(?![аиуэоеяюё])|([кстпц])(?=\1|ц))+"
)
_CN_WORD = re.compile(
    r"(?:(?:цз|чж|[бпмфдтнлгкхцсчшжв])?(?:[уи]?[аоэеяю]|[иуыю])(?:[оуйи]|нь|н|р)?)+"
)
# A syllable-final н (pinyin -ng) is the sign of a Chinese word without other marks.
_CN_FINAL_NG = re.compile(r"н(?![аеёиоуыэюяь])")
# Letter groups Russian spelling uses only for Chinese syllables.
_CN_MARKS = ("цз", "чж", "сы", "цы", "сяо", "сюй", "цю", "юй", "юань", "нь")


def _longest(table: dict[str, str]) -> int:
    return max(len(key.strip("^$+~")) for key in table)


_JP = (_JAPANESE, _longest(_JAPANESE))
_CN = (_CHINESE, _longest(_CHINESE))
_WEST = (_WESTERN, _longest(_WESTERN))
_CE = (_CENTRAL, _longest(_CENTRAL))


def _foreign(s: str) -> list[str]:
    """Readings of a Cyrillic word as the Russian spelling of a foreign name, the most
    likely origin first (by letter groups only Polivanov or Palladius write)."""
    jp = _JP_WORD.fullmatch(s) is not None
    marked = any(m in s for m in _CN_MARKS)
    cn = (marked or _CN_FINAL_NG.search(s) is not None) and _CN_WORD.fullmatch(s) is not None
    tables = []
    if cn and marked:
        tables = [_CN, _JP] if jp else [_CN]
    elif jp:
        tables = [_JP, _CN] if cn else [_JP]
    elif cn:
        tables = [_CN]
    return [_scan(s, table, longest) for table, longest in (*tables, _WEST, _CE)]
