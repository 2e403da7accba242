"""Dates as publishers write them, turned into ISO 8601 prefixes (``1960``,
``1960-03``, ``1960-03-14``) as FtM stores them.

Lists give birth dates as full dates, bare years, months, ranges ("1960 to 1962"),
approximations ("circa 1960") and in several orders. A date we cannot read yields no
value rather than a guess; the raw text stays in the entity's notes.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january", "janvier", "enero"),
            ("feb", "february", "fevrier", "février", "febrero"),
            ("mar", "march", "mars", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "junio"),
            ("jul", "july", "juillet", "julio"),
            ("aug", "august", "aout", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "decembre", "décembre", "diciembre"),
        ),
        start=1,
    )
    for name in names
}

_APPROX = re.compile(r"\b(circa|ca\.?|approximately|approx\.?|about|around|c\.)\s*", re.I)
_RANGE = re.compile(r"^(\d{4})\s*(?:to|-|–|—|/)\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
"""dd/mm/yyyy or mm/dd/yyyy (with . or -): which one, the caller may have to decide."""
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-zéû]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-zéû]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-zéû]+)\.?,?\s+(\d{4})$")
_MONTH_YEAR_NUM = re.compile(r"^(\d{1,2})[./-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_PLACEHOLDER = re.compile(r"^(0{1,2}|x{1,2})[./-](0{1,2}|x{1,2})[./-](\d{4})$", re.I)

MAX_RANGE_YEARS = 10
"""A range wider than this is not a birth date anyone can use; it yields its end points."""


def _valid(year: int, month: int | None = None, day: int | None = None) -> bool:
    if not 1000 <= year <= 2999:
        return False
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _fmt(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not _valid(year, month, day):
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(text: str | None, *, dayfirst: bool = True) -> list[str]:
    """Every date ``text`` denotes, as ISO prefixes; an empty list when unreadable.

    ``dayfirst`` decides ``03/04/1960`` (3 April when true, US 4 March when false).
    A range gives every year in it (up to :data:`MAX_RANGE_YEARS`), since a screener
    must accept any of them.
    """
    if not text:
        return []
    value = _APPROX.sub("", text.strip()).strip(" .,;")
    if not value:
        return []
    if m := _RANGE.match(value):
        start, end = int(m.group(1)), int(m.group(2))
        if start > end:
            start, end = end, start
        years = [start, end] if end - start > MAX_RANGE_YEARS else list(range(start, end + 1))
        return [y for y in (_fmt(year) for year in years) if y]
    if m := _ISO.match(value):
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        if month == 0:
            month, day = None, None
        if day == 0:
            day = None
        out = _fmt(year, month, day)
        return [out] if out else []
    if m := _PLACEHOLDER.match(value):
        out = _fmt(int(m.group(3)))
        return [out] if out else []
    if m := NUMERIC_DATE.match(value):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (a, b) if dayfirst else (b, a)
        out = _fmt(year, month or None, day or None) if month else _fmt(year)
        return [out] if out else []
    if m := _DAY_MONTH_YEAR.match(value):
        month = MONTHS.get(m.group(2).lower())
        out = _fmt(int(m.group(3)), month, int(m.group(1))) if month else None
        return [out] if out else []
    if m := _MONTH_DAY_YEAR.match(value):
        month = MONTHS.get(m.group(1).lower())
        out = _fmt(int(m.group(3)), month, int(m.group(2))) if month else None
        return [out] if out else []
    if m := _MONTH_YEAR.match(value):
        month = MONTHS.get(m.group(1).lower())
        out = _fmt(int(m.group(2)), month) if month else None
        return [out] if out else []
    if m := _MONTH_YEAR_NUM.match(value):
        out = _fmt(int(m.group(2)), int(m.group(1)))
        return [out] if out else []
    if m := _YEAR.match(value):
        out = _fmt(int(m.group(1)))
        return [out] if out else []
    return []
