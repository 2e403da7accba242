"""A cheap language guess for news text: the writing system first, then, for Latin
script, which language's commonest words the text uses.

Good enough to tell an English article from a French, Russian or Persian one (which is
what ``media add`` needs to apply ``media_languages``), with no model to install. Short
or mixed texts give ``None`` rather than a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

#: Frequent function words per language; a text's language is the one whose words it
#: uses most. Lists are short on purpose: only words that are rare in the others.
STOPWORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split())
    for code, words in {
        "en": "the and of to is that for with was were this have has from which would "
        "their been said they are its not but who will after also",
        "de": "der die das und ist nicht mit sich auf dem den des eine einer wurde "
        "auch für von zu im sind wird werden nach bei",
        "fr": "le la les et est des une que dans pour pas sur qui par avec ont été "
        "aux du au elle ce cette sont mais",
        "es": "el la los las y es que del una por con para se como pero más fue "
        "sus han al lo le este esta",
        "it": "il lo la gli le e è che di della delle degli per con una sono non "
        "nel nella anche più come stato",
        "pt": "o os a as e é que do da dos das em uma para com não por mais foi "
        "são pelo pela ao também",
        "nl": "de het een en van is dat op te zijn niet met voor die er ook maar "
        "door bij werd naar heeft",
        "sv": "och att det som är en på av för med till den har inte om ett var från men också",
        "pl": "i w na nie się z do że jest to jak o po od przez był być są tak",
        "tr": "ve bir bu da de için ile olarak çok daha olan gibi ama değil",
        "id": "yang dan di dari ini itu untuk dengan tidak dalam akan pada juga ke adalah oleh",
        "ro": "și în de la cu pe că nu care este un o din pentru mai sunt fost",
        "cs": "a v se na je že s z do to jako pro by jsou ale který podle",
    }.items()
}

_WORD = re.compile(r"[^\W\d_]+")

# Letters of a script and the language a text wholly in it most likely is.
_SCRIPT_LANGUAGE = {
    "HEBREW": "he",
    "GREEK": "el",
    "HANGUL": "ko",
    "THAI": "th",
    "DEVANAGARI": "hi",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
    "BENGALI": "bn",
    "TAMIL": "ta",
}


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name:
        return "OTHER"
    return name.split()[0]


def detect_language(text: str, *, sample: int = 20000) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short or
    too mixed to say."""
    head = text[:sample]
    scripts: Counter[str] = Counter(_script(ch) for ch in head if ch.isalpha())
    letters = sum(scripts.values())
    if letters < 40:
        return None
    script, count = scripts.most_common(1)[0]
    if count / letters < 0.6:
        return None
    if script == "LATIN":
        return _latin_language(head)
    if script == "CYRILLIC":
        return _cyrillic_language(head)
    if script == "ARABIC":
        return _arabic_language(head)
    if script in ("CJK", "HIRAGANA", "KATAKANA"):
        return "ja" if scripts["HIRAGANA"] + scripts["KATAKANA"] > 0.05 * letters else "zh"
    return _SCRIPT_LANGUAGE.get(script)


def _latin_language(text: str) -> str | None:
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < 8:
        return None
    hits = {code: sum(1 for w in words if w in stop) for code, stop in STOPWORDS.items()}
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    # A language must account for a fair share of the words and clearly beat the next.
    if top < max(3, 0.08 * len(words)) or top < 1.3 * second:
        return None
    return best


def _cyrillic_language(text: str) -> str:
    if re.search(r"[іїєґІЇЄҐ]", text):
        return "uk"
    if re.search(r"[ўЎ]", text):
        return "be"
    if re.search(r"[ђћџЂЋЏ]", text):
        return "sr"
    if re.search(r"[ѓќѕЃЌЅ]", text):
        return "mk"
    if re.search(r"[әғқңөүһӘҒҚҢӨҮҺ]", text):
        return "kk"
    return "ru"


def _arabic_language(text: str) -> str:
    persian = len(re.findall(r"[پچژگکی]", text))
    urdu = len(re.findall(r"[ٹڈڑںےھ]", text))
    arabic = len(re.findall(r"[ةكيى]", text))
    if urdu > max(persian, arabic) / 2 and urdu > 3:
        return "ur"
    if persian > arabic:
        return "fa"
    return "ar"
