"""Reading what the user points ``media add`` at: web pages, files, directories and
RSS/Atom feeds, each turned into :class:`Document` values (raw bytes plus where they came
from) or a clear error for that one item.

Every read is bounded: pages and files larger than ``media_max_bytes`` are refused
before they are parsed, a site gets ``media_timeout`` seconds, and content that is not
text (images, PDFs, archives) is named as such instead of being fed to the extractor.
Whether something is HTML, plain text or a feed is decided from its bytes, not from its
file name or declared type alone: news sites and file systems mislabel freely.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import etree

from redline import __version__
from redline.errors import InputError, RedlineError, XMLSecurityError
from redline.settings import Settings
from redline.store.snapshots import now_iso

Kind = Literal["html", "text", "feed"]

USER_AGENT = f"redline/{__version__} (adverse media ingest)"

#: Declared content types that are text redline can read.
TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)
#: Declared types that say nothing either way: the bytes decide.
VAGUE_TYPES = ("", "application/octet-stream", "binary/octet-stream", "text/x-unknown")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a program (Windows)"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x00", "a binary file"),
)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: its link and what the feed itself says about it."""

    link: str | None
    title: str | None
    published: str | None
    author: str | None
    content: str | None  # the item's HTML or text, when the feed carries it
    feed_title: str | None


@dataclass(frozen=True)
class Document:
    """Bytes to extract an article from, and their provenance.

    ``origin`` is what the user gave; ``label`` names this item in messages (the file,
    the URL, or ``FEED → link`` for a feed item); ``url`` is the page address when
    there is one.
    """

    origin: str
    label: str
    data: bytes
    kind: Kind
    url: str | None
    fetched_at: str
    charset: str | None = None
    feed_item: FeedItem | None = None


@dataclass(frozen=True)
class Failure:
    """An item that could not be read; the batch goes on without it."""

    origin: str
    label: str
    error: str


def is_url(target: str) -> bool:
    """http(s) addresses are fetched; everything else is a path."""
    return bool(re.match(r"(?i)^https?://", target.strip()))


# -- sniffing -------------------------------------------------------------------------------

_FIRST_ELEMENT = re.compile(
    rb"^(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*<([A-Za-z][\w:.-]*)",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS = (b"rss", b"feed", b"rdf:rdf", b"rdf")
_HTML_HINT = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]|"
    rb"<(?:p|div|article|section|h1|h2|span|br|table)[\s>/]",
    re.IGNORECASE,
)


def binary_kind(data: bytes) -> str | None:
    """What a binary file is ("a PDF document"...), or None when the bytes are text."""
    head = data[:8192]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if not head:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text with a byte order mark
    if b"\x00" in head:
        return "a binary file"
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if control > 0.05 * len(head):
        return "a binary file"
    return None


def sniff(data: bytes) -> Kind:
    """HTML, a feed or plain text, from the first few kilobytes."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:8192].decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first = _FIRST_ELEMENT.match(head)
    if first and first.group(1).lower() in _FEED_ROOTS:
        return "feed"
    if _HTML_HINT.search(head):
        return "html"
    return "text"


def _content_type(value: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header."""
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for part in parts[1:]:
        key, _, val = part.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return parts[0].lower(), charset


def _gunzip(data: bytes, limit: int, label: str) -> bytes:
    """Decompress a gzip file, refusing one that expands beyond ``limit`` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(f"corrupt gzip file ({exc})", path=label) from None
    if len(out) > limit:
        raise InputError(
            f"larger than media_max_bytes ({limit:,} bytes) once decompressed; refused",
            path=label,
        )
    return out


def _check(data: bytes, label: str, limit: int) -> bytes:
    if len(data) > limit:
        raise InputError(
            f"{len(data):,} bytes, larger than media_max_bytes ({limit:,}); refused "
            "(raise REDLINE_MEDIA_MAX_BYTES to read it)",
            path=label,
        )
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip(data, limit, label)
    if not data.strip():
        raise InputError("empty: no text to read", path=label)
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(f"{kind}, not an HTML page, a feed or plain text", path=label)
    return data


# -- files and directories --------------------------------------------------------------


def read_file(path: Path, settings: Settings, *, origin: str | None = None) -> Document:
    """A local file as a :class:`Document` (gzip-compressed files are read through)."""
    label = str(path)
    limit = settings.media_max_bytes
    try:
        size = path.stat().st_size
        if size > limit and not path.name.endswith(".gz"):
            raise InputError(
                f"{size:,} bytes, larger than media_max_bytes ({limit:,}); refused "
                "(raise REDLINE_MEDIA_MAX_BYTES to read it)",
                path=label,
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError("no such file or directory", path=label) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=label) from None
    except PermissionError:
        raise InputError("permission denied", path=label) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=label) from None
    data = _check(data, label, limit)
    return Document(
        origin=origin or label,
        label=label,
        data=data,
        kind=sniff(data),
        url=None,
        fetched_at=now_iso(),
    )


def walk(directory: Path) -> list[Path]:
    """The files under a directory, sorted, hidden files and directories skipped."""
    out = []
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file():
            out.append(path)
    return out


# -- the web ---------------------------------------------------------------------------------


def client(settings: Settings) -> httpx.Client:
    """An HTTP client with redline's limits: timeouts, redirects, identification."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.media_timeout),
        follow_redirects=True,
        max_redirects=5,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html, application/xhtml+xml, "
            "application/rss+xml, application/atom+xml, text/plain;q=0.8, */*;q=0.1",
        },
        trust_env=False,
    )


def fetch_url(
    url: str,
    settings: Settings,
    http: httpx.Client,
    *,
    origin: str | None = None,
    label: str | None = None,
) -> Document:
    """Fetch one page, enforcing the size limit while streaming and the timeout over the
    whole download (a server trickling bytes cannot hold the batch)."""
    label = label or url
    limit = settings.media_max_bytes
    deadline = time.monotonic() + settings.media_timeout
    try:
        with http.stream("GET", url) as response:
            if response.status_code >= 400:
                reason = response.reason_phrase or "error"
                raise InputError(f"HTTP {response.status_code} {reason}", path=label)
            media_type, charset = _content_type(response.headers.get("content-type"))
            if _refused_type(media_type):
                raise InputError(
                    f"content type {media_type} is not an HTML page, a feed or text",
                    path=label,
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise InputError(
                    f"{int(declared):,} bytes announced, larger than media_max_bytes "
                    f"({limit:,}); not downloaded",
                    path=label,
                )
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise InputError(
                        f"larger than media_max_bytes ({limit:,} bytes); download stopped",
                        path=label,
                    )
                if time.monotonic() > deadline:
                    raise InputError(
                        f"took longer than media_timeout ({settings.media_timeout:g} s)",
                        path=label,
                    )
                chunks.append(chunk)
            final_url = str(response.url)
    except httpx.TimeoutException:
        raise InputError(
            f"no answer within media_timeout ({settings.media_timeout:g} s)", path=label
        ) from None
    except httpx.TooManyRedirects:
        raise InputError("too many redirects", path=label) from None
    except httpx.InvalidURL as exc:
        raise InputError(f"not a valid URL ({exc})", path=label) from None
    except httpx.HTTPError as exc:
        raise InputError(f"unreachable ({_reason(exc)})", path=label) from None
    data = _check(b"".join(chunks), label, limit)
    return Document(
        origin=origin or url,
        label=label,
        data=data,
        kind=sniff(data),
        url=final_url,
        fetched_at=now_iso(),
        charset=charset,
    )


def _refused_type(media_type: str) -> bool:
    """A declared type that is neither text nor vague (vague types are sniffed)."""
    if media_type in TEXT_TYPES or media_type in VAGUE_TYPES:
        return False
    return not media_type.startswith("text/")


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "host not found"
    if "Connection refused" in text or "[Errno 111]" in text:
        return "connection refused"
    return text.splitlines()[0][:200]


# -- feeds -----------------------------------------------------------------------------------

_ATOM = "{http://www.w3.org/2005/Atom}"
_DOCTYPE_ENTITY = re.compile(rb"<!DOCTYPE[^>]*(?:<!ENTITY|SYSTEM|PUBLIC)", re.IGNORECASE)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _child(elem: etree._Element, *names: str) -> etree._Element | None:
    for child in elem:
        if isinstance(child.tag, str) and _local(child.tag) in names:
            return child
    return None


def _text(elem: etree._Element | None) -> str | None:
    if elem is None:
        return None
    text = "".join(str(t) for t in elem.itertext()).strip()
    return text or None


def parse_feed(data: bytes, label: str, base_url: str | None = None) -> list[FeedItem]:
    """The items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed.

    Parsing never touches the network and never expands entities: a DOCTYPE that
    declares them is refused outright.
    """
    if _DOCTYPE_ENTITY.search(data[:65536]):
        raise XMLSecurityError(
            "feed declares entities or external resources in its DOCTYPE; refused",
            path=label,
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        recover=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise InputError(f"malformed feed ({exc.msg or exc})", path=label, line=line) from None
    if root is None:
        raise InputError("empty feed", path=label)
    root_name = _local(root.tag)
    items: list[FeedItem] = []
    if root_name == "feed":
        feed_title = _text(_child(root, "title"))
        for entry in root:
            if isinstance(entry.tag, str) and _local(entry.tag) == "entry":
                items.append(_atom_item(entry, feed_title, base_url))
    elif root_name in ("rss", "rdf"):
        channel = _child(root, "channel")
        feed_title = _text(_child(channel, "title")) if channel is not None else None
        containers = [root] + ([channel] if channel is not None else [])
        for container in containers:
            for item in container:
                if isinstance(item.tag, str) and _local(item.tag) == "item":
                    items.append(_rss_item(item, feed_title, base_url))
    else:
        raise InputError(f"not an RSS or Atom feed (root element <{root_name}>)", path=label)
    return items


def _absolute(link: str | None, base_url: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    return urljoin(base_url, link) if base_url else link


def _rss_item(item: etree._Element, feed_title: str | None, base: str | None) -> FeedItem:
    link = _text(_child(item, "link"))
    if link is None:
        guid = _child(item, "guid")
        if guid is not None and (guid.get("isPermaLink") or "true").lower() == "true":
            link = _text(guid)
    content = _text(_child(item, "encoded")) or _text(_child(item, "description"))
    return FeedItem(
        link=_absolute(link, base),
        title=_text(_child(item, "title")),
        published=_text(_child(item, "pubdate", "date", "published", "updated")),
        author=_text(_child(item, "creator", "author")),
        content=content,
        feed_title=feed_title,
    )


def _atom_item(entry: etree._Element, feed_title: str | None, base: str | None) -> FeedItem:
    link = None
    for child in entry:
        if isinstance(child.tag, str) and _local(child.tag) == "link":
            rel = (child.get("rel") or "alternate").lower()
            if rel == "alternate" and child.get("href"):
                link = child.get("href")
                break
    author_elem = _child(entry, "author")
    author = _text(_child(author_elem, "name")) if author_elem is not None else None
    content_elem = _child(entry, "content")
    if content_elem is not None and len(content_elem):
        # XHTML content: serialise the markup inside the <content> element.
        content: str | None = "".join(
            etree.tostring(child, encoding="unicode") for child in content_elem
        )
    else:
        content = _text(content_elem) or _text(_child(entry, "summary"))
    return FeedItem(
        link=_absolute(link, base),
        title=_text(_child(entry, "title")),
        published=_text(_child(entry, "published", "updated")),
        author=author,
        content=content,
        feed_title=feed_title,
    )


def item_document(origin: str, feed_label: str, item: FeedItem) -> Document:
    """A feed item's own content as a document (when its page is not fetched)."""
    label = f"{feed_label} → {item.link or item.title or 'item'}"
    if not item.content:
        raise InputError("feed item carries no content of its own", path=label)
    data = item.content.encode("utf-8")
    return Document(
        origin=origin,
        label=label,
        data=data,
        kind="html" if sniff(data) == "html" else "text",
        url=item.link,
        fetched_at=now_iso(),
        charset="utf-8",
        feed_item=item,
    )


# -- putting it together -----------------------------------------------------------------------


def documents(
    targets: list[str],
    settings: Settings,
    *,
    fetch_links: bool = True,
    http: httpx.Client | None = None,
) -> Iterator[Document | Failure]:
    """Every document the targets name, in order, with a :class:`Failure` in place of
    each item that cannot be read. Directories are walked; feeds are expanded into
    their items, each item's page fetched (``fetch_links``) or, when that is off or
    fails, the item's own content used."""
    own = http is None
    http = http or client(settings)
    try:
        for target in targets:
            yield from _expand(target, settings, fetch_links, http)
    finally:
        if own:
            http.close()


def _expand(
    target: str, settings: Settings, fetch_links: bool, http: httpx.Client
) -> Iterator[Document | Failure]:
    try:
        if is_url(target):
            doc = fetch_url(target, settings, http)
        else:
            path = Path(target).expanduser()
            if path.is_dir():
                files = walk(path)
                if not files:
                    yield Failure(target, target, f"{target}: directory holds no files")
                for file in files:
                    yield from _one_file(file, settings, fetch_links, http)
                return
            doc = read_file(path, settings, origin=target)
    except RedlineError as exc:
        yield Failure(target, target, str(exc))
        return
    yield from _with_feed(doc, settings, fetch_links, http)


def _one_file(
    path: Path, settings: Settings, fetch_links: bool, http: httpx.Client
) -> Iterator[Document | Failure]:
    # A file found in a directory is known by its own path: that is what a reader of
    # the article's provenance needs, and the directory is in the batch's audit record.
    try:
        doc = read_file(path, settings)
    except RedlineError as exc:
        yield Failure(str(path), str(path), str(exc))
        return
    yield from _with_feed(doc, settings, fetch_links, http)


def _with_feed(
    doc: Document, settings: Settings, fetch_links: bool, http: httpx.Client
) -> Iterator[Document | Failure]:
    if doc.kind != "feed":
        yield doc
        return
    try:
        items = parse_feed(doc.data, doc.label, doc.url)
    except RedlineError as exc:
        yield Failure(doc.origin, doc.label, str(exc))
        return
    if not items:
        yield Failure(doc.origin, doc.label, f"{doc.label}: feed has no items")
    for item in items:
        yield _feed_item(doc, item, settings, fetch_links, http)


def _feed_item(
    feed: Document, item: FeedItem, settings: Settings, fetch_links: bool, http: httpx.Client
) -> Document | Failure:
    label = f"{feed.label} → {item.link or item.title or 'item'}"
    fetch_error = None
    if fetch_links and item.link and is_url(item.link):
        try:
            page = fetch_url(item.link, settings, http, origin=feed.origin, label=label)
            if page.kind != "feed":
                return replace(page, feed_item=item)
            fetch_error = "the item's link is itself a feed"
        except RedlineError as exc:
            fetch_error = str(exc)
    try:
        return item_document(feed.origin, feed.label, item)
    except RedlineError as exc:
        message = f"{exc}; fetching its link failed: {fetch_error}" if fetch_error else str(exc)
        return Failure(feed.origin, label, message)


def host_of(url: str | None) -> str | None:
    """The host of a URL without ``www.``: the outlet when a page names none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
