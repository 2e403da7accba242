"""OFAC's free-text remarks, and the labelled facts that OFAC's XML formats carry, turned
into FtM properties.

The legacy CSV keeps almost everything but the name in one ``Remarks`` cell::

    DOB 02 May 1968; nationality Iran; Gender Male; Passport G9336_77 (Iran) expires
    27 Oct 2019; a.k.a. 'HESA'; Linked To: QODS AVIATION INDUSTRIES.

The XML formats give the same facts as (label, value) pairs ("Passport", "G9336_77"), and
the labels are the very words the remarks use. So one table, :data:`LABELS`, maps a label
to a property for all four OFAC formats; :func:`parse_remarks` only has to cut the remarks
into items and each item into label and value.

The parser never raises on text: whatever it cannot read is left to the entity's notes,
which always keep the remarks as published.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from redline import schema as ftm
from redline.countries import country_code
from redline.entities import Entity, make_id
from redline.sources.dates import parse_date


def country_value(text: str | None) -> str | None:
    """The ISO code for a country as OFAC writes it ("Iran", "Korea, North"), or the text
    itself when it cannot be resolved, so that nothing the list says is lost."""
    if text is None:
        return None
    text = text.strip().rstrip(".").strip()
    if not text:
        return None
    return country_code(text) or text


def put(entity: Entity, prop: str, values: object, *fallbacks: str) -> bool:
    """Add values under the first of ``prop`` and ``fallbacks`` that the entity's schema
    has. OFAC gives e.g. a passport number to an entity or an IMO number to a company;
    such facts go to a fallback property or, failing that, stay in the notes only."""
    allowed = ftm.properties(entity.schema)
    for name in (prop, *fallbacks):
        if name in allowed:
            entity.add(name, values)
            return True
    return False


# --- values -------------------------------------------------------------------------

_DATE_TAIL = re.compile(r"\s+(issued|expires)\s+(.*?)(?=\s+(?:issued|expires)\s+|$)", re.I)
_PAREN_TAIL = re.compile(r"\s*\(([^()]*)\)\s*$")
_DATE_RANGE = re.compile(r"^(.*?)\s+to\s+(.*)$", re.I)
_DIGITS = re.compile(r"\d+")


@dataclass
class IdValue:
    """An identifier item split up: ``Passport G9336_77 (Iran) expires 27 Oct 2019``."""

    number: str
    country: str | None = None
    issued: str | None = None
    expires: str | None = None


def split_id_value(text: str) -> IdValue:
    """Split an identifier value into number, issuing country and dates.

    The country is the last parenthesised group (``HRA 738077 (Stuttgart) (Germany)``),
    the dates follow the words "issued" and "expires".
    """
    value = text.strip().rstrip(".").strip()
    issued = expires = None
    match = _DATE_TAIL.search(value)
    if match:
        for m in _DATE_TAIL.finditer(value, match.start()):
            if m.group(1).lower() == "issued":
                issued = m.group(2).strip()
            else:
                expires = m.group(2).strip()
        value = value[: match.start()].strip()
    country = None
    paren = _PAREN_TAIL.search(value)
    if paren and paren.start() > 0:
        country = paren.group(1).strip() or None
        value = value[: paren.start()].strip()
    return IdValue(value, country, issued, expires)


def parse_dates(text: str) -> list[str]:
    """Dates in a remarks value: "circa 1960", "Jan 1960", "1960 to 1962" and full-date
    ranges "01 Jan 1960 to 31 Dec 1962" (both ends kept)."""
    text = text.strip().rstrip(".").strip()
    dates = parse_date(text, dayfirst=True)
    if dates:
        return dates
    match = _DATE_RANGE.match(text)
    if match:
        out: list[str] = []
        for part in match.groups():
            out.extend(parse_date(part, dayfirst=True))
        return out
    return []


def imo_digits(text: str) -> str | None:
    """ "IMO 9187629" -> "9187629" (seven digits, as FtM stores IMO numbers)."""
    for match in _DIGITS.finditer(text):
        if len(match.group()) == 7:
            return match.group()
    return None


# --- labels -> properties -------------------------------------------------------------

Handler = Callable[[Entity, str], bool]


def _text(prop: str, *fallbacks: str) -> Handler:
    def handle(entity: Entity, value: str) -> bool:
        return put(entity, prop, value.strip().rstrip(".").strip(), *fallbacks)

    return handle


def _raw(prop: str, *fallbacks: str) -> Handler:
    """A value kept whole (URLs, e-mails end with no sentence dot worth keeping)."""

    def handle(entity: Entity, value: str) -> bool:
        value = value.strip()
        if value.endswith(".") and not value.endswith(".."):
            value = value[:-1]
        return put(entity, prop, value, *fallbacks)

    return handle


def _ident(prop: str, *fallbacks: str) -> Handler:
    def handle(entity: Entity, value: str) -> bool:
        ident = split_id_value(value)
        if not ident.number:
            return False
        return put(entity, prop, ident.number, *fallbacks)

    return handle


def _date(prop: str, *fallbacks: str) -> Handler:
    def handle(entity: Entity, value: str) -> bool:
        dates = parse_dates(value)
        return bool(dates) and put(entity, prop, dates, *fallbacks)

    return handle


def _country(prop: str, *fallbacks: str) -> Handler:
    def handle(entity: Entity, value: str) -> bool:
        code = country_value(value)
        return code is not None and put(entity, prop, code, *fallbacks)

    return handle


def _gender(entity: Entity, value: str) -> bool:
    word = value.strip().rstrip(".").strip().lower()
    if word not in ("male", "female"):
        return False
    return put(entity, "gender", word)


def _imo(entity: Entity, value: str) -> bool:
    digits = imo_digits(value)
    if digits is None:
        return False
    # "Company Number IMO 5055293" on a ship manager is an IMO company number, not a
    # ship's: it is only an imoNumber on vessels, otherwise a registration number.
    return put(entity, "imoNumber", digits, "registrationNumber")


def _identification(entity: Entity, value: str) -> bool:
    # "Identification Number IMO 5342883." is how OFAC gives companies' IMO numbers.
    if "IMO" in value.upper():
        return _imo(entity, value)
    return _ident("idNumber")(entity, value)


def _company_number(entity: Entity, value: str) -> bool:
    if "IMO" in value.upper():
        return _imo(entity, value)
    return _ident("registrationNumber")(entity, value)


def _birth_place(entity: Entity, value: str) -> bool:
    return put(entity, "birthPlace", value.strip().rstrip(".").strip())


LABELS: dict[str, Handler] = {
    "dob": _date("birthDate"),
    "birthdate": _date("birthDate"),
    "pob": _birth_place,
    "place of birth": _birth_place,
    "nationality": _country("nationality", "country"),
    "nationality country": _country("nationality", "country"),
    "citizen": _country("citizenship", "country"),
    "citizenship country": _country("citizenship", "country"),
    "nationality of registration": _country("jurisdiction", "country"),
    "gender": _gender,
    "title": _text("position"),
    "passport": _ident("passportNumber", "idNumber"),
    "diplomatic passport": _ident("passportNumber", "idNumber"),
    "national id no.": _ident("idNumber"),
    "national foreign id number": _ident("idNumber"),
    "identification number": _identification,
    "personal id card": _ident("idNumber"),
    "cedula no.": _ident("idNumber"),
    "d.n.i.": _ident("idNumber"),
    "c.u.i.": _ident("idNumber"),
    "c.u.r.p.": _ident("idNumber"),
    "r.f.c.": _ident("taxNumber"),
    "nit #": _ident("taxNumber"),
    "ruc #": _ident("taxNumber"),
    "residency number": _ident("idNumber"),
    "birth certificate number": _ident("idNumber"),
    "driver's license no.": _ident("idNumber"),
    "ssn": _ident("socialSecurityNumber", "idNumber"),
    "tax id no.": _ident("taxNumber"),
    "us fein": _ident("taxNumber"),
    "v.a.t. number": _ident("vatCode"),
    "registration id": _ident("registrationNumber"),
    "registration number": _ident("registrationNumber"),
    "business registration document #": _ident("registrationNumber"),
    "business registration number": _ident("registrationNumber"),
    "public registration number": _ident("registrationNumber"),
    "commercial registry number": _ident("registrationNumber"),
    "company number": _company_number,
    "uk company number": _ident("registrationNumber"),
    "c.r. no.": _ident("registrationNumber"),
    "chamber of commerce number": _ident("registrationNumber"),
    "trade license no.": _ident("registrationNumber"),
    "folio mercantil no.": _ident("registrationNumber"),
    "matricula mercantil no": _ident("registrationNumber"),
    "central registration system number": _ident("registrationNumber"),
    "unified social credit code (uscc)": _ident("registrationNumber"),
    "government gazette number": _ident("okpoCode", "registrationNumber"),
    "legal entity number": _ident("leiCode"),
    "lei": _ident("leiCode"),
    "d-u-n-s number": _ident("dunsCode"),
    "rif #": _ident("taxNumber"),
    "italian fiscal code": _ident("taxNumber"),
    "economic register number (cbls)": _ident("registrationNumber"),
    "business number": _ident("registrationNumber"),
    "enterprise number": _ident("registrationNumber"),
    "istanbul chamber of comm. no.": _ident("registrationNumber"),
    "dubai chamber of commerce membership no.": _ident("registrationNumber"),
    "electoral registry no.": _ident("idNumber"),
    "credencial electoral": _ident("idNumber"),
    "cartilla de servicio militar nacional": _ident("idNumber"),
    "swift/bic": _ident("swiftBic"),
    "bik (ru)": _ident("idNumber"),
    "isin": _ident("isinCode"),
    "equity ticker": _text("ticker"),
    "email address": _raw("email"),
    "website": _raw("website"),
    "phone number": _text("phone"),
    "phone": _text("phone"),
    "telephone": _text("phone"),
    "organization established date": _date("incorporationDate"),
    "organization type": _text("sector"),
    "imo": _imo,
    "vessel registration identification": _imo,
    "mmsi": _ident("mmsi"),
    "vessel call sign": _text("callSign"),
    "other vessel call sign": _text("callSign"),
    "vessel type": _text("type"),
    "vessel flag": _country("flag"),
    "other vessel flag": _country("pastFlags"),
    "former vessel flag": _country("pastFlags"),
    "vessel owner": _text("owner"),
    "vessel tonnage": _text("tonnage"),
    "vessel gross registered tonnage": _text("grossRegisteredTonnage"),
    "vessel year of build": _date("buildDate"),
    "aircraft manufacture date": _date("buildDate"),
    "aircraft model": _text("model"),
    "aircraft operator": _text("operator"),
    "aircraft manufacturer's serial number (msn)": _ident("serialNumber"),
    "aircraft construction number (also called l/n or s/n or f/n)": _ident("serialNumber"),
    "aircraft tail number": _ident("registrationNumber"),
}

# Facts about the sanction, not the party: known, kept in the notes, not mapped.
NOTE_LABELS = frozenset(
    {
        "additional sanctions information -",
        "secondary sanctions risk:",
        "secondary sanctions risk",
        "transactions prohibited for persons owned or controlled by u.s. financial institutions:",
        "target type",
        "aircraft mode s transponder code",
        "fax",
        "digital currency address",
        "listing date",
        "effective date",
        "issuer name",
        "all offices worldwide",
        "for more information",
    }
)


_NOTE_PREFIXES = tuple(NOTE_LABELS)


def _normalise_label(label: str) -> str:
    # The XML formats use a typographic apostrophe in "Manufacturer’s" and may end a
    # label with ":" ("Organization Type:").
    key = re.sub(r"\s+", " ", label.replace("’", "'")).strip().lower()
    if key not in LABELS:
        key = key.rstrip(":-").strip()
    return key


def apply_label(entity: Entity, label: str, value: str) -> bool:
    """Set the property a labelled fact maps to ("Passport", "G9336_77 (Iran)").

    Returns False when the label is unknown or the value unusable for this schema; the
    caller then keeps the fact in the notes.
    """
    key = _normalise_label(label)
    handler = LABELS.get(key)
    if handler is None or not value or not value.strip():
        return False
    try:
        return handler(entity, value)
    except ValueError:
        return False


# --- remarks --------------------------------------------------------------------------


def split_remarks(text: str) -> list[str]:
    """Cut remarks into items on ``;``, but not inside a quoted name (``a.k.a. 'A; B'``).

    A quote opens only after a space or at the start, and closes only before a space,
    punctuation or the end, so apostrophes in words (``Ba'th``, ``Manufacturer's``) are
    not taken for quotes. An unclosed quote leaves the rest to the plain split.
    """
    items: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"" and (i == 0 or text[i - 1] in " (:"):
            close = _closing_quote(text, i)
            if close is not None:
                i = close + 1
                continue
        if ch == ";":
            items.append(text[start:i])
            start = i + 1
        i += 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def _closing_quote(text: str, open_at: int) -> int | None:
    quote = text[open_at]
    pos = open_at + 1
    while True:
        pos = text.find(quote, pos)
        if pos < 0:
            return None
        after = text[pos + 1 : pos + 2]
        if after == "" or after in " ;.,)":
            return pos
        pos += 1


_ITEM_PREFIX = re.compile(r"^(?:alt\.|alternate)\s+", re.I)
_NAME_ITEM = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*[,:]?\s*(.+)$", re.I)
_LINK = re.compile(r"^linked\s+to\s*:\s*(.+)$", re.I)
_SANCTION_INFO = re.compile(
    r"^(additional sanctions information -|secondary sanctions risk:|transactions prohibited"
    r"|executive order \d+|caatsa section|ifca determination|listing date|effective date"
    r"|purchase/sales for divestment date|for more information on directives)",
    re.I,
)
_DIGITAL_CURRENCY = re.compile(r"^digital currency address - (\w+)\s+(\S+)$", re.I)
_LABEL_VALUE = re.compile(r"^(?P<label>.+?)(?:\s*:\s*|\s+)(?P<value>.+)$")
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])[A-Za-z]\.$")


def _unquote(value: str) -> str:
    value = value.strip()
    if value.endswith(".") and len(value) > 2 and value[-2] in "'\"":
        value = value[:-1]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value.strip()


def strip_sentence_dot(name: str) -> str:
    """Drop the full stop OFAC puts after the last remarks item, but keep it where it
    ends an abbreviation (``S.A.``, ``C.V.``)."""
    name = name.strip()
    if name.endswith(".") and not _ABBREVIATION_END.search(name):
        return name[:-1].rstrip()
    return name


@dataclass
class Remarks:
    """What :func:`parse_remarks` read, before it is applied to an entity."""

    weak_aliases: list[str] = field(default_factory=list)
    previous_names: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    """(label, value) pairs for :func:`apply_label`."""
    sanctions_info: list[str] = field(default_factory=list)
    """Known items about the sanction rather than the party; kept in the notes only."""
    unknown: list[str] = field(default_factory=list)


# Longest labels first, so "Passport" does not shadow "Diplomatic Passport" and
# "Vessel Registration Identification" wins over shorter prefixes.
_KNOWN_LABELS = sorted(LABELS, key=len, reverse=True)


def _match_label(item: str) -> tuple[str, str] | None:
    lowered = item.lower().replace("’", "'")
    for label in _KNOWN_LABELS:
        if lowered.startswith(label):
            rest = item[len(label) :]
            if rest and not (rest[0].isspace() or rest[0] == ":" or label.endswith((".", "#"))):
                continue  # "DOBS..." is not "DOB"
            value = rest.lstrip(" :").strip()
            if value:
                return label, value
    return None


def parse_remarks(text: str | None) -> Remarks:
    """Read remarks into names, links and labelled facts. Never raises on any text."""
    out = Remarks()
    if not text:
        return out
    for raw in split_remarks(text):
        item = raw.strip()
        if item.startswith("(") and item.endswith(")"):
            item = item[1:-1].strip()  # the classic XML writes "(Linked To: HAMAS)"
        body = _ITEM_PREFIX.sub("", item, count=1)
        if not body:
            continue
        if m := _NAME_ITEM.match(body):
            kind, name = m.group(1).lower(), _unquote(m.group(2))
            if name:
                (out.previous_names if kind == "f.k.a." else out.weak_aliases).append(name)
            continue
        if m := _LINK.match(body):
            target = strip_sentence_dot(m.group(1))
            if target:
                out.links.append(target)
            continue
        if _SANCTION_INFO.match(body) or body.lower().startswith(_NOTE_PREFIXES):
            out.sanctions_info.append(item)
            continue
        if (found := _match_label(body)) is not None:
            out.facts.append(found)
            continue
        out.unknown.append(item)
    return out


def apply_remarks(entity: Entity, text: str | None) -> Remarks:
    """Parse remarks and set what they say on ``entity``; the remarks themselves go to
    the notes, as published. Returns the parse, for its links and unknown items."""
    parsed = parse_remarks(text)
    if text and text.strip() and text.strip() != "-0-":
        entity.add("notes", text)
    entity.add("weakAlias", parsed.weak_aliases)
    entity.add("previousName", parsed.previous_names)
    for label, value in parsed.facts:
        if not apply_label(entity, label, value):
            parsed.unknown.append(f"{label} {value}")
    return parsed


# --- "Linked To:" -----------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """How ``Linked To:`` names are compared with listed names."""
    return _SPACES.sub(" ", name).strip().rstrip(".").strip().casefold()


class Linker:
    """Turns ``Linked To: NAME`` remarks into ``UnknownLink`` relations.

    The target is named, not numbered, and may be listed later in the file; so parties
    are registered as they stream by and the relations are made at the end, with
    ``object`` set when the name is a listed name (or an alias of exactly one party).
    """

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        self.names: dict[str, str] = {}
        self.alias_names: dict[str, str | None] = {}
        self.links: list[tuple[str, str]] = []

    def register(self, entity: Entity) -> None:
        for name in entity.get("name"):
            self.names.setdefault(name_key(name), entity.id)
        for name in entity.get("alias") + entity.get("previousName"):
            key = name_key(name)
            known = self.alias_names.get(key, entity.id)
            # An alias shared by two parties resolves to neither.
            self.alias_names[key] = entity.id if known == entity.id else None

    def link(self, subject_id: str, target_name: str) -> None:
        self.links.append((subject_id, target_name))

    def entities(self) -> Iterator[Entity]:
        seen: set[str] = set()
        for subject, target in self.links:
            link_id = make_id("ofac-link", subject, target)
            if link_id in seen:
                continue
            seen.add(link_id)
            key = name_key(target)
            target_id = self.names.get(key) or self.alias_names.get(key)
            link = Entity(link_id, "UnknownLink")
            link.add("subject", subject)
            if target_id and target_id != subject:
                link.add("object", target_id)
            link.add("role", "Linked To")
            link.add("description", target)
            link.datasets = [self.source_id]
            yield link
