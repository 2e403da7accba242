"""OFAC's two record-per-party XML exports.

* The classic ``sdnList`` (SDN.XML / CONSOLIDATED.XML): one ``sdnEntry`` per party, with
  structured aliases (``category`` strong/weak), addresses, ids, dates and places of
  birth, and residual ``remarks``.
* The ENHANCED_XML ``sanctionsData``: one ``entity`` per party, with names in several
  scripts, labelled ``features``, ``identityDocuments`` and ``relationships`` that point
  to other entities by id.

Both give the party's OFAC uid (``uid``, ``entity/@id``) which is the CSV's ``ent_num``,
so the same party gets the same id (``ofac-<uid>``) whatever format it was loaded from.
Labels are mapped to properties by :mod:`redline.sources.ofac_remarks`, shared with the
CSV remarks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from redline.entities import Entity, make_id
from redline.sources.base import ParseContext
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, child_text, children, iter_xml, localname
from redline.sources.ofac_remarks import (
    Linker,
    apply_label,
    apply_remarks,
    country_value,
    parse_dates,
    put,
)

SCHEMA_BY_TYPE = {
    "individual": "Person",
    "entity": "LegalEntity",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}


def _line(elem: etree._Element) -> int | None:
    """The element's line, for error messages (lxml may not know it)."""
    line: object = elem.sourceline
    return line if isinstance(line, int) else None


def _path(elem: etree._Element, *names: str) -> list[etree._Element]:
    """Elements reached by following direct children with these local names."""
    current = [elem]
    for name in names:
        current = [c for parent in current for c in children(parent, name)]
    return current


def _texts(elem: etree._Element, *names: str) -> list[str]:
    out = []
    for e in _path(elem, *names):
        if e.text and e.text.strip():
            out.append(e.text.strip())
    return out


def person_name(last: str | None, first: str | None) -> str | None:
    """OFAC's own name form: ``LAST, First`` (as the CSV writes it)."""
    if last and first:
        return f"{last}, {first}"
    return last or first


def _add_fact(entity: Entity, label: str | None, value: str | None) -> None:
    """A labelled fact to its property, else to the notes as "label value"."""
    if not label or not value:
        return
    if not apply_label(entity, label, value):
        entity.add("notes", f"{label.strip()} {value.strip()}")


# --- classic sdnList ----------------------------------------------------------------------


def parse_classic(file: InputFile, ctx: ParseContext, source_id: str) -> Iterator[Entity]:
    """Yield the parties of an ``sdnList`` file, then their ``Linked To`` relations."""
    linker = Linker(source_id)
    for elem in iter_xml(file, ("Publish_Date", "sdnEntry")):
        if localname(elem.tag) == "Publish_Date":
            # The classic export writes the US date order, MM/DD/YYYY.
            dates = parse_dates_us(elem.text)
            if dates:
                ctx.published_at = dates[0]
            continue
        entity = _classic_entry(file, elem, ctx, source_id, linker)
        if entity is not None:
            linker.register(entity)
            yield entity
    yield from linker.entities()


def parse_dates_us(text: str | None) -> list[str]:
    """Dates in the US order (``01/08/2026`` is 8 January)."""
    return parse_date(text, dayfirst=False) if text else []


def _classic_entry(
    file: InputFile,
    elem: etree._Element,
    ctx: ParseContext,
    source_id: str,
    linker: Linker,
) -> Entity | None:
    uid = child_text(elem, "uid")
    line = _line(elem)

    bad = ctx.skipper(file.label, line=line, element="sdnEntry", record=uid)

    if not uid:
        bad("sdnEntry without uid", "uid")
        return None
    sdn_type = (child_text(elem, "sdnType") or "").lower()
    schema = SCHEMA_BY_TYPE.get(sdn_type)
    if schema is None:
        bad(f"unknown sdnType {child_text(elem, 'sdnType')!r}", "sdnType")
        return None
    last, first = child_text(elem, "lastName"), child_text(elem, "firstName")
    name = person_name(last, first)
    if not name:
        bad("sdnEntry without a name", "lastName")
        return None

    entity = Entity(make_id("ofac", uid), schema)
    entity.datasets = [source_id]
    entity.add("name", name)
    if schema == "Person":
        entity.add("firstName", first)
        entity.add("lastName", last)
    entity.add("topics", "sanction")
    entity.add("program", _texts(elem, "programList", "program"))
    title = child_text(elem, "title")
    if title and not put(entity, "position", title):
        entity.add("notes", f"Title: {title}")

    for aka in _path(elem, "akaList", "aka"):
        alias = person_name(child_text(aka, "lastName"), child_text(aka, "firstName"))
        kind = (child_text(aka, "type") or "a.k.a.").lower()
        weak = (child_text(aka, "category") or "").lower() == "weak"
        if kind.startswith("f.k.a"):
            entity.add("previousName", alias)
        else:
            entity.add("weakAlias" if weak else "alias", alias)

    for ident in _path(elem, "idList", "id"):
        _add_fact(entity, child_text(ident, "idType"), child_text(ident, "idNumber"))
    for dob in _texts(elem, "dateOfBirthList", "dateOfBirthItem", "dateOfBirth"):
        if not put(entity, "birthDate", parse_dates(dob), "incorporationDate"):
            entity.add("notes", f"DOB {dob}")
    for pob in _texts(elem, "placeOfBirthList", "placeOfBirthItem", "placeOfBirth"):
        put(entity, "birthPlace", pob)
    for nat in _texts(elem, "nationalityList", "nationality", "country"):
        put(entity, "nationality", country_value(nat), "country")
    for cit in _texts(elem, "citizenshipList", "citizenship", "country"):
        put(entity, "citizenship", country_value(cit), "country")
    for address in _path(elem, "addressList", "address"):
        _classic_address(entity, address)
    for vessel in children(elem, "vesselInfo"):
        for tag, prop in (
            ("callSign", "callSign"),
            ("vesselType", "type"),
            ("vesselOwner", "owner"),
            ("tonnage", "tonnage"),
            ("grossRegisteredTonnage", "grossRegisteredTonnage"),
        ):
            put(entity, prop, child_text(vessel, tag))
        flag = child_text(vessel, "vesselFlag")
        put(entity, "flag", country_value(flag), "country")

    parsed = apply_remarks(entity, child_text(elem, "remarks"))
    for target in parsed.links:
        linker.link(entity.id, target)
    return entity


def _classic_address(entity: Entity, address: etree._Element) -> None:
    street = [child_text(address, f"address{i}") for i in (1, 2, 3)]
    state_postal = " ".join(
        p for p in (child_text(address, "stateOrProvince"), child_text(address, "postalCode")) if p
    )
    country = child_text(address, "country")
    parts = [*street, child_text(address, "city"), state_postal, country]
    full = ", ".join(p for p in parts if p)
    entity.add("address", full)
    if country:
        entity.add("country", country_value(country.removeprefix("Region: ")))


# --- ENHANCED_XML sanctionsData -----------------------------------------------------------


@dataclass
class _Relation:
    subject: str
    target_uid: str
    role: str | None
    target_name: str | None


def parse_enhanced(file: InputFile, ctx: ParseContext, source_id: str) -> Iterator[Entity]:
    """Yield the parties of a ``sanctionsData`` file, then their relationships."""
    seen: set[str] = set()
    relations: list[_Relation] = []
    for elem in iter_xml(file, ("dataAsOf", "entity")):
        if localname(elem.tag) == "dataAsOf":
            if elem.text and elem.text.strip():
                ctx.published_at = elem.text.strip()
            continue
        entity = _enhanced_entity(file, elem, ctx, source_id, relations)
        if entity is not None:
            seen.add(entity.id)
            yield entity
    for rel in relations:
        target = make_id("ofac", rel.target_uid)
        link = Entity(
            make_id("ofac-rel", rel.subject, rel.target_uid, rel.role or ""), "UnknownLink"
        )
        link.add("subject", rel.subject)
        # The export may be filtered (one program): only point to parties it contains.
        if target in seen:
            link.add("object", target)
        link.add("role", rel.role)
        link.add("description", rel.target_name)
        link.datasets = [source_id]
        yield link


def _enhanced_entity(
    file: InputFile,
    elem: etree._Element,
    ctx: ParseContext,
    source_id: str,
    relations: list[_Relation],
) -> Entity | None:
    uid = elem.get("id")
    line = _line(elem)

    bad = ctx.skipper(file.label, line=line, element="entity", record=uid)

    if not uid:
        bad("entity without id", "id")
        return None
    info = children(elem, "generalInfo")
    general = info[0] if info else None
    type_text = child_text(general, "entityType") if general is not None else None
    schema = SCHEMA_BY_TYPE.get((type_text or "").lower())
    if schema is None:
        bad(f"unknown entityType {type_text!r}", "entityType")
        return None

    entity = Entity(make_id("ofac", uid), schema)
    entity.datasets = [source_id]
    _enhanced_names(entity, elem)
    if not entity.get("name"):
        bad("entity without a primary name", "names")
        return None
    entity.add("topics", "sanction")
    entity.add("program", _texts(elem, "sanctionsPrograms", "sanctionsProgram"))
    listed = sorted(
        d
        for d in (s.get("datePublished") for s in _path(elem, "sanctionsLists", "sanctionsList"))
        if d
    )
    if listed:
        entity.add("createdAt", listed[0])
    if general is not None:
        title = child_text(general, "title")
        if title and not put(entity, "position", title):
            entity.add("notes", f"Title: {title}")
        parsed = apply_remarks(entity, child_text(general, "remarks"))
        entity.add("notes", [f"Linked To: {t}" for t in parsed.links])

    for address in _path(elem, "addresses", "address"):
        _enhanced_address(entity, address)
    for feature in _path(elem, "features", "feature"):
        label = child_text(feature, "type")
        value = child_text(feature, "value")
        if value is None:
            dates = _path(feature, "valueDate", "fromDateBegin")
            value = dates[0].text if dates else None
        _add_fact(entity, label, value)
    for doc in _path(elem, "identityDocuments", "identityDocument"):
        label = child_text(doc, "type")
        number = child_text(doc, "documentNumber")
        if label and number and not apply_label(entity, label, number):
            put(entity, "idNumber", number)
            country = child_text(doc, "issuingCountry")
            entity.add("notes", f"{label} {number}" + (f" ({country})" if country else ""))
    for rel in _path(elem, "relationships", "relationship"):
        for related in children(rel, "relatedEntity"):
            target = related.get("entityId")
            if target:
                text = related.text.strip() if related.text else None
                relations.append(_Relation(entity.id, target, child_text(rel, "type"), text))
    return entity


def _translation_name(translation: etree._Element) -> str | None:
    full = child_text(translation, "formattedFullName")
    if full:
        return full
    return person_name(
        child_text(translation, "formattedLastName"), child_text(translation, "formattedFirstName")
    )


_PART_PROPS = {"first name": "firstName", "middle name": "middleName", "last name": "lastName"}


def _enhanced_names(entity: Entity, elem: etree._Element) -> None:
    for name in _path(elem, "names", "name"):
        primary = child_text(name, "isPrimary") == "true"
        weak = child_text(name, "isLowQuality") == "true"
        alias_type = (child_text(name, "aliasType") or "").upper()
        for translation in _path(name, "translations", "translation"):
            text = _translation_name(translation)
            main = child_text(translation, "isPrimary") == "true"
            if primary and main:
                entity.add("name", text)
                if entity.schema == "Person":
                    for part in _path(translation, "nameParts", "namePart"):
                        prop = _PART_PROPS.get((child_text(part, "type") or "").lower())
                        if prop:
                            entity.add(prop, child_text(part, "value"))
            elif primary:
                entity.add("alias", text)  # the primary name in another script
            elif alias_type.startswith("F.K.A"):
                entity.add("previousName", text)
            else:
                entity.add("weakAlias" if weak else "alias", text)


_ADDRESS_ORDER = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE")


def _enhanced_address(entity: Entity, address: etree._Element) -> None:
    country = child_text(address, "country")
    translations = _path(address, "translations", "translation")
    parts: dict[str, list[str]] = {}
    for translation in translations[:1]:
        for part in _path(translation, "addressParts", "addressPart"):
            kind = (child_text(part, "type") or "").upper()
            value = child_text(part, "value")
            if value:
                parts.setdefault(kind, []).append(value)
    entity.add("address", compose_address(parts, country))
    if country:
        entity.add("country", country_value(country))


def compose_address(parts: dict[str, list[str]], country: str | None) -> str | None:
    """``street, city, state postal, country`` from typed address parts."""

    def get(kind: str) -> str | None:
        values = parts.get(kind)
        return " ".join(values) if values else None

    state_postal = " ".join(p for p in (get("STATE/PROVINCE"), get("POSTAL CODE")) if p)
    pieces = [get("ADDRESS1"), get("ADDRESS2"), get("ADDRESS3"), get("CITY"), state_postal]
    pieces += [get(k) for k in parts if k not in _ADDRESS_ORDER]
    pieces.append(country)
    full = ", ".join(p for p in pieces if p)
    return full or None
