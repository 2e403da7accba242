"""Which facts an article takes from another outlet.

A story counts independent sources, and a report that says "according to the Wall
Street Journal" is not an independent source for what follows: it relays. This module
finds such attributions with patterns over the text and marks the sentence that carries
each one, with the outlet it names.

Outlets are recognised generically, not only from a fixed list: a capitalised name after
an attribution phrase ("according to", "reported by", "told", "citing", "in an
interview with", "X reported") counts as an outlet when it looks like one — it contains a
media word (News, Times, Journal, Pravda, Agency...), it is a short acronym that is not a
government body (CNN, NBC, AFP, but not US, UN or IAEA), it follows a phrase that is
about publishing ("a report from X", "the X newspaper"), or it is one of the well-known
outlets listed below. People ("Kirby reported") and institutions ("The White House
reported", "according to the Treasury") are not outlets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redline.media.article import Attribution


def _word_list(text: str) -> list[str]:
    """The whitespace-separated words of a block of text: word lists stay readable."""
    return text.split()


# -- what an outlet looks like ---------------------------------------------------------

#: Words that make a capitalised name an outlet's name.
MEDIA_WORDS = frozenset(
    _word_list(
        """
    news times post journal herald tribune telegraph guardian gazette press agency radio
    tv television broadcasting broadcaster magazine daily weekly review observer chronicle
    insider wire media network pravda monde zeitung spiegel izvestia kommersant bloomberg
    reuters economist independent standard mirror express mail sun star globe today
    dispatch courier examiner inquirer register bulletin report reporter monitor voice
    politico axios intercept vedomosti novaya gazeta tass interfax novosti ria irna isna
    mehr tasnim fars kyodo xinhua yonhap nikkei asahi mainichi yomiuri haaretz ynet
    jazeera arabiya france24 dw euronews rfe/rl svoboda meduza bellingcat occrp
    """
    )
)

#: Outlets known by name that carry no media word (or whose acronym is ambiguous).
KNOWN_OUTLETS = frozenset(
    name.strip()
    for name in """
    Reuters|Bloomberg|Associated Press|AP|AFP|Agence France-Presse|CNN|NBC|ABC|CBS|BBC|
    Fox|MSNBC|NPR|PBS|Politico|Axios|Vox|Vice|Semafor|Forbes|Fortune|Wired|The Atlantic|
    The New Yorker|Slate|Salon|The Hill|Newsweek|ProPublica|The Intercept|Bellingcat|OCCRP|
    Al Jazeera|Al Arabiya|Al-Monitor|Le Monde|Le Figaro|Libération|Der Spiegel|Spiegel|
    Die Welt|Die Zeit|Bild|El País|El Mundo|La Repubblica|Corriere della Sera|Kommersant|
    Vedomosti|Izvestia|TASS|Interfax|RIA Novosti|RIA|RBC|Meduza|Novaya Gazeta|IRNA|ISNA|
    Tasnim|Fars|Mehr|Xinhua|Kyodo|Yonhap|Nikkei|Haaretz|Ynet|Euronews|Deutsche Welle|DW|
    France 24|RFE/RL|Radio Liberty|Sky|ITV|Channel 4|Kyiv Independent|Ukrainska Pravda|
    European Pravda|Financial Times|FT|WSJ|Wall Street Journal|New York Times|NYT|
    Washington Post|Guardian|Economist|Telegraph|Times|Insider|Business Insider|CNBC|
    Yahoo News|Semafor|Middle East Eye|Iran International|Radio Farda|Defense One|Janes|
    Jane's|Breaking Defense|The Drive|War Zone|Kyiv Post|Moscow Times|Nasha Niva
    """.replace("\n", "").split("|")
    if name.strip()
)
_KNOWN = {name.casefold() for name in KNOWN_OUTLETS}

#: Words that make a capitalised name an institution or a group of people, not an outlet.
INSTITUTION_WORDS = frozenset(
    _word_list(
        """
    ministry department council commission office service services government court army
    force forces guard committee bureau police treasury pentagon kremlin house parliament
    congress senate university institute bank organization organisation corps
    administration authority authorities officials official spokesman spokesperson
    spokeswoman minister president secretary embassy state states union nations navy
    command intelligence military company corporation group party prosecutor prosecutors
    americans russians iranians ukrainians europeans sources source documents data
    """
    )
)

#: Capitalised acronyms that are bodies or places, not outlets.
STOP_ACRONYMS = frozenset(
    _word_list(
        """
    US USA UK EU UN UAE IRGC FBI CIA NSA NSC IAEA NATO OFAC DOJ DOD SEC FATF IMF OPEC
    ISIS ISIL FSB GRU SVR KGB MOD MFA NGO OSCE WHO ICC ICJ OECD GCC CENTCOM PM CEO
    """
    )
)

# A capitalised word (possibly with internal apostrophes, hyphens, dots, slashes, digits).
_CAP = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’&/-]*|\d+[\w-]*)"
# Lower-case words allowed inside a name ("Corriere della Sera", "Voice of America").
_LINK = r"(?:of|de|del|della|di|du|la|le|al|el|da|do|for|and|&|am|im|van|von)"
_NAME = rf"(?:[Tt]he[ \t]+)?{_CAP}(?:[ \t]+(?:{_LINK}[ \t]+)?{_CAP}){{0,5}}"
_NAME_RE = rf"(?P<name>{_NAME})"

_REPORT_NOUN = (
    r"(?:report|reports|reporting|article|story|investigation|analysis|interview|"
    r"broadcast|dispatch|exclusive|piece|op-ed|editorial|publication|documents?\s+"
    r"(?:obtained|seen|reviewed)\s+by)"
)
_OUTLET_NOUN = (
    r"(?:newspaper|daily|news\s+agency|press\s+agency|news\s+service|wire\s+service|"
    r"broadcaster|news\s+outlet|outlet|news\s+site|website|magazine|channel|tabloid|"
    r"weekly|TV|television|radio)"
)

# (pattern, structural): a structural pattern is about publishing by its own words, so
# any name that is not an institution counts; the others need an outlet-like name.
_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    (
        re.compile(
            rf"\b(?i:according\s+to|as\s+(?:first\s+)?(?:reported|revealed)\s+(?:in|by)|"
            rf"based\s+on|citing|cited\s+in|in)\s+(?i:an?|the)?\s*(?:[\w-]+\s+){{0,3}}?"
            rf"(?i:{_REPORT_NOUN})\s+(?i:from|by|in|of|on|with|for)\s+{_NAME_RE}"
        ),
        True,
    ),
    (re.compile(rf"\b{_NAME_RE}(?:'s|’s)?\s+(?i:{_OUTLET_NOUN})\b(?![ \t]+[A-Z])"), True),
    (re.compile(rf"\b(?i:the)\s+(?i:{_OUTLET_NOUN})\s+{_NAME_RE}"), True),
    (
        re.compile(
            rf"\b(?i:according\s+to|(?:first\s+|was\s+|were\s+|as\s+)?(?:reported|revealed|"
            rf"published|broken|quoted|cited)\s+by|told|speaking\s+to|spoke\s+to|"
            rf"in\s+(?:an\s+)?(?:interview|interviews|comments?|remarks?|a\s+statement)\s+"
            rf"(?:with|to)|interviewed\s+by|citing|quoting|writing\s+in|wrote\s+in|"
            rf"in\s+an\s+op-ed\s+(?:for|in))\s+{_NAME_RE}"
        ),
        False,
    ),
    (
        re.compile(
            rf"\b(?i:{_REPORT_NOUN})\s+(?i:from|by|in)\s+{_NAME_RE}",
        ),
        False,
    ),
    (
        re.compile(
            rf"{_NAME_RE}(?:'s|’s)?\s+(?i:(?:first\s+|has\s+|had\s+|also\s+|previously\s+)?"
            rf"(?:reported|reports|revealed|reporting|wrote|said\s+in\s+a\s+report|"
            rf"quoted|cited))\b"
        ),
        False,
    ),
]

# "MOSCOW (Reuters) -": a wire copy; the whole text is that agency's.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z.'’ -]{1,40},?\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+)?"
    r"\((?P<name>[A-Z][\w.&/ -]{1,30})\)\s*[-–—]"
)

_ABBREVIATIONS = frozenset(
    _word_list(
        """
    mr mrs ms dr prof gen brig col lt maj capt sgt adm gov sen rep st jr sr inc ltd co
    corp no jan feb mar apr jun jul aug sep sept oct nov dec vs etc approx
    """
    )
)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])|\n")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence boundaries (start, end) good enough to scope an attribution: split
    at sentence punctuation followed by a capital, and at line breaks; not after
    abbreviations ("Gen.", "Jan.") or initials ("U.S.", "J.")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _after_abbreviation(text, match.start()):
            continue
        end = match.end()
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _after_abbreviation(text: str, dot: int) -> bool:
    word = _WORD_BEFORE.search(text, max(0, dot - 20), dot)
    if word is None:
        return False
    token = word.group(1)
    last = token.rsplit(".", 1)[-1]
    return last.casefold() in _ABBREVIATIONS or (len(last) == 1 and last.isupper())


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def clean_outlet(name: str) -> str:
    """An outlet's name as shown and compared: no leading "the", no possessive, no
    trailing punctuation."""
    name = re.sub(r"\s+", " ", name).strip()
    name = re.sub(r"(?:'s|’s)$", "", name)
    name = name.rstrip(".,;:'’")
    name = re.sub(r"^[Tt]he\s+", "", name)
    return name


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s-]+", name.casefold()) if w]


#: Sites whose pages, read as plain text, name no outlet: the domain stands for it, and
#: for these the domain is mapped to the name other outlets cite them by.
OUTLET_DOMAINS = {
    "wsj.com": "Wall Street Journal",
    "nytimes.com": "New York Times",
    "washingtonpost.com": "Washington Post",
    "ft.com": "Financial Times",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "bloomberg.com": "Bloomberg",
    "bbc.com": "BBC",
    "bbc.co.uk": "BBC",
    "cnn.com": "CNN",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "theguardian.com": "Guardian",
    "economist.com": "Economist",
    "telegraph.co.uk": "Telegraph",
    "aljazeera.com": "Al Jazeera",
    "afp.com": "AFP",
    "france24.com": "France 24",
    "dw.com": "Deutsche Welle",
    "politico.com": "Politico",
    "axios.com": "Axios",
    "pravda.com.ua": "Ukrainska Pravda",
    "eurointegration.com.ua": "European Pravda",
    "kyivindependent.com": "Kyiv Independent",
    "kyivpost.com": "Kyiv Post",
    "themoscowtimes.com": "Moscow Times",
    "tass.com": "TASS",
    "interfax.com": "Interfax",
    "kommersant.ru": "Kommersant",
    "meduza.io": "Meduza",
    "rferl.org": "RFE/RL",
    "iranintl.com": "Iran International",
    "middleeasteye.net": "Middle East Eye",
    "al-monitor.com": "Al-Monitor",
    "occrp.org": "OCCRP",
    "bellingcat.com": "Bellingcat",
}


def outlet_of_host(host: str | None) -> str | None:
    """The outlet's name for a well-known news domain (subdomains too), else the host."""
    if not host:
        return None
    parts = host.lower().split(".")
    for i in range(len(parts) - 1):
        name = OUTLET_DOMAINS.get(".".join(parts[i:]))
        if name:
            return name
    return host


def _is_acronym(name: str) -> bool:
    bare = name.replace(".", "").replace("/", "")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha()


def outlet_like(name: str, *, structural: bool = False) -> bool:
    """Whether a capitalised name, found after an attribution phrase, names an outlet."""
    clean = clean_outlet(name)
    if not clean:
        return False
    folded = clean.casefold()
    if folded in _KNOWN:
        return True
    bare = clean.replace(".", "")
    if bare.upper() in STOP_ACRONYMS and (bare.isupper() or len(bare) <= 3):
        return False
    words = _words(clean)
    if any(w in INSTITUTION_WORDS for w in words) and not any(
        w in ("news", "press") for w in words
    ):
        return False
    if any(w.strip("'’.") in MEDIA_WORDS for w in words):
        return True
    if _is_acronym(clean):
        return True
    # A name after a publishing phrase ("a report from X", "the X newspaper") is an
    # outlet unless it is a lone lower-information word such as a month or a weekday.
    return structural and not _is_calendar_word(clean)


def _is_calendar_word(name: str) -> bool:
    return name.casefold() in {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }


def _trim_name(name: str) -> str:
    """Cut a greedy name match at the first word that starts a new clause."""
    out: list[str] = []
    for word in name.split():
        if out and word.casefold() in {"on", "in", "that", "and", "but", "which", "who"}:
            break
        out.append(word)
    return " ".join(out)


def _candidates(text: str) -> Iterator[tuple[str, int, int]]:
    for pattern, structural in _PATTERNS:
        for match in pattern.finditer(text):
            name = _trim_name(match.group("name"))
            if outlet_like(name, structural=structural):
                yield clean_outlet(name), match.start(), match.end()
    dateline = _DATELINE.match(text)
    if dateline and outlet_like(dateline.group("name")):
        yield clean_outlet(dateline.group("name")), -1, -1


def find_attributions(text: str, *, own_outlet: str | None = None) -> tuple[Attribution, ...]:
    """Every (outlet, sentence) attribution in ``text``, in text order, each outlet once
    per sentence. Attributions to ``own_outlet`` (the article's publisher) are left out:
    citing yourself is not relaying someone else.

    A wire dateline ("MOSCOW (Reuters) -") attributes the whole text to the wire.
    """
    spans = sentence_spans(text)
    found: dict[tuple[str, int, int], Attribution] = {}
    for outlet, start, end in _candidates(text):
        if own_outlet and same_outlet(outlet, own_outlet):
            continue
        span = (0, len(text.rstrip())) if start < 0 else _enclosing(spans, start, end)
        key = (outlet.casefold(), span[0], span[1])
        if key not in found:
            found[key] = Attribution(outlet, span[0], span[1])
    # A name found whole by one pattern and in part by another is one outlet.
    kept = [
        a
        for a in found.values()
        if not any(
            b is not a
            and (b.start, b.end) == (a.start, a.end)
            and len(b.outlet) > len(a.outlet)
            and re.search(rf"\b{re.escape(a.outlet)}\b", b.outlet)
            for b in found.values()
        )
    ]
    return tuple(sorted(kept, key=lambda a: (a.start, a.end, a.outlet)))


def same_outlet(a: str, b: str) -> bool:
    """Whether two outlet names name the same outlet: equal once cleaned, one the other's
    trailing words ("Evening Post" in "Valmora Evening Post"), or a site's domain and
    the name it is cited by."""
    x, y = clean_outlet(a).casefold(), clean_outlet(b).casefold()
    if not x or not y:
        return False
    if x == y:
        return True
    mapped = {(outlet_of_host(n) or n).casefold() for n in (x, y)}
    if len(mapped) == 1:
        return True
    short, long = sorted((x, y), key=len)
    return len(short.split()) >= 2 and long.endswith(" " + short)


def _enclosing(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The sentence(s) covering text[start:end]."""
    first = next((s for s in spans if s[1] > start), (start, end))
    last = next((s for s in spans if s[1] >= end), first)
    return (min(first[0], start), max(last[1], end))
