"""OFAC's advanced XML (``Sanctions`` root, sdn_advanced.xsd).

The format is normalised: a party (``DistinctParty``/``Profile``) refers by number to
reference values (feature types, alias types, countries...), to ``Locations`` (its
addresses), to ``IDRegDocuments`` (its identity papers), and is itself referred to by
``SanctionsEntries`` (its programs and listing date) and ``ProfileRelationships``. The
reference sets, locations and documents come before the parties; entries and
relationships come after them.

So the file is read twice, both times streaming: the first pass keeps the small indexes
(reference values, locations, documents by identity, programs and relations by profile)
and skips the parties; the second streams the parties and builds each entity whole.
Ids use the party's ``FixedRef``, which is the CSV ``ent_num``: ``ofac-<FixedRef>``.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from redline.entities import Entity, make_id
from redline.sources.base import ParseContext
from redline.sources.files import InputFile, child_text, children, descendants, iter_xml, localname
from redline.sources.ofac_remarks import apply_label, country_value, parse_dates, put
from redline.sources.ofac_xml import compose_address

SCHEMA_BY_TYPE = {
    ("individual", ""): "Person",
    ("entity", ""): "LegalEntity",
    ("transport", "vessel"): "Vessel",
    ("transport", "aircraft"): "Airplane",
}
_FIRST_PASS = (
    "DateOfIssue",
    "ReferenceValueSets",
    "Location",
    "IDRegDocument",
    "DistinctParty",
    "ProfileRelationship",
    "SanctionsEntry",
)
_NAME_ORDER = ("First Name", "Middle Name", "Patronymic", "Matronymic", "Maiden Name")


@dataclass
class _Document:
    type_id: str
    number: str
    country: str | None


@dataclass
class _Index:
    """What the first pass learns; all small next to the parties themselves."""

    refs: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    ref_attrs: dict[str, dict[str, dict[str, str]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    locations: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    documents: dict[str, list[_Document]] = field(default_factory=lambda: defaultdict(list))
    programs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    listed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    relations: list[tuple[str, str, str]] = field(default_factory=list)

    def ref(self, kind: str, ref_id: str | None) -> str | None:
        return self.refs[kind].get(ref_id) if ref_id else None

    def country(self, country_id: str | None) -> str | None:
        """A country id as ISO code (or name when unresolvable; "undetermined" is none)."""
        if not country_id:
            return None
        attrs = self.ref_attrs["Country"].get(country_id, {})
        name = self.refs["Country"].get(country_id)
        if attrs.get("ISO2"):
            return attrs["ISO2"].lower()
        if name and name.lower() != "undetermined":
            return country_value(name)
        return None


def _line(elem: etree._Element) -> int | None:
    """The element's line, for error messages (lxml may not know it)."""
    line: object = elem.sourceline
    return line if isinstance(line, int) else None


def _date(elem: etree._Element | None) -> tuple[int, int, int] | None:
    if elem is None:
        return None
    try:
        year = int(child_text(elem, "Year") or "")
        month = int(child_text(elem, "Month") or "1")
        day = int(child_text(elem, "Day") or "1")
    except ValueError:
        return None
    return year, month, day


def _iso(value: tuple[int, int, int]) -> str:
    return f"{value[0]:04d}-{value[1]:02d}-{value[2]:02d}"


def period_dates(period: etree._Element) -> list[str]:
    """ISO prefixes for a ``DatePeriod``: a whole year becomes ``1962``, a whole month
    ``1962-03``, a day ``1962-03-14``; a range of years gives each year."""

    def first(*path: str) -> tuple[int, int, int] | None:
        found = [period]
        for name in path:
            found = [c for p in found for c in children(p, name)]
        return _date(found[0]) if found else None

    start = first("Start", "From")
    end = first("End", "To") or first("Start", "To") or start
    if start is None or end is None:
        return []
    (y1, m1, d1), (y2, m2, d2) = start, end
    if start == end:
        return parse_dates(_iso(start))
    if (m1, d1) == (1, 1) and (m2, d2) == (12, 31):
        return parse_dates(f"{y1} to {y2}") if y1 != y2 else parse_dates(str(y1))
    if (y1, m1) == (y2, m2) and d1 == 1 and d2 == calendar.monthrange(y2, m2)[1]:
        return parse_dates(f"{y1:04d}-{m1:02d}")
    return parse_dates(_iso(start)) + parse_dates(_iso(end))


def parse_advanced(file: InputFile, ctx: ParseContext, source_id: str) -> Iterator[Entity]:
    """Yield the parties of an advanced-XML file, then their relationships."""
    index = _first_pass(file, ctx)
    names: dict[str, str] = {}
    for elem in iter_xml(file, ("DistinctParty",)):
        entity = _party(file, elem, index, ctx, source_id)
        if entity is not None:
            names[entity.id] = entity.caption
            yield entity
    for rel_id, (subject, target, role) in enumerate(index.relations):
        subject_id, target_id = make_id("ofac", subject), make_id("ofac", target)
        if subject_id not in names:
            continue
        link = Entity(make_id("ofac-rel", subject, target, role or rel_id), "UnknownLink")
        link.add("subject", subject_id)
        if target_id in names:
            link.add("object", target_id)
            link.add("description", names[target_id])
        link.add("role", role)
        link.datasets = [source_id]
        yield link


def _first_pass(file: InputFile, ctx: ParseContext) -> _Index:
    index = _Index()
    for elem in iter_xml(file, _FIRST_PASS):
        tag = localname(elem.tag)
        if tag == "DateOfIssue":
            issued = _date(elem)
            if issued:
                ctx.published_at = _iso(issued)
        elif tag == "ReferenceValueSets":
            for value_set in elem:
                for value in value_set:
                    kind, ref_id = localname(value.tag), value.get("ID")
                    if ref_id:
                        index.refs[kind][ref_id] = (value.text or "").strip()
                        index.ref_attrs[kind][ref_id] = {
                            str(k): str(v) for k, v in value.attrib.items()
                        }
        elif tag == "Location":
            _index_location(index, elem)
        elif tag == "IDRegDocument":
            identity = elem.get("IdentityID")
            number = child_text(elem, "IDRegistrationNo")
            if identity and number:
                index.documents[identity].append(
                    _Document(
                        elem.get("IDRegDocTypeID") or "",
                        number,
                        index.country(elem.get("IssuedBy-CountryID")),
                    )
                )
        elif tag == "SanctionsEntry":
            _index_entry(index, elem)
        elif tag == "ProfileRelationship":
            subject, target = elem.get("From-ProfileID"), elem.get("To-ProfileID")
            if subject and target:
                role = index.ref("RelationType", elem.get("RelationTypeID")) or ""
                index.relations.append((subject, target, role))
    return index


def _index_location(index: _Index, elem: etree._Element) -> None:
    location_id = elem.get("ID")
    if not location_id:
        return
    parts: dict[str, list[str]] = {}
    for part in children(elem, "LocationPart"):
        kind = (index.ref("LocPartType", part.get("LocPartTypeID")) or "").upper()
        for value in children(part, "LocationPartValue"):
            text = child_text(value, "Value")
            if text:
                parts.setdefault(kind, []).append(text)
    country_name = None
    for loc_country in children(elem, "LocationCountry"):
        name = index.ref("Country", loc_country.get("CountryID"))
        if name and name.lower() != "undetermined":
            country_name = name
    index.locations[location_id] = (compose_address(parts, country_name), country_name)


def _index_entry(index: _Index, elem: etree._Element) -> None:
    profile = elem.get("ProfileID")
    if not profile:
        return
    for measure in children(elem, "SanctionsMeasure"):
        kind = index.ref("SanctionsType", measure.get("SanctionsTypeID"))
        comment = child_text(measure, "Comment")
        if kind == "Program" and comment:
            index.programs[profile].append(comment)
    for event in children(elem, "EntryEvent"):
        when = _date(children(event, "Date")[0]) if children(event, "Date") else None
        if when:
            index.listed[profile].append(_iso(when))


def _party(
    file: InputFile, elem: etree._Element, index: _Index, ctx: ParseContext, source_id: str
) -> Entity | None:
    fixed_ref = elem.get("FixedRef")
    line = _line(elem)

    bad = ctx.skipper(file.label, line=line, element="DistinctParty", record=fixed_ref)

    profiles = children(elem, "Profile")
    if not fixed_ref or not profiles:
        bad("DistinctParty without FixedRef or Profile", "FixedRef")
        return None
    profile = profiles[0]
    sub_type_id = profile.get("PartySubTypeID")
    sub_type = index.ref("PartySubType", sub_type_id) or ""
    party_type_id = index.ref_attrs["PartySubType"].get(sub_type_id or "", {}).get("PartyTypeID")
    party_type = (index.ref("PartyType", party_type_id) or "").lower()
    sub = sub_type.lower() if party_type == "transport" else ""
    schema = SCHEMA_BY_TYPE.get((party_type, sub))
    if schema is None and party_type in ("other entity", "location"):
        schema = "LegalEntity"
    if schema is None:
        bad(f"unknown party type {party_type!r}/{sub_type!r}", "PartySubTypeID")
        return None

    entity = Entity(make_id("ofac", fixed_ref), schema)
    entity.datasets = [source_id]
    for identity in children(profile, "Identity"):
        _identity_names(entity, identity, index)
        for doc in index.documents.get(identity.get("ID") or "", []):
            label = index.ref("IDRegDocType", doc.type_id) or "Identification Number"
            if not apply_label(entity, label, doc.number):
                put(entity, "idNumber", doc.number)
                suffix = f" ({doc.country})" if doc.country else ""
                entity.add("notes", f"{label} {doc.number}{suffix}")
    if not entity.get("name"):
        bad("party without a primary name", "Alias")
        return None
    entity.add("topics", "sanction")
    profile_id = profile.get("ID") or fixed_ref
    entity.add("program", index.programs.get(profile_id, []))
    listed = sorted(index.listed.get(profile_id, []))
    if listed:
        entity.add("createdAt", listed[0])
    for feature in children(profile, "Feature"):
        _feature(entity, feature, index)
    return entity


def _identity_names(entity: Entity, identity: etree._Element, index: _Index) -> None:
    group_types: dict[str, str] = {}
    for group in descendants(identity, "NamePartGroup"):
        group_id = group.get("ID")
        if group_id:
            group_types[group_id] = index.ref("NamePartType", group.get("NamePartTypeID")) or ""
    for alias in children(identity, "Alias"):
        alias_type = (index.ref("AliasType", alias.get("AliasTypeID")) or "").upper()
        primary = alias.get("Primary") == "true"
        weak = alias.get("LowQuality") == "true"
        for number, documented in enumerate(children(alias, "DocumentedName")):
            parts: dict[str, list[str]] = defaultdict(list)
            order: list[str] = []
            for value in descendants(documented, "NamePartValue"):
                text = (value.text or "").strip()
                if text:
                    kind = group_types.get(value.get("NamePartGroupID") or "", "")
                    parts[kind].append(text)
                    order.append(text)
            name = _join_name(parts, order)
            if not name:
                continue
            if primary and number == 0:
                entity.add("name", name)
                if entity.schema == "Person":
                    entity.add("firstName", parts.get("First Name", []))
                    entity.add("middleName", parts.get("Middle Name", []))
                    entity.add("lastName", parts.get("Last Name", []))
            elif primary or alias_type in ("A.K.A.", "N.K.A.", "NAME", ""):
                entity.add("weakAlias" if weak and not primary else "alias", name)
            elif alias_type == "F.K.A.":
                entity.add("previousName", name)
            else:
                entity.add("weakAlias" if weak else "alias", name)


def _join_name(parts: dict[str, list[str]], order: list[str]) -> str | None:
    """OFAC's name form: ``LAST, First Middle`` for people, parts in order otherwise."""
    last = " ".join(parts.get("Last Name", []))
    given = " ".join(v for k in _NAME_ORDER for v in parts.get(k, []))
    if last and given:
        return f"{last}, {given}"
    return " ".join(order) or None


def _feature(entity: Entity, feature: etree._Element, index: _Index) -> None:
    label = index.ref("FeatureType", feature.get("FeatureTypeID")) or ""
    for version in children(feature, "FeatureVersion"):
        for period in children(version, "DatePeriod"):
            dates = period_dates(period)
            applied = [apply_label(entity, label, value) for value in dates]
            if dates and not any(applied):
                entity.add("notes", f"{label} {', '.join(dates)}")
        for location_ref in children(version, "VersionLocation"):
            address, country = index.locations.get(
                location_ref.get("LocationID") or "", (None, None)
            )
            if label.lower() == "location":
                entity.add("address", address)
                if country:
                    entity.add("country", country_value(country))
            elif country and not apply_label(entity, label, country):
                entity.add("notes", f"{label} {country}")
        for detail in children(version, "VersionDetail"):
            text = (detail.text or "").strip()
            if not text:
                text = index.ref("DetailReference", detail.get("DetailReferenceID")) or ""
            if text and not apply_label(entity, label, text):
                entity.add("notes", f"{label} {text}")
