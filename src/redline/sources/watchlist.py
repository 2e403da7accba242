"""A user's own watchlist in CSV or TSV (delimiter sniffed), one party per row.

Columns are mapped to FtM properties in one of two ways:

* **explicitly**, with the source options: keys are FtM property names plus ``id`` and
  ``schema``, values are header names, e.g. ``{"id": "Customer Ref", "name": "Full
  Name", "schema": "Type", "alias": "AKA", "birthDate": "DOB"}``. Only the mapped
  columns are read. A header that does not exist is an InputError listing the headers;
  an option key that is no property is a ConfigError.
* **by header name** when no column is mapped: common names are recognised
  case-insensitively (``id``/``ref``/``identifier``, ``name``/``full name``,
  ``type``/``entity_type``/``schema``, ``aka``/``alias``, ``dob``/``date_of_birth``,
  ``country``, ``nationality``, ``passport``, ``imo``...) as are FtM property names.

Other options: ``default_schema`` (for rows without a type; ``LegalEntity`` unless set),
``list_name`` (namespaces the ids, so that two watchlists can share customer refs),
``delimiter`` (overrides the sniffing) and ``date_order`` (``dmy``, the default, or
``mdy`` for US dates such as 03/04/1960).

Multi-valued cells (aliases, nationalities, ids...) are split on ``;`` or ``|``. A row
whose type is empty takes the default schema, except that a ``LegalEntity`` row with a
person's fields (a birth date, a nationality, a passport...) is a ``Person`` and one with
an IMO number a ``Vessel``. A value for a property the row's schema lacks (a birth date
on a company row) is kept in the notes as "DOB: 1990-01-01" rather than lost.

Ids must be stable across loads of the same file, so row numbers are never used: the
id column gives ``make_id("csv[-list]", id)``; without one, the id is a hash of the
name, the birth date and the country. Duplicate ids are reported for the later row.
Files are read as UTF-8 (a BOM is dropped), falling back to cp1252 line by line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence

from redline import schema as ftm
from redline.countries import country_code
from redline.entities import Entity, clean_value, make_id
from redline.errors import ConfigError, InputError, RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, iter_csv

ENCODINGS = ("utf-8", "cp1252")
OPTION_KEYS = frozenset({"default_schema", "list_name", "delimiter", "date_order"})
MAPPABLE = frozenset().union(*(ftm.properties(s) for s in ftm.PARTY_SCHEMATA)) | {"id", "schema"}

SCHEMA_VALUES: dict[str, str] = {
    "person": "Person",
    "individual": "Person",
    "people": "Person",
    "natural person": "Person",
    "company": "Company",
    "organisation": "Organization",
    "organization": "Organization",
    "entity": "Organization",
    "vessel": "Vessel",
    "ship": "Vessel",
    "aircraft": "Airplane",
    "airplane": "Airplane",
    "legalentity": "LegalEntity",
    "legal entity": "LegalEntity",
    "publicbody": "PublicBody",
    "public body": "PublicBody",
}
for _name in ftm.PARTY_SCHEMATA:
    SCHEMA_VALUES.setdefault(_name.lower(), _name)

# Header names recognised without a mapping (compared lowercased, with spaces, hyphens
# and dots turned into underscores).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "ref",
        "reference",
        "identifier",
        "customer_ref",
        "customer_id",
        "record_id",
        "uid",
    ),
    "name": ("name", "full_name", "fullname", "entity_name", "party_name", "customer_name"),
    "schema": ("type", "entity_type", "schema", "party_type", "kind"),
    "alias": ("aka", "alias", "aliases", "also_known_as", "other_names"),
    "firstName": ("first_name", "given_name", "forename"),
    "lastName": ("last_name", "surname", "family_name"),
    "middleName": ("middle_name",),
    "birthDate": ("dob", "date_of_birth", "birth_date", "birthdate", "born"),
    "birthPlace": ("pob", "place_of_birth", "birth_place"),
    "country": ("country", "country_code", "jurisdiction_country"),
    "nationality": ("nationality", "nationalities"),
    "citizenship": ("citizenship",),
    "passportNumber": ("passport", "passport_number", "passport_no"),
    "idNumber": ("national_id", "id_number", "id_no", "national_id_number"),
    "taxNumber": ("tax_id", "tax_number", "tin"),
    "registrationNumber": ("registration_number", "company_number", "reg_no"),
    "imoNumber": ("imo", "imo_number", "imo_no"),
    "mmsi": ("mmsi",),
    "callSign": ("call_sign", "callsign"),
    "flag": ("flag",),
    "leiCode": ("lei",),
    "swiftBic": ("swift", "bic", "swift_bic"),
    "gender": ("gender", "sex"),
    "address": ("address", "full_address"),
    "email": ("email", "e_mail"),
    "phone": ("phone", "telephone"),
    "website": ("website", "url"),
    "notes": ("notes", "remarks", "comment", "comments"),
    "position": ("position", "role", "function"),
}
SINGLE_VALUED = frozenset(
    {"name", "notes", "address", "summary", "description", "firstName", "lastName"}
)
COUNTRY_PROPS = frozenset(
    {"country", "nationality", "citizenship", "birthCountry", "flag", "jurisdiction", "mainCountry"}
)
DATE_PROPS = frozenset(
    {
        "birthDate",
        "deathDate",
        "incorporationDate",
        "dissolutionDate",
        "buildDate",
        "registrationDate",
    }
)
PERSON_ONLY = frozenset(ftm.properties("Person") - ftm.properties("LegalEntity"))
VESSEL_ONLY = frozenset(ftm.properties("Vessel") - ftm.properties("LegalEntity"))
_SPLIT = re.compile(r"\s*[;|]\s*")
_HEADER_NORM = re.compile(r"[\s\-.]+")


def _norm_header(text: str) -> str:
    return _HEADER_NORM.sub("_", text.strip().lstrip("\ufeff").lower()).strip("_")


class CsvWatchlist(Source):
    """A user's own CSV/TSV watchlist with a column mapping."""

    id = "csv"
    title = "Own watchlist (CSV or TSV)"
    publisher = "the user"
    formats = ("CSV or TSV with a header row",)
    urls = ()

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self.mapping = {k: v for k, v in self.options.items() if k not in OPTION_KEYS}
        unknown = sorted(k for k in self.mapping if k not in MAPPABLE)
        if unknown:
            raise ConfigError(
                f"csv watchlist: {', '.join(unknown)} is not an FtM property, 'id', 'schema' or "
                f"one of {', '.join(sorted(OPTION_KEYS))}"
            )
        default = self.options.get("default_schema", "LegalEntity")
        schema = SCHEMA_VALUES.get(default.strip().lower())
        if schema is None:
            known = ", ".join(sorted(ftm.PARTY_SCHEMATA))
            raise ConfigError(f"csv watchlist: default_schema {default!r} is not one of {known}")
        self.default_schema = schema
        order = self.options.get("date_order", "dmy").lower()
        if order not in ("dmy", "mdy"):
            raise ConfigError(f"csv watchlist: date_order must be 'dmy' or 'mdy', not {order!r}")
        self.dayfirst = order == "dmy"
        list_name = clean_value(self.options.get("list_name"))
        slug = re.sub(r"[^a-z0-9]+", "-", list_name.lower()).strip("-") if list_name else ""
        self.prefix = f"{self.id}-{slug}" if slug else self.id

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        seen: dict[str, int] = {}
        for file in files:
            yield from self._parse_file(file, ctx, seen)

    # -- format -----------------------------------------------------------------------

    def _delimiter(self, file: InputFile) -> str:
        given = self.options.get("delimiter")
        if given:
            return "\t" if given in ("\\t", "tab") else given
        head = file.head(16384)
        if b"\x00" in head:
            raise InputError(
                "binary file, not a CSV watchlist (UTF-16 or a spreadsheet?)", path=file.label
            )
        text = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        if text.lstrip()[:1] in ("<", "{", "["):
            raise InputError("XML or JSON, not a CSV watchlist", path=file.label)
        lines = text.splitlines()
        header = lines[0] if lines else ""
        # The header decides: its names rarely hold a delimiter, whereas the data
        # (aliases "A; B", addresses "1, Main St") often holds several.
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
        sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)
        try:
            return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            return ","

    def _columns(self, file: InputFile, header: list[str]) -> dict[str, int]:
        """Property (or id/schema) → column index."""
        names = [h.strip().lstrip("\ufeff") for h in header]
        columns: dict[str, int] = {}
        if self.mapping:
            for prop, wanted in self.mapping.items():
                matches = [i for i, h in enumerate(names) if h == wanted.strip()]
                if not matches:
                    matches = [
                        i for i, h in enumerate(names) if h.lower() == wanted.strip().lower()
                    ]
                if not matches:
                    raise InputError(
                        f"column {wanted!r} (mapped to {prop}) is not in the header; "
                        f"the columns are: {', '.join(repr(n) for n in names)}",
                        path=file.label,
                        line=1,
                    )
                columns[prop] = matches[0]
        else:
            lookup: dict[str, str] = {}
            for prop, synonyms in HEADER_SYNONYMS.items():
                for s in synonyms:
                    lookup.setdefault(s, prop)
            for prop in MAPPABLE:
                lookup.setdefault(_norm_header(prop), prop)
            for i, h in enumerate(names):
                found = lookup.get(_norm_header(h))
                if found is not None and found not in columns:
                    columns[found] = i
        if "name" not in columns and not ({"firstName", "lastName"} & set(columns)):
            raise InputError(
                "no name column: map one with the option name=<header>; "
                f"the columns are: {', '.join(repr(n) for n in names)}",
                path=file.label,
                line=1,
            )
        return columns

    # -- rows -------------------------------------------------------------------------

    def _parse_file(
        self, file: InputFile, ctx: ParseContext, seen: dict[str, int]
    ) -> Iterator[Entity]:
        delimiter = self._delimiter(file)
        columns: dict[str, int] | None = None
        headers: list[str] = []
        for line, row in iter_csv(file, ENCODINGS, delimiter=delimiter):
            if columns is None:
                headers = [h.strip().lstrip("\ufeff") for h in row]
                columns = self._columns(file, row)
                continue
            entity = self._row(file, line, row, columns, headers, ctx)
            if entity is None:
                continue
            if entity.id in seen:
                ctx.skip(
                    RecordError(
                        f"duplicate id: the same id as line {seen[entity.id]}",
                        path=file.label,
                        line=line,
                        field=headers[columns["id"]] if "id" in columns else None,
                        record=entity.id,
                    )
                )
                continue
            seen[entity.id] = line
            yield entity
        if columns is None:
            raise InputError("no header row", path=file.label)

    def _row(
        self,
        file: InputFile,
        line: int,
        row: list[str],
        columns: dict[str, int],
        headers: list[str],
        ctx: ParseContext,
    ) -> Entity | None:
        def cell(prop: str) -> str:
            i = columns.get(prop)
            if i is None or i >= len(row):
                return ""
            return clean_value(row[i]) or ""

        def bad(message: str, prop: str | None, record: str | None = None) -> None:
            field = headers[columns[prop]] if prop in columns else None
            ctx.skip(RecordError(message, path=file.label, line=line, field=field, record=record))

        name = cell("name")
        if not name:
            name = " ".join(
                p for p in (cell("firstName"), cell("middleName"), cell("lastName")) if p
            )
        ref = cell("id")
        if not name:
            bad("row has no name", "name" if "name" in columns else "lastName", ref or None)
            return None

        type_raw = cell("schema")
        if type_raw:
            schema = SCHEMA_VALUES.get(type_raw.lower())
            if schema is None:
                bad(
                    f"unknown type {type_raw!r} (expected person, company, organization, "
                    "vessel, aircraft or an FtM schema name)",
                    "schema",
                    ref or name,
                )
                return None
        else:
            schema = self.default_schema
            filled = {p for p in columns if p not in ("id", "schema") and cell(p)}
            if schema == "LegalEntity" and filled & PERSON_ONLY:
                schema = "Person"
            elif schema == "LegalEntity" and filled & VESSEL_ONLY:
                schema = "Vessel"

        if "id" in columns:
            if not ref:
                bad("row has an empty id", "id", name)
                return None
            entity_id = make_id(self.prefix, ref)
        else:
            # No id column: a hash of what identifies the party, never the row number,
            # so that the id survives rows being added or sorted.
            entity_id = make_id(self.prefix, name.casefold(), cell("birthDate"), cell("country"))

        entity = Entity(entity_id, schema, datasets=[self.id])
        allowed = ftm.properties(schema)
        entity.add("name", name)
        for prop in sorted(columns, key=lambda p: columns[p]):
            if prop in ("id", "schema", "name"):
                continue
            raw = cell(prop)
            if not raw:
                continue
            header = headers[columns[prop]]
            parts = [raw] if prop in SINGLE_VALUED else [v for v in _SPLIT.split(raw) if v]
            for part in parts:
                values = self._values(prop, part)
                if values and prop in allowed:
                    entity.add(prop, values)
                else:
                    # An unreadable date, or a property this schema lacks: kept as a
                    # note so that nothing the user wrote is lost.
                    entity.add("notes", f"{header}: {part}")
        return entity

    def _values(self, prop: str, value: str) -> list[str]:
        """The stored values for one cell item; empty when it cannot be read."""
        if prop in COUNTRY_PROPS:
            return [country_code(value) or value]
        if prop in DATE_PROPS:
            return parse_date(value, dayfirst=self.dayfirst)
        if prop == "imoNumber":
            return [re.sub(r"\D", "", value) or value]
        if prop == "gender":
            key = value.strip().lower()
            return [{"m": "male", "f": "female", "male": "male", "female": "female"}.get(key, key)]
        return [value]
