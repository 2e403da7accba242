"""The trade.gov Consolidated Screening List: both CSV layouts and the JSON download."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.entities import Entity
from redline.errors import InputError, RecordError
from redline.sources import get_source
from redline.sources.base import ParseContext
from redline.sources.csl import UsConsolidatedScreeningList, _JsonReader, split_ids
from redline.sources.files import InputFile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "csl"
OLD = FIXTURES / "csl_2019.csv"
CURRENT = FIXTURES / "consolidated.csv"
JSON = FIXTURES / "consolidated.json"


def parse(*paths: Path, strict: bool = False) -> tuple[list[Entity], ParseContext]:
    ctx = ParseContext("us-csl", strict=strict)
    source = UsConsolidatedScreeningList()
    return list(source.parse([InputFile(p) for p in paths], ctx)), ctx


def parties(entities: list[Entity]) -> dict[str, Entity]:
    return {e.id: e for e in entities if e.is_party}


def test_registered() -> None:
    assert isinstance(get_source("us-csl"), UsConsolidatedScreeningList)


@pytest.mark.parametrize(
    ("path", "count", "schemata"),
    [
        (
            OLD,
            115,
            {"Company": 40, "LegalEntity": 32, "Organization": 21, "Person": 20, "Vessel": 2},
        ),
        (CURRENT, 13, {"Company": 4, "LegalEntity": 4, "Person": 4, "Organization": 1}),
        (JSON, 13, {"Company": 4, "LegalEntity": 4, "Person": 4, "Organization": 1}),
    ],
)
def test_counts(path: Path, count: int, schemata: dict[str, int]) -> None:
    entities, ctx = parse(path)
    found = parties(entities)
    assert len(found) == count
    assert Counter(e.schema for e in found.values()) == schemata
    assert ctx.skipped_count == 0
    assert all(e.datasets == ["us-csl"] for e in entities)


def test_topics_by_list() -> None:
    entities, _ = parse(OLD)
    for e in parties(entities).values():
        source = next(n for n in e.get("notes") if n.startswith("Source list: "))
        expected = "sanction" if "Treasury" in source else "export.control"
        assert e.get("topics") == [expected], e.id


def test_sdn_person_current_layout() -> None:
    entities, _ = parse(CURRENT)
    rim = parties(entities)["us-csl-52291"]
    assert rim.schema == "Person"
    assert rim.properties == {
        "name": ["RIM, Ryong Nam"],
        "address": ["Shenyang, CN", "Pyongyang, KP"],
        "country": ["cn", "kp"],
        "birthDate": ["1978-12-05"],
        "nationality": ["kp"],
        "passportNumber": ["836238033"],
        "gender": ["male"],
        "program": ["NPWMD", "Specially Designated Nationals (SDN) - Treasury Department"],
        "topics": ["sanction"],
        "notes": [
            "Source list: Specially Designated Nationals (SDN) - Treasury Department",
            "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 "
            "and 510.210",
            "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
            "Institutions: North Korea Sanctions Regulations section 510.214",
        ],
        "sourceUrl": [
            "https://home.treasury.gov/policy-issues/financial-sanctions/"
            "specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
            "https://sanctionslist.ofac.treas.gov/Home/SdnList",
        ],
    }


def test_ssi_company_identifiers() -> None:
    entities, _ = parse(CURRENT)
    tnk = parties(entities)["us-csl-28603"]
    assert tnk.schema == "Company"
    assert tnk.get("vatCode") == ["CHE-267.936.404"]
    assert tnk.get("registrationNumber") == ["CH-660.0.559.011-2"]
    assert tnk.get("program") == [
        "VENEZUELA-EO13850",
        "UKRAINE-EO13662",
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
    ]
    sme = parties(entities)["us-csl-18283"]
    assert sme.get("swiftBic") == ["RUDVRUMM"]
    assert sme.get("website") == ["mspbank.ru"]
    assert "JSC SME BANK" in sme.get("alias")


def test_export_control_record_keeps_list_and_dates() -> None:
    entities, _ = parse(CURRENT)
    dpl = next(e for e in entities if e.first("name") == "I. ASH")
    assert dpl.id == "us-csl-b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e"
    assert dpl.schema == "LegalEntity"
    assert dpl.get("topics") == ["export.control"]
    assert dpl.get("createdAt") == ["2002-03-04"]
    assert dpl.get("program") == ["Denied Persons List (DPL) - Bureau of Industry and Security"]
    assert "End date: 2056-06-29" in dpl.get("notes")
    assert "Standard order: Y" in dpl.get("notes")
    assert "50 YEAR DENIAL" in dpl.get("notes")
    assert dpl.get("address") == ["605 TRAIL LAKE DRIVE, RICHARDSON, TX, 75081, US"]


def test_entity_list_multi_address_and_aliases() -> None:
    entities, _ = parse(CURRENT)
    cetc = next(e for e in entities if "CETC 13" in e.first("name") or "")
    assert cetc.get("topics") == ["export.control"]
    # "A; and B": the joining "and" is not part of the address or the alias.
    assert cetc.get("address")[1] == "21 Changsheng Street, Shijiazhuang, Hebei, China"
    assert "HSRI" in cetc.get("alias")
    assert cetc.get("createdAt") == ["2018-08-01"]
    assert any(n.startswith("License policy: Policy of denial") for n in cetc.get("notes"))


def test_old_layout_ids_and_vessel() -> None:
    entities, _ = parse(OLD)
    found = parties(entities)
    tax = found["us-csl-20264"]
    assert tax.get("taxNumber") == ["80-0890696"]
    assert tax.get("country") == ["us"]
    vessel = found["us-csl-27304"]
    assert vessel.schema == "Vessel"
    assert vessel.get("imoNumber") == ["9116412"]
    assert vessel.get("flag") == ["ir"]
    assert vessel.get("pastFlags") == ["pa"]
    assert vessel.get("type") == ["Crude Oil Tanker"]
    assert vessel.get("alias") == ["GRACE 1"]


def test_ofac_ids_are_the_same_in_both_layouts() -> None:
    """OFAC rows: the current layout's ``_id`` is the entity number, which the old layout
    also has, so an OFAC party keeps its id when the file changes layout."""
    rows = list(csv.DictReader(CURRENT.read_text("utf-8").splitlines()))
    ofac = [r for r in rows if r["entity_number"]]
    assert ofac and all(r["_id"] == r["entity_number"] for r in ofac)
    new, _ = parse(CURRENT)
    assert {f"us-csl-{r['_id']}" for r in ofac} <= set(parties(new))
    old, _ = parse(OLD)
    assert "us-csl-20264" in parties(old)  # entity_number 20264, no _id column


def test_linked_to_relations() -> None:
    entities, _ = parse(OLD)
    links = [e for e in entities if e.schema == "UnknownLink"]
    assert len(links) == 29
    resolved = [link for link in links if link.get("object")]
    assert resolved and all(link.first("object") == "us-csl-17016" for link in resolved)
    vessel_link = next(link for link in links if link.first("subject") == "us-csl-23156")
    assert vessel_link.get("description") == ["YUSONG SHIPPING CO"]
    assert vessel_link.get("role") == ["Linked To"]


def test_json_equals_csv() -> None:
    csv_entities, _ = parse(CURRENT)
    json_entities, ctx = parse(JSON)
    assert [e.to_dict() for e in json_entities] == [e.to_dict() for e in csv_entities]
    assert ctx.published_at == "2025-06-24T10:15:02-04:00"


def test_json_streams_across_tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    expected, _ = parse(JSON)
    monkeypatch.setattr(_JsonReader, "CHUNK", 3)
    entities, _ = parse(JSON)
    assert [e.to_dict() for e in entities] == [e.to_dict() for e in expected]


def test_json_bare_list_gzip_and_underscore_id(tmp_path: Path) -> None:
    doc = json.loads(JSON.read_text("utf-8"))
    records = doc["results"][:2]
    for r in records:
        r["_id"] = r.pop("id")
    path = tmp_path / "csl.json.gz"
    path.write_bytes(gzip.compress(json.dumps(records).encode("utf-8")))
    entities, _ = parse(path)
    assert [e.id for e in entities] == [
        "us-csl-233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b",
        "us-csl-1b5979e8fd3920a1a0985bf5088dad930a6a5562d1513f9e4b015e42",
    ]


def test_header_columns_found_by_name_not_position(tmp_path: Path) -> None:
    path = tmp_path / "reordered.csv"
    path.write_text(
        "name,type,entity_number,source,dates_of_birth\n"
        "Jane DOE,Individual,777,Specially Designated Nationals (SDN) - Treasury Department,"
        "1970\n",
        "utf-8",
    )
    (entity,), _ = parse(path)
    assert entity.id == "us-csl-777"
    assert entity.schema == "Person"
    assert entity.get("birthDate") == ["1970"]


def _csv_with(rows: str, tmp_path: Path) -> Path:
    header = CURRENT.read_text("utf-8").splitlines()[0]
    path = tmp_path / "bad.csv"
    path.write_text(header + "\n" + rows, "utf-8")
    return path


def test_malformed_records_are_skipped(tmp_path: Path) -> None:
    src = "Entity List (EL) - Bureau of Industry and Security"
    empty = ',""' * 23

    def row(rid: str, type_: str, name: str) -> str:
        return f'"{rid}","{src}","","{type_}","","{name}"{empty}\n'

    rows = row("a1", "", "") + row("a2", "Spaceship", "Zorg") + row("a3", "", "Good Name Ltd")
    path = _csv_with(rows, tmp_path)
    entities, ctx = parse(path)
    assert [e.first("name") for e in entities] == ["Good Name Ltd"]
    assert ctx.skipped_count == 2
    first, second = ctx.skipped
    assert (first.line, first.field, first.record) == (2, "name", "a1")
    assert (second.line, second.field) == (3, "type")
    assert "Spaceship" in second.message
    with pytest.raises(RecordError, match="no name"):
        parse(path, strict=True)


def test_json_record_not_an_object_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"results": [42, {"name": "X Corp", "source": "Entity List (EL) - BIS"}]}')
    entities, ctx = parse(path)
    assert [e.first("name") for e in entities] == ["X Corp"]
    assert ctx.skipped[0].element == "results[0]"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?xml version='1.0'?><sdnList/>", "not a Consolidated Screening List"),
        (b"ent_num,SDN_Name\n1,X\n", "header lacks source, name"),
        (b'{"total": 3, "sources": []}', "no 'results' array"),
        (b'{"results": [{"name": "A", "source": "B"}, {"name": ', "malformed JSON"),
        (b'{"results": [{"name": "A"} {"name": "B"}]}', "malformed JSON"),
    ],
)
def test_wrong_format(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "list.bin"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        parse(path)


@pytest.mark.parametrize(
    ("text", "type_first", "expected"),
    [
        ("US, 80-0890696, Tax ID No.", False, [("Tax ID No.", "80-0890696", "US")]),
        ("Passport, 836238033, KP", True, [("Passport", "836238033", "KP")]),
        (
            "North Korea Sanctions Regulations, sections 510.201 and 510.210, "
            "Secondary sanctions risk:",
            False,
            [
                (
                    "Secondary sanctions risk:",
                    "North Korea Sanctions Regulations, sections 510.201 and 510.210",
                    "",
                )
            ],
        ),
        # An entry's own order wins over the layout's default.
        ("Passport, X1, IR", False, [("Passport", "X1", "IR")]),
        ("Gender, Male; 123, Website", True, [("Gender", "Male", ""), ("Website", "123", "")]),
    ],
)
def test_split_ids(text: str, type_first: bool, expected: list[tuple[str, str, str]]) -> None:
    assert split_ids(text, type_first=type_first) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.booleans())
def test_split_ids_never_crashes(text: str, type_first: bool) -> None:
    for id_type, number, country in split_ids(text, type_first=type_first):
        assert number or id_type
        assert country == "" or len(country) == 2
