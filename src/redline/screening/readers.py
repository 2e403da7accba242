"""Customer files read into rows that can be screened: CSV, TSV, XLSX, Parquet, JSONL.

A customer extract arrives in whatever shape the bank's or exporter's system writes.
This module finds the columns that matter (id, name, entity type, birth date,
country, nationality, gender, aliases, identifiers), lets ``--map field=column``
override what it guessed, and refuses what it cannot read faithfully: a file in a
legacy encoding is an error naming the line, never silently turned into mojibake, and
duplicate customer ids are an error, since results keyed by an ambiguous id cannot be
traced back to a customer.

The whole file is read once up front (:meth:`CustomerFile.check`) so that every such
problem shows before the first result is written; screening then reads it again.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import importlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from redline.countries import country_code
from redline.entities import clean_value
from redline.errors import ConfigError, InputError
from redline.schema import PARTY_SCHEMATA
from redline.sources.dates import NUMERIC_DATE, parse_date

#: Where the most row ids are kept per note or skip list; the counts are always whole.
KEEP = 1000
_CHUNK = 1 << 20

# ---------------------------------------------------------------------------------------
# Fields and how their columns are recognised


@dataclass(frozen=True, slots=True)
class Field:
    """Something a customer row can say, and the headers that usually hold it."""

    name: str
    help: str
    headers: tuple[str, ...]
    multi: bool = False
    prop: str | None = None
    """The FtM property an identifier field fills (``passportNumber``...)."""


def _field(name: str, help: str, headers: str, multi: bool = False, prop: str = "") -> Field:
    return Field(name, help, tuple(headers.split("|")), multi, prop or None)


FIELDS: tuple[Field, ...] = (
    _field(
        "id",
        "the customer's own id, kept in every result row",
        "id|customer id|client id|customer ref|customer reference|customer number|customer no|"
        "client number|client ref|client reference|reference|ref|record id|party id|"
        "counterparty id|account id|cust id|kyc id|entity id|external id|uid",
    ),
    _field(
        "name",
        "the full name screened",
        "name|full name|fullname|customer name|client name|counterparty|counterparty name|"
        "party name|legal name|registered name|company name|entity name|organisation name|"
        "organization name|business name|vessel name|ship name|aircraft name|account name|"
        "beneficiary|beneficiary name|customer",
    ),
    _field(
        "first_name",
        "given name; joined with middle and last name when there is no name column",
        "first name|firstname|given name|given names|forename|forenames",
    ),
    _field("middle_name", "middle name(s)", "middle name|middle names|middlename"),
    _field("last_name", "family name", "last name|lastname|surname|family name"),
    _field(
        "schema",
        "entity type: person, company, organisation, vessel, aircraft...",
        "type|schema|entity type|party type|customer type|client type|counterparty type|"
        "record type|kind",
    ),
    _field(
        "alias",
        "other names (several per cell separated by ; or |)",
        "alias|aliases|aka|also known as|other name|other names|alternative name|"
        "alternative names|alt name|alt names|trading name|trading as|trade name|former name|"
        "previous name|nickname",
        multi=True,
    ),
    _field(
        "birth_date",
        "date of birth (ISO, 22/12/1961, 22 Dec 1961, a year...)",
        "dob|d o b|date of birth|birth date|birthdate|born|birthday",
    ),
    _field(
        "country",
        "country of residence, registration or flag",
        "country|countries|country code|jurisdiction|residence|country of residence|"
        "residence country|country of incorporation|incorporation country|"
        "country of registration|registration country|registered country|address country|"
        "domicile|flag",
        multi=True,
    ),
    _field(
        "nationality",
        "nationality or citizenship",
        "nationality|nationalities|citizenship|citizenships",
        multi=True,
    ),
    _field("gender", "male or female", "gender|sex"),
    _field(
        "passport",
        "passport number",
        "passport|passport number|passport no|passport num|passport id",
        True,
        "passportNumber",
    ),
    _field(
        "national_id",
        "national id or other personal number",
        "national id|national id number|national id no|nid|id number|id no|identity number|"
        "identity card|identity card number|id card|ssn|social security number|personal number",
        True,
        "idNumber",
    ),
    _field(
        "tax_number",
        "tax or VAT number",
        "tax id|tax number|tax no|tin|tax identification number|vat|vat number|vat code|inn",
        True,
        "taxNumber",
    ),
    _field(
        "registration",
        "company or aircraft registration number",
        "registration number|registration no|reg no|reg number|company number|"
        "company registration number|crn|aircraft registration|tail number",
        True,
        "registrationNumber",
    ),
    _field("imo", "IMO number of a vessel", "imo|imo number|imo no", True, "imoNumber"),
    _field("mmsi", "MMSI of a vessel", "mmsi", True, "mmsi"),
    _field("lei", "legal entity identifier", "lei|lei code", True, "leiCode"),
    _field("swift", "SWIFT/BIC code", "swift|bic|swift bic|swift code", True, "swiftBic"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
#: Other spellings accepted on the left of ``--map`` (FtM property names among them).
FIELD_ALIASES: dict[str, str] = dict(
    re.findall(
        r"(\w+):(\w+)",
        "type:schema entity_type:schema dob:birth_date birthdate:birth_date aliases:alias "
        "aka:alias firstname:first_name lastname:last_name middlename:middle_name "
        "citizenship:nationality idnumber:national_id passportnumber:passport "
        "taxnumber:tax_number registrationnumber:registration imonumber:imo leicode:lei "
        "swiftbic:swift",
    )
)
_HEADER_INDEX = {h: f.name for f in FIELDS for h in f.headers}
_SCHEMA_WORDS: dict[str, str] = {
    word: schema
    for schema, words in (
        (
            "Person",
            "person|individual|individuals|natural person|private person|people|human|"
            "ind|indiv|i|p",
        ),
        (
            "Company",
            "company|corporation|corporate|corp|business|firm|enterprise|llc|ltd|limited company|c",
        ),
        (
            "Organization",
            "organization|organisation|org|ngo|association|charity|foundation|non profit|nonprofit",
        ),
        (
            "LegalEntity",
            "legal entity|legalentity|entity|legal person|juridical person|legal|unknown|party|e",
        ),
        ("PublicBody", "public body|publicbody|government|state body"),
        ("Vessel", "vessel|ship|boat|tanker"),
        ("Airplane", "airplane|aircraft|aeroplane|plane|jet"),
        *((s, s.lower()) for s in PARTY_SCHEMATA),
    )
    for word in words.split("|")
}
_SPLIT = re.compile(r"\s*[;|]\s*")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_TRAILING_NUMBER = re.compile(r"\s*\d+$")
_HAS_WORD = re.compile(r"\w")

#: File extension → reader.
FORMATS = {
    f".{ext}": kind
    for kind, exts in (
        ("csv", "csv txt"),
        ("tsv", "tsv tab"),
        ("xlsx", "xlsx xlsm"),
        ("parquet", "parquet pq"),
        ("jsonl", "jsonl ndjson json"),
    )
    for ext in exts.split()
}


def normalise_header(text: str) -> str:
    """Lowercase words: ``Date_of-Birth``, ``dateOfBirth`` and ``DATE OF BIRTH`` agree."""
    spaced = _CAMEL.sub(" ", text.strip().lstrip("\ufeff"))
    return _NON_ALNUM.sub(" ", spaced.casefold()).strip()


def field_name(text: str) -> str:
    """The field a ``--map`` key names; a ConfigError lists the fields otherwise."""
    key = _NON_ALNUM.sub("_", text.strip().casefold()).strip("_")
    key = FIELD_ALIASES.get(key.replace("_", ""), FIELD_ALIASES.get(key, key))
    if key not in FIELD_BY_NAME:
        raise ConfigError(f"--map: unknown field {text!r}; fields are: {', '.join(FIELD_BY_NAME)}")
    return key


def parse_mapping(items: Sequence[str]) -> dict[str, list[str]]:
    """``["name=Full Name", "alias=AKA 1", "alias=AKA 2"]`` → field → columns.

    An empty column (``--map id=``) turns a detected column off.
    """
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, column = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--map: {item!r} is not field=column (e.g. name=Full Name)")
        columns = out.setdefault(field_name(key), [])
        if column.strip():
            columns.append(column.strip())
    return out


# ---------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True, slots=True)
class Row:
    """One customer, as the screener needs it."""

    number: int
    """1-based position after the header (JSONL and Parquet: from the first record)."""
    id: str
    """The id column's value, or the row number when there is no id."""
    schema: str
    name: str | None
    aliases: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()
    """(FtM property, value) pairs."""
    line: int | None = None
    """Line (or sheet row) in the file, for messages."""


@dataclass
class Note:
    """Something odd in many rows, counted once rather than shouted per row."""

    message: str
    count: int = 0
    rows: list[str] = field(default_factory=list)

    def add(self, row_id: str) -> None:
        self.count += 1
        if len(self.rows) < 5:
            self.rows.append(row_id)

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "count": self.count, "rows": list(self.rows)}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row that was not screened, and why (it is reported, never silently dropped)."""

    number: int
    id: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.number, "id": self.id, "reason": self.reason}


@dataclass
class FileCheck:
    """What the up-front read of a customer file found."""

    rows: int = 0
    skipped_count: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)

    @property
    def screenable(self) -> int:
        return self.rows - self.skipped_count


# ---------------------------------------------------------------------------------------
# Cells


def _texts(value: object, multi: bool) -> list[str]:
    """A cell's values as clean strings; multi-valued fields split on ``;`` and ``|``."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item, multi)]
    if isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    parts = _SPLIT.split(text) if multi else [text]
    return [c for c in (clean_value(p) for p in parts) if c]


def birth_dates(text: str) -> tuple[list[str], str | None]:
    """ISO prefixes for a birth date cell and, when something was lost, why.

    ``03/04/1970`` could be 3 April or 4 March; rather than guess a customer's birthday,
    only the year is kept (a different day would count against a true match).
    """
    if m := NUMERIC_DATE.match(text.strip()):
        a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if a <= 12 and b <= 12 and a != b and "." not in text:
            return [year], "day and month ambiguous (03/04/1970); only the year was used"
        dayfirst = a > 12 or "." in text or a == b
        dates = parse_date(text, dayfirst=dayfirst)
        return dates, None if dates else "birth date not understood; ignored"
    dates = parse_date(text)
    return dates, None if dates else "birth date not understood; ignored"


# ---------------------------------------------------------------------------------------
# The file


def detect_format(path: Path) -> str:
    """The reader for a file, by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            "old Excel format (.xls) is not read; save the sheet as .xlsx or CSV", path=str(path)
        )
    fmt = FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(
            f"unknown file type {suffix or '(none)'!r}; use one of {known}", path=str(path)
        )
    return fmt


class CustomerFile:
    """A customer file, opened and validated: format, encoding, columns in force.

    Opening reads the whole file once: the encoding is checked end to end (a bad byte
    on line 900,000 is found before anything is screened) and the content is hashed,
    so that a run records exactly what it screened and ``--resume`` can tell whether
    the file changed.
    """

    def __init__(
        self,
        path: str | Path,
        mapping: Mapping[str, Sequence[str]] | None = None,
        default_schema: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.label = str(path)
        if not self.path.is_file():
            raise InputError("file not found", path=self.label)
        if self.path.stat().st_size == 0:
            raise InputError("the file is empty", path=self.label)
        if default_schema is not None and default_schema not in PARTY_SCHEMATA:
            known = ", ".join(sorted(PARTY_SCHEMATA))
            raise ConfigError(f"unknown schema {default_schema!r}; use one of: {known}")
        self.default_schema = default_schema
        self.format = detect_format(self.path)
        self.encoding: str | None = None
        self.delimiter = "\t" if self.format == "tsv" else ","
        self.sha256 = self._validate()
        self.headers = self._headers()
        self.columns = self._resolve(mapping or {})

    # -- validation ---------------------------------------------------------------------

    def _validate(self) -> str:
        """Check the bytes (magic numbers, encoding) and return their SHA-256."""
        with self.path.open("rb") as fh:
            head = fh.read(8)
        is_zip = head.startswith(b"PK\x03\x04")
        if self.format == "xlsx" and not is_zip:
            raise InputError("not an XLSX workbook (no zip signature)", path=self.label)
        if self.format == "parquet" and not head.startswith(b"PAR1"):
            raise InputError("not a Parquet file (no PAR1 signature)", path=self.label)
        if self.format in ("csv", "tsv", "jsonl"):
            if is_zip:
                raise InputError(
                    "a zip archive or XLSX workbook, not text; save it as .xlsx and use that",
                    path=self.label,
                )
            return self._validate_text(head)
        digest = hashlib.sha256()
        with self.path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def _validate_text(self, head: bytes) -> str:
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            raise InputError("UTF-32 is not read; save the file as UTF-8", path=self.label)
        if head.startswith(codecs.BOM_UTF8):
            self.encoding = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding = "utf-16"
        else:
            self.encoding = "utf-8"
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        digest = hashlib.sha256()
        lines = 1
        with self.path.open("rb") as fh:
            while True:
                chunk = fh.read(_CHUNK)
                digest.update(chunk)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    before = bytes(exc.object[: exc.start]).decode(self.encoding, "replace")
                    bad = bytes(exc.object[exc.start : exc.start + 1]).hex().upper()
                    raise InputError(
                        f"not valid {self.encoding.upper().replace('-SIG', '')} "
                        f"(byte 0x{bad}); the file is in another encoding, perhaps "
                        "Windows-1252 or Latin-1: save it as UTF-8 (or UTF-16 with a BOM) "
                        "and run again",
                        path=self.label,
                        line=lines + before.count("\n"),
                    ) from None
                if "\x00" in text:
                    at = lines + text[: text.index("\x00")].count("\n")
                    raise InputError(
                        "contains NUL characters: UTF-16 without a byte-order mark, or not a "
                        "text file? Save it as UTF-8",
                        path=self.label,
                        line=at,
                    )
                lines += text.count("\n")
                if not chunk:
                    break
        return digest.hexdigest()

    # -- headers and columns ------------------------------------------------------------

    def _headers(self) -> list[str]:
        raw: Sequence[object]
        if self.format in ("csv", "tsv"):
            raw = self._csv_header()
        elif self.format == "xlsx":
            raw = next((cells for _, cells in self._xlsx_cells()), [])
        elif self.format == "parquet":
            raw = self._parquet_columns()
        else:
            raw = self._jsonl_keys()
        self._raw_headers = [str(c) for c in raw]
        headers: list[str] = []
        for i, cell in enumerate(raw):
            text = clean_value(cell) or f"column {i + 1}"
            name, n = text, 2
            while name in headers:  # two "Name" columns stay apart
                name, n = f"{text} ({n})", n + 1
            headers.append(name)
        if not headers:
            raise InputError("no header row", path=self.label)
        return headers

    def _csv_header(self) -> list[str]:
        with self.path.open(encoding=self.encoding, newline="") as fh:
            for line in fh:
                if not line.strip():
                    continue
                if self.format == "csv":
                    counts = {d: line.count(d) for d in ",;\t|"}
                    best = max(counts, key=lambda d: counts[d])
                    self.delimiter = best if counts[best] else ","
                return next(csv.reader([line], delimiter=self.delimiter), [])
        raise InputError("no header row", path=self.label)

    def _resolve(self, mapping: Mapping[str, Sequence[str]]) -> dict[str, tuple[int, ...]]:
        found: dict[str, list[int]] = {}
        for i, header in enumerate(self.headers):
            key = normalise_header(header)
            name = _HEADER_INDEX.get(key)
            if name is None:
                base = _HEADER_INDEX.get(_TRAILING_NUMBER.sub("", key))
                name = base if base and FIELD_BY_NAME[base].multi else None
            if name is None:
                name = _keyword_field(key)
            if name is None:
                continue
            if FIELD_BY_NAME[name].multi or name not in found:
                found.setdefault(name, []).append(i)
        if "name" not in found and not {"first_name", "last_name"} & found.keys():
            for i, header in enumerate(self.headers):
                words = normalise_header(header).split()
                if "name" in words and not {"first", "last", "middle", "alias"} & set(words):
                    found["name"] = [i]
                    break
        for fname, columns in mapping.items():
            fname = field_name(fname)
            indexes = [self._column(c) for c in columns]
            if len(indexes) > 1 and not FIELD_BY_NAME[fname].multi:
                raise ConfigError(f"--map: {fname} takes one column, not {len(indexes)}")
            for other in found.values():
                other[:] = [i for i in other if i not in indexes]
            found[fname] = indexes
        columns_in_force = {k: tuple(v) for k, v in found.items() if v}
        if "name" not in columns_in_force and not (
            {"first_name", "last_name"} & columns_in_force.keys()
        ):
            raise InputError(
                f"no name column among: {', '.join(self.headers)}; name it with --map name=COLUMN",
                path=self.label,
            )
        return columns_in_force

    def _column(self, wanted: str) -> int:
        if wanted in self.headers:
            return self.headers.index(wanted)
        norm = normalise_header(wanted)
        hits = [i for i, h in enumerate(self.headers) if normalise_header(h) == norm]
        if len(hits) == 1:
            return hits[0]
        raise ConfigError(
            f"--map: no column {wanted!r} in {self.label}; columns are: {', '.join(self.headers)}"
        )

    def describe_columns(self) -> dict[str, list[str]]:
        """Field → the header(s) read for it: what a user checks before trusting a run."""
        return {k: [self.headers[i] for i in v] for k, v in self.columns.items()}

    @property
    def id_header(self) -> str | None:
        """The header of the id column, or None when rows are known by number."""
        cols = self.columns.get("id")
        return self.headers[cols[0]] if cols else None

    # -- records per format -------------------------------------------------------------

    def _records(self) -> Iterator[tuple[int, int | None, Sequence[object]]]:
        """(row number, line, cells aligned with the headers) for every data row."""
        if self.format in ("csv", "tsv"):
            yield from self._csv_records()
        elif self.format == "xlsx":
            cells = self._xlsx_cells()
            header_line = next(cells, (0, []))[0]
            for line, values in cells:
                yield line - header_line, line, values
        elif self.format == "parquet":
            yield from self._parquet_records()
        else:
            yield from self._jsonl_records()

    def _csv_records(self) -> Iterator[tuple[int, int | None, Sequence[object]]]:
        with self.path.open(encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            number = -1
            try:
                line = 1
                for cells in reader:
                    if number < 0:
                        if any(c.strip() for c in cells):
                            number = 0
                        line = reader.line_num + 1
                        continue
                    number += 1
                    yield number, line, cells
                    line = reader.line_num + 1
            except csv.Error as exc:
                raise InputError(
                    f"malformed CSV: {exc}", path=self.label, line=reader.line_num
                ) from None

    def _xlsx_cells(self) -> Iterator[tuple[int, list[object]]]:
        try:
            book = _module("openpyxl").load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise InputError(f"cannot read the workbook ({exc})", path=self.label) from None
        try:
            if not book.worksheets:
                raise InputError("the workbook has no sheet", path=self.label)
            sheet = book.worksheets[0]
            started = False
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not started and not any(v is not None and str(v).strip() for v in values):
                    continue
                started = True
                yield line, list(values)
        finally:
            book.close()

    def _parquet_columns(self) -> list[str]:
        try:
            with _module("pyarrow.parquet").ParquetFile(self.path) as pf:
                return list(pf.schema_arrow.names)
        except Exception as exc:  # ArrowInvalid, OSError...
            raise InputError(f"cannot read the Parquet file ({exc})", path=self.label) from None

    def _parquet_records(self) -> Iterator[tuple[int, int | None, Sequence[object]]]:
        number = 0
        try:
            with _module("pyarrow.parquet").ParquetFile(self.path) as pf:
                for batch in pf.iter_batches(batch_size=10_000):
                    columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                    for values in zip(*columns, strict=True):
                        number += 1
                        yield number, number, values
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"cannot read the Parquet file ({exc})", path=self.label, line=number + 1
            ) from None

    def _jsonl_lines(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with self.path.open(encoding=self.encoding, newline="") as fh:
            for line, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                # A JSON array (whole file or one line) is the usual mistake: say so.
                hint = (
                    " (a JSON array? write one object per line)" if text.lstrip()[:1] == "[" else ""
                )
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"not a JSON object per line: {exc.msg}{hint}", path=self.label, line=line
                    ) from None
                if not isinstance(record, dict):
                    raise InputError(
                        f"each line must be a JSON object{hint}", path=self.label, line=line
                    )
                yield line, record

    def _jsonl_keys(self) -> list[str]:
        keys: dict[str, None] = {}
        for _, record in self._jsonl_lines():
            for key in record:
                keys.setdefault(str(key), None)
        return list(keys)

    def _jsonl_records(self) -> Iterator[tuple[int, int | None, Sequence[object]]]:
        for line, record in self._jsonl_lines():
            by_key = {str(k): v for k, v in record.items()}
            yield line, line, [by_key.get(k) for k in self._raw_headers]

    # -- rows ---------------------------------------------------------------------------

    def rows(self, notes: dict[str, Note] | None = None) -> Iterator[Row]:
        """Every non-blank data row, in file order."""
        for number, line, cells in self._records():
            if not any(_texts(c, False) for c in cells):
                continue
            yield self._row(number, line, cells, notes)

    def _get(self, cells: Sequence[object], fname: str) -> list[str]:
        multi = FIELD_BY_NAME[fname].multi
        out: list[str] = []
        for i in self.columns.get(fname, ()):
            if i < len(cells):
                for value in _texts(cells[i], multi):
                    if value not in out:
                        out.append(value)
        return out

    def _row(
        self, number: int, line: int | None, cells: Sequence[object], notes: dict[str, Note] | None
    ) -> Row:
        ids = self._get(cells, "id")
        row_id = ids[0] if ids else str(number)

        def note(message: str) -> None:
            if notes is not None:
                notes.setdefault(message, Note(message)).add(row_id)

        if "id" in self.columns and not ids:
            note("no id; the row number is used")
        names = self._get(cells, "name")
        name = names[0] if names else None
        if name is None:
            parts = [
                p for f in ("first_name", "middle_name", "last_name") for p in self._get(cells, f)
            ]
            name = " ".join(parts) or None
        if name is not None and not _HAS_WORD.search(name):
            name = None
        dates: list[str] = []
        for text in self._get(cells, "birth_date"):
            parsed, problem = birth_dates(text)
            dates.extend(d for d in parsed if d not in dates)
            if problem:
                note(problem)
        countries = self._get(cells, "country")
        nationalities = self._get(cells, "nationality")
        if notes is not None:
            for value in (*countries, *nationalities):
                if country_code(value) is None:
                    note("country not recognised; kept as written")
        identifiers = tuple(
            (f.prop, value)
            for f in FIELDS
            if f.prop is not None
            for value in self._get(cells, f.name)
        )
        genders = self._get(cells, "gender")
        schema = self._schema(self._get(cells, "schema"), dates, genders, identifiers, note)
        return Row(
            number=number,
            id=row_id,
            schema=schema,
            name=name,
            aliases=tuple(a for a in self._get(cells, "alias") if a != name),
            birth_dates=tuple(dates),
            countries=tuple(countries),
            nationalities=tuple(nationalities),
            gender=genders[0] if genders else None,
            identifiers=identifiers,
            line=line,
        )

    def _schema(
        self,
        types: list[str],
        dates: list[str],
        genders: list[str],
        identifiers: tuple[tuple[str, str], ...],
        note: Any,
    ) -> str:
        if types:
            schema = _SCHEMA_WORDS.get(normalise_header(types[0]))
            if schema is not None:
                return schema
            note("entity type not understood; the default schema was used")
        if self.default_schema is not None:
            return self.default_schema
        # No type: a birth date, a gender or a passport says person, an IMO number says
        # vessel; otherwise a party of unknown kind, which matches people and companies.
        props = {p for p, _ in identifiers}
        if dates or genders or "passportNumber" in props:
            return "Person"
        if "imoNumber" in props or "mmsi" in props:
            return "Vessel"
        return "LegalEntity"

    def check(self) -> FileCheck:
        """Read every row once: count them, list the unscreenable ones, gather notes,
        and refuse duplicate customer ids (an error naming both rows)."""
        result = FileCheck()
        first_seen: dict[str, int] = {}
        duplicates: list[tuple[str, int, int, int | None]] = []
        has_ids = "id" in self.columns
        for row in self.rows(result.notes):
            result.rows += 1
            if has_ids:
                earlier = first_seen.setdefault(row.id, row.number)
                if earlier != row.number:
                    duplicates.append((row.id, earlier, row.number, row.line))
            if row.name is None:
                result.skipped_count += 1
                if len(result.skipped) < KEEP:
                    result.skipped.append(Skipped(row.number, row.id, "no name"))
        if duplicates:
            row_id, first, later, line = duplicates[0]
            more = f" ({len(duplicates)} rows repeat an earlier id)" if len(duplicates) > 1 else ""
            raise InputError(
                f"duplicate customer id {row_id!r} on rows {first} and {later}{more}; ids must "
                "be unique so that every result leads back to one customer: fix the file, or "
                "choose another id column with --map id=COLUMN (--map id= numbers the rows)",
                path=self.label,
                line=line,
            )
        if result.rows == 0:
            raise InputError("no rows to screen (only a header)", path=self.label)
        return result


def _module(name: str) -> Any:
    """Import a format library on first use, untyped: openpyxl and pyarrow ship no type
    information, and CSV-only runs (and worker processes) never pay for importing them."""
    return importlib.import_module(name)


#: A telling word in a header the synonym table misses → its field.
_KEYWORDS = (
    ({"passport"}, "passport"),
    ({"alias", "aliases", "aka"}, "alias"),
    ({"nationality", "citizenship"}, "nationality"),
    ({"dob", "birth"}, "birth_date"),
    ({"imo"}, "imo"),
    ({"lei"}, "lei"),
    ({"swift", "bic"}, "swift"),
)


def _keyword_field(key: str) -> str | None:
    words = set(key.split())
    return next((name for telling, name in _KEYWORDS if telling & words), None)
