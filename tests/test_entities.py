"""The entity model: cleaning, schema checks, stable ids and the FtM JSON form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.entities import Entity, clean_value, make_id
from redline.schema import PARTY_SCHEMATA, is_a, properties


def test_add_cleans_and_dedupes() -> None:
    e = Entity("x-1", "Person")
    e.add("name", ["  QODS  AVIATION\u0000 ", "QODS AVIATION", "-0-", "", None])
    e.add("birthDate", "1960")
    assert e.get("name") == ["QODS AVIATION"]
    assert e.caption == "QODS AVIATION"
    assert "notes" not in e.properties


def test_add_refuses_properties_the_schema_lacks() -> None:
    with pytest.raises(ValueError, match="imoNumber"):
        Entity("x-1", "Person").add("imoNumber", "9187629")
    with pytest.raises(ValueError, match="schema"):
        Entity("x-1", "Spaceship")


def test_round_trip_and_hash_stability() -> None:
    e = Entity("ofac-16418", "Company", datasets=["us-ofac-sdn"])
    e.add("name", "QODS AVIATION INDUSTRIES")
    e.add("alias", ["GHODS AVIATION INDUSTRIES", "QODS RESEARCH CENTER"])
    again = Entity.from_dict(e.to_dict())
    assert again == e
    assert again.content_hash() == e.content_hash()
    stored = Entity.from_stored(e.to_dict())
    assert stored == e and stored.properties is not e.properties
    e.add("alias", "LIGHT AIRPLANES DESIGN AND MANUFACTURING INDUSTRIES")
    assert again.content_hash() != e.content_hash()


def test_from_dict_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="schema"):
        Entity.from_dict({"id": "a"})
    with pytest.raises(ValueError):
        Entity.from_dict({"id": "a", "schema": "Person", "properties": {"name": 5}})


def test_make_id_keeps_clean_publisher_ids_and_hashes_the_rest() -> None:
    assert make_id("ofac", "16418") == "ofac-16418"
    assert make_id("ofac", 16418) == "ofac-16418"
    hashed = make_id("ca-sema", "Russia", "Schedule 1", "Item 12")
    assert hashed.startswith("ca-sema-") and len(hashed) == len("ca-sema-") + 20
    assert hashed == make_id("ca-sema", "Russia", "Schedule 1", "Item 12")
    with pytest.raises(ValueError):
        make_id("x", "", None)


def test_schema_hierarchy() -> None:
    assert is_a("Company", "LegalEntity")
    assert not is_a("Vessel", "LegalEntity")
    assert "imoNumber" in properties("Vessel")
    assert "birthDate" in properties("Person") and "birthDate" not in properties("Company")
    assert {
        "Person",
        "Company",
        "Organization",
        "LegalEntity",
        "Vessel",
        "Airplane",
    } <= PARTY_SCHEMATA


@given(st.text())
def test_clean_value_never_crashes_and_is_idempotent(text: str) -> None:
    once = clean_value(text)
    if once is not None:
        assert clean_value(once) == once
        assert once == once.strip()
