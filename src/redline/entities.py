"""The entity: one listed party (or a relationship between parties) in FtM shape.

Parsers build entities with :meth:`Entity.add`, which cleans values and refuses
property names the schema lacks, so that every stored entity is valid FtM.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redline import schema as ftm

_SPACES = re.compile(r"\s+")
# C0/C1 controls other than whitespace, which some publishers leave in names.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_value(value: object) -> str | None:
    """Turn a raw field into a stored value: NFC, no control characters, single spaces.

    Returns None for values that carry nothing (empty, whitespace, OFAC's ``-0-``).
    """
    if value is None:
        return None
    text = str(value)
    text = _CONTROLS.sub("", unicodedata.normalize("NFC", text))
    text = _SPACES.sub(" ", text).strip()
    if not text or text == "-0-":
        return None
    return text


@dataclass(slots=True)
class Entity:
    """A party or relationship with FtM schema and property names.

    ``id`` is derived from the publisher's own identifier, so that the same listed party
    keeps its id from one version of a list to the next.
    """

    id: str
    schema: str
    properties: dict[str, list[str]] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.schema not in ftm.SCHEMATA:
            raise ValueError(f"unknown schema {self.schema!r}")
        if not self.id:
            raise ValueError("an entity needs an id")

    def add(self, prop: str, values: object | Iterable[object]) -> None:
        """Add one value or several, cleaned; empty values and duplicates are dropped."""
        if prop not in ftm.properties(self.schema):
            raise ValueError(f"schema {self.schema} has no property {prop!r}")
        if values is None:
            return
        items: Iterable[object] = (
            values if isinstance(values, list | tuple | set | frozenset) else (values,)
        )
        for raw in items:
            value = clean_value(raw)
            if value is None:
                continue
            current = self.properties.setdefault(prop, [])
            if value not in current:
                current.append(value)
        if not self.properties.get(prop):
            self.properties.pop(prop, None)

    def get(self, prop: str) -> list[str]:
        """All values of a property (an empty list when it has none)."""
        return self.properties.get(prop, [])

    def first(self, prop: str) -> str | None:
        """The first value of a property, or None."""
        values = self.properties.get(prop)
        return values[0] if values else None

    @property
    def caption(self) -> str:
        """The name a person reads first: the entity's first name, else its id."""
        for prop in ("name", "alias", "previousName", "weakAlias"):
            value = self.first(prop)
            if value:
                return value
        return self.id

    @property
    def names(self) -> list[str]:
        """Every name the entity goes by: name, alias, previous and weak aliases."""
        out: list[str] = []
        for prop in ("name", "alias", "previousName", "weakAlias"):
            out.extend(self.get(prop))
        return out

    @property
    def is_party(self) -> bool:
        """True for listed parties, False for relationships between them."""
        return ftm.is_party(self.schema)

    def to_dict(self) -> dict[str, Any]:
        """The FtM JSON form (``id``, ``schema``, ``properties``, plus ``caption`` and
        ``datasets`` as OpenSanctions writes them)."""
        return {
            "id": self.id,
            "schema": self.schema,
            "caption": self.caption,
            "properties": {k: list(v) for k, v in sorted(self.properties.items())},
            "datasets": list(self.datasets),
        }

    def content_hash(self) -> str:
        """A hash of what the entity says (schema and properties), used to tell whether
        it changed between two snapshots and to share unchanged rows between them."""
        body = json.dumps(
            {"id": self.id, "schema": self.schema, "properties": self.to_dict()["properties"]},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Entity:
        """Read an entity the store wrote: its values were cleaned and checked when it
        was loaded, so they are taken as they are (a screening reads one per match)."""
        props = data.get("properties") or {}
        return cls(
            id=str(data["id"]),
            schema=str(data["schema"]),
            properties={prop: list(values) for prop, values in props.items()},
            datasets=[str(d) for d in data.get("datasets") or []],
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        """Read the FtM JSON form; unknown schemata or properties raise ValueError."""
        try:
            entity = cls(id=str(data["id"]), schema=str(data["schema"]))
        except KeyError as exc:
            raise ValueError(f"missing {exc.args[0]!r}") from None
        props = data.get("properties") or {}
        if not isinstance(props, Mapping):
            raise ValueError("'properties' must be an object")
        for prop, values in props.items():
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list):
                raise ValueError(f"property {prop!r} must be a list of strings")
            entity.add(prop, values)
        datasets = data.get("datasets") or []
        entity.datasets = [str(d) for d in datasets] if isinstance(datasets, list) else []
        return entity


def make_id(prefix: str, *parts: object) -> str:
    """A stable id from the publisher's own identifier.

    One clean identifier gives ``prefix-identifier`` (``ofac-16418``), readable in reports
    and stable across versions; anything else (several parts, spaces, punctuation) is
    hashed so that the id stays short and URL-safe.
    """
    cleaned = [clean_value(p) for p in parts]
    values = [c for c in cleaned if c]
    if not values:
        raise ValueError("an id needs at least one non-empty part")
    if len(values) == 1 and re.fullmatch(r"[A-Za-z0-9._:-]{1,64}", values[0]):
        return f"{prefix}-{values[0]}"
    digest = hashlib.sha1("\x1f".join(values).encode("utf-8")).hexdigest()[:20]
    return f"{prefix}-{digest}"
