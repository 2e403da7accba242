"""OFSI's Consolidated List of Financial Sanctions Targets, ``ConList.csv``.

The file has one row per *name* of a target; rows that share a ``Group ID`` are one
party, and OFSI sorts rows by name, so the rows of a group are not adjacent. The parser
therefore keeps an index of groups (a few thousand small row lists) and emits the parties
at the end: the join the format forces.

The published file (2022 format) starts with a ``Last Updated,dd/mm/yyyy`` line before
the header; that date is the publication date. The header is found by name (the row
holding ``Name 6`` and ``Group ID``), never by position, and columns are read by name, so
that added, dropped or reordered columns do not shift values. One known drift is handled
on purpose: a header with one more, empty, leading column than the data rows (seen in a
2018 extract); the empty header column is then dropped for rows one cell shorter than the
header. Older layouts without ``Passport Number`` / ``National Identification Number``
columns have numbers extracted from the free-text ``Passport Details`` / ``NI Number``.

Alias types: ``Primary name`` (``Prime Alias`` in older files) → name; ``Primary name
variation`` and ``AKA`` → alias (``weakAlias`` when ``Alias Quality`` is low); ``FKA`` →
previous name. Group types: Individual → Person, Entity → Organization, Ship → Vessel
(older files listed ships as entities whose Other Information starts with their IMO
number; those become Vessels too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from redline.entities import Entity, clean_value, make_id
from redline.errors import InputError, RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, iter_csv
from redline.sources.intl_helpers import (
    add_country,
    dmy_dates,
    first_date,
    join_address,
    split_numbered,
)

ENCODINGS = ("utf-8", "cp1252")
REQUIRED = ("Name 6", "Group Type", "Group ID")
MAX_PREAMBLE_ROWS = 10
"""How far down the file the header may start (after the "Last Updated" line)."""

_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_IMO = re.compile(r"\bIMO(?:\s*(?:number|no\.?))?\s*[:.]?\s*(\d{7})\b", re.I)
_IMO_FIRST = re.compile(r"^\s*IMO\b", re.I)
_MMSI = re.compile(r"\bMMSI\s*[:.]?\s*(\d{9})\b", re.I)
_DOC_NUMBER = re.compile(
    r"(?:\bno\b|\bnumber\b|\bnr\b|#)\.?\s*:?\s*([A-Z]{0,4}[0-9][A-Z0-9/-]{3,})", re.I
)


@dataclass
class _Group:
    """The rows of one Group ID, in file order."""

    group_id: str
    first_line: int
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _numbers_in(text: str | None) -> list[str]:
    """Document numbers in free text ("Passport No: 592667 (Qatari...)") → 592667."""
    if not text:
        return []
    return [m.group(1).strip("/-") for m in _DOC_NUMBER.finditer(text)]


class UkOfsi(Source):
    """OFSI Consolidated List (ConList.csv)."""

    id: ClassVar[str] = "uk-ofsi"
    title: ClassVar[str] = "UK OFSI Consolidated List of Financial Sanctions Targets"
    publisher: ClassVar[str] = "HM Treasury, Office of Financial Sanctions Implementation"
    formats: ClassVar[tuple[str, ...]] = ("ConList.csv (2022 format and older layouts)",)
    urls: ClassVar[tuple[str, ...]] = (
        "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
    )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        for file in files:
            yield from self._parse_file(file, ctx)

    def _parse_file(self, file: InputFile, ctx: ParseContext) -> Iterator[Entity]:
        head = file.head(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"<"):
            raise InputError("an XML file, not OFSI's ConList.csv", path=file.label)
        header: list[str] | None = None
        shifted: list[str] | None = None
        groups: dict[str, _Group] = {}
        for line, row in iter_csv(file, ENCODINGS):
            cells = [c.strip() for c in row]
            if header is None:
                if all(name in cells for name in REQUIRED):
                    header = cells
                    if header and header[0] == "":
                        shifted = header[1:]
                    continue
                if cells and cells[0].lower() == "last updated" and len(cells) > 1:
                    dates = parse_date(cells[1])
                    if dates:
                        ctx.published_at = dates[0]
                if line > MAX_PREAMBLE_ROWS:
                    break
                continue
            columns = header
            if shifted is not None and len(cells) == len(header) - 1:
                columns = shifted
            elif len(cells) > len(header):
                ctx.skip(
                    RecordError(
                        f"row has {len(cells)} cells but the header has {len(header)}",
                        path=file.label,
                        line=line,
                    )
                )
                continue
            record = {name: value for name, value in zip(columns, cells, strict=False) if name}
            group_id = record.get("Group ID", "")
            if not group_id:
                ctx.skip(
                    RecordError(
                        "row has no Group ID",
                        path=file.label,
                        line=line,
                        field="Group ID",
                        record=record.get("Name 6") or None,
                    )
                )
                continue
            group = groups.get(group_id)
            if group is None:
                group = groups[group_id] = _Group(group_id, line)
            group.rows.append((line, record))
        if header is None:
            raise InputError(
                "no header row with the columns Name 6, Group Type and Group ID; "
                "not an OFSI ConList.csv",
                path=file.label,
            )
        for group in groups.values():
            entity = self._entity(file, group, ctx)
            if entity is not None:
                yield entity

    def _entity(self, file: InputFile, group: _Group, ctx: ParseContext) -> Entity | None:
        skip = ctx.skipper(file.label, line=group.first_line, record=group.group_id)

        kinds = {r.get("Group Type", "").strip().lower() for _, r in group.rows} - {""}
        if len(kinds) != 1 or next(iter(kinds)) not in _SCHEMA:
            skip(f"unknown or mixed Group Type {sorted(kinds)!r}", "Group Type")
            return None
        schema = _SCHEMA[next(iter(kinds))]
        other = " ".join(r.get("Other Information", "") for _, r in group.rows)
        if schema == "Organization" and _IMO_FIRST.match(other) and _IMO.search(other):
            schema = "Vessel"
        named = [(line, r, self._full_name(r)) for line, r in group.rows]
        named = [(line, r, n) for line, r, n in named if n]
        if not named:
            skip("group has no name in any row", "Name 6")
            return None
        primary = next(
            (
                n
                for _, r, n in named
                if r.get("Alias Type", "").lower() in ("primary name", "prime alias")
            ),
            named[0][2],
        )
        entity = Entity(make_id("gb-ofsi", group.group_id), schema)
        entity.datasets = [self.id]
        entity.add("topics", "sanction")
        entity.add("name", primary)
        modified: list[str] = []
        for _, row, name in named:
            alias_type = row.get("Alias Type", "").lower()
            weak = "low" in row.get("Alias Quality", "").lower()
            if name != primary:
                if alias_type in ("fka", "f.k.a.", "formerly known as"):
                    entity.add("previousName", name)
                elif weak:
                    entity.add("weakAlias", name)
                else:
                    entity.add("alias", name)
            self._add_row(entity, row, modified, weak)
        if modified:
            entity.add("modifiedAt", max(modified))
        return entity

    @staticmethod
    def _full_name(row: dict[str, str]) -> str | None:
        parts = [row.get(f"Name {i}", "") for i in (1, 2, 3, 4, 5, 6)]
        return clean_value(" ".join(p for p in parts if p))

    @staticmethod
    def _add_row(entity: Entity, row: dict[str, str], modified: list[str], weak: bool) -> None:
        """Add what one row says besides its name; rows of a group repeat most fields.
        A weak alias's name parts are left out: a nickname has no first or last name."""
        schema = entity.schema
        entity.add("alias", row.get("Name Non-Latin Script"))
        entity.add("program", row.get("Regime"))
        entity.add("createdAt", first_date(row.get("Listed On")))
        updated = first_date(row.get("Last Updated"))
        if updated:
            modified.append(updated)
        if row.get("UK Sanctions List Ref"):
            entity.add("notes", f"UK Sanctions List reference: {row['UK Sanctions List Ref']}")
        other = row.get("Other Information")
        entity.add("notes", other)
        street = [row.get(f"Address {i}") for i in range(1, 7)]
        address = join_address(street, None, None, row.get("Post/Zip Code"), row.get("Country"))
        entity.add("address", address)
        for country in split_numbered(row.get("Country")):
            add_country(entity, "country", country)
        if schema == "Person":
            if not weak:
                entity.add("firstName", row.get("Name 1"))
                entity.add("middleName", " ".join(row.get(f"Name {i}", "") for i in (2, 3, 4, 5)))
                entity.add("lastName", row.get("Name 6"))
            entity.add("title", split_numbered(row.get("Title")))
            entity.add("birthDate", dmy_dates(row.get("DOB")))
            town, birth_country = row.get("Town of Birth"), row.get("Country of Birth")
            if town:
                entity.add("birthPlace", join_address([], town, None, None, birth_country))
            for country in split_numbered(birth_country):
                add_country(entity, "birthCountry", country)
            for nationality in split_numbered(row.get("Nationality")):
                add_country(entity, "nationality", nationality)
            entity.add("position", split_numbered(row.get("Position")))
            passport = row.get("Passport Number")
            details = row.get("Passport Details")
            entity.add("passportNumber", passport if passport else _numbers_in(details))
            if details:
                entity.add("notes", f"Passport details: {details}")
            national = row.get("National Identification Number")
            ni_details = row.get("National Identification Details") or row.get("NI Number")
            if national:
                entity.add("idNumber", national)
            elif ni_details:
                entity.add("idNumber", _numbers_in(ni_details))
            if ni_details:
                entity.add("notes", f"National identification details: {ni_details}")
        else:
            entity.add("notes", row.get("Position"))
        if schema == "Vessel" and other:
            entity.add("imoNumber", [m.group(1) for m in _IMO.finditer(other)])
            entity.add("mmsi", [m.group(1) for m in _MMSI.finditer(other)])
