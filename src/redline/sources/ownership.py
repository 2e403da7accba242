"""Ownership edges a user knows of and the lists do not say: a CSV of who owns how much of
what, loaded as the ``user-ownership`` source so that it gets snapshots, history and
atomic activation like any list.

The file has a header row with three columns, found by name in any order and case:

* ``owner`` (or ``shareholder``, ``parent``): who holds the share;
* ``owned`` (or ``asset``, ``subsidiary``): what the share is of;
* ``share`` (or ``percentage``, ``percent``): how much, as a percentage.

Other columns are ignored. The delimiter is a comma unless the header holds more tabs
or semicolons (or the ``delimiter`` option says otherwise). Files are read as UTF-8
(a BOM is dropped), falling back to cp1252 line by line, as spreadsheets export them.

**Owner and owned** are written as the user knows them: an entity id of a listed party
(``ofac-16418``) or a name. A source never sees the store, so it cannot tell which one
a cell holds; every distinct cell (compared case- and space-blind) therefore becomes a
``Company`` of this source with a stable id (``user-ownership-acme-holdings``) and the
cell as its name. When ownership is computed, each of these is resolved against the
lists active *then*: to the entity whose id it is, else to the one listed party whose
name or alias it is, else it stays a company of its own. Resolving late means a name
that is listed tomorrow counts tomorrow, without importing the edges again.

**Shares** (:func:`parse_share`) are percentages: ``50``, ``50%``, ``12.5``, ``12,5 %``.
A bare number of 1 or less (``0.5``, ``1``) is refused as ambiguous, since it may be a
fraction (50%, 100%) or a small percentage; write ``0.5%`` or ``50``, or load a file of
fractions with the option ``scale=fraction`` (then ``0.5`` is 50% and a ``%`` sign
still means percent). Zero, negative, non-numeric and above-100 shares are refused.

A refused row is a :class:`~redline.errors.RecordError` naming the file, line and
column (skipped and counted, or failing the load when it is strict; ``redline ownership
import`` is strict by default). So is a row whose owner and owned are the same, or a
second row for the same owner and owned. Shares in one owned party that add up to more
than 100% fail the whole load, whatever the mode: the file contradicts itself, and no
single row can be blamed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from redline.entities import Entity, clean_value, make_id
from redline.errors import ConfigError, InputError, RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.files import InputFile, iter_csv

SOURCE_ID = "user-ownership"
ENCODINGS = ("utf-8", "cp1252")
OPTION_KEYS = frozenset({"scale", "delimiter"})
SCALES = ("percent", "fraction")
HUNDRED = Decimal(100)

COLUMNS: dict[str, tuple[str, ...]] = {
    "owner": ("owner", "owner_id", "shareholder", "parent"),
    "owned": ("owned", "owned_id", "asset", "subsidiary"),
    "share": ("share", "percentage", "percent", "pct"),
}
_NUMBER = re.compile(r"(?P<num>\d+(?:[.,]\d+)?|[.,]\d+)\s*(?P<pct>%)?")
_HEADER_NORM = re.compile(r"[\s\-.]+")
_SLUG = re.compile(r"[^a-z0-9]+")


def parse_share(text: str, scale: str = "percent") -> Decimal:
    """A share as an exact percentage in (0, 100], or ValueError saying what is wrong.

    Decimal, not float, so that 33.3 + 16.7 is exactly 50 and a holding of exactly half
    is never lost to rounding below the threshold.
    """
    raw = (clean_value(text) or "").replace("\u00a0", " ")
    if not raw:
        raise ValueError("no share given")
    found = _NUMBER.fullmatch(raw)
    if found is None:
        raise ValueError(f"share {raw!r} is not a number (write 50, 50% or 12.5)")
    try:
        value = Decimal(found["num"].replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValueError(f"share {raw!r} is not a number") from None
    if found["pct"]:
        percent = value
    elif scale == "fraction":
        if value > 1:
            raise ValueError(
                f"share {raw!r} is above 1 in a file of fractions (scale=fraction); "
                f"write {raw}% if it is a percentage"
            )
        percent = value * HUNDRED
    elif value <= 1 and value != 0:
        raise ValueError(
            f"ambiguous share {raw!r}: a fraction ({format_share(value * HUNDRED)}%) or a "
            f"percentage ({raw}%)? Write it with a % sign, or load the file with scale=fraction"
        )
    else:
        percent = value
    if percent <= 0:
        raise ValueError(f"share {raw!r} is not above 0%")
    if percent > HUNDRED:
        raise ValueError(f"share {raw!r} is above 100%")
    return percent


def format_share(share: Decimal) -> str:
    """A percentage as people write it: ``50``, ``12.5``, never ``5E+1``."""
    return format(share.normalize(), "f")


def reference_key(text: str) -> str:
    """How two cells naming the same party are recognised: case, accents and runs of
    spaces do not matter; trailing full stops do not either (``ACME LTD.``)."""
    # Compatibility forms first (𝐀 → A), so that casefolding sees every capital.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(folded.split()).rstrip(". ")


def placeholder_id(text: str) -> str:
    """The stable id of the company a cell stands for until it is resolved: readable
    (``user-ownership-acme-holdings``) for short Latin names, a hash otherwise."""
    key = reference_key(text)
    slug = _SLUG.sub("-", key).strip("-") if key.isascii() else ""
    if slug and len(slug) <= 48:
        return f"{SOURCE_ID}-{slug}"
    return make_id(SOURCE_ID, key)


class UserOwnership(Source):
    """Ownership edges from the user's own CSV (owner, owned, share)."""

    id = SOURCE_ID
    title = "Ownership edges you know of (CSV: owner, owned, share)"
    publisher = "the user"
    formats = ("CSV or TSV with the columns owner, owned, share",)
    urls = ()

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        unknown = sorted(set(self.options) - OPTION_KEYS)
        if unknown:
            raise ConfigError(
                f"{SOURCE_ID}: unknown option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(OPTION_KEYS))}"
            )
        self.scale = self.options.get("scale", "percent").strip().lower()
        if self.scale not in SCALES:
            raise ConfigError(
                f"{SOURCE_ID}: scale must be 'percent' or 'fraction', not {self.scale!r}"
            )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        state = _State()
        for file in files:
            yield from self._parse_file(file, ctx, state)
        for name, total, places in state.totals.values():
            if total > HUNDRED:
                file, line = places[0]
                raise InputError(
                    f"the shares held in {name!r} add up to {format_share(total)}%, more than "
                    f"100% ({', '.join(f'{f.name} line {n}' for f, n in places)}); "
                    "nothing was loaded",
                    path=file.label,
                    line=line,
                )

    def _delimiter(self, file: InputFile) -> str:
        given = self.options.get("delimiter")
        if given:
            return "\t" if given in ("\\t", "tab") else given
        head = file.head(4096)
        if b"\x00" in head:
            raise InputError("binary file, not a CSV of ownership edges", path=file.label)
        first = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace").splitlines()[:1]
        header = first[0] if first else ""
        counts = {d: header.count(d) for d in ",;\t"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","

    def _columns(self, file: InputFile, header: list[str]) -> dict[str, int]:
        names = [
            _HEADER_NORM.sub("_", h.strip().lstrip("\ufeff").lower()).strip("_") for h in header
        ]
        found: dict[str, int] = {}
        for column, synonyms in COLUMNS.items():
            for i, name in enumerate(names):
                if name in synonyms:
                    found[column] = i
                    break
        missing = [c for c in COLUMNS if c not in found]
        if missing:
            raise InputError(
                f"the header has no {' or '.join(missing)} column; ownership edges need "
                f"owner, owned and share; the columns are: "
                f"{', '.join(repr(h.strip()) for h in header)}",
                path=file.label,
                line=1,
            )
        return found

    def _parse_file(self, file: InputFile, ctx: ParseContext, state: _State) -> Iterator[Entity]:
        columns: dict[str, int] | None = None
        headers: list[str] = []
        for line, row in iter_csv(file, ENCODINGS, delimiter=self._delimiter(file)):
            if columns is None:
                headers = [h.strip().lstrip("\ufeff") for h in row]
                columns = self._columns(file, row)
                continue
            try:
                owner, owned, share = self._row(row, columns, state)
            except _BadRow as exc:
                ctx.skip(
                    RecordError(
                        exc.message, path=file.label, line=line, field=headers[columns[exc.column]]
                    )
                )
                continue
            owner_id, owned_id = placeholder_id(owner), placeholder_id(owned)
            state.pairs[(owner_id, owned_id)] = (file, line)
            name, total, places = state.totals.get(owned_id, (owned, Decimal(0), []))
            state.totals[owned_id] = (name, total + share, [*places, (file, line)])
            for text, pid in ((owner, owner_id), (owned, owned_id)):
                if pid not in state.placeholders:
                    state.placeholders.add(pid)
                    company = Entity(pid, "Company", datasets=[SOURCE_ID])
                    company.add("name", text)
                    yield company
            edge = Entity(
                make_id(f"{SOURCE_ID}-edge", owner_id, owned_id), "Ownership", datasets=[SOURCE_ID]
            )
            edge.add("owner", owner_id)
            edge.add("asset", owned_id)
            edge.add("percentage", format_share(share))
            edge.add("recordId", f"{file.name}:{line}")
            yield edge
        if columns is None:
            raise InputError("no header row", path=file.label)

    def _row(
        self, row: list[str], columns: dict[str, int], state: _State
    ) -> tuple[str, str, Decimal]:
        """The owner, owned and share of one row, or :class:`_BadRow`."""

        def cell(column: str) -> str:
            i = columns[column]
            return (clean_value(row[i]) or "") if i < len(row) else ""

        owner, owned = cell("owner"), cell("owned")
        if not owner:
            raise _BadRow("row has no owner", "owner")
        if not owned:
            raise _BadRow("row has no owned party", "owned")
        owner_id, owned_id = placeholder_id(owner), placeholder_id(owned)
        if owner_id == owned_id:
            raise _BadRow(f"{owner!r} cannot own itself", "owned")
        try:
            share = parse_share(cell("share"), self.scale)
        except ValueError as exc:
            raise _BadRow(str(exc), "share") from None
        earlier = state.pairs.get((owner_id, owned_id))
        if earlier is not None:
            file, line = earlier
            raise _BadRow(
                f"{owner!r} already holds a share of {owned!r} ({file.name} line {line})", "owned"
            )
        return owner, owned, share


class _BadRow(Exception):
    """A row refused; becomes a RecordError once the parser adds where it is."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class _State:
    """What one load remembers across rows and files: the placeholders already written,
    which owner/owned pairs were seen where, and the running total per owned party."""

    placeholders: set[str] = field(default_factory=set)
    pairs: dict[tuple[str, str], tuple[InputFile, int]] = field(default_factory=dict)
    totals: dict[str, tuple[str, Decimal, list[tuple[InputFile, int]]]] = field(
        default_factory=dict
    )
