"""From page or text to :class:`~redline.media.article.Article`: the body without page
furniture, and the facts needed to cite it.

HTML goes through trafilatura (``favor_precision``: on the ScrapingHub benchmark it
trades a point of recall for three of precision, and a screening analyst reads what we
keep); its dates come from htmldate, preferring the original publication date to the
last update. The canonical URL, site name and declared language are read from the page
head before extraction, since trafilatura does not keep them all.

Plain text (copied articles, exports, the item text of a feed) has the same furniture
with the markup gone: share buttons, "Advertisement", merchandise plugs, author bios,
reprint notices, "Follow us on ...", bylines, photo credits. :func:`clean_text` removes
those lines with rules written for the way such pages read when flattened, and takes
the title, byline, date and URL from the head of the text when it carries them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml import etree

from redline.errors import InputError
from redline.media.article import Article, make_article
from redline.media.attribution import find_attributions, outlet_of_host
from redline.media.dedupe import canonical_url
from redline.media.fetch import Document, FeedItem, host_of
from redline.media.language import detect_language

# -- decoding ------------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = _ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: a byte order mark, else the declared (HTTP) charset, the page's
    own ``<meta charset>`` or XML declaration, UTF-8, and finally Windows-1252 (the
    WHATWG reading of "Latin-1"), each tried strictly before falling to the next."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    head = data[:4096]
    meta = _META_CHARSET.search(head)
    xml = _XML_ENCODING.search(head)
    tried: list[str] = []
    for candidate in (
        _codec(declared),
        _codec(meta.group(1).decode("ascii")) if meta else None,
        _codec(xml.group(1).decode("ascii")) if xml else None,
        "utf-8",
    ):
        if candidate is None or candidate in tried:
            continue
        tried.append(candidate)
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


# -- dates ---------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO_DATE = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_MDY = re.compile(
    rf"(?i)\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b"
)
_DMY = re.compile(rf"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(?P<y>(?:19|20)\d{{2}})\b")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day, tzinfo=UTC).date().isoformat()
    except ValueError:
        return None


def parse_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from the date forms news pages and feeds use: ISO 8601,
    RFC 822 (RSS), "Feb. 5, 2023", "5 February 2023". None when there is none."""
    if not value:
        return None
    text = value.strip()
    match = _ISO_DATE.search(text)
    if match:
        return _iso(int(match["y"]), int(match["m"]), int(match["d"]))
    for pattern in (_MDY, _DMY):
        match = pattern.search(text)
        if match:
            return _iso(int(match["y"]), _MONTHS[match["month"].lower()], int(match["d"]))
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat()


# -- plain text ------------------------------------------------------------------------------


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_AD_LINE = _rx(
    r"^(?:advertisement|advertising|advert|ads?|sponsored(?:\s+(?:content|links?|post))?|"
    r"paid\s+(?:content|post|partnership)|promoted(?:\s+content)?|skip\s+advertisement|"
    r"(?:story|article|text|sequel|content|reading)\s+(?:continues?\s+)?"
    r"(?:after|below|under)\s+(?:the\s+|this\s+)?"
    r"(?:ad|ads|advertisement|advert|announcement|sponsored\s+content)|"
    r"continue\s+reading(?:\s+below|\s+the\s+main\s+story)?|"
    r"scroll\s+(?:down\s+)?to\s+continue(?:\s+with\s+content)?)\s*[:.…]*$"
)
_SOCIAL_WORD = (
    r"(?:share|shares|tweet|pin|email|e-mail|print|copy\s+link|copy|link|whatsapp|facebook|"
    r"twitter|x|linkedin|telegram|reddit|pinterest|flipboard|messenger|vk|gab|gettr|rumble|"
    r"truth\s+social|minds|parler|mastodon|threads|bluesky|youtube|instagram|tiktok|"
    r"comments?|save|\d+)"
)
_SOCIAL_ONLY = _rx(rf"^(?:{_SOCIAL_WORD}\b[\s|/·•,:;()-]*)+$")
_FOLLOW_US = _rx(
    r"^(?:please\s+)?(?:follow|like|join|find|connect\s+with|subscribe\s+to)\s+"
    r"(?:us|our\s+\w+)\b"
)
_SHARE_LINE = _rx(r"^(?:share|click)\s+(?:this|on|via|here\s+to|to)\b")
_MERCH_WORD = _rx(
    r"\b(?:merch|merchandise|shop|store|apparel|t-shirts?|tees?|hoodies?|mugs?|gear|"
    r"collection)\b"
)
_MERCH_CALL = _rx(
    r"\b(?:shop\s+now|buy\s+now|order\s+now|get\s+yours|use\s+(?:promo\s+|discount\s+)?code|"
    r"promo\s+code|discount\s+code|\d+\s*%\s+off|free\s+shipping)\b"
)
_COPYRIGHT = _rx(
    r"©|\(c\)\s*\d{4}|\bcopyright\s+(?:©\s*)?(?:\d{4}|by)\b|all\s+rights\s+reserved|"
    r"for\s+your\s+personal,?\s+non-commercial\s+use|"
    r"distribution\s+and\s+use\s+of\s+this\s+material|order\s+(?:multiple\s+copies|reprints?)|"
    r"reprints?\s+(?:and|&)\s+permissions|may\s+not\s+be\s+(?:published|reproduced|"
    r"republished|redistributed)|republish(?:ing)?\s+this\s+(?:article|story)|"
    r"^(?:terms\s+of\s+(?:use|service)|privacy\s+policy|cookie\s+(?:policy|settings))$"
)
_NAV_LINE = _rx(
    r"^(?:leave\s+a\s+(?:reply|comment)|related(?:\s+(?:news|articles?|posts?|stories|"
    r"content|coverage|reading|topics))?|read\s+more|read\s+also|also\s+read|see\s+also|"
    r"more\s+(?:from|on|stories|news|in)\b.{0,60}|you\s+(?:may|might)\s+also\s+like|"
    r"recommended(?:\s+for\s+you|\s+stories)?|most\s+(?:read|popular|viewed|shared)|"
    r"trending(?:\s+now)?|(?:tags?|filed\s+under|posted\s+in|categories|topics)\s*:.{0,200}|"
    r"sign\s+up\b.{0,80}|subscribe(?:\s+now|\s+today)?|newsletter|"
    r"comments?(?:\s*\(\d+\))?|\d+\s+comments?|add\s+a\s+comment|show\s+comments|"
    r"join\s+the\s+conversation|what\s+do\s+you\s+think\??|print\s+this\s+(?:page|article)|"
    r"listen\s+to\s+this\s+article.{0,40}|\d+\s+min(?:ute)?s?\s+read|"
    r"(?:read|watch|listen)\s+(?:more|also|next|now)\s*[:|-]\s*.{0,200})\s*[:.!]*$"
)
_READ_MORE = _rx(r"^(?:read\s+more|read\s+also|also\s+read|related|see\s+also|watch)\s*[:|–—-]")
_TAIL_MARKER = _rx(
    r"^(?:the\s+following\s+two\s+tabs\s+change\s+content\s+below|about\s+the\s+author|"
    r"latest\s+posts\s+by\b.*|view\s+all\s+posts\s+by\b.*|more\s+articles\s+by\b.*|"
    r"author\s+bio|leave\s+a\s+(?:reply|comment)|related\s+(?:news|articles?|posts?|stories)|"
    r"you\s+(?:may|might)\s+also\s+like|more\s+stories|like\s+this|share\s+this|"
    r"most\s+(?:read|popular)|comments?)\s*[:.]?$"
)
_DONATION = _rx(
    r"\bbecome\s+(?:our|a)\s+(?:patron|member|supporter|subscriber)\b|"
    r"\bsupport\s+(?:our|independent|quality)\s+journalism\b|\bdonate\s+(?:now|today|to)\b|"
    r"\bplease\s+consider\s+(?:supporting|donating|subscribing)\b|"
    r"\bhelp\s+us\s+(?:continue|keep)\b|\bsupport\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+or\b"
)
_CREDIT = _rx(
    r"^(?:photo|photos|image|images|picture|photograph|video|credit|illustration|graphic|"
    r"pictured)(?:\s+credit)?\s*[:|]\s*.{1,160}$|^(?:photo|image|picture)\s+by\b.{1,120}$|"
    r"^\(?(?:photo|image)\s*[:/].{1,120}\)?$"
)
_AGENCY_CREDIT = _rx(
    r"(?:getty\s+images|via\s+getty|ap\s+photo|reuters/|afp\s+photo|shutterstock|epa-efe|"
    r"associated\s+press|zuma\s+press)\s*\)?\.?$"
)
_TIMESTAMP = _rx(
    r"^(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4},?\s*)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*[A-Z]{2,4})?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$"
)
_DATELINE_ONLY = _rx(
    r"^(?:(?:updated|published|posted|last\s+updated|first\s+published)(?:\s+on)?\s*:?\s*)"
    r".{0,40}\d{4}.{0,30}$"
)
_DATE_PREFIX = _rx(
    r"^\s*(?:date|published|posted|updated)\s*[:\s]\s*"
    r"(?P<date>(?:19|20)\d{2}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?\s*"
)
_URL_LINE = _rx(r"^(?:https?://|www\.)\S+$")
_BYLINE = re.compile(r"^(?:[Bb]y|BY|[Ww]ritten\s+by|[Aa]uthor\s*:)\s+(?P<who>.{2,160})$")
_BREADCRUMB = _rx(
    r"^home\s*(?:[>›»/|]|\s+(?:news|world|politics|business|economy|europe|asia|africa|"
    r"americas|middle\s+east|us|uk|opinion|sport|sports|tech|technology|science|defen[cs]e|"
    r"security|latest|articles?|blog|category|breaking|international|local|national|region|"
    r"analysis|russia|ukraine|iran)\b)"
)
_BIO = re.compile(
    r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}(?:,\s+\d{2},)?\s+(?:is|was|has\s+been)\s+"
    r"(?:an?|the)\s+(?:[\w-]+\s+){0,4}(?:journalist|writer|reporter|editor|correspondent|"
    r"contributor|columnist|author|blogger|freelancer|analyst|producer)\b|"
    r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)?,\s+\d{2},\s+(?:is|was|lives|has)\b"
)
_GENERIC_AUTHORS = {"admin", "administrator", "staff", "editor", "editors", "newsroom", "guest"}
_TERMINAL = tuple('.!?:;"”’)…')
_REMOVED = "\x00"  # a line removed as furniture (a paragraph break, not a blank line)


def _words(line: str) -> int:
    return len(line.split())


def _is_boilerplate(line: str, *, flattened: bool = True) -> bool:
    """A line that is page furniture wherever it appears. ``flattened``: the text was a
    page flattened to text, so photo credits, bare timestamps and URLs are furniture too
    (an HTML extractor drops those with the markup; what is left of them is content)."""
    words = _words(line)
    if words == 0:
        return False
    if words <= 12 and _AD_LINE.match(line):
        return True
    if words <= 20 and (_SOCIAL_ONLY.match(line) or _SHARE_LINE.match(line)):
        return True
    if words <= 25 and _FOLLOW_US.match(line):
        return True
    if (
        words <= 20
        and _MERCH_WORD.search(line)
        and (line.rstrip().endswith("!") or _MERCH_CALL.search(line))
    ):
        return True
    if words <= 80 and _COPYRIGHT.search(line):
        return True
    if words <= 30 and (_NAV_LINE.match(line) or _READ_MORE.match(line)):
        return True
    if words <= 40 and _DONATION.search(line):
        return True
    if not flattened:
        return False
    if words <= 25 and (_CREDIT.match(line) or _AGENCY_CREDIT.search(line)):
        return True
    if words <= 8 and _TIMESTAMP.match(line):
        return True
    return bool(_URL_LINE.match(line))


@dataclass(frozen=True)
class CleanText:
    """The body of a plain-text article and what its head said about it."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None


def _author_of(who: str) -> tuple[str | None, str | None]:
    """(author, date) from a byline: "Dion Nissenbaum Follow and Warren P. Strobel
    Follow Updated Feb. 5, 2023 9:58 am ET"."""
    date = parse_date(who)
    who = re.split(r"(?i)\s+(?:updated|published|posted|on)\b|\s+[|·•–—-]\s+|,\s+\d", who)[0]
    who = re.sub(r"(?i)\bfollow\b", "", who)
    who = re.sub(r"\s+", " ", who).strip(" ,;")
    if not who or who.casefold() in _GENERIC_AUTHORS:
        return None, date
    names = [n.strip() for n in re.split(r"\s+and\s+|\s*&\s*|,\s*", who) if n.strip()]
    if not names or any(_words(n) > 5 for n in names):
        return None, date
    return ", ".join(names), date


def _looks_like_title(line: str) -> bool:
    words = _words(line)
    if words < 2 or words > 30 or len(line) > 250:
        return False
    if line.rstrip().endswith((".", ",", ";", ":")) and not line.rstrip().endswith("..."):
        return False
    first = line.lstrip("\"“‘'(")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _is_kicker(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and _words(line) <= 6


def clean_text(raw: str, *, head_rules: bool = True, flattened: bool = True) -> CleanText:
    """Remove page furniture from plain text, line by line.

    Everywhere: ad markers, share and follow lines, merchandise plugs, copyright and
    reprint notices, navigation ("Related News", "Leave a Reply", "READ MORE: ..."),
    donation appeals, photo credits (and the caption just above a credit), bare
    timestamps and URLs. From the point where an author box, comment form or list of
    related stories starts, in the second half of the text, everything is cut. In the
    head (``head_rules``): breadcrumbs, section kickers, bylines and "date ..." prefixes
    are removed and read as author and date, a bare URL is kept as the article's URL,
    and the first remaining line is the title when it reads like one.

    For the text an HTML extractor returned, pass ``head_rules=False, flattened=False``:
    only the furniture that survives extraction (ad markers, share lines, plugs,
    notices, navigation) is removed.
    """
    lines = [ln.strip() for ln in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln) for ln in lines]
    nonblank = [i for i, ln in enumerate(lines) if ln]
    author = published = url = title = None

    # Tail: an author box, comment form or related-links block ends the article.
    if nonblank and flattened:
        half = nonblank[len(nonblank) // 2]
        for i in nonblank:
            if i > half and _words(lines[i]) <= 12 and _TAIL_MARKER.match(lines[i]):
                lines = lines[:i]
                break
        tail_from = nonblank[max(0, (len(nonblank) * 3) // 4 - 1)]
        lines = [
            "" if (i >= tail_from and i > 0 and _BIO.match(ln) and _words(ln) <= 120) else ln
            for i, ln in enumerate(lines)
        ]

    kept: list[str] = []
    for line in lines:
        if not line:
            kept.append("")
            continue
        if _is_boilerplate(line, flattened=flattened):
            if _URL_LINE.match(line) and url is None and head_rules:
                url = line if line.lower().startswith("http") else "https://" + line
            if _CREDIT.match(line) or _AGENCY_CREDIT.search(line):
                _drop_caption(kept)
            kept.append(_REMOVED)
            continue
        if head_rules:
            prefix = _DATE_PREFIX.match(line)
            if prefix:
                published = published or parse_date(prefix["date"])
                line = line[prefix.end() :].strip()
                if not line:
                    kept.append(_REMOVED)
                    continue
            if _words(line) <= 40 and _DATELINE_ONLY.match(line) and parse_date(line):
                published = published or parse_date(line)
                kept.append(_REMOVED)
                continue
        kept.append(line)

    kept = _join_wrapped(["" if ln == _REMOVED else ln for ln in kept])
    if head_rules:
        kept, head = _clean_head(kept)
        author, title = head.author, head.title
        published = published or head.published
        if title is not None:
            # The title, once taken, is not repeated as a paragraph.
            kept = [ln for ln in kept if ln != title]
    text = _paragraphs(kept)
    return CleanText(text=text, title=title, author=author, published=published, url=url)


def _drop_caption(kept: list[str]) -> None:
    """Blank the caption just above a photo credit: the previous line, when nothing
    separates it from the credit or when it stands alone after two or more blank lines
    (a figure flattened into the text)."""
    j = len(kept) - 1
    while j >= 0 and kept[j] in ("", _REMOVED):
        j -= 1
    if j < 0 or _words(kept[j]) > 45:
        return
    blanks_before = 0
    k = j - 1
    while k >= 0 and kept[k] == "":
        blanks_before += 1
        k -= 1
    if j == len(kept) - 1 or (k >= 0 and blanks_before >= 2):
        kept[j] = _REMOVED


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join a line wrapped mid-sentence to its continuation (no blank line between, no
    sentence end, the next line starting in lower case)."""
    out: list[str] = []
    for line in lines:
        if line and out and out[-1] and not out[-1].endswith(_TERMINAL) and line[:1].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


@dataclass
class _Head:
    author: str | None = None
    published: str | None = None
    title: str | None = None


def _clean_head(lines: list[str]) -> tuple[list[str], _Head]:
    """Breadcrumbs, kickers and bylines in the first lines; then the title."""
    head = _Head()
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 12:
            break
        if _words(line) > 60:
            break  # the body has started
        if _BREADCRUMB.match(line) and _words(line) <= 30:
            lines[i] = ""
            continue
        byline = _BYLINE.match(line)
        if byline and _words(line) <= 25:
            who, date = _author_of(byline["who"])
            head.author = head.author or who
            head.published = head.published or date
            lines[i] = ""
            continue
        if _is_kicker(line) and _next_titleish(lines, i):
            lines[i] = ""
            continue
    for line in lines:
        if line:
            if _looks_like_title(line):
                head.title = line.rstrip()
            break
    return lines, head


def _next_titleish(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line:
            return _looks_like_title(line)
    return False


def _paragraphs(lines: list[str]) -> str:
    """Lines back to text: one paragraph per line, repeated lines and blanks dropped."""
    out: list[str] = []
    for line in lines:
        if line and (not out or out[-1] != line):
            out.append(line)
    return "\n".join(out)


# -- HTML ------------------------------------------------------------------------------------

#: Fewer words than this is a page without an article (a menu, a cookie wall, an error).
MIN_WORDS = 8
#: Below this, a precision-first extraction is suspected of having lost the body.
SHORT_ARTICLE_WORDS = 40

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class PageHead:
    """What a page's ``<head>`` declares about itself."""

    canonical: str | None = None
    site_name: str | None = None
    title: str | None = None
    language: str | None = None
    published: str | None = None
    author: str | None = None


def _first(tree: lxml.html.HtmlElement, *xpaths: str) -> str | None:
    for xpath in xpaths:
        for value in tree.xpath(xpath):
            text = str(value).strip()
            if text:
                return text
    return None


def page_head(tree: lxml.html.HtmlElement, base_url: str | None) -> PageHead:
    """Canonical URL (``<link rel=canonical>``, then ``og:url``), site name, title,
    declared language and the publisher's own date and author meta tags."""
    canonical = _first(
        tree,
        "//link[contains(concat(' ', translate(@rel, 'CANONIC', 'canonic'), ' '), "
        "' canonical ')]/@href",
        "//meta[@property='og:url']/@content",
    )
    if canonical and base_url:
        canonical = urljoin(base_url, canonical)
    lang = _first(
        tree, "/html/@lang", "/html/@xml:lang", "//meta[@http-equiv='content-language']/@content"
    )
    return PageHead(
        canonical=canonical,
        site_name=_first(
            tree,
            "//meta[@property='og:site_name']/@content",
            "//meta[@name='application-name']/@content",
            "//meta[@name='publisher']/@content",
        ),
        title=_first(tree, "//meta[@property='og:title']/@content", "//title/text()"),
        language=lang.split("-")[0].split("_")[0].lower()[:3] if lang else None,
        published=_first(
            tree,
            "//meta[@property='article:published_time']/@content",
            "//meta[@name='pubdate']/@content",
            "//meta[@itemprop='datePublished']/@content",
        ),
        author=_first(tree, "//meta[@name='author']/@content"),
    )


def _parse_html(html: str, label: str) -> lxml.html.HtmlElement:
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"no HTML document could be parsed ({exc})", path=label) from None
    return tree


def _fallback_text(tree: lxml.html.HtmlElement, *, fragment: bool) -> str:
    """The paragraphs of a small page, or all visible text of a ``fragment`` (a feed
    item's summary), for when trafilatura finds no article in it."""
    for bad in tree.xpath("//script|//style|//noscript|//template|//nav|//header|//footer"):
        bad.drop_tree()
    tags = ("p", "li", "h1", "h2", "h3", "blockquote", "td") if fragment else ("p", "blockquote")
    blocks = []
    for elem in tree.iter(*tags):
        text = " ".join(elem.text_content().split())
        if text:
            blocks.append(text)
    if not blocks and fragment:
        blocks = [" ".join(tree.text_content().split())]
    return "\n".join(b for b in blocks if b)


def _trafilatura(html: str, url: str | None, *, precision: bool) -> Any:
    """trafilatura's document (text and metadata), or None when it finds nothing."""
    result = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=precision,
        favor_recall=not precision,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    return None if result is None or isinstance(result, dict) else result


def feed_item_title(item: FeedItem | None) -> str | None:
    return item.title if item is not None else None


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _without_heading(text: str, title: str | None) -> str:
    """The body without a first line that repeats the headline: the title is a field of
    its own, and a body that starts with it would count its words twice."""
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if rest.strip() and _squash(first) == _squash(title):
        return rest
    return text


def extract_html(
    data: bytes | str,
    *,
    origin: str,
    url: str | None = None,
    charset: str | None = None,
    fetched_at: str | None = None,
    max_bytes: int | None = None,
    feed_item: FeedItem | None = None,
    label: str | None = None,
) -> Article:
    """An article from an HTML page; :class:`InputError` when it holds none."""
    label = label or url or origin
    size = len(data)
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            f"{size:,} bytes, larger than media_max_bytes ({max_bytes:,}); refused", path=label
        )
    html = decode(data, charset) if isinstance(data, bytes) else data
    head = page_head(_parse_html(html, label), url)
    result = _trafilatura(html, url, precision=True)
    text = ""
    meta_title = meta_author = meta_date = meta_site = None
    if result is not None:
        text = result.text or ""
        meta_title, meta_author = result.title, result.author
        meta_date, meta_site = result.date, result.sitename
    cleaned = clean_text(text, head_rules=False, flattened=False).text if text else ""
    if _words(cleaned) < SHORT_ARTICLE_WORDS:
        # Precision sometimes keeps only a notice and loses the body (a paywall script
        # around the article): ask again for recall and keep the longer text.
        second = _trafilatura(html, url, precision=False)
        if second is not None and second.text:
            again = clean_text(second.text, head_rules=False, flattened=False).text
            if _words(again) > _words(cleaned):
                cleaned = again
    if not cleaned and (feed_item is not None or size < 20000):
        # Feed summaries and very short pages are below trafilatura's article threshold.
        fragment = feed_item is not None
        fallback = _fallback_text(_parse_html(html, label), fragment=fragment)
        if fragment or _words(fallback) >= 30:
            cleaned = clean_text(fallback, head_rules=False, flattened=False).text
    if _words(cleaned) < MIN_WORDS:
        raise InputError("no article text found in the page", path=label)
    title = meta_title or head.title or feed_item_title(feed_item)
    cleaned = _without_heading(cleaned, title)
    item = feed_item or FeedItem(None, None, None, None, None, None)
    page_url = url or item.link
    outlet = meta_site or head.site_name or outlet_of_host(host_of(page_url)) or item.feed_title
    canonical = head.canonical or page_url
    language = detect_language(cleaned) or head.language
    return make_article(
        cleaned,
        origin=origin,
        url=page_url,
        canonical_url=canonical_url(canonical) if canonical else None,
        title=title,
        outlet=outlet,
        author=meta_author or head.author or item.author,
        published=parse_date(meta_date) or parse_date(head.published) or parse_date(item.published),
        language=language,
        fetched_at=fetched_at,
        attributions=find_attributions(cleaned, own_outlet=outlet),
    )


def extract_text(
    data: bytes | str,
    *,
    origin: str,
    url: str | None = None,
    charset: str | None = None,
    fetched_at: str | None = None,
    feed_item: FeedItem | None = None,
    label: str | None = None,
) -> Article:
    """An article from plain text, its furniture removed (see :func:`clean_text`)."""
    label = label or url or origin
    raw = decode(data, charset) if isinstance(data, bytes) else data
    cleaned = clean_text(raw)
    if not cleaned.text.strip():
        raise InputError("no article text left once boilerplate was removed", path=label)
    item = feed_item or FeedItem(None, None, None, None, None, None)
    page_url = url or cleaned.url or item.link
    outlet = outlet_of_host(host_of(page_url)) or item.feed_title
    return make_article(
        cleaned.text,
        origin=origin,
        url=page_url,
        canonical_url=canonical_url(page_url) if page_url else None,
        title=cleaned.title or item.title,
        outlet=outlet,
        author=cleaned.author or item.author,
        published=cleaned.published or parse_date(item.published),
        language=detect_language(cleaned.text),
        fetched_at=fetched_at,
        attributions=find_attributions(cleaned.text, own_outlet=outlet),
    )


def extract_document(doc: Document, *, max_bytes: int | None = None) -> Article:
    """The article of a fetched or read :class:`Document` (HTML or plain text)."""
    if doc.kind == "feed":
        raise InputError(
            "is a feed, not an article; use 'redline media add' for feeds", path=doc.label
        )
    if doc.kind == "html":
        return extract_html(
            doc.data,
            origin=doc.origin,
            url=doc.url,
            charset=doc.charset,
            fetched_at=doc.fetched_at,
            max_bytes=max_bytes,
            feed_item=doc.feed_item,
            label=doc.label,
        )
    return extract_text(
        doc.data,
        origin=doc.origin,
        url=doc.url,
        charset=doc.charset,
        fetched_at=doc.fetched_at,
        feed_item=doc.feed_item,
        label=doc.label,
    )
