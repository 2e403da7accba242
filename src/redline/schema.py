"""The subset of the FollowTheMoney schema redline reads and writes.

Names of schemata and properties are FtM's own, so that entities move to and from the
FtM / OpenSanctions ecosystem without a mapping table. Only the schemata that sanctions
lists use are declared; an FtM file with other schemata is read, and those records are
reported as skipped rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_THING = (
    "name alias weakAlias previousName summary description country address program notes "
    "topics sourceUrl publisher createdAt modifiedAt keywords wikidataId"
)
_LEGAL_ENTITY = (
    "email phone website legalForm incorporationDate dissolutionDate status sector "
    "classification registrationNumber idNumber taxNumber vatCode jurisdiction mainCountry "
    "innCode ogrnCode okpoCode leiCode dunsCode swiftBic unscId"
)
_PERSON = (
    "title firstName secondName middleName fatherName motherName lastName nameSuffix "
    "birthDate birthPlace birthCountry deathDate position nationality citizenship "
    "passportNumber socialSecurityNumber gender ethnicity religion political education"
)
_ORGANIZATION = "numEmployees"
_COMPANY = "capital isinCode ticker cikCode kppCode"
_VEHICLE = "type model owner operator buildDate registrationDate registrationNumber"
_VESSEL = (
    "imoNumber crsNumber flag mmsi callSign tonnage grossRegisteredTonnage "
    "netRegisteredTonnage nameChangeDate pastFlags pastTypes navigationArea"
)
_AIRPLANE = "serialNumber icaoCode manufacturer"
_INTERVAL = "startDate endDate summary description role recordId sourceUrl publisher"


@dataclass(frozen=True, slots=True)
class Schema:
    """One FtM schema: its name, its parent and the properties it declares itself."""

    name: str
    parent: str | None
    own: frozenset[str]
    party: bool
    """True for the things a list designates (people, companies, vessels...), False for
    the relationships between them, which are stored but not counted as listed parties."""
    entity_refs: frozenset[str] = frozenset()


def _s(name: str, parent: str | None, props: str, party: bool, refs: str = "") -> Schema:
    return Schema(
        name, parent, frozenset((props + " " + refs).split()), party, frozenset(refs.split())
    )


SCHEMATA: dict[str, Schema] = {
    s.name: s
    for s in (
        _s("Thing", None, _THING, True),
        _s("LegalEntity", "Thing", _LEGAL_ENTITY, True),
        _s("Person", "LegalEntity", _PERSON, True),
        _s("Organization", "LegalEntity", _ORGANIZATION, True),
        _s("Company", "Organization", _COMPANY, True),
        _s("PublicBody", "Organization", "", True),
        _s("Vehicle", "Thing", _VEHICLE, True),
        _s("Vessel", "Vehicle", _VESSEL, True),
        _s("Airplane", "Vehicle", _AIRPLANE, True),
        _s("Interval", None, _INTERVAL, False),
        _s("UnknownLink", "Interval", "", False, "subject object"),
        _s("Ownership", "Interval", "percentage sharesCount", False, "owner asset"),
        _s("Family", "Interval", "relationship", False, "person relative"),
        _s("Associate", "Interval", "relationship", False, "person associate"),
        _s("Directorship", "Interval", "", False, "director organization"),
    )
}

PARTY_SCHEMATA = frozenset(
    name for name, s in SCHEMATA.items() if s.party and name not in ("Thing", "Vehicle")
)
"""Schemata that a list entry can have; ``Thing`` and ``Vehicle`` are abstract in FtM."""


@cache
def properties(schema: str) -> frozenset[str]:
    """Every property a schema has, its own and its ancestors'."""
    s = SCHEMATA[schema]
    inherited = properties(s.parent) if s.parent else frozenset()
    return s.own | inherited


@cache
def is_a(schema: str, ancestor: str) -> bool:
    """Whether ``schema`` is ``ancestor`` or descends from it (Company is a LegalEntity)."""
    current: str | None = schema
    while current is not None:
        if current == ancestor:
            return True
        current = SCHEMATA[current].parent
    return False


def is_party(schema: str) -> bool:
    """True for schemata that designate a party rather than a relationship."""
    return SCHEMATA[schema].party
