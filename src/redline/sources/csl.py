"""The trade.gov Consolidated Screening List (CSL): eleven US export-control and
sanctions lists (OFAC SDN and non-SDN lists, BIS Entity List, Denied Persons, Unverified
and Military End User lists, State's ITAR debarred and nonproliferation lists) in one file.

Three shapes are read, told apart by content, not by file name:

* the **current CSV** layout, which starts with an ``_id`` column;
* the **older CSV** layout (28 columns, no ``_id``); columns are found by header name
  in both, never by position;
* the **JSON** download (``{"results": [...]}`` or a bare list), whose records carry the
  same fields with lists instead of ``;``-joined text, addresses as objects
  ``{address, city, state, postal_code, country}`` and ids as objects
  ``{type, number, country, issue_date, expiration_date}``.

The JSON is read record by record with :class:`json.JSONDecoder.raw_decode` over a
sliding text buffer (no ijson dependency), so memory stays flat in the file size.

Every record keeps its originating list: the list's name goes to ``program`` (with the
list's own program codes such as ``SDNTK``) and to a note, and ``topics`` is
``sanction`` for Treasury (OFAC) lists and ``export.control`` for the Commerce and
State lists.

Ids: a record with an OFAC ``entity_number`` gets ``make_id("us-csl", entity_number)``;
the CSL's ``_id`` for OFAC rows *is* the entity number, so such ids are the same in
both CSV layouts and in the JSON. Other records get ``make_id("us-csl", _id)`` when the
file has an ``_id`` (or the JSON ``id``), else a hash of the list abbreviation, the
name and the addresses.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from redline import schema as ftm
from redline.countries import country_code
from redline.entities import Entity, clean_value, make_id
from redline.errors import InputError, RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.bis import looks_like_company
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, iter_csv
from redline.sources.ofac_remarks import apply_remarks, name_key

ENCODINGS = ("utf-8", "cp1252")
REQUIRED_COLUMNS = ("source", "name")
LIST_COLUMNS = (
    "programs",
    "addresses",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
)

TYPE_SCHEMA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "": "LegalEntity",
}

# OFAC id types (the CSL copies them from OFAC) and the property each feeds. A type
# not listed here is an identifier of some kind when its name says so, else a note.
ID_TYPES: dict[str, str] = {
    "passport": "passportNumber",
    "diplomatic passport": "passportNumber",
    "tax id no.": "taxNumber",
    "nit #": "taxNumber",
    "ruc #": "taxNumber",
    "rfc": "taxNumber",
    "v.a.t. number": "vatCode",
    "registration id": "registrationNumber",
    "registration number": "registrationNumber",
    "business registration number": "registrationNumber",
    "public registration number": "registrationNumber",
    "commercial registry number": "registrationNumber",
    "company number": "registrationNumber",
    "matricula mercantil no": "registrationNumber",
    "government gazette number": "registrationNumber",
    "legal entity number": "leiCode",
    "swift/bic": "swiftBic",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "gender": "gender",
    "vessel registration identification": "imoNumber",
    "mmsi": "mmsi",
    "former vessel flag": "pastFlags",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft model": "model",
    "aircraft manufacture date": "buildDate",
}
_ID_LIKE = re.compile(
    r"\b(id|no\.?|number|#|passport|cedula|c\.?u\.?r\.?p|registration|licen[cs]e|code)\b|#", re.I
)
_NOTE_TYPE = re.compile(r"[:\-]\s*$|sanction|directive|prohibited|target type", re.I)
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9 .&/-]*)\)")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_DIGITS = re.compile(r"\d+")
_AND = re.compile(r"^and\s+", re.I)


@dataclass
class CslRecord:
    """One CSL record with the fields of both CSV layouts and the JSON, normalised:
    text fields are stripped strings, multi-valued fields are lists."""

    fields: dict[str, str]
    lists: dict[str, list[str]]
    ids: list[tuple[str, str, str]] = field(default_factory=list)
    """(type, number, country) triples."""
    address_countries: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def source_abbreviation(source: str) -> str:
    """The list's short name from its CSL title ("Entity List (EL) - Bureau..." → EL)."""
    if m := _ABBREVIATION.search(source):
        return m.group(1).strip()
    return source.split(" - ")[0].strip()


def is_sanctions_list(source: str) -> bool:
    """Treasury lists are sanctions; Commerce and State lists are export controls."""
    return "treasury" in source.lower() or source_abbreviation(source) in {
        "SDN",
        "SSI",
        "PLC",
        "FSE",
        "CAP",
        "CAPTA",
        "NS-MBS",
        "MBS",
        "CMIC",
    }


def split_ids(text: str, *, type_first: bool) -> list[tuple[str, str, str]]:
    """The CSV ``ids`` cell as (type, number, country) triples.

    The older layout writes ``[country, ]number, type`` ("US, 80-0890696, Tax ID No."),
    the current one ``type, number[, country]`` ("Passport, 836238033, KP"); numbers can
    hold commas ("North Korea Sanctions Regulations, sections 510.201 and 510.210").
    When one end of an entry is a known id type the entry's own order wins over the
    layout's default, so that a layout change within a file cannot swap type and number.
    """
    out: list[tuple[str, str, str]] = []
    for entry in text.split(";"):
        parts = [p.strip() for p in entry.split(",")]
        parts = [p for p in parts if p]
        if not parts:
            continue
        if len(parts) == 1:
            out.append(("", parts[0], ""))
            continue
        first_known = _known_type(parts[0])
        last_known = _known_type(parts[-1])
        first = type_first
        if first_known and not last_known:
            first = True
        elif last_known and not first_known:
            first = False
        country = ""
        if first:
            id_type, rest = parts[0], parts[1:]
            if len(rest) > 1 and _COUNTRY_CODE.match(rest[-1]):
                country, rest = rest[-1], rest[:-1]
        else:
            id_type, rest = parts[-1], parts[:-1]
            if len(rest) > 1 and _COUNTRY_CODE.match(rest[0]):
                country, rest = rest[0], rest[1:]
        out.append((id_type, ", ".join(rest), country))
    return out


def _known_type(text: str) -> bool:
    return text.lower() in ID_TYPES or bool(_NOTE_TYPE.search(text))


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def _address_country(address: str) -> str:
    """The trailing two-letter country code of a CSV address ("..., Miami, FL, US")."""
    last = address.rsplit(",", 1)[-1].strip()
    return last if _COUNTRY_CODE.match(last) else ""


class UsConsolidatedScreeningList(Source):
    """trade.gov Consolidated Screening List, CSV (both layouts) or JSON."""

    id = "us-csl"
    title = "US Consolidated Screening List (trade.gov)"
    publisher = "US International Trade Administration (trade.gov)"
    formats = ("CSL CSV (current, with _id)", "CSL CSV (older 28-column layout)", "CSL JSON")
    urls = ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",)

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        seen: set[str] = set()
        # "Linked To: NAME" targets may come later in the file: names are indexed as
        # parties stream by and the relations are made at the end.
        names: dict[str, str | None] = {}
        links: list[tuple[str, str]] = []
        for file in files:
            head = file.head(4096).lstrip(b"\xef\xbb\xbf").lstrip()
            if head[:1] in (b"{", b"["):
                records = self._json_records(file, ctx)
            elif head[:1] == b"<":
                raise InputError(
                    "not a Consolidated Screening List (XML/HTML, expected CSV or JSON)",
                    path=file.label,
                )
            else:
                records = self._csv_records(file)
            for where, record in records:
                line, element = where
                entity = self._entity(file, line, element, record, ctx, links)
                if entity is None:
                    continue
                if entity.id in seen:
                    ctx.skip(
                        RecordError(
                            "duplicate record (same list, name and addresses as an earlier one)",
                            path=file.label,
                            line=line,
                            element=element,
                            record=entity.id,
                        )
                    )
                    continue
                seen.add(entity.id)
                for n in entity.names:
                    key = name_key(n)
                    # A name two parties share resolves to neither.
                    names[key] = entity.id if names.get(key, entity.id) == entity.id else None
                yield entity
        yield from self._links(links, names)

    def _links(
        self, links: list[tuple[str, str]], names: dict[str, str | None]
    ) -> Iterator[Entity]:
        done: set[str] = set()
        for subject, target in links:
            link_id = make_id(f"{self.id}-link", subject, target)
            if link_id in done:
                continue
            done.add(link_id)
            link = Entity(link_id, "UnknownLink", datasets=[self.id])
            link.add("subject", subject)
            target_id = names.get(name_key(target))
            if target_id and target_id != subject:
                link.add("object", target_id)
            link.add("role", "Linked To")
            link.add("description", target)
            yield link

    # -- reading --------------------------------------------------------------------

    def _csv_records(
        self, file: InputFile
    ) -> Iterator[tuple[tuple[int | None, str | None], CslRecord]]:
        columns: dict[str, int] | None = None
        type_first = False
        for line, row in iter_csv(file, ENCODINGS):
            if columns is None:
                columns = {c.strip().lstrip("\ufeff").lower(): i for i, c in enumerate(row)}
                missing = [c for c in REQUIRED_COLUMNS if c not in columns]
                if missing:
                    raise InputError(
                        f"not a Consolidated Screening List CSV: header lacks {', '.join(missing)} "
                        f"(found {', '.join(list(columns)[:12])})",
                        path=file.label,
                        line=line,
                    )
                # The current layout (with _id) writes ids type first.
                type_first = "_id" in columns
                continue
            fields = {name: row[i].strip() for name, i in columns.items() if i < len(row)}
            lists = {name: _split_list(fields.pop(name, "")) for name in LIST_COLUMNS}
            ids = split_ids(fields.pop("ids", ""), type_first=type_first)
            record = CslRecord(fields, lists, ids)
            record.address_countries = [_address_country(a) for a in lists["addresses"]]
            yield (line, None), record
        if columns is None:
            raise InputError("file has no header row", path=file.label)

    def _json_records(
        self, file: InputFile, ctx: ParseContext
    ) -> Iterator[tuple[tuple[int | None, str | None], CslRecord]]:
        with file.open() as raw:
            reader = _JsonReader(raw, file.label)
            for index, line, item in reader.records():
                element = f"results[{index}]"
                if not isinstance(item, Mapping):
                    ctx.skip(
                        RecordError(
                            "record is not a JSON object",
                            path=file.label,
                            line=line,
                            element=element,
                        )
                    )
                    continue
                try:
                    record = _json_record(item)
                except (TypeError, ValueError, AttributeError) as exc:
                    ctx.skip(
                        RecordError(
                            f"malformed record ({exc})", path=file.label, line=line, element=element
                        )
                    )
                    continue
                yield (line, element), record
            if reader.published_at:
                ctx.published_at = reader.published_at

    # -- mapping --------------------------------------------------------------------

    def _entity(
        self,
        file: InputFile,
        line: int | None,
        element: str | None,
        rec: CslRecord,
        ctx: ParseContext,
        links: list[tuple[str, str]],
    ) -> Entity | None:
        source = rec.get("source")
        name = rec.get("name")
        number = rec.get("entity_number")
        publisher_id = rec.get("_id") or rec.get("id")
        record_ref = publisher_id or number or name or None

        bad = ctx.skipper(file.label, line=line, element=element, record=record_ref)

        if not name:
            bad("record has no name", "name")
            return None
        if not source:
            bad("record has no source list", "source")
            return None
        type_raw = rec.get("type")
        schema = TYPE_SCHEMA.get(type_raw.lower())
        if schema is None:
            bad(
                f"unknown type {type_raw!r} (expected Individual, Entity, Vessel or Aircraft)",
                "type",
            )
            return None
        if schema in ("Organization", "LegalEntity") and looks_like_company(name):
            schema = "Company"
        abbreviation = source_abbreviation(source)
        if number:
            entity_id = make_id(self.id, number)
        elif publisher_id:
            entity_id = make_id(self.id, publisher_id)
        else:
            entity_id = make_id(self.id, abbreviation, name.upper(), *rec.lists["addresses"])

        entity = Entity(entity_id, schema, datasets=[self.id])
        props = ftm.properties(schema)

        def note(label: str, value: str) -> None:
            if value:
                entity.add("notes", f"{label}: {value}")

        def put(prop: str, values: object, label: str) -> None:
            """Add to ``prop`` when the schema has it, else keep it as a note."""
            if prop in props:
                entity.add(prop, values)
                return
            for v in values if isinstance(values, list) else [values]:
                note(label, str(v))

        entity.add("name", name)
        entity.add("alias", [_AND.sub("", a) for a in rec.lists["alt_names"]])
        entity.add("program", [*rec.lists["programs"], source])
        note("Source list", source)
        entity.add("topics", "sanction" if is_sanctions_list(source) else "export.control")

        for raw_address, code in zip(rec.lists["addresses"], rec.address_countries, strict=False):
            # The Entity List runs several addresses together as "A; and B".
            address = _AND.sub("", raw_address)
            country = country_code(code) if code else None
            entity.add("country", country or code or None)
            # A bare country ("CN") is a country, not an address.
            if address.strip() != code:
                entity.add("address", address)

        title = rec.get("title")
        if title:
            put("position", title, "Title")
        put(
            "birthDate",
            [d for raw in rec.lists["dates_of_birth"] for d in parse_date(raw)],
            "Date of birth",
        )
        for raw in rec.lists["dates_of_birth"]:
            if not parse_date(raw):
                note("Date of birth", raw)
        put("birthPlace", rec.lists["places_of_birth"], "Place of birth")
        put(
            "nationality", [country_code(c) or c for c in rec.lists["nationalities"]], "Nationality"
        )
        put("citizenship", [country_code(c) or c for c in rec.lists["citizenships"]], "Citizenship")

        for id_type, id_number, id_country in rec.ids:
            self._identifier(entity, put, note, id_type, id_number, id_country)

        if call_sign := rec.get("call_sign"):
            put("callSign", call_sign, "Call sign")
        if vessel_type := rec.get("vessel_type"):
            put("type", vessel_type, "Vessel type")
        if flag := rec.get("vessel_flag"):
            put("flag", country_code(flag) or flag, "Vessel flag")
        if tonnage := rec.get("gross_tonnage"):
            put("tonnage", tonnage, "Gross tonnage")
        if grt := rec.get("gross_registered_tonnage"):
            put("grossRegisteredTonnage", grt, "Gross registered tonnage")
        # The owner is a name, while FtM's ``owner`` refers to an entity: keep it as a note.
        note("Vessel owner", rec.get("vessel_owner"))

        start = parse_date(rec.get("start_date"))
        entity.add("createdAt", start[:1])
        if rec.get("start_date") and not start:
            note("Start date", rec.get("start_date"))
        end = rec.get("end_date")
        note("End date", (parse_date(end) or [end])[0] if end else "")
        note("Federal Register", rec.get("federal_register_notice"))
        note("Standard order", rec.get("standard_order"))
        note("License requirement", rec.get("license_requirement"))
        note("License policy", rec.get("license_policy"))
        # OFAC rows carry OFAC's remarks (a.k.a., Linked To:...); other lists' remarks
        # read as unknown items and are only kept in the notes.
        parsed = apply_remarks(entity, rec.get("remarks"))
        for target in parsed.links:
            links.append((entity.id, target))
        entity.add("sourceUrl", [rec.get("source_information_url"), rec.get("source_list_url")])
        return entity

    @staticmethod
    def _identifier(
        entity: Entity, put: Any, note: Any, id_type: str, number: str, country: str
    ) -> None:
        key = id_type.lower().strip()
        label = id_type.rstrip(" :-") or "Identifier"
        if not number:
            return
        prop = ID_TYPES.get(key)
        if prop is None:
            if key and _NOTE_TYPE.search(key):
                note(label, number)
            elif not key or _ID_LIKE.search(key):
                # The bare number, so that it matches as written elsewhere; a schema
                # without idNumber (a vessel) keeps it as a note.
                put("idNumber", number, label)
            else:
                note(label, number)
            return
        if prop == "gender":
            gender = number.lower()
            put("gender", gender if gender in ("male", "female") else number, label)
        elif prop == "imoNumber":
            digits = "".join(_DIGITS.findall(number))
            put("imoNumber", digits or number, label)
        elif prop == "pastFlags":
            put("pastFlags", country_code(number) or number, label)
        elif prop == "buildDate":
            put("buildDate", parse_date(number)[:1] or [number], label)
        else:
            put(prop, number, label)
        if country and prop in ("passportNumber",):
            put("nationality", country_code(country) or country, "Passport country")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value if v is not None)
    return clean_value(value) or ""


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return _split_list(value)
    if isinstance(value, list):
        return [t for t in (_text(v) for v in value) if t]
    return [_text(value)] if _text(value) else []


def _json_record(item: Mapping[str, Any]) -> CslRecord:
    """A JSON result as a :class:`CslRecord`: the same fields as the CSV, with the
    address and id objects flattened the way the CSV writes them."""
    fields = {
        key: _text(value)
        for key, value in item.items()
        if key not in LIST_COLUMNS and key != "ids" and not isinstance(value, Mapping)
    }
    if "_id" not in fields and "id" in fields:
        fields["_id"] = fields["id"]
    lists = {name: _strings(item.get(name)) for name in LIST_COLUMNS if name != "addresses"}
    addresses: list[str] = []
    countries: list[str] = []
    for raw in item.get("addresses") or []:
        if isinstance(raw, Mapping):
            parts = [
                _text(raw.get(k)) for k in ("address", "city", "state", "postal_code", "country")
            ]
            text = ", ".join(p for p in parts if p)
            if text:
                addresses.append(text)
                countries.append(parts[-1])
        elif _text(raw):
            addresses.append(_text(raw))
            countries.append(_address_country(_text(raw)))
    lists["addresses"] = addresses
    ids: list[tuple[str, str, str]] = []
    raw_ids = item.get("ids") or []
    if isinstance(raw_ids, str):
        ids = split_ids(raw_ids, type_first=True)
    else:
        for raw in raw_ids:
            if isinstance(raw, Mapping):
                ids.append(
                    (_text(raw.get("type")), _text(raw.get("number")), _text(raw.get("country")))
                )
    return CslRecord(fields, lists, ids, countries)


class _JsonReader:
    """Streams the records of a CSL JSON file (``{"results": [...]}`` or ``[...]``).

    Only the top level is walked by hand; each record is decoded whole by
    ``raw_decode`` from a buffer that is refilled as needed and trimmed of what was
    consumed, so memory holds one chunk plus one record.
    """

    CHUNK = 1 << 16
    _SPACE = " \t\r\n"

    def __init__(self, raw: IO[bytes], label: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self._label = label
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line_base = 1
        self.published_at: str | None = None

    def _fill(self) -> bool:
        """Append the next chunk to the buffer; False once the file is exhausted."""
        if self._eof:
            return False
        try:
            data = self._raw.read(self.CHUNK)
            if data:
                chunk = self._decoder.decode(data)
            else:
                chunk = self._decoder.decode(b"", final=True)
                self._eof = True
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not UTF-8 ({exc.reason})", path=self._label, line=self.line
            ) from None
        self._line_base += self._buf.count("\n", 0, self._pos)
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return not self._eof or bool(chunk)

    @property
    def line(self) -> int:
        return self._line_base + self._buf.count("\n", 0, self._pos)

    def _error(self, message: str) -> InputError:
        return InputError(f"malformed JSON ({message})", path=self._label, line=self.line)

    def _peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in self._SPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill() and self._pos >= len(self._buf):
                return ""

    def _expect(self, char: str) -> None:
        found = self._peek()
        if found != char:
            raise self._error(f"expected {char!r}, found {found or 'end of file'!r}")
        self._pos += 1

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self._json.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof:
                    raise self._error(exc.msg) from None
            else:
                # A value that ends exactly at the buffer's end may be cut (a number).
                if end < len(self._buf) or self._eof:
                    self._pos = end
                    return value
            self._fill()

    def records(self) -> Iterator[tuple[int, int, Any]]:
        """Yield ``(index, line, record)`` for every element of the results array."""
        first = self._peek()
        if first == "[":
            yield from self._array()
        elif first == "{":
            self._pos += 1
            found = False
            while True:
                if self._peek() == "}":
                    self._pos += 1
                    break
                key = self._value()
                if not isinstance(key, str):
                    raise self._error("object key is not a string")
                self._expect(":")
                if key == "results":
                    found = True
                    yield from self._array()
                else:
                    self._metadata(key, self._value())
                sep = self._peek()
                if sep == ",":
                    self._pos += 1
                elif sep != "}":
                    raise self._error(f"expected ',' or '}}', found {sep or 'end of file'!r}")
            if not found:
                raise InputError(
                    "JSON has no 'results' array: not a Consolidated Screening List download",
                    path=self._label,
                )
        else:
            raise InputError("not JSON: expected '{' or '['", path=self._label)

    def _array(self) -> Iterator[tuple[int, int, Any]]:
        self._expect("[")
        if self._peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            self._peek()
            line = self.line
            yield index, line, self._value()
            index += 1
            sep = self._peek()
            if sep == ",":
                self._pos += 1
            elif sep == "]":
                self._pos += 1
                return
            else:
                raise self._error(f"expected ',' or ']', found {sep or 'end of file'!r}")

    def _metadata(self, key: str, value: Any) -> None:
        """The API's ``sources_used`` gives each list's last update: the newest is the
        version date of the whole file."""
        if key != "sources_used" or not isinstance(value, list):
            return
        dates = [
            str(s.get("source_last_updated"))
            for s in value
            if isinstance(s, Mapping) and s.get("source_last_updated")
        ]
        if dates:
            self.published_at = max(dates)
