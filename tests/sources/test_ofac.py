"""OFAC sources: the legacy CSV set and the three XML formats, on real excerpts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from redline.entities import Entity
from redline.errors import InputError, RecordError
from redline.sources import ParseContext, get_source
from redline.sources.files import InputFile
from redline.sources.ofac import OfacCons, OfacSdn, sniff

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ofac"
SET_2024 = [FIXTURES / "csv2024" / n for n in ("sdn.csv", "add.csv", "alt.csv")]
SET_2021 = [FIXTURES / "csv2021" / n for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")]


def load(
    paths: list[Path], source: str = "us-ofac-sdn", strict: bool = False
) -> tuple[dict[str, Entity], list[Entity], ParseContext]:
    ctx = ParseContext(source, strict=strict)
    entities = list(get_source(source).parse([InputFile(p) for p in paths], ctx))
    parties = {e.id: e for e in entities if e.is_party}
    links = [e for e in entities if not e.is_party]
    assert len(parties) + len(links) == len(entities)
    for e in entities:
        assert e.datasets == [source]
    return parties, links, ctx


def test_registry_and_urls() -> None:
    assert OfacSdn.id == "us-ofac-sdn" and OfacCons.id == "us-ofac-cons"
    assert OfacSdn.urls[0].endswith("/exports/SDN.CSV") and len(OfacSdn.urls) == 4
    assert OfacCons.urls[-1].endswith("/exports/CONS_COMMENTS.CSV")


# --- legacy CSV -------------------------------------------------------------------------


def test_csv_counts_and_stale_rows() -> None:
    parties, links, ctx = load(SET_2024)
    assert len(parties) == 10
    assert sorted({e.schema for e in parties.values()}) == [
        "Airplane",
        "LegalEntity",
        "Person",
        "Vessel",
    ]
    # alt.csv (2025) holds ent_num 56636, listed after the 2024 sdn.csv: counted, skipped.
    assert ctx.skipped_count == 1
    err = ctx.skipped[0]
    assert err.record == "56636" and err.path and err.path.endswith("alt.csv") and err.line
    assert len(links) >= 8


def test_csv_stale_row_fails_strict_load() -> None:
    with pytest.raises(RecordError, match="56636"):
        load(SET_2024, strict=True)


def test_csv_person_fully() -> None:
    parties, _, _ = load(SET_2024)
    p = parties["ofac-40416"]
    assert p.schema == "Person"
    assert p.properties | {"notes": []} == {
        "name": ["DAMAVANDIAN, Ghassem"],
        "alias": ["DAMAVANDIAN, Qassem"],
        "topics": ["sanction"],
        "program": ["NPWMD", "IFSR", "IRAN-CON-ARMS-EO"],
        "birthDate": ["1968-05-02"],
        "nationality": ["ir"],
        "gender": ["male"],
        "passportNumber": ["G9336_77"],
        "idNumber": ["0052944492"],
        "address": ["Iran"],
        "country": ["ir"],
        "notes": [],
    }
    assert p.get("notes")[0].startswith("DOB 02 May 1968; nationality Iran;")


def test_csv_entity_multi_program_aliases_and_links() -> None:
    parties, links, _ = load(SET_2024)
    qods = parties["ofac-16418"]
    assert qods.schema == "LegalEntity"
    assert qods.get("program") == ["NPWMD", "IFSR", "IRAN-CON-ARMS-EO", "RUSSIA-EO14024"]
    assert set(qods.get("alias")) >= {
        "QODS RESEARCH CENTER",
        "GHODS AVIATION INDUSTRIES",
        "LIGHT AIRPLANES DESIGN AND MANUFACTURING INDUSTRIES",
    }
    assert qods.get("idNumber") == ["14005441856"]
    assert qods.get("registrationNumber") == ["483250"]
    hesa = parties["ofac-11195"]
    assert {"HESA", "IAMI", "SHAHIN CO."} <= set(hesa.get("weakAlias"))
    shahed = parties["ofac-39637"]
    assert {"SAIRC", "SAIC"} <= set(shahed.get("weakAlias"))
    assert len(shahed.get("alias")) == 5
    assert shahed.get("website") == ["http://www.shahedaviation.com"]
    by_subject = {(ln.first("subject"), ln.first("description")): ln for ln in links}
    link = by_subject[("ofac-40416", "QODS AVIATION INDUSTRIES")]
    assert link.schema == "UnknownLink"
    assert link.get("object") == ["ofac-16418"]
    assert link.get("role") == ["Linked To"]
    [unresolved] = [ln for ln in links if ln.first("subject") == "ofac-33596"]
    assert unresolved.first("description") == (
        "ISLAMIC REVOLUTIONARY GUARD CORPS AEROSPACE FORCE SELF SUFFICIENCY JIHAD ORGANIZATION"
    )
    assert unresolved.get("object") == []  # the target is not in this excerpt


def test_csv_vessel_and_aircraft() -> None:
    parties, _, _ = load(SET_2024)
    ship = parties["ofac-4243"]
    assert ship.schema == "Vessel"
    assert ship.get("imoNumber") == ["7406784"]
    assert ship.get("type") == ["General Cargo"]
    assert ship.get("tonnage") == ["2595"]
    assert ship.get("grossRegisteredTonnage") == ["1865"]
    assert ship.get("flag") == ["pa"]
    assert ship.get("previousName") == ["ANA I", "SAND SWAN"]
    plane = parties["ofac-15431"]
    assert plane.schema == "Airplane"
    assert plane.get("name") == ["EP-GOM"]
    assert plane.get("buildDate") == ["1992"]
    assert plane.get("model") == ["IL76-TD"]
    assert plane.get("operator") == ["YAS AIR"]
    assert plane.get("serialNumber") == ["8401", "1023409321"]


def test_csv_comments_continue_remarks() -> None:
    parties, links, ctx = load(SET_2021)
    assert ctx.skipped_count == 0
    tian = parties["ofac-28263"]
    # The remarks were cut at "a.k.a. 'snowsjo" and continue in sdn_comments.csv.
    assert "snowsjohn" in tian.get("weakAlias")
    assert tian.get("notes")[0].endswith("Linked To: LAZARUS GROUP.")
    assert ("ofac-28263", "LAZARUS GROUP") in {
        (ln.first("subject"), ln.first("description")) for ln in links
    }
    bank = parties["ofac-306"]
    assert bank.get("weakAlias") == ["BNC"]
    assert bank.get("alias") == ["NATIONAL BANK OF CUBA"]
    assert "Zweierstrasse 35, Zurich CH-8022, Switzerland" in bank.get("address")


def test_csv_files_told_apart_by_columns(tmp_path: Path) -> None:
    names = ("x1.txt", "x2.txt", "x3.txt")
    for src, name in zip(SET_2024, names, strict=True):
        shutil.copy(src, tmp_path / name)
    parties, _, _ = load([tmp_path / n for n in reversed(names)])
    assert parties["ofac-16418"].get("alias")


def test_csv_missing_primary_is_input_error() -> None:
    with pytest.raises(InputError, match="no primary file"):
        load(SET_2024[1:])


def test_csv_malformed_rows_skipped(tmp_path: Path) -> None:
    good = (FIXTURES / "csv2024" / "sdn.csv").read_bytes().rstrip(b"\x1a")
    bad = (
        b'99999999,-0- ,"individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        b'99999998,"X","spaceship","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        b"\x1a"
    )
    path = tmp_path / "sdn.csv"
    path.write_bytes(good + bad)
    parties, _, ctx = load([path])
    assert len(parties) == 10
    assert ctx.skipped_count == 2
    assert {e.field for e in ctx.skipped} == {"SDN_Name", "SDN_Type"}
    with pytest.raises(RecordError):
        load([path], strict=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"json": true}\n', "not an OFAC legacy CSV"),
        (b"a,b,c\r\n1,2,3\r\n", "not an OFAC legacy CSV"),
        (b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST/>\n', "not an OFAC format"),
    ],
)
def test_wrong_format_is_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load([path])


def test_cp1252_names(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(
        b'1,"CAF\xc9 \x93X\x94","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a'
    )
    parties, _, _ = load([path])
    assert parties["ofac-1"].get("name") == ["CAFÉ “X”"]


# --- XML formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "root"),
    [
        ("classic_nonsdn.xml", "sdnList"),
        ("enhanced_irgc.xml", "sanctionsData"),
        ("advanced_cons.xml", "Sanctions"),
        ("csv2024/sdn.csv", "csv"),
    ],
)
def test_sniff(name: str, root: str) -> None:
    assert sniff(InputFile(FIXTURES / name)) == root


def test_classic_xml() -> None:
    parties, links, ctx = load([FIXTURES / "classic_nonsdn.xml"], "us-ofac-cons")
    assert ctx.published_at == "2026-01-08"
    assert len(parties) == 4
    haniya = parties["ofac-9639"]
    assert haniya.properties == {
        "name": ["HANIYA, Ismail Abdul Salah"],
        "firstName": ["Ismail Abdul Salah"],
        "lastName": ["HANIYA"],
        "topics": ["sanction"],
        "program": ["NS-PLC"],
        "alias": ["HANIYA, Ismail", "HANIYYA, Ismaeel"],
        "birthDate": ["1962"],
        "birthPlace": ["Shati"],
    }
    zahhar = parties["ofac-9647"]
    assert zahhar.get("weakAlias") == ["ZAHAR, Mahmoud", "AL-ZAHAR, Mahmoud"]
    assert zahhar.get("alias") == ["AL ZAHAR, Mahmoud Khaled"]
    assert zahhar.get("gender") == ["male"]
    assert zahhar.get("nationality") == ["ps"]
    assert zahhar.get("program") == ["NS-PLC", "SDGT"]
    company = parties["ofac-23571"]
    assert company.schema == "LegalEntity"
    assert company.get("address") == ["9/1 Lermontova Ulitsa, Surgut, 628418, Russia"]
    assert company.get("country") == ["ru"]
    assert {(ln.first("subject"), ln.first("description")) for ln in links} == {
        ("ofac-9647", "HAMAS"),
        ("ofac-23571", "SURGUTNEFTEGAS"),
    }


def test_enhanced_xml() -> None:
    parties, links, ctx = load([FIXTURES / "enhanced_irgc.xml"])
    assert ctx.published_at == "2024-08-28T00:00:00"
    assert len(parties) == 5
    person = parties["ofac-26526"]
    assert person.schema == "Person"
    assert person.get("name") == ["EBRAHIMI, Ayatollah"]
    assert person.get("birthDate") == ["1972"]
    assert person.get("birthPlace") == ["Qomshaneh, Hamadan Province, Iran"]
    assert person.get("program") == ["IFSR", "IRGC", "SDGT"]
    assert person.get("createdAt") == ["2019-03-26"]
    plane = parties["ofac-24475"]
    assert plane.schema == "Airplane"
    assert plane.get("serialNumber") == ["33448393"]
    assert plane.get("operator") == ["Pouya Air"]
    bank = parties["ofac-12478"]
    assert "ANSAR INSTITUTE" in bank.get("previousName")
    assert bank.get("address") == [
        "Building No. 539, North Pasdaran Street, Tehran, 19575-497, Iran"
    ]
    atlas = parties["ofac-26527"]
    assert atlas.get("registrationNumber") == ["59784"]
    rel = {(ln.first("subject"), ln.first("role")): ln for ln in links}
    owned = rel[("ofac-26527", "Owned or Controlled By")]
    assert owned.get("object") == ["ofac-12478"]
    assert owned.get("description") == ["ANSAR BANK"]
    # Pouya Air is not in this filtered export: the relation keeps only its name.
    assert rel[("ofac-24475", "Owned or Controlled By")].get("object") == []


def test_advanced_xml() -> None:
    parties, links, ctx = load([FIXTURES / "advanced_cons.xml"], "us-ofac-cons")
    assert ctx.published_at == "2020-03-17"
    assert len(parties) == 4
    haniya = parties["ofac-9639"]
    assert haniya.get("name") == ["HANIYA, Ismail Abdul Salah"]
    assert haniya.get("alias") == ["HANIYA, Ismail", "HANIYYA, Ismaeel"]
    assert haniya.get("birthDate") == ["1962"]
    assert haniya.get("birthPlace") == ["Shati"]
    assert haniya.get("program") == ["NS-PLC"]
    assert haniya.get("createdAt") == ["2006-04-12"]
    bank = parties["ofac-17014"]
    assert bank.schema == "LegalEntity"
    assert bank.get("swiftBic") == ["RUAGRUMM"]
    assert bank.get("registrationNumber") == ["1027700342890"]
    assert bank.get("okpoCode") == ["52750822"]
    assert bank.get("country") == ["ru"]
    assert "3, Gagarinsky Pereulok, Moscow, 119034, Russia" in bank.get("address")
    assert bank.get("program") == ["UKRAINE-EO13662"]
    [link] = links
    assert link.get("subject") == ["ofac-18267"]
    assert link.get("object") == ["ofac-17022"]
    assert link.get("role") == ["Owned or Controlled By"]


def test_same_party_same_id_across_formats() -> None:
    classic, _, _ = load([FIXTURES / "classic_nonsdn.xml"], "us-ofac-cons")
    advanced, _, _ = load([FIXTURES / "advanced_cons.xml"], "us-ofac-cons")
    assert classic["ofac-9639"].get("name") == advanced["ofac-9639"].get("name")


def test_malformed_xml_record_skipped(tmp_path: Path) -> None:
    text = (FIXTURES / "classic_nonsdn.xml").read_text()
    text = text.replace("<sdnType>Individual</sdnType>", "<sdnType>Spaceship</sdnType>", 1)
    path = tmp_path / "bad.xml"
    path.write_text(text)
    parties, _, ctx = load([path], "us-ofac-cons")
    assert len(parties) == 3 and ctx.skipped_count == 1
    assert ctx.skipped[0].record == "9639" and ctx.skipped[0].field == "sdnType"
    with pytest.raises(RecordError):
        load([path], "us-ofac-cons", strict=True)
