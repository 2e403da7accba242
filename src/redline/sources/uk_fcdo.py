"""The UK Sanctions List published by the FCDO (``UK-Sanctions-List.xml``).

One ``Designation`` per party, identified by its ``UniqueID`` (``AFG0001``), which the
FCDO keeps for the life of a designation; the ``OFSIGroupID`` (the id in OFSI's
ConList) and the UN reference are kept in notes so that a reader can match the two UK
lists. ``DateGenerated`` (dd/mm/yyyy) is the publication date.

``IndividualEntityShip`` gives the schema (Individual → Person, Entity → Organization,
Ship → Vessel). Names of type "Primary Name" are the name, "Primary Name Variation" and
"Alias" are aliases, weak when ``AliasStrength`` says low quality. DOBs are written
day first with ``dd``/``mm`` (or ``00``) for unknown parts. Parent companies and
subsidiaries become ``UnknownLink`` relations, resolved to a party of the same file by
its primary name when one matches, which needs a small name index: relations are
therefore emitted after all parties.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from lxml import etree

from redline.countries import country_code
from redline.entities import Entity, clean_value, make_id
from redline.schema import properties
from redline.sources.base import ParseContext, Source
from redline.sources.files import InputFile, child_text, descendants, iter_xml, localname
from redline.sources.intl_helpers import (
    add_country,
    dmy_dates,
    expect_root,
    first_date,
    join_address,
    line_of,
)

ROOT = "Designations"
_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_DIGITS = re.compile(r"\d{7}")


def _texts(elem: etree._Element, name: str) -> list[str]:
    """Texts of every descendant called ``name`` (``DOB`` inside ``DOBs``...)."""
    out: list[str] = []
    for node in descendants(elem, name):
        text = clean_value(node.text)
        if text:
            out.append(text)
    return out


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


class UkSanctionsList(Source):
    """UK Sanctions List (FCDO), XML."""

    id: ClassVar[str] = "uk-sanctions-list"
    title: ClassVar[str] = "UK Sanctions List"
    publisher: ClassVar[str] = "Foreign, Commonwealth & Development Office"
    formats: ClassVar[tuple[str, ...]] = ("UK Sanctions List XML (Designations)",)
    urls: ClassVar[tuple[str, ...]] = (
        "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
    )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        names: dict[str, str] = {}
        links: list[tuple[str, str, str]] = []
        for file in files:
            expect_root(file, [ROOT], "the UK Sanctions List XML")
            for elem in iter_xml(file, ("DateGenerated", "Designation")):
                if localname(elem.tag) == "DateGenerated":
                    published = first_date(elem.text)
                    if published:
                        ctx.published_at = published
                    continue
                entity = self._designation(file, elem, ctx, links)
                if entity is not None:
                    for name in entity.get("name"):
                        names.setdefault(_name_key(name), entity.id)
                    yield entity
        for subject, role, target in links:
            link = Entity(make_id("gb-fcdo-link", subject, role, target), "UnknownLink")
            link.datasets = [self.id]
            link.add("subject", subject)
            link.add("object", names.get(_name_key(target)))
            link.add("role", role)
            link.add("description", target)
            yield link

    def _designation(
        self,
        file: InputFile,
        elem: etree._Element,
        ctx: ParseContext,
        links: list[tuple[str, str, str]],
    ) -> Entity | None:
        unique_id = child_text(elem, "UniqueID")

        skip = ctx.skipper(file.label, line=line_of(elem), element="Designation", record=unique_id)

        if not unique_id:
            skip("Designation has no UniqueID", "UniqueID")
            return None
        kind = (child_text(elem, "IndividualEntityShip") or "").lower()
        schema = _SCHEMA.get(kind)
        if schema is None:
            skip(f"unknown IndividualEntityShip {kind!r}", "IndividualEntityShip")
            return None
        entries: list[tuple[str, str, str]] = []
        for name_elem in descendants(elem, "Name"):
            parts = [child_text(name_elem, f"Name{i}") for i in (1, 2, 3, 4, 5, 6)]
            full = clean_value(" ".join(p for p in parts if p))
            if full:
                entries.append(
                    (
                        full,
                        (child_text(name_elem, "NameType") or "").lower(),
                        (child_text(name_elem, "AliasStrength") or "").lower(),
                    )
                )
        if not entries:
            skip("Designation has no name", "Names")
            return None
        primary = next((n for n, t, _ in entries if t == "primary name"), entries[0][0])
        entity = Entity(make_id("gb-fcdo", unique_id), schema)
        entity.datasets = [self.id]
        entity.add("topics", "sanction")
        entity.add("name", primary)
        for name, _, strength in entries:
            if name != primary:
                entity.add("weakAlias" if "low" in strength else "alias", name)
        if schema == "Person":
            first = descendants(elem, "Name")[0]
            entity.add("firstName", child_text(first, "Name1"))
            entity.add(
                "middleName", " ".join(child_text(first, f"Name{i}") or "" for i in (2, 3, 4, 5))
            )
            entity.add("lastName", child_text(first, "Name6"))
            entity.add("title", _texts(elem, "Title"))
        entity.add("alias", _texts(elem, "NameNonLatinScript"))
        entity.add("program", child_text(elem, "RegimeName"))
        entity.add("createdAt", first_date(child_text(elem, "DateDesignated")))
        entity.add("modifiedAt", first_date(child_text(elem, "LastUpdated")))
        group_id = child_text(elem, "OFSIGroupID")
        if group_id:
            entity.add("notes", f"OFSI group ID: {group_id}")
        un_ref = child_text(elem, "UNReferenceNumber")
        if un_ref:
            # FtM gives unscId to legal entities only; a ship keeps its reference in notes.
            if "unscId" in properties(entity.schema):
                entity.add("unscId", un_ref)
            else:
                entity.add("notes", f"UN reference number: {un_ref}")
        entity.add("notes", child_text(elem, "OtherInformation"))
        entity.add("notes", child_text(elem, "UKStatementofReasons"))
        if schema != "Vessel":
            entity.add("phone", _texts(elem, "PhoneNumber"))
            entity.add("email", _texts(elem, "EmailAddress"))
            entity.add("website", _texts(elem, "Website"))
        for address in descendants(elem, "Address"):
            lines = [child_text(address, f"AddressLine{i}") for i in range(1, 7)]
            country = child_text(address, "AddressCountry")
            entity.add(
                "address",
                join_address(lines, None, None, child_text(address, "AddressPostalCode"), country),
            )
            add_country(entity, "country", country)
        if schema == "Person":
            self._individual(elem, entity)
        elif schema == "Organization":
            entity.add("registrationNumber", _texts(elem, "BusinessRegistrationNumber"))
            types = _texts(elem, "TypeOfEntity")
            entity.add("notes", [f"Type of entity: {t}" for t in types])
            for parent in _texts(elem, "ParentCompany"):
                links.append((entity.id, "Parent company", parent))
            for subsidiary in _texts(elem, "Subsidiary"):
                links.append((entity.id, "Subsidiary", subsidiary))
        else:
            self._ship(elem, entity)
        return entity

    @staticmethod
    def _individual(elem: etree._Element, entity: Entity) -> None:
        for dob in _texts(elem, "DOB"):
            entity.add("birthDate", dmy_dates(dob))
        for nationality in _texts(elem, "Nationality"):
            add_country(entity, "nationality", nationality)
        for gender in _texts(elem, "Gender"):
            if gender.lower() in ("male", "female"):
                entity.add("gender", gender.lower())
        entity.add("position", _texts(elem, "Position"))
        entity.add("passportNumber", _texts(elem, "PassportNumber"))
        entity.add("idNumber", _texts(elem, "NationalIdentifierNumber"))
        for location in descendants(elem, "Location"):
            town = child_text(location, "TownOfBirth")
            country = child_text(location, "CountryOfBirth")
            if town:
                entity.add("birthPlace", join_address([], town, None, None, country))
            add_country(entity, "birthCountry", country)

    @staticmethod
    def _ship(elem: etree._Element, entity: Entity) -> None:
        for imo in _texts(elem, "IMONumber"):
            entity.add("imoNumber", _DIGITS.findall(imo))
        for flag in _texts(elem, "CurrentBelievedFlagOfShip"):
            entity.add("flag", country_code(flag) or flag)
        for flag in _texts(elem, "PreviousFlag"):
            entity.add("pastFlags", country_code(flag) or flag)
        entity.add("type", _texts(elem, "TypeOfShip"))
        entity.add("tonnage", _texts(elem, "TonnageOfShip"))
        owners = _texts(elem, "CurrentOwnerOperator")
        entity.add("notes", [f"Current owner/operator: {o}" for o in owners])
