"""Helpers shared by the UN, EU, UK and Canada parsers: sniffing the root element,
country values, one-line addresses and birth dates with placeholder parts.

They live apart from :mod:`redline.sources.files` because they encode conventions of
these publishers (``dd/mm/1945`` placeholders, ``1) X 2) Y`` numbered lists), not
general file handling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from redline.countries import country_code
from redline.entities import Entity, clean_value
from redline.errors import InputError
from redline.sources.dates import parse_date
from redline.sources.files import InputFile

_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_PROLOG = re.compile(rb"<\?.*?\?>", re.S)
_NUMBERED = re.compile(r"(?:^|\s)\(?\d{1,2}\)\s*")
_PLACEHOLDER_PART = re.compile(r"\b(?:dd|mm|xx)\b", re.I)


def root_tag(file: InputFile) -> str | None:
    """The local name of the document element, from the first bytes of the file; None
    when the file does not start like XML (a CSV, a PDF...)."""
    head = file.head(16 * 1024)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = _COMMENT.sub(b"", _PROLOG.sub(b"", head))
    stripped = head.lstrip()
    if not stripped.startswith(b"<"):
        return None
    # DOCTYPE and other <! declarations are skipped by the pattern's first character.
    match = _FIRST_TAG.search(stripped)
    if match is None:
        return None
    return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]


def expect_root(file: InputFile, expected: Iterable[str], what: str) -> str:
    """The root element's local name, or InputError naming the file when it is not one
    of ``expected`` (a CSV given to an XML source, another publisher's XML...)."""
    allowed = list(expected)
    tag = root_tag(file)
    if tag is None:
        raise InputError(f"not an XML file; expected {what}", path=file.label)
    if tag not in allowed:
        raise InputError(
            f"unexpected root element <{tag}>; expected {what} (<{'>, <'.join(allowed)}>)",
            path=file.label,
        )
    return tag


def add_country(entity: Entity, prop: str, text: str | None) -> None:
    """Add a country property: the ISO code when the text names a country, else the text
    as written (so nothing the publisher said is lost)."""
    value = clean_value(text)
    if value is None:
        return
    entity.add(prop, country_code(value) or value)


def split_numbered(text: str | None) -> list[str]:
    """Split OFSI's numbered lists, ``1) Saudi Arabia 2) Qatar`` or ``(1) X (2) Y``; other text is
    returned whole."""
    value = clean_value(text)
    if value is None:
        return []
    if not _NUMBERED.match(value):
        return [value]
    parts = [p.strip(" ,;.") for p in _NUMBERED.split(value)]
    return [p for p in parts if p]


def join_address(
    street: Iterable[str | None] = (),
    city: str | None = None,
    region: str | None = None,
    postal: str | None = None,
    country: str | None = None,
) -> str | None:
    """One address string in the form "street, city, region postal, country"; None when
    every part is empty."""
    parts: list[str] = []

    def push(raw: str | None) -> None:
        # Publishers end lines with stray separators ("Nobonyad Square,"); drop them so
        # that the joined string has single ", " between parts.
        value = clean_value(raw)
        value = value.strip(" ,;") if value else None
        if value and value not in parts:
            parts.append(value)

    for line in street:
        push(line)
    push(city)
    push(" ".join(v for v in (clean_value(region), clean_value(postal)) if v))
    push(country)
    return ", ".join(parts) if parts else None


def dmy_dates(text: str | None) -> list[str]:
    """Dates written day first with placeholders for unknown parts (``00/00/1980``,
    ``dd/mm/1945``, ``00/05/1980``) as ISO prefixes."""
    value = clean_value(text)
    if value is None:
        return []
    value = _PLACEHOLDER_PART.sub("00", value)
    return parse_date(value, dayfirst=True)


def first_date(text: str | None) -> str | None:
    """The first ISO date in ``text`` read day first, or None."""
    dates = dmy_dates(text)
    return dates[0] if dates else None


def line_of(elem: etree._Element) -> int | None:
    """The element's line in the file, for error messages (lxml may not know it)."""
    line: object = elem.sourceline
    return line if isinstance(line, int) else None
