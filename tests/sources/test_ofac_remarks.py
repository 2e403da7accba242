"""The OFAC remarks parser: splitting, labelled facts, names, links, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.entities import Entity
from redline.sources.ofac_remarks import (
    apply_label,
    apply_remarks,
    parse_dates,
    parse_remarks,
    split_id_value,
    split_remarks,
    strip_sentence_dot,
)


def test_split_respects_quotes_and_apostrophes() -> None:
    text = "a.k.a. 'A; B'; Ba'th party member; Aircraft Manufacturer's Serial Number (MSN) 1; x"
    assert split_remarks(text) == [
        "a.k.a. 'A; B'",
        "Ba'th party member",
        "Aircraft Manufacturer's Serial Number (MSN) 1",
        "x",
    ]


def test_unclosed_quote_falls_back_to_plain_split() -> None:
    assert split_remarks("a.k.a. 'snowsjo; Linked To: X.") == ["a.k.a. 'snowsjo", "Linked To: X."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02 May 1968", ["1968-05-02"]),
        ("circa 1951", ["1951"]),
        ("1960 to 1962", ["1960", "1961", "1962"]),
        ("Jan 1960", ["1960-01"]),
        ("01 Jan 1960 to 31 Dec 1962", ["1960-01-01", "1962-12-31"]),
        ("1969.", ["1969"]),
        ("unknown", []),
    ],
)
def test_dates(text: str, expected: list[str]) -> None:
    assert parse_dates(text) == expected


def test_id_value_parts() -> None:
    v = split_id_value("G9336_77 (Iran) issued 01 Jan 2015 expires 27 Oct 2019.")
    assert (v.number, v.country, v.issued, v.expires) == (
        "G9336_77",
        "Iran",
        "01 Jan 2015",
        "27 Oct 2019",
    )
    assert split_id_value("HRA 738077 (Stuttgart) (Germany)").number == "HRA 738077 (Stuttgart)"


@pytest.mark.parametrize(
    ("schema", "item", "prop", "value"),
    [
        ("Person", "DOB circa 1951", "birthDate", "1951"),
        ("Person", "alt. DOB Jan 1960", "birthDate", "1960-01"),
        ("Person", "POB Khansar, Iran", "birthPlace", "Khansar, Iran"),
        ("Person", "nationality Iran", "nationality", "ir"),
        ("Person", "citizen Mexico", "citizenship", "mx"),
        ("Person", "Gender Female.", "gender", "female"),
        ("Person", "Passport RL 1622378 (Lebanon).", "passportNumber", "RL 1622378"),
        ("Person", "National ID No. 0052944492 (Iran)", "idNumber", "0052944492"),
        ("Person", "Cedula No. 6068015 (Colombia)", "idNumber", "6068015"),
        ("Person", "SSN 523-33-8386 (United States)", "socialSecurityNumber", "523-33-8386"),
        ("LegalEntity", "Tax ID No. 7744001497 (Russia)", "taxNumber", "7744001497"),
        ("LegalEntity", "Registration ID 14063277.", "registrationNumber", "14063277"),
        ("LegalEntity", "Registration Number 26740 (Iran)", "registrationNumber", "26740"),
        (
            "LegalEntity",
            "Business Registration Document # F01000003035 (United States).",
            "registrationNumber",
            "F01000003035",
        ),
        (
            "LegalEntity",
            "Legal Entity Number 253400WSS48YWMBUA688",
            "leiCode",
            "253400WSS48YWMBUA688",
        ),
        ("LegalEntity", "SWIFT/BIC RUAGRUMM", "swiftBic", "RUAGRUMM"),
        ("LegalEntity", "Email Address info@pouyaair.com", "email", "info@pouyaair.com"),
        ("LegalEntity", "Website http://www.rshb.ru.", "website", "http://www.rshb.ru"),
        ("LegalEntity", "Phone Number 982188526300", "phone", "982188526300"),
        ("LegalEntity", "Organization Established Date 1969.", "incorporationDate", "1969"),
        ("LegalEntity", "Company Number IMO 5055293.", "registrationNumber", "5055293"),
        ("Vessel", "Vessel Registration Identification IMO 7406784", "imoNumber", "7406784"),
        ("Vessel", "MMSI 572469210", "mmsi", "572469210"),
        ("Vessel", "Vessel Year of Build 1999", "buildDate", "1999"),
        ("Vessel", "Former Vessel Flag Malta", "pastFlags", "mt"),
        ("Airplane", "Aircraft Manufacture Date 1992", "buildDate", "1992"),
        ("Airplane", "Aircraft Model IL-76TD", "model", "IL-76TD"),
        ("Airplane", "Aircraft Operator YAS AIR", "operator", "YAS AIR"),
        (
            "Airplane",
            "Aircraft Manufacturer's Serial Number (MSN) 1023409321",
            "serialNumber",
            "1023409321",
        ),
    ],
)
def test_items(schema: str, item: str, prop: str, value: str) -> None:
    entity = Entity("x", schema)
    parsed = apply_remarks(entity, item)
    assert value in entity.get(prop), (parsed, entity.properties)
    assert entity.get("notes") == [item]
    assert parsed.unknown == []


def test_names_links_and_unknown() -> None:
    entity = Entity("x", "LegalEntity")
    parsed = apply_remarks(
        entity,
        "a.k.a. 'HESA'; f.k.a. 'SAND SWAN'; Linked To: R D I S.A.; Linked To: HIZBALLAH.; "
        "Secondary sanctions risk: section 1(b); Something odd",
    )
    assert entity.get("weakAlias") == ["HESA"]
    assert entity.get("previousName") == ["SAND SWAN"]
    assert parsed.links == ["R D I S.A.", "HIZBALLAH"]
    assert parsed.sanctions_info == ["Secondary sanctions risk: section 1(b)"]
    assert parsed.unknown == ["Something odd"]


def test_fact_not_on_schema_stays_in_notes() -> None:
    vessel = Entity("x", "Vessel")
    parsed = apply_remarks(vessel, "Passport 123 (Iran)")
    assert "passportNumber" not in vessel.properties
    assert parsed.unknown == ["passport 123 (Iran)"]


def test_xml_labels() -> None:
    entity = Entity("x", "Person")
    assert apply_label(entity, "Aircraft Manufacturer’s Serial Number (MSN)", "1") is False
    assert apply_label(entity, "Nationality Country", "Iran")
    assert apply_label(entity, "Gender", "Male")
    assert apply_label(entity, "Unheard Of", "x") is False
    assert entity.get("nationality") == ["ir"]
    assert entity.get("gender") == ["male"]


def test_strip_sentence_dot() -> None:
    assert strip_sentence_dot("HIZBALLAH.") == "HIZBALLAH"
    assert strip_sentence_dot("R D I S.A.") == "R D I S.A."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"aDOB '\";.:()-0123456789 alt.k.a.Linked To", "é", "’"])))
def test_never_crashes_on_any_text(text: str) -> None:
    for schema in ("Person", "LegalEntity", "Vessel", "Airplane"):
        entity = Entity("x", schema)
        apply_remarks(entity, text)
        parse_remarks(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_crashes_on_unicode(text: str) -> None:
    apply_remarks(Entity("x", "Person"), text)
