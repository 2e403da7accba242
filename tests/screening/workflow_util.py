"""What the portfolio, delta, alert and audit tests share: the CLI as a user runs it,
small customers made in the test, and the fixture files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from redline.entities import Entity
from redline.screening.portfolio import CustomerRow
from tests.conftest import run_cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portfolio"


run = run_cli


def run_json(home: Path, *args: str) -> Any:
    """``redline ARGS --json``, which must succeed, parsed."""
    out = run(home, *args, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def customer(ref: str, name: str, schema: str = "Person", **props: str | list[str]) -> Entity:
    """A customer entity; keyword arguments are FtM properties."""
    entity = Entity(ref, schema)
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def rows(entities: Iterable[Entity]) -> list[CustomerRow]:
    """Import rows numbered from 1."""
    return [CustomerRow(i, e.id, e) for i, e in enumerate(entities, start=1)]


def listed(ref: str, name: str, schema: str = "Person", **props: str | list[str]) -> Entity:
    """A listed entity of the test's own FtM list."""
    entity = customer(ref, name, schema, **props)
    entity.datasets = ["ftm"]
    return entity


def write_list(path: Path, entities: Iterable[Entity]) -> Path:
    """An FtM JSON-lines list file."""
    path.write_text(
        "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in entities),
        encoding="utf-8",
    )
    return path
