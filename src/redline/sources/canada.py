"""Canada's Consolidated Autonomous Sanctions List (Special Economic Measures Act and
Justice for Victims of Corrupt Foreign Officials Act), ``sema-lmes.xml``.

Each ``data-set/record`` is one party. Which fields are filled tells what it is: a
``ShipIMONumber`` (with the ship's type in ``TitleOrShip`` and its build year in
``DateOfBirthOrShipBuildDate``) → Vessel; ``EntityOrShip`` alone → Organization;
``LastName``/``GivenName`` → Person. ``Country`` names the sanctions regime (a country,
or a thematic regime such as JVCFOR), so it becomes ``program``, not a country of the
party. The file states no publication date.

Ids. The list has no record identifier, but each party is an *item* of a *schedule* of
the regulations of one regime, and items keep their number when others are added or
repealed. So the id is derived from (regime, schedule, item): the regime's English name
(the part before " / ", or its capitalised acronym such as "JVCFOR"), the schedule with
its spacing normalised ("1,Part 3" = "1, Part 3"), and the item number, e.g.
``ca-sema-russia:1-part-1:8``. Records without an item number fall back to a hash of the
regime and the name fields, stable as long as the name is not corrected.

``Aliases`` is free text: names separated by ";", new lines or commas, sometimes labelled
with a language ("Russian: ..."). It is split at ";" and new lines always, and at ", "
when the next part starts with a capital (a comma inside a long Russian company name is
followed by a lowercase word); for a person, a fragment of a single word ("Sergei, Serhii
SHERBAKOV") is a partial name and is dropped rather than screened as a whole alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from lxml import etree

from redline.entities import Entity, clean_value, make_id
from redline.sources.base import ParseContext, Source
from redline.sources.dates import parse_date
from redline.sources.files import InputFile, child_text, iter_xml
from redline.sources.intl_helpers import expect_root, line_of

ROOT = "data-set"
_ACRONYM = re.compile(r"\(([A-Z]{2,10})\)")
_SLUG = re.compile(r"[^a-z0-9.]+")
_HARD_SPLIT = re.compile(r"[;\n\r]+")
_COMMA = re.compile(r",\s*")
_QUOTES = "\"'«“„"
_LABEL = re.compile(r"^\s*[A-Za-z]{3,20}\s*:\s*")
_OR = re.compile(r"\s+or\s+", re.I)
_IMO = re.compile(r"\d{7}")


def _regime_key(country: str) -> str:
    """A short stable key for the regime: its acronym, else its English name as a slug."""
    english = country.split(" / ")[0]
    if m := _ACRONYM.search(english):
        return m.group(1).lower()
    return _SLUG.sub("-", english.lower()).strip("-")


def _schedule_key(schedule: str | None) -> str:
    if not schedule:
        return ""
    return _SLUG.sub("-", re.sub(r"\s*,\s*", ", ", schedule).lower()).strip("-")


def _comma_parts(chunk: str) -> list[str]:
    """Split at commas, except where the next part starts in lowercase: that comma is
    inside one name ("..., соотечественников, проживающих за рубежом")."""
    merged: list[str] = []
    for part in _COMMA.split(chunk):
        text = part.strip()
        starts_name = bool(text) and (text[0].isupper() or text[0].isdigit() or text[0] in _QUOTES)
        if merged and text and not starts_name:
            merged[-1] = f"{merged[-1]}, {text}"
        else:
            merged.append(text)
    return merged


def split_aliases(text: str | None, person: bool) -> list[str]:
    """The names in a free-text ``Aliases`` cell (see the module docstring)."""
    value = clean_value(text) if text is None else text.replace("\xa0", " ").replace("\u202f", " ")
    if not value:
        return []
    out: list[str] = []
    for chunk in _HARD_SPLIT.split(value):
        for part in _comma_parts(chunk):
            name = clean_value(_LABEL.sub("", part))
            if not name:
                continue
            name = name.strip(" ,;/")
            if person and len(name.split()) < 2:
                continue
            if name and name not in out:
                out.append(name)
    return out


class CanadaSema(Source):
    """Canada Consolidated Autonomous Sanctions List (SEMA / JVCFOA), XML."""

    id: ClassVar[str] = "ca-sema"
    title: ClassVar[str] = "Canada Consolidated Autonomous Sanctions List"
    publisher: ClassVar[str] = "Global Affairs Canada"
    formats: ClassVar[tuple[str, ...]] = ("SEMA consolidated XML (data-set/record)",)
    urls: ClassVar[tuple[str, ...]] = (
        "https://www.international.gc.ca/world-monde/assets/office_docs/"
        "international_relations-relations_internationales/sanctions/sema-lmes.xml",
    )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        for file in files:
            expect_root(file, [ROOT], "the Canadian consolidated autonomous sanctions list")
            for number, elem in enumerate(iter_xml(file, ("record",)), start=1):
                entity = self._record(file, elem, number, ctx)
                if entity is not None:
                    yield entity

    def _record(
        self, file: InputFile, elem: etree._Element, number: int, ctx: ParseContext
    ) -> Entity | None:
        country = clean_value(child_text(elem, "Country"))
        schedule = clean_value(child_text(elem, "Schedule"))
        item = clean_value(child_text(elem, "Item"))
        last, given = child_text(elem, "LastName"), child_text(elem, "GivenName")
        org_or_ship = clean_value(child_text(elem, "EntityOrShip"))
        title_or_ship = clean_value(child_text(elem, "TitleOrShip"))
        imo = clean_value(child_text(elem, "ShipIMONumber"))
        record_ref = f"record {number}" + (f" (item {item})" if item else "")

        skip = ctx.skipper(file.label, line=line_of(elem), element="record", record=record_ref)

        if not country:
            skip("record has no Country (regime)", "Country")
            return None
        if imo:
            schema, name = "Vessel", org_or_ship
        elif org_or_ship:
            schema, name = "Organization", org_or_ship
        elif last or given:
            schema, name = "Person", clean_value(" ".join(p for p in (given, last) if p))
        else:
            skip("record has no name (LastName, GivenName or EntityOrShip)", "LastName")
            return None
        if not name:
            skip("ship record has no name", "EntityOrShip")
            return None
        if item:
            key = f"{_regime_key(country)}:{_schedule_key(schedule)}:{item}"
            entity_id = make_id("ca-sema", key)
        else:
            entity_id = make_id("ca-sema", "name", _regime_key(country), last, given, org_or_ship)
        entity = Entity(entity_id, schema)
        entity.datasets = [self.id]
        entity.add("topics", "sanction")
        entity.add("name", name)
        entity.add("program", country)
        where = ", ".join(
            p
            for p in (
                f"Schedule {schedule}" if schedule else None,
                f"item {item}" if item else None,
            )
            if p
        )
        if where:
            entity.add("notes", where)
        entity.add("createdAt", parse_date(child_text(elem, "DateOfListing")))
        aliases = [
            a for a in split_aliases(child_text(elem, "Aliases"), schema == "Person") if a != name
        ]
        entity.add("alias", aliases)
        dates_text = clean_value(child_text(elem, "DateOfBirthOrShipBuildDate"))
        dates = [d for part in _OR.split(dates_text or "") for d in parse_date(part)]
        if schema == "Person":
            entity.add("firstName", given)
            entity.add("lastName", last)
            entity.add("title", title_or_ship)
            entity.add("birthDate", dates)
            if dates_text and not dates:
                entity.add("notes", f"Date of birth: {dates_text}")
        elif schema == "Vessel":
            entity.add("imoNumber", _IMO.findall(imo or ""))
            entity.add("type", title_or_ship)
            entity.add("buildDate", dates)
            if dates_text and not dates:
                entity.add("notes", f"Build date: {dates_text}")
        else:
            entity.add("notes", title_or_ship)
        return entity
