"""FollowTheMoney JSON lines: import and export."""

from __future__ import annotations

import gzip
import io
import json
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.entities import Entity
from redline.errors import InputError, RecordError
from redline.sources import get_source
from redline.sources.base import ParseContext
from redline.sources.files import InputFile
from redline.sources.ftm import FollowTheMoney, write_ftm

FIXTURE = Path(__file__).parent.parent / "fixtures" / "ftm" / "entities.ftm.json"


def parse(
    path: Path = FIXTURE, strict: bool = False
) -> tuple[list[Entity], ParseContext, FollowTheMoney]:
    ctx = ParseContext("ftm", strict=strict)
    source = FollowTheMoney()
    return list(source.parse([InputFile(path)], ctx)), ctx, source


def test_registered() -> None:
    assert isinstance(get_source("ftm"), FollowTheMoney)


def test_counts_and_skips() -> None:
    entities, ctx, _ = parse()
    assert [e.id for e in entities] == [
        "NK-person-ivanov",
        "NK-company-huaxin",
        "NK-vessel-sea-star",
        "NK-own-huaxin-star",
        "NK-org-hilal",
    ]
    assert ctx.skipped_count == 5
    reasons = {(s.line, s.field, s.record) for s in ctx.skipped}
    assert reasons == {
        (5, "schema", "NK-sanction-1"),
        (6, "schema", "addr-moscow-1"),
        (7, None, None),
        (8, "schema", "NK-no-schema"),
        (10, "schema", "NK-passport-1"),
    }
    assert "schema Sanction is not one redline models" in ctx.skipped[0].message
    assert "not valid JSON" in ctx.skipped[2].message


def test_person_fully_and_unknown_properties_dropped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="redline.sources.ftm"):
        entities, _, source = parse()
    person = entities[0]
    assert person.schema == "Person"
    assert person.properties == {
        "name": ["Иван Петрович Иванов"],
        "alias": ["Ivan Petrovich IVANOV", "Ivan Ivanov"],
        "birthDate": ["1961-04-12"],
        "nationality": ["ru"],
        "passportNumber": ["7201234567"],
        "topics": ["sanction"],
    }
    assert person.datasets == ["example_sanctions"]
    assert source.dropped == {"Person.addressEntity": 1, "Person.programId": 1}
    assert "Person.addressEntity (1)" in caplog.text


def test_relation_and_defaults() -> None:
    entities, _, _ = parse()
    ownership = next(e for e in entities if e.schema == "Ownership")
    assert not ownership.is_party
    assert ownership.get("owner") == ["NK-company-huaxin"]
    assert ownership.get("asset") == ["NK-vessel-sea-star"]
    org = entities[-1]
    assert org.first("name") == "جمعية الهلال للتجارة"
    assert org.datasets == ["ftm"]  # no datasets in the file


def test_strict_raises_on_first_skip() -> None:
    with pytest.raises(RecordError, match="line 5"):
        parse(strict=True)


def test_round_trip(tmp_path: Path) -> None:
    entities, _, _ = parse()
    out = io.StringIO()
    assert write_ftm(entities, out) == len(entities)
    text = out.getvalue()
    assert "华信贸易有限公司" in text  # ensure_ascii=False
    first = json.loads(text.splitlines()[0])
    assert list(first) == sorted(first)
    path = tmp_path / "export.ftm.json"
    path.write_text(text, "utf-8")
    again, ctx, _ = parse(path)
    assert ctx.skipped_count == 0
    assert [e.to_dict() for e in again] == [e.to_dict() for e in entities]
    assert again == entities


def test_gzipped_input(tmp_path: Path) -> None:
    path = tmp_path / "entities.jsonl.gz"
    path.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    entities, ctx, _ = parse(path)
    assert len(entities) == 5
    assert ctx.skipped_count == 5


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["a", "b"]', "a JSON list"),
        ('{"schema": "Person", "properties": {}}', "no id"),
        ('{"id": "x", "schema": "Person", "properties": {"name": 5}}', "must be a list"),
        ('{"id": "x", "schema": "Person", "properties": []}', "not an object"),
    ],
)
def test_malformed_lines(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"id": "ok", "schema": "Person", "properties": {"name": ["A"]}}\n' + line + "\n"
    )
    entities, ctx, _ = parse(path)
    assert [e.id for e in entities] == ["ok"]
    assert ctx.skipped[0].line == 2
    assert message in ctx.skipped[0].message


@pytest.mark.parametrize(
    "content",
    [b"<?xml version='1.0'?><x/>", b"id,name\n1,A\n", b'[{"id": "a", "schema": "Person"}]'],
)
def test_wrong_format(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not FollowTheMoney JSON lines"):
        parse(path)


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(names, st.lists(names, max_size=3)), min_size=1, max_size=5))
def test_round_trip_property(items: list[tuple[str, list[str]]]) -> None:
    entities = []
    for i, (name, aliases) in enumerate(items):
        e = Entity(f"p{i}", "Person", datasets=["x"])
        e.add("name", name)
        e.add("alias", aliases)
        entities.append(e)
    out = io.StringIO()
    write_ftm(entities, out)
    back = [Entity.from_dict(json.loads(line)) for line in out.getvalue().splitlines()]
    assert back == entities
