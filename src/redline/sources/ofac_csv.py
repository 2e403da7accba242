"""OFAC's legacy CSV set: ``sdn.csv`` (or ``cons_prim.csv``) joined with its address,
alias and remarks-continuation files.

The files have no header, are cp1252, write ``-0-`` for an empty cell, end lines with
CRLF and the file with a Ctrl-Z byte. They are told apart by the number of columns of
their first row, since users rename files:

=====================  ========  =====================================================
file                   columns   layout
=====================  ========  =====================================================
sdn.csv, cons_prim     12        ent_num, name, type, programs, title, call sign,
                                 vessel type, tonnage, GRT, flag, owner, remarks
add.csv, cons_add      6         ent_num, add_num, address, city/state/zip, country,
                                 remarks
alt.csv, cons_alt      5         ent_num, alt_num, aka/fka/nka, name, remarks
sdn_comments.csv       2         ent_num, remarks continuation
=====================  ========  =====================================================

The secondary files are indexed by ``ent_num`` (the join forces it), then the primary
file is streamed. ``Linked To:`` remarks name their target, which may come later in the
file, so the links are emitted after the parties, once every name is known.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from redline.entities import Entity, clean_value, make_id
from redline.errors import InputError, RecordError
from redline.sources.base import ParseContext
from redline.sources.files import InputFile, iter_csv
from redline.sources.ofac_remarks import Linker, apply_remarks, country_value, put

ENCODINGS = ("cp1252", "latin-1")
PRIMARY, ADDRESS, ALIAS, COMMENTS = "primary", "address", "alias", "comments"
KIND_BY_WIDTH = {12: PRIMARY, 6: ADDRESS, 5: ALIAS, 2: COMMENTS}

SCHEMA_BY_TYPE = {
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "": "LegalEntity",  # OFAC writes -0- for entities
}
ALIAS_PROP = {"aka": "alias", "fka": "previousName", "nka": "alias"}
_PROGRAM_SPLIT = re.compile(r"\]\s*\[")
_SPACES = re.compile(r"\s+")


def cell(value: str) -> str | None:
    """A cell's text, or None for OFAC's ``-0-`` and blanks."""
    return clean_value(value)


def csv_kind(file: InputFile) -> str:
    """Which file of the set this is, from the width of its first row."""
    for _line, row in iter_csv(file, ENCODINGS):
        kind = KIND_BY_WIDTH.get(len(row))
        if kind is None or not row[0].strip().isdigit():
            break
        return kind
    raise InputError(
        "not an OFAC legacy CSV file (expected rows of 12, 6, 5 or 2 columns starting "
        "with a numeric ent_num)",
        path=file.label,
    )


def split_programs(text: str | None) -> list[str]:
    """``"SDGT] [IRGC"`` -> ``["SDGT", "IRGC"]``."""
    if not text:
        return []
    return [p.strip(" []") for p in _PROGRAM_SPLIT.split(text) if p.strip(" []")]


@dataclass
class _Row:
    path: str
    line: int
    cells: list[str]


@dataclass
class _Secondary:
    """Address, alias and comment rows waiting for their primary row."""

    rows: dict[str, dict[str, list[_Row]]] = field(
        default_factory=lambda: {ADDRESS: {}, ALIAS: {}, COMMENTS: {}}
    )

    def add(self, kind: str, row: _Row) -> None:
        self.rows[kind].setdefault(row.cells[0].strip(), []).append(row)

    def take(self, kind: str, ent_num: str) -> list[_Row]:
        return self.rows[kind].pop(ent_num, [])

    def leftovers(self) -> Iterator[tuple[str, _Row]]:
        for kind, by_id in self.rows.items():
            for rows in by_id.values():
                for row in rows:
                    yield kind, row


def parse_csv_set(
    files: Sequence[InputFile], ctx: ParseContext, source_id: str
) -> Iterator[Entity]:
    """Yield the parties of one legacy CSV set, then their ``Linked To`` relations."""
    kinds: dict[str, list[InputFile]] = defaultdict(list)
    for file in files:
        kinds[csv_kind(file)].append(file)
    if not kinds[PRIMARY]:
        given = ", ".join(f.label for f in files)
        raise InputError(
            "the OFAC CSV set has no primary file (sdn.csv or cons_prim.csv: 12 columns); "
            f"got only {given}",
            path=files[0].label if files else None,
        )

    pending = _Secondary()
    for kind in (ADDRESS, ALIAS, COMMENTS):
        width = next(w for w, k in KIND_BY_WIDTH.items() if k == kind)
        for file in kinds[kind]:
            for line, row in iter_csv(file, ENCODINGS):
                if len(row) != width or not row[0].strip().isdigit():
                    ctx.skip(
                        RecordError(
                            f"expected {width} columns starting with a numeric ent_num, "
                            f"got {len(row)}",
                            path=file.label,
                            line=line,
                            record=row[0].strip() if row else None,
                        )
                    )
                    continue
                pending.add(kind, _Row(file.label, line, row))

    linker = Linker(source_id)
    for file in kinds[PRIMARY]:
        for line, row in iter_csv(file, ENCODINGS):
            entity = _primary(file, line, row, pending, ctx, source_id, linker)
            if entity is None:
                continue
            linker.register(entity)
            yield entity

    for kind, orphan in pending.leftovers():
        ctx.skip(
            RecordError(
                f"{kind} row for ent_num {orphan.cells[0].strip()}, which has no primary row "
                "(stale or mismatched file set?)",
                path=orphan.path,
                line=orphan.line,
                field="ent_num",
                record=orphan.cells[0].strip(),
            )
        )

    yield from linker.entities()


def _primary(
    file: InputFile,
    line: int,
    row: list[str],
    pending: _Secondary,
    ctx: ParseContext,
    source_id: str,
    linker: Linker,
) -> Entity | None:
    bad = ctx.skipper(file.label, line=line, record=row[0].strip() if row else None)

    if len(row) != 12:
        bad(f"expected 12 columns, got {len(row)}")
        return None
    ent_num = row[0].strip()
    if not ent_num.isdigit():
        bad("ent_num is not a number", "ent_num")
        return None
    name = cell(row[1])
    if name is None:
        bad("no name", "SDN_Name")
        return None
    sdn_type = (cell(row[2]) or "").lower()
    schema = SCHEMA_BY_TYPE.get(sdn_type)
    if schema is None:
        bad(f"unknown SDN_Type {row[2].strip()!r}", "SDN_Type")
        return None

    entity = Entity(make_id("ofac", ent_num), schema)
    entity.datasets = [source_id]
    entity.add("name", name)
    entity.add("topics", "sanction")
    entity.add("program", split_programs(cell(row[3])))
    title = cell(row[4])
    if title and not put(entity, "position", title):
        entity.add("notes", f"Title: {title}")
    if schema == "Vessel":
        entity.add("callSign", cell(row[5]))
        entity.add("type", cell(row[6]))
        entity.add("tonnage", cell(row[7]))
        entity.add("grossRegisteredTonnage", cell(row[8]))
        entity.add("flag", country_value(cell(row[9])))
        entity.add("owner", cell(row[10]))

    remarks = cell(row[11]) or ""
    for extra in pending.take(COMMENTS, ent_num):
        # sdn_comments.csv continues a cut-off remarks cell mid-word: join with nothing.
        remarks += extra.cells[1].strip() if cell(extra.cells[1]) else ""
    parsed = apply_remarks(entity, remarks or None)
    for target in parsed.links:
        linker.link(entity.id, target)

    for alt in pending.take(ALIAS, ent_num):
        alt_name = cell(alt.cells[3])
        alt_type = (cell(alt.cells[2]) or "aka").lower().replace(".", "")
        if alt_name is None:
            ctx.skip(
                RecordError(
                    "alias row without a name",
                    path=alt.path,
                    line=alt.line,
                    field="alt_name",
                    record=ent_num,
                )
            )
            continue
        # A weak marker in the alias remarks makes the alias a weak one.
        alt_remarks = (cell(alt.cells[4]) or "").lower()
        prop = "weakAlias" if "weak" in alt_remarks else ALIAS_PROP.get(alt_type, "alias")
        entity.add(prop, alt_name)
        entity.add("notes", cell(alt.cells[4]))

    for add in pending.take(ADDRESS, ent_num):
        parts = [cell(add.cells[2]), cell(add.cells[3]), cell(add.cells[4])]
        full = ", ".join(p for p in parts if p)
        if full:
            entity.add("address", full)
        country = cell(add.cells[4])
        if country:
            entity.add("country", country_value(country))
        entity.add("notes", cell(add.cells[5]))
    return entity
