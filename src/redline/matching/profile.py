"""Profiles: the parts of an entity the scorer compares, prepared once.

An index holds one profile per listed party; a query becomes a profile per screening.
Preparing names (analysis, transliteration, keys) and secondary attributes (dates,
countries, identifiers) up front keeps the per-pair work to comparisons only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from redline import schema as ftm
from redline.countries import country_code
from redline.entities import Entity, clean_value
from redline.names.analysis import NameForm, analyse

#: Properties that hold names, with how much a match on them counts.
NAME_PROPS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("alias", "alias"),
    ("previousName", "former"),
    ("weakAlias", "weak"),
)
#: Identifier properties; equal normalised values are strong evidence.
ID_PROPS = (
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "taxNumber",
    "vatCode",
    "imoNumber",
    "mmsi",
    "leiCode",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "isinCode",
    "unscId",
    "serialNumber",
    "icaoCode",
    "socialSecurityNumber",
    "callSign",
)
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "birthCountry", "flag")
_ID_CLEAN = re.compile(r"[^0-9A-Z]")
_IMO_PREFIX = re.compile(r"^IMO")


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name of a profile: its analysed variants and where it came from."""

    text: str
    prop: str
    forms: tuple[NameForm, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """What the scorer compares of one entity or query."""

    id: str
    schema: str
    caption: str
    datasets: tuple[str, ...]
    names: tuple[NameEntry, ...]
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    gender: str | None
    identifiers: frozenset[str]
    attributes: bool = field(init=False)
    """Whether anything beside names is known (birth dates, countries, gender,
    identifiers): features compare attributes both sides give, so a profile of names
    alone skips them all."""
    plain_names: bool = field(init=False)
    """Whether no form of any name has a number, a legal form or is a former name: the
    C kernel then scores the names whole (``algorithms.RedlineV1.best_name``)."""
    kernel_names: object | None = field(default=None, init=False, compare=False, repr=False)
    """The names as the C kernel takes them, made at the first comparison that uses them
    and kept (not saved with an index)."""

    def __post_init__(self) -> None:
        known = bool(self.birth_dates or self.countries or self.identifiers)
        known = known or self.gender is not None
        object.__setattr__(self, "attributes", known)
        plain = all(form.plain for entry in self.names for form in entry.forms)
        object.__setattr__(self, "plain_names", plain)

    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, f) for f in _PROFILE_FIELDS)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for name, value in zip(_PROFILE_FIELDS, state, strict=True):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "kernel_names", None)


_PROFILE_FIELDS = tuple(f.name for f in fields(Profile) if f.name != "kernel_names")


def normalise_identifier(value: str) -> str | None:
    """Upper-case alphanumerics of an identifier; too short to be distinctive is None."""
    text = _ID_CLEAN.sub("", value.upper())
    text = _IMO_PREFIX.sub("", text) if len(text) == 10 else text
    return text if len(text) >= 4 else None


def _gender(values: list[str]) -> str | None:
    for value in values:
        low = value.strip().lower()
        if low in ("male", "m", "man"):
            return "male"
        if low in ("female", "f", "woman"):
            return "female"
    return None


def name_profile(id: str, schema: str, name: str) -> Profile:
    """What :func:`profile_of` makes of an entity of a party ``schema`` with the one name
    ``name`` and nothing else, without building that entity: pair scoring makes two
    profiles per pair, and the entity's property loops cost as much as a comparison."""
    value = clean_value(name)
    forms = analyse(value, schema) if value is not None else ()
    return Profile(
        id=id,
        schema=schema,
        caption=value or id,
        datasets=(),
        names=(NameEntry(value, "name", forms),) if value is not None and forms else (),
        birth_dates=(),
        countries=frozenset(),
        gender=None,
        identifiers=frozenset(),
    )


def profile_of(entity: Entity) -> Profile:
    """Prepare an entity (a listed party or a query) for comparison."""
    names: list[NameEntry] = []
    seen: set[str] = set()
    for prop, kind in NAME_PROPS:
        if prop not in ftm.properties(entity.schema):
            continue
        for value in entity.get(prop):
            if value in seen:
                continue
            seen.add(value)
            forms = analyse(value, entity.schema)
            if forms:
                names.append(NameEntry(value, kind, forms))
    props = ftm.properties(entity.schema)
    countries: set[str] = set()
    for prop in COUNTRY_PROPS:
        if prop in props:
            for value in entity.get(prop):
                code = country_code(value)
                if code:
                    countries.add(code)
    ids: set[str] = set()
    for prop in ID_PROPS:
        if prop in props:
            for value in entity.get(prop):
                norm = normalise_identifier(value)
                if norm:
                    ids.add(norm)
    dates = tuple(entity.get("birthDate")) if "birthDate" in props else ()
    gender = _gender(entity.get("gender")) if "gender" in props else None
    return Profile(
        id=entity.id,
        schema=entity.schema,
        caption=entity.caption,
        datasets=tuple(entity.datasets),
        names=tuple(names),
        birth_dates=dates,
        countries=frozenset(countries),
        gender=gender,
        identifiers=frozenset(ids),
    )
