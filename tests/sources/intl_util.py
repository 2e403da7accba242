"""Shared helpers for the UN, EU, UK and Canada parser tests."""

from __future__ import annotations

from pathlib import Path

from redline.entities import Entity
from redline.sources import get_source
from redline.sources.base import ParseContext
from redline.sources.files import InputFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def parse(source_id: str, *paths: Path, strict: bool = False) -> tuple[list[Entity], ParseContext]:
    """Parse fixture files with a registered source; returns entities and context."""
    ctx = ParseContext(source_id, strict=strict)
    entities = list(get_source(source_id).parse([InputFile(p) for p in paths], ctx))
    return entities, ctx


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    """Entities keyed by id."""
    return {e.id: e for e in entities}
