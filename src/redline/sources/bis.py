"""The US Bureau of Industry and Security (BIS) Denied Persons List (``dpl.txt``).

The file is tab-delimited with every cell in double quotes and a header row::

    Name  Street_Address  City  State  Country  Postal_Code  Effective_Date
    Expiration_Date  Standard_Order  Last_Update  Action  FR_Citation

One row is one *address* of a denied party, not one party: a person or company denied
at several addresses appears on consecutive rows with the same name and effective date
(the FR citations of those rows often differ only by typos). Rows with the same
normalised name and the same effective date are therefore merged into one entity with
several addresses; the same name with another effective date is another denial order
and stays a separate entity. The id is a hash of exactly that key, so it is stable
across versions of the list.

The list mixes people and companies without saying which is which: a name carrying a
company legal form ("LTD", "LLC", "GMBH"...) becomes a ``Company``, anything else a
``LegalEntity``.

Dates are US ``mm/dd/yyyy`` except ``Last_Update``, which is ISO. The real list holds
typos such as ``Last_Update`` 2922-09-01, 3017-08-22 or 0222-05-18: an impossible or
future date is left out and the raw text kept in the notes; the record itself is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from redline.countries import country_code
from redline.entities import Entity, make_id
from redline.errors import InputError, RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, iter_csv

HEADER = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
REQUIRED = ("Name", "Effective_Date")
ENCODINGS = ("utf-8", "cp1252")

# Legal forms (and a few words only companies carry: AIRLINES, TRADING...) as whole
# tokens. Kept to forms that are not also common words, initials or given names in the
# lists (no bare "AS", "AB", "AO", "SL", "TOO"), since a person must not become a company.
_LEGAL_FORMS = re.compile(
    r"(?<![\w.])("
    r"LTD|LIMITED|LLC|L\.L\.C|INC|INCORPORATED|CORP|CORPORATION|COMPANY|CO|"
    r"GMBH|AG|KG|S\.?A|S\.?A\.?S|SARL|S\.?A\.?R\.?L|S\.?R\.?L|S\.?P\.?A|"
    r"B\.?V|N\.?V|PLC|LLP|L\.?P|PTE|PTY|FZE|FZCO|FZ-LLC|DMCC|"
    r"OOO|ZAO|OAO|PAO|JSC|CJSC|OJSC|KFT|D\.?O\.?O|EOOD|SDN\s+BHD|BHD|"
    r"S\.?\s?DE\s+R\.?L|SA\s+DE\s+CV|S\.?A\.?\s+DE\s+C\.?V|LTDA|CIA|"
    r"HOLDINGS?|ENTERPRISES?|TRADING|INDUSTRIES|INTERNATIONAL|AIRLINES?|GROUP"
    r")(?![\w])\.?",
    re.IGNORECASE,
)
_DBA = re.compile(r"\s+(?:D/B/A|DBA|A\.?K\.?A\.?|F/K/A|T/A)\s+", re.IGNORECASE)
# A published date later than this many days past today is a typo (3017 for 2017).
_FUTURE_SLACK_DAYS = 366


def looks_like_company(name: str) -> bool:
    """Whether a name reads as a company's: it carries a legal form or a word only
    companies use ("ARROWTRONIC, LLC", "AIR FREIGHT LTD", "AL NASER AIRLINES")."""
    return bool(_LEGAL_FORMS.search(name))


def normalise_name(name: str) -> str:
    """The name as merge key: upper case, single spaces, no stray space before commas."""
    text = " ".join(name.split()).upper()
    return text.replace(" ,", ",")


def plausible_date(text: str, *, dayfirst: bool, future_ok: bool) -> str | None:
    """The ISO date for ``text``, or None when it is unreadable or implausible (a date in
    the far future where only past dates make sense, or before 1900)."""
    values = parse_date(text, dayfirst=dayfirst)
    if not values:
        return None
    value = values[0]
    year = int(value[:4])
    if year < 1900:
        return None
    if not future_ok and date.fromisoformat(_full(value)) > date.today() + timedelta(
        days=_FUTURE_SLACK_DAYS
    ):
        return None
    return value


def _full(iso: str) -> str:
    """Pad an ISO prefix to a full date ("1960" -> "1960-01-01") for comparisons."""
    return (iso + "-01-01")[:10] if len(iso) == 4 else (iso + "-01")[:10]


def join_address(*parts: str | None, state: str | None = None, postal: str | None = None) -> str:
    """One address string "street, city, state postal, country" from its parts."""
    region = " ".join(p for p in (state, postal) if p)
    return ", ".join(p for p in (*parts[:-1], region, parts[-1]) if p)


class BisDeniedPersons(Source):
    """BIS Denied Persons List: parties denied US export privileges."""

    id = "us-bis-dpl"
    title = "US BIS Denied Persons List"
    publisher = "US Department of Commerce, Bureau of Industry and Security"
    formats = ("DPL tab-delimited text (dpl.txt)",)
    urls = ("https://www.bis.doc.gov/dpl/dpl.txt",)

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        for file in files:
            yield from self._parse_file(file, ctx)

    def _parse_file(self, file: InputFile, ctx: ParseContext) -> Iterator[Entity]:
        head = file.head(4096).lstrip(b"\xef\xbb\xbf").lstrip()
        if head[:1] in (b"<", b"{", b"["):
            raise InputError(
                "not a BIS Denied Persons List (tab-delimited text expected)", path=file.label
            )
        # The merge of address rows is a join the format forces; the DPL has a few
        # hundred parties, so an index of entities by key is small.
        merged: dict[str, Entity] = {}
        columns: dict[str, int] | None = None
        for line, row in iter_csv(file, ENCODINGS, delimiter="\t"):
            if columns is None:
                columns = self._columns(file, row)
                continue
            entity = self._row(file, line, row, columns, ctx)
            if entity is None:
                continue
            existing = merged.get(entity.id)
            if existing is None:
                merged[entity.id] = entity
            else:
                _merge(existing, entity)
        if columns is None:
            raise InputError("no header row: not a BIS Denied Persons List", path=file.label)
        yield from merged.values()

    @staticmethod
    def _columns(file: InputFile, header: list[str]) -> dict[str, int]:
        columns = {cell.strip().lstrip("\ufeff"): i for i, cell in enumerate(header)}
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise InputError(
                f"not a BIS Denied Persons List: header lacks {', '.join(missing)} "
                f"(found {', '.join(columns) or 'nothing'})",
                path=file.label,
                line=1,
            )
        return columns

    def _row(
        self,
        file: InputFile,
        line: int,
        row: list[str],
        columns: dict[str, int],
        ctx: ParseContext,
    ) -> Entity | None:
        def cell(name: str) -> str:
            i = columns.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        name = " ".join(cell("Name").split())
        if not name:
            ctx.skip(RecordError("row has no name", path=file.label, line=line, field="Name"))
            return None
        effective_raw = cell("Effective_Date")
        effective = plausible_date(effective_raw, dayfirst=False, future_ok=False)
        # The raw text, not the parsed date, keys the id: a typo fixed in a later
        # version then changes the id, but an unreadable date never collapses two
        # different orders into one.
        entity_id = make_id(self.id, normalise_name(name), effective or effective_raw)
        schema = "Company" if looks_like_company(name) else "LegalEntity"
        entity = Entity(entity_id, schema, datasets=[self.id])
        entity.add("name", name)
        # "SIBERIAN AIRLINES D/B/A S7 AIRLINES": the trade names are names to screen.
        parts = _DBA.split(name)
        if len(parts) > 1:
            entity.add("alias", [p.strip(" ,") for p in parts])
        entity.add("topics", "export.control")
        entity.add("program", "Denied Persons List")
        entity.add("sourceUrl", self.urls[0])
        if effective:
            entity.add("createdAt", effective)
        elif effective_raw:
            entity.add("notes", f"Effective_Date {effective_raw!r} is not a valid date")

        country_raw = cell("Country")
        country = country_code(country_raw) if country_raw else None
        address = join_address(
            cell("Street_Address"),
            cell("City"),
            country_raw,
            state=cell("State"),
            postal=cell("Postal_Code"),
        )
        entity.add("address", address)
        entity.add("country", country or country_raw)

        expiration_raw = cell("Expiration_Date")
        if expiration_raw:
            expiration = plausible_date(expiration_raw, dayfirst=False, future_ok=True)
            if expiration:
                entity.add("notes", f"Denial expires {expiration}")
            else:
                entity.add("notes", f"Expiration_Date {expiration_raw!r} is not a valid date")
        standard = cell("Standard_Order").upper()
        if standard:
            entity.add("notes", f"Standard order: {standard}")
        updated_raw = cell("Last_Update")
        if updated_raw:
            updated = plausible_date(updated_raw, dayfirst=False, future_ok=False)
            if updated:
                entity.add("modifiedAt", updated)
            else:
                entity.add("notes", f"Last_Update {updated_raw!r} is not a plausible date")
        fr = " ".join(cell("FR_Citation").split())
        if fr:
            entity.add("notes", f"Federal Register: {fr}")
        # "Action" is BIS's change log for the row ("F.R. NOTICE ADDED"), not a remark
        # about the party, so it is not kept.
        return entity


def _merge(target: Entity, other: Entity) -> None:
    """Fold another address row of the same party into ``target``; the latest
    ``modifiedAt`` wins, every other value is kept (duplicates drop out)."""
    for prop, values in other.properties.items():
        if prop == "modifiedAt":
            latest = max([*target.get(prop), *values])
            target.properties[prop] = [latest]
            continue
        target.add(prop, values)
