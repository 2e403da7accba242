"""The UN Security Council Consolidated List (``consolidated.xml``).

One ``CONSOLIDATED_LIST`` holds ``INDIVIDUALS/INDIVIDUAL`` (→ Person) and
``ENTITIES/ENTITY`` (→ Organization). Ids come from ``DATAID``, which the UN keeps for
the life of a listing (the ``REFERENCE_NUMBER`` such as ``QDi.196`` is kept as ``unscId``).
The root's ``dateGenerated`` is the publication date.

Aliases of quality "Good" (and entity "a.k.a.") are strong aliases, "Low" ones weak
aliases, "f.k.a." ones previous names. Birth dates are EXACT or APPROXIMATELY a
``DATE``/``YEAR``, or BETWEEN ``FROM_YEAR`` and ``TO_YEAR``; a date given only in a note
("Nov. 1973") is read when it can be, and a Hijri date is kept in notes rather than
misread as a Gregorian year.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from lxml import etree

from redline.entities import Entity, clean_value, make_id
from redline.errors import RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, child_text, children, iter_xml, localname
from redline.sources.intl_helpers import add_country, expect_root, join_address, line_of

ROOT = "CONSOLIDATED_LIST"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_PASSPORT_WORDS = ("passport", "passeport", "pasaporte")


def _values(elem: etree._Element, name: str) -> list[str]:
    """Texts of ``<name><VALUE>..</VALUE>..</name>`` groups (NATIONALITY, TITLE...)."""
    out: list[str] = []
    for group in children(elem, name):
        for value in children(group, "VALUE"):
            text = clean_value(value.text)
            if text:
                out.append(text)
    return out


def _birth_dates(elem: etree._Element) -> tuple[list[str], list[str]]:
    """(ISO dates, notes for dates we keep as text) from one INDIVIDUAL_DATE_OF_BIRTH."""
    kind = (child_text(elem, "TYPE_OF_DATE") or "").upper()
    note = clean_value(child_text(elem, "NOTE"))
    dates: list[str] = []
    if kind == "BETWEEN":
        start, end = child_text(elem, "FROM_YEAR"), child_text(elem, "TO_YEAR")
        dates = parse_date(f"{start} to {end}") if start and end else parse_date(start or end)
    else:
        dates = parse_date(child_text(elem, "DATE")) or parse_date(child_text(elem, "YEAR"))
    notes: list[str] = []
    if note and "hijri" in note.lower():
        notes.append(f"Date of birth: {note}")
    elif note and not dates:
        dates = parse_date(note)
        if not dates and note.lower() != "approximately":
            notes.append(f"Date of birth: {note}")
    return dates, notes


class UnSecurityCouncil(Source):
    """UN Security Council Consolidated List, XML."""

    id: ClassVar[str] = "un-sc"
    title: ClassVar[str] = "UN Security Council Consolidated List"
    publisher: ClassVar[str] = "United Nations Security Council"
    formats: ClassVar[tuple[str, ...]] = ("UN consolidated XML (CONSOLIDATED_LIST)",)
    urls: ClassVar[tuple[str, ...]] = (
        "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        for file in files:
            expect_root(file, [ROOT], "the UN Security Council consolidated list")

            def on_start(elem: etree._Element, ctx: ParseContext = ctx) -> None:
                if localname(elem.tag) == ROOT:
                    generated = clean_value(elem.get("dateGenerated"))
                    if generated:
                        ctx.published_at = generated

            for elem in iter_xml(file, ("INDIVIDUAL", "ENTITY"), on_start=on_start):
                entity = self._record(file, elem, ctx)
                if entity is not None:
                    yield entity

    def _record(self, file: InputFile, elem: etree._Element, ctx: ParseContext) -> Entity | None:
        tag = localname(elem.tag)
        line = line_of(elem)
        data_id = child_text(elem, "DATAID")
        ref = child_text(elem, "REFERENCE_NUMBER")
        if not data_id:
            ctx.skip(
                RecordError(
                    "record has no DATAID",
                    path=file.label,
                    line=line,
                    element=tag,
                    field="DATAID",
                    record=ref,
                )
            )
            return None
        name = clean_value(" ".join(p for p in (child_text(elem, n) for n in _NAME_PARTS) if p))
        if not name:
            ctx.skip(
                RecordError(
                    "record has no name",
                    path=file.label,
                    line=line,
                    element=tag,
                    field="FIRST_NAME",
                    record=data_id,
                )
            )
            return None
        schema = "Person" if tag == "INDIVIDUAL" else "Organization"
        entity = Entity(make_id("unsc", data_id), schema)
        entity.datasets = [self.id]
        entity.add("name", name)
        entity.add("topics", "sanction")
        entity.add("program", child_text(elem, "UN_LIST_TYPE"))
        entity.add("alias", child_text(elem, "NAME_ORIGINAL_SCRIPT"))
        entity.add("createdAt", parse_date(child_text(elem, "LISTED_ON")))
        updated = sorted(d for v in _values(elem, "LAST_DAY_UPDATED") for d in parse_date(v))
        if updated:
            entity.add("modifiedAt", updated[-1])
        if ref:
            entity.add("unscId", ref)
        entity.add("notes", child_text(elem, "COMMENTS1"))
        if schema == "Person":
            self._person(elem, entity)
        else:
            self._organization(elem, entity)
        return entity

    def _person(self, elem: etree._Element, entity: Entity) -> None:
        entity.add("firstName", child_text(elem, "FIRST_NAME"))
        entity.add("secondName", child_text(elem, "SECOND_NAME"))
        entity.add("title", _values(elem, "TITLE"))
        entity.add("position", _values(elem, "DESIGNATION"))
        for nationality in _values(elem, "NATIONALITY"):
            add_country(entity, "nationality", nationality)
        gender = (child_text(elem, "GENDER") or "").lower()
        if gender in ("male", "female"):
            entity.add("gender", gender)
        for alias in children(elem, "INDIVIDUAL_ALIAS"):
            alias_name = child_text(alias, "ALIAS_NAME")
            quality = (child_text(alias, "QUALITY") or "").lower()
            note = (child_text(alias, "NOTE") or "").lower()
            if quality == "low":
                prop = "weakAlias"
            elif "previously listed" in note or "formerly listed" in note:
                prop = "previousName"
            else:
                prop = "alias"
            entity.add(prop, alias_name)
            # Some aliases carry the identity's own birth data ("born ... as alias X").
            entity.add("birthDate", parse_date(child_text(alias, "DATE_OF_BIRTH")))
            entity.add("birthPlace", child_text(alias, "CITY_OF_BIRTH"))
            add_country(entity, "birthCountry", child_text(alias, "COUNTRY_OF_BIRTH"))
        for dob in children(elem, "INDIVIDUAL_DATE_OF_BIRTH"):
            dates, notes = _birth_dates(dob)
            entity.add("birthDate", dates)
            entity.add("notes", notes)
        for pob in children(elem, "INDIVIDUAL_PLACE_OF_BIRTH"):
            place = join_address(
                [child_text(pob, "STREET")],
                child_text(pob, "CITY"),
                child_text(pob, "STATE_PROVINCE"),
                None,
                child_text(pob, "COUNTRY"),
            )
            entity.add("birthPlace", place)
            add_country(entity, "birthCountry", child_text(pob, "COUNTRY"))
        for doc in children(elem, "INDIVIDUAL_DOCUMENT"):
            number = child_text(doc, "NUMBER")
            if not number:
                continue
            kind = " ".join(
                t
                for t in (child_text(doc, "TYPE_OF_DOCUMENT"), child_text(doc, "TYPE_OF_DOCUMENT2"))
                if t
            ).lower()
            prop = "passportNumber" if any(w in kind for w in _PASSPORT_WORDS) else "idNumber"
            entity.add(prop, number)
        for address in children(elem, "INDIVIDUAL_ADDRESS"):
            self._address(address, entity)

    def _organization(self, elem: etree._Element, entity: Entity) -> None:
        for alias in children(elem, "ENTITY_ALIAS"):
            quality = (child_text(alias, "QUALITY") or "").lower()
            if quality.startswith("f.k.a"):
                prop = "previousName"
            elif quality == "low":
                prop = "weakAlias"
            else:
                prop = "alias"
            entity.add(prop, child_text(alias, "ALIAS_NAME"))
        for address in children(elem, "ENTITY_ADDRESS"):
            self._address(address, entity)

    @staticmethod
    def _address(elem: etree._Element, entity: Entity) -> None:
        entity.add(
            "address",
            join_address(
                [child_text(elem, "STREET")],
                child_text(elem, "CITY"),
                child_text(elem, "STATE_PROVINCE"),
                child_text(elem, "ZIP_CODE"),
                child_text(elem, "COUNTRY"),
            ),
        )
        add_country(entity, "country", child_text(elem, "COUNTRY"))
