"""The EU Financial Sanctions Files (FSF): the consolidated list of persons, groups and
entities subject to EU financial sanctions.

Two XML formats are read, told apart by the root element:

* **1.1** (``<export xmlns="http://eu.europa.ec/fpi/fsd/export">``, current): one
  ``sanctionEntity`` per party with ``nameAlias``, ``citizenship``, ``birthdate``,
  ``identification`` and ``address`` children, mostly as attributes;
  ``generationDate`` is the publication date.
* **legacy 1.0** (``<WHOLE Date="dd/mm/yyyy">``): one ``ENTITY`` per party with
  ``NAME``, ``BIRTH``, ``PASSPORT``, ``CITIZEN`` and ``ADDRESS`` children as elements.

Both formats number parties with the same identifier (1.1 ``logicalId`` = 1.0 ``Id``),
so ids (``eu-fsf-<id>``) stay the same when a user moves from one format to the other.

The FSF has no "primary name" flag: the name is the first name alias that gives name
parts (first/last name) in English or no language, else the first in English or no
language, else the first; every other name alias is an alias (a weak alias when
``strong="false"`` or when its remark says "low quality"). Birth dates in another
calendar than the Gregorian one (``calendarType="ISLAMIC"``) are kept in notes only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from lxml import etree

from redline.countries import country_code, country_name
from redline.entities import Entity, clean_value, make_id
from redline.sources.base import ParseContext, Source
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, child_text, children, iter_xml, localname
from redline.sources.intl_helpers import add_country, expect_root, join_address, line_of

ROOT_1_1 = "export"
ROOT_LEGACY = "WHOLE"
_APPROX = re.compile(r"\(\s*approximative\s*\)", re.I)
# Legacy passport cells: "AD001095 (passport-National passport) ((passport))".
_LEGACY_DOC = re.compile(r"^(?P<number>[^(]*?)\s*\((?P<kind>[a-z]+)-[^)]*\)(?P<rest>.*)$", re.S)
_PERSON_CODES = {"person", "p"}
_ORGANIZATION_CODES = {"enterprise", "e"}
_EN_OR_NONE = {"", "en"}


def _attr(elem: etree._Element, name: str) -> str | None:
    return clean_value(elem.get(name))


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _country_text(code: str | None, description: str | None) -> str | None:
    """A readable country for an address string; EU writes "00"/"UNKNOWN" for none."""
    if code and code != "00":
        return country_name(code) or description
    if description and description.upper() != "UNKNOWN":
        return description
    return None


def _add_iso_country(entity: Entity, prop: str, code: str | None, description: str | None) -> None:
    """Add a 1.1 country given as ``countryIso2Code`` (or its description)."""
    if code and code != "00":
        entity.add(prop, country_code(code) or code.lower())
    elif description and description.upper() != "UNKNOWN":
        add_country(entity, prop, description)


def _doc_prop(kind: str, schema: str) -> str:
    """The property for an identification type code (1.1) or legacy document kind."""
    kind = kind.lower()
    if kind == "passport" and schema == "Person":
        return "passportNumber"
    if kind in ("regnumber", "registration"):
        return "registrationNumber"
    if kind in ("fiscalcode", "tin", "tax", "inn"):
        return "taxNumber"
    if kind in ("swiftbic", "bic"):
        return "swiftBic"
    if kind == "ssn" and schema == "Person":
        return "socialSecurityNumber"
    return "idNumber"


class EuFinancialSanctions(Source):
    """EU Financial Sanctions Files, XML 1.1 or legacy 1.0."""

    id: ClassVar[str] = "eu-fsf"
    title: ClassVar[str] = "EU Financial Sanctions Files (consolidated list)"
    publisher: ClassVar[str] = "European Commission (DG FISMA)"
    formats: ClassVar[tuple[str, ...]] = ("FSF XML 1.1 (export)", "FSF XML legacy 1.0 (WHOLE)")
    urls: ClassVar[tuple[str, ...]] = (
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
    )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        for file in files:
            root = expect_root(file, [ROOT_1_1, ROOT_LEGACY], "an EU Financial Sanctions File")
            if root == ROOT_1_1:
                yield from self._parse_1_1(file, ctx)
            else:
                yield from self._parse_legacy(file, ctx)

    # -- format 1.1 -------------------------------------------------------------------

    def _parse_1_1(self, file: InputFile, ctx: ParseContext) -> Iterator[Entity]:
        def on_start(elem: etree._Element) -> None:
            if localname(elem.tag) == ROOT_1_1:
                generated = _attr(elem, "generationDate")
                if generated:
                    ctx.published_at = generated

        for elem in iter_xml(file, ("sanctionEntity",), on_start=on_start):
            entity = self._entity_1_1(file, elem, ctx)
            if entity is not None:
                yield entity

    def _entity_1_1(
        self, file: InputFile, elem: etree._Element, ctx: ParseContext
    ) -> Entity | None:
        logical_id = _attr(elem, "logicalId")
        ref = _attr(elem, "euReferenceNumber")

        skip = ctx.skipper(
            file.label, line=line_of(elem), element="sanctionEntity", record=logical_id or ref
        )

        if not logical_id:
            skip("sanctionEntity has no logicalId", "logicalId")
            return None
        subject = children(elem, "subjectType")
        code = (_attr(subject[0], "code") or "").lower() if subject else ""
        if code in _PERSON_CODES:
            schema = "Person"
        elif code in _ORGANIZATION_CODES:
            schema = "Organization"
        else:
            skip(f"unknown subjectType code {code!r}", "subjectType")
            return None
        aliases = children(elem, "nameAlias")
        names: list[tuple[etree._Element, str]] = []
        for alias in aliases:
            whole = self._whole_name(alias)
            if whole:
                names.append((alias, whole))
        if not names:
            skip("sanctionEntity has no name", "nameAlias")
            return None

        entity = Entity(make_id("eu-fsf", logical_id), schema)
        entity.datasets = [self.id]
        entity.add("topics", "sanction")
        primary = self._primary(names)
        primary_name = next(n for a, n in names if a is primary)
        entity.add("name", primary_name)
        for alias, name in names:
            weak = not _is_true(alias.get("strong", "true")) or self._is_low_quality(alias)
            if alias is not primary and name != primary_name:
                entity.add("weakAlias" if weak else "alias", name)
            # Name parts of weak aliases would mix a nickname's parts into the person's.
            if schema == "Person" and not weak:
                entity.add("firstName", _attr(alias, "firstName"))
                entity.add("middleName", _attr(alias, "middleName"))
                entity.add("lastName", _attr(alias, "lastName"))
                entity.add("title", _attr(alias, "title"))
                gender = {"m": "male", "f": "female"}.get((_attr(alias, "gender") or "").lower())
                entity.add("gender", gender)
            entity.add("position" if schema == "Person" else "notes", _attr(alias, "function"))
        for regulation in children(elem, "regulation"):
            entity.add("program", _attr(regulation, "programme"))
        entity.add("createdAt", parse_date(_attr(elem, "designationDate")))
        if ref:
            entity.add("notes", f"EU reference number: {ref}")
        un_id = _attr(elem, "unitedNationId")
        if un_id:
            entity.add("unscId", un_id)
        entity.add("notes", _attr(elem, "designationDetails"))
        for remark in children(elem, "remark"):
            entity.add("notes", remark.text)
        for citizenship in children(elem, "citizenship"):
            prop = "nationality" if schema == "Person" else "country"
            _add_iso_country(
                entity,
                prop,
                _attr(citizenship, "countryIso2Code"),
                _attr(citizenship, "countryDescription"),
            )
        for birth in children(elem, "birthdate"):
            if schema == "Person":
                self._birth_1_1(birth, entity)
        for ident in children(elem, "identification"):
            self._identification_1_1(ident, entity)
        for address in children(elem, "address"):
            self._address_1_1(address, entity)
        return entity

    @staticmethod
    def _whole_name(alias: etree._Element) -> str | None:
        whole = _attr(alias, "wholeName")
        if whole:
            return whole
        parts = (_attr(alias, n) for n in ("firstName", "middleName", "lastName"))
        return clean_value(" ".join(p for p in parts if p))

    @staticmethod
    def _is_low_quality(alias: etree._Element) -> bool:
        return any("low quality" in (r.text or "").lower() for r in children(alias, "remark"))

    def _primary(self, names: list[tuple[etree._Element, str]]) -> etree._Element:
        """The name alias to show as the party's name (see module docstring)."""
        usable = [
            a for a, _ in names if _is_true(a.get("strong", "true")) and not self._is_low_quality(a)
        ] or [a for a, _ in names]
        plain = [a for a in usable if (_attr(a, "nameLanguage") or "").lower() in _EN_OR_NONE]
        with_parts = [a for a in plain if _attr(a, "firstName") or _attr(a, "lastName")]
        return (with_parts or plain or usable)[0]

    @staticmethod
    def _birth_1_1(birth: etree._Element, entity: Entity) -> None:
        calendar = (_attr(birth, "calendarType") or "GREGORIAN").upper()
        year, month, day = (
            _attr(birth, "year"),
            _attr(birth, "monthOfYear"),
            _attr(birth, "dayOfMonth"),
        )
        start, end = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
        if calendar != "GREGORIAN":
            written = "-".join(
                p
                for p in (
                    year,
                    (month or "").zfill(2) if month else None,
                    (day or "").zfill(2) if day else None,
                )
                if p
            )
            written = written or _attr(birth, "birthdate") or ""
            if written:
                entity.add("notes", f"Date of birth ({calendar.lower()} calendar): {written}")
        else:
            dates = parse_date(_attr(birth, "birthdate"))
            if not dates and year:
                dates = parse_date(
                    "-".join(
                        p
                        for p in (
                            year,
                            month.zfill(2) if month else None,
                            day.zfill(2) if day and month else None,
                        )
                        if p
                    )
                )
            if not dates and (start or end):
                dates = parse_date(f"{start} to {end}" if start and end else (start or end))
            entity.add("birthDate", dates)
        city = _attr(birth, "city")
        if city == "-":
            city = None
        place = join_address(
            [_attr(birth, "place")],
            city,
            _attr(birth, "region"),
            None,
            _country_text(_attr(birth, "countryIso2Code"), _attr(birth, "countryDescription")),
        )
        if city or _attr(birth, "place") or _attr(birth, "region"):
            entity.add("birthPlace", place)
        _add_iso_country(
            entity,
            "birthCountry",
            _attr(birth, "countryIso2Code"),
            _attr(birth, "countryDescription"),
        )

    @staticmethod
    def _identification_1_1(ident: etree._Element, entity: Entity) -> None:
        kind = _attr(ident, "identificationTypeCode") or ""
        prop = _doc_prop(kind, entity.schema)
        entity.add(prop, [_attr(ident, "number"), _attr(ident, "latinNumber")])

    @staticmethod
    def _address_1_1(address: etree._Element, entity: Entity) -> None:
        street = [
            _attr(address, "street"),
            _attr(address, "poBox") and f"P.O. Box {_attr(address, 'poBox')}",
            _attr(address, "place"),
        ]
        code, description = _attr(address, "countryIso2Code"), _attr(address, "countryDescription")
        entity.add(
            "address",
            join_address(
                street,
                _attr(address, "city"),
                _attr(address, "region"),
                _attr(address, "zipCode"),
                _country_text(code, description),
            ),
        )
        _add_iso_country(entity, "country", code, description)
        for info in children(address, "contactInfo"):
            key = (_attr(info, "key") or "").upper()
            prop = {"WEB": "website", "PHONE": "phone", "EMAIL": "email"}.get(key)
            if prop:
                entity.add(prop, _attr(info, "value"))

    # -- legacy 1.0 -------------------------------------------------------------------

    def _parse_legacy(self, file: InputFile, ctx: ParseContext) -> Iterator[Entity]:
        def on_start(elem: etree._Element) -> None:
            if localname(elem.tag) == ROOT_LEGACY:
                dates = parse_date(_attr(elem, "Date"), dayfirst=True)
                if dates:
                    ctx.published_at = dates[0]

        for elem in iter_xml(file, ("ENTITY",), on_start=on_start):
            entity = self._entity_legacy(file, elem, ctx)
            if entity is not None:
                yield entity

    def _entity_legacy(
        self, file: InputFile, elem: etree._Element, ctx: ParseContext
    ) -> Entity | None:
        entity_id = _attr(elem, "Id")

        skip = ctx.skipper(file.label, line=line_of(elem), element="ENTITY", record=entity_id)

        if not entity_id:
            skip("ENTITY has no Id", "Id")
            return None
        kind = (_attr(elem, "Type") or "").upper()
        if kind not in ("P", "E"):
            skip(f"unknown ENTITY Type {kind!r}", "Type")
            return None
        schema = "Person" if kind == "P" else "Organization"
        names = [(n, self._legacy_name(n)) for n in children(elem, "NAME")]
        names = [(n, w) for n, w in names if w]
        if not names:
            skip("ENTITY has no name", "NAME")
            return None
        entity = Entity(make_id("eu-fsf", entity_id), schema)
        entity.datasets = [self.id]
        entity.add("topics", "sanction")
        plain = [
            n
            for n, _ in names
            if not child_text(n, "LANGUAGE") or (child_text(n, "LANGUAGE") or "").upper() == "EN"
        ]
        primary = (plain or [names[0][0]])[0]
        primary_name = next(w for n, w in names if n is primary)
        entity.add("name", primary_name)
        for node, whole in names:
            if whole != primary_name:
                entity.add("alias", whole)
            if schema == "Person":
                entity.add("firstName", child_text(node, "FIRSTNAME"))
                entity.add("middleName", child_text(node, "MIDDLENAME"))
                entity.add("lastName", child_text(node, "LASTNAME"))
                entity.add("title", child_text(node, "TITLE"))
                gender = {"M": "male", "F": "female"}.get(
                    (child_text(node, "GENDER") or "").upper()
                )
                entity.add("gender", gender)
            entity.add("position" if schema == "Person" else "notes", child_text(node, "FUNCTION"))
        entity.add("program", _attr(elem, "programme"))
        entity.add("createdAt", parse_date(_attr(elem, "reg_date")))
        entity.add("notes", _attr(elem, "remark"))
        for birth in children(elem, "BIRTH"):
            if schema != "Person":
                continue
            date_text = _APPROX.sub("", child_text(birth, "DATE") or "")
            entity.add("birthDate", parse_date(date_text))
            country = child_text(birth, "COUNTRY")
            place = child_text(birth, "PLACE")
            if place:
                entity.add(
                    "birthPlace",
                    join_address(
                        [],
                        place,
                        None,
                        None,
                        country_name(country_code(country)) if country else None,
                    ),
                )
            add_country(entity, "birthCountry", country)
        for citizen in children(elem, "CITIZEN"):
            add_country(
                entity,
                "nationality" if schema == "Person" else "country",
                child_text(citizen, "COUNTRY"),
            )
        for passport in children(elem, "PASSPORT"):
            raw = child_text(passport, "NUMBER")
            if not raw:
                continue
            match = _LEGACY_DOC.match(raw)
            if match:
                number, prop = match.group("number"), _doc_prop(match.group("kind"), schema)
            else:
                number, prop = raw, ("passportNumber" if schema == "Person" else "idNumber")
            entity.add(prop, number)
        for address in children(elem, "ADDRESS"):
            country = child_text(address, "COUNTRY")
            street = " ".join(
                t for t in (child_text(address, "NUMBER"), child_text(address, "STREET")) if t
            )
            entity.add(
                "address",
                join_address(
                    [street],
                    child_text(address, "CITY"),
                    None,
                    child_text(address, "ZIPCODE"),
                    country_name(country_code(country)) or country if country else None,
                ),
            )
            add_country(entity, "country", country)
        return entity

    @staticmethod
    def _legacy_name(node: etree._Element) -> str | None:
        whole = child_text(node, "WHOLENAME")
        if whole:
            return clean_value(whole)
        parts = (child_text(node, n) for n in ("FIRSTNAME", "MIDDLENAME", "LASTNAME"))
        return clean_value(" ".join(p for p in parts if p))
