"""FollowTheMoney JSON lines: import (OpenSanctions ``entities.ftm.json`` and the like)
and export (``redline lists export --format ftm``).

One entity per line: ``{"id", "schema", "properties": {prop: [values]}, ...}``; the
other keys OpenSanctions writes (``caption``, ``referents``, ``target``,
``first_seen``, ``last_seen``...) are ignored, ``caption`` being derived from the names.
A gzipped file (``.jsonl.gz``) is read transparently.

What is kept and what is not:

* An entity whose schema redline does not model (``Sanction``, ``Address``,
  ``Identification``, ``Passport``, ``Payment``...) is skipped as a
  :class:`~redline.errors.RecordError` naming the line and the schema.
* A property the schema lacks (``addressEntity``, ``programId``...) is dropped from
  that entity, which is still loaded. Dropping a property is not a malformed record, so
  it is not a skip: the counts per property are in :attr:`FollowTheMoney.dropped` and
  logged once per file as a warning.
* ``datasets`` are kept as written (the entity's provenance, e.g. ``us_ofac_sdn``), so
  that exporting and importing again gives identical entities; an entity without
  ``datasets`` gets ``["ftm"]``.
* A line that is not JSON, not an object or lacks ``id``/``schema`` is a RecordError
  with its line number. A file whose first record is not a JSON object at all (XML, CSV,
  a JSON array) is the wrong format: InputError.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from redline import schema as ftm
from redline.entities import Entity
from redline.errors import InputError, RecordError
from redline.sources.base import ParseContext, Source
from redline.sources.files import InputFile, iter_text_lines

log = logging.getLogger(__name__)


def write_ftm(entities: Iterable[Entity], stream: TextIO) -> int:
    """Write entities as FtM JSON lines (sorted keys, UTF-8 text as is); returns the
    number written. :class:`FollowTheMoney` reads the result back to equal entities."""
    count = 0
    for entity in entities:
        stream.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True))
        stream.write("\n")
        count += 1
    return count


class FollowTheMoney(Source):
    """Entities in FollowTheMoney JSON lines, e.g. an OpenSanctions export."""

    id = "ftm"
    title = "FollowTheMoney entities (JSON lines)"
    publisher = "any (OpenSanctions, an FtM export of redline)"
    formats = ("FtM JSON lines (.json, .jsonl, .ftm.json, gzipped or not)",)
    urls = ()

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        super().__init__(options)
        self.dropped: Counter[str] = Counter()
        """Properties dropped because their schema lacks them, ``Schema.property`` → count."""

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        for file in files:
            yield from self._parse_file(file, ctx)

    def _parse_file(self, file: InputFile, ctx: ParseContext) -> Iterator[Entity]:
        head = file.head(4096).lstrip(b"\xef\xbb\xbf").lstrip()
        if not head.startswith(b"{"):
            found = (
                "a JSON array"
                if head.startswith(b"[")
                else repr(head[:20].decode("utf-8", "replace"))
            )
            raise InputError(
                f"not FollowTheMoney JSON lines (one JSON object per line expected, found {found})",
                path=file.label,
            )
        dropped: Counter[str] = Counter()
        for line, text in iter_text_lines(file, ("utf-8",)):
            text = text.strip()
            if not text:
                continue
            entity = self._entity(file, line, text, ctx, dropped)
            if entity is not None:
                yield entity
        if dropped:
            self.dropped.update(dropped)
            summary = ", ".join(f"{name} ({n})" for name, n in dropped.most_common())
            log.warning("%s: dropped properties the schema lacks: %s", file.label, summary)

    def _entity(
        self,
        file: InputFile,
        line: int,
        text: str,
        ctx: ParseContext,
        dropped: Counter[str],
    ) -> Entity | None:
        def bad(message: str, field: str | None = None, record: str | None = None) -> None:
            ctx.skip(RecordError(message, path=file.label, line=line, field=field, record=record))

        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            bad(f"not valid JSON ({exc.msg}, column {exc.colno})")
            return None
        if not isinstance(data, dict):
            bad(f"a JSON {type(data).__name__} where an entity object was expected")
            return None
        entity_id = data.get("id")
        record = str(entity_id) if entity_id else None
        if not entity_id or not isinstance(entity_id, str):
            bad("entity has no id", field="id")
            return None
        schema = data.get("schema")
        if not isinstance(schema, str) or not schema:
            bad("entity has no schema", field="schema", record=record)
            return None
        if schema not in ftm.SCHEMATA:
            bad(
                f"schema {schema} is not one redline models; entity skipped",
                field="schema",
                record=record,
            )
            return None
        props = data.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            bad("'properties' is not an object", field="properties", record=record)
            return None
        allowed = ftm.properties(schema)
        kept: dict[str, Any] = {}
        for prop, values in props.items():
            if prop in allowed:
                kept[prop] = values
            else:
                dropped[f"{schema}.{prop}"] += 1
        datasets = data.get("datasets")
        try:
            entity = Entity.from_dict(
                {"id": entity_id, "schema": schema, "properties": kept, "datasets": datasets}
            )
        except ValueError as exc:
            bad(f"malformed entity ({exc})", field="properties", record=record)
            return None
        if not entity.datasets:
            entity.datasets = [self.id]
        return entity
