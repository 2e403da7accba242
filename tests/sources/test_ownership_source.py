"""The user-ownership source: a user's CSV of owner, owned, share."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline import lists
from redline.entities import Entity
from redline.errors import ConfigError, InputError, RecordError
from redline.settings import Settings
from redline.sources import get_source
from redline.sources.base import ParseContext
from redline.sources.files import InputFile
from redline.sources.ownership import (
    UserOwnership,
    format_share,
    parse_share,
    placeholder_id,
    reference_key,
)
from redline.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ownership"
EDGES = FIXTURES / "edges.csv"


def parse(
    path: Path, options: dict[str, str] | None = None, strict: bool = False
) -> tuple[list[Entity], ParseContext]:
    ctx = ParseContext("user-ownership", strict=strict)
    return list(UserOwnership(options).parse([InputFile(path)], ctx)), ctx


def write(tmp_path: Path, text: str, name: str = "edges.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def edges(entities: list[Entity]) -> list[tuple[str, str, str]]:
    return [
        (e.first("owner") or "", e.first("asset") or "", e.first("percentage") or "")
        for e in entities
        if e.schema == "Ownership"
    ]


def test_registered() -> None:
    assert isinstance(get_source("user-ownership"), UserOwnership)
    assert UserOwnership.describe()["urls"] == []


def test_fixture_becomes_placeholders_and_edges() -> None:
    entities, ctx = parse(EDGES)
    assert ctx.skipped_count == 0
    companies = {e.id: e.caption for e in entities if e.schema == "Company"}
    assert companies["user-ownership-ofac-16418"] == "ofac-16418"
    assert companies["user-ownership-kama-avionics-holding"] == "Kama Avionics Holding"
    assert len(companies) == 10  # every distinct cell once
    assert edges(entities)[:2] == [
        ("user-ownership-ofac-16418", "user-ownership-kama-avionics-holding", "30"),
        (
            "user-ownership-iran-aircraft-manufacturing-industrial-company",
            "user-ownership-hesa-trading-fze",
            "100",
        ),
    ]
    first = next(e for e in entities if e.schema == "Ownership")
    assert first.get("recordId") == ["edges.csv:2"]
    assert all(e.datasets == ["user-ownership"] for e in entities)
    # Ids are stable: the same file gives the same entities.
    again, _ = parse(EDGES)
    assert [e.to_dict() for e in again] == [e.to_dict() for e in entities]


def test_cells_naming_one_party_share_a_placeholder(tmp_path: Path) -> None:
    path = write(
        tmp_path, "owner,owned,share\nACME  Holdings,Target Ltd.,30\nacme holdings,Other,20\n"
    )
    entities, _ = parse(path)
    assert [e.caption for e in entities if e.schema == "Company"] == [
        "ACME Holdings",
        "Target Ltd.",
        "Other",
    ]
    assert placeholder_id("Société Générale") == "user-ownership-societe-generale"
    # Names in other scripts, and long ones, get a hash: short but stable.
    cyrillic = placeholder_id("ООО Ромашка")
    assert cyrillic.startswith("user-ownership-") and cyrillic == placeholder_id("ооо  ромашка")
    assert placeholder_id("Kama Ромашка") != placeholder_id("Kama")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50", "50"),
        ("50%", "50"),
        ("50 %", "50"),
        ("12.5", "12.5"),
        ("12,5 %", "12.5"),
        ("0.5%", "0.5"),
        (".5%", "0.5"),
        ("100", "100"),
        ("100.00", "100"),
        ("1.5", "1.5"),
        ("33.3", "33.3"),
    ],
)
def test_shares_accepted(text: str, expected: str) -> None:
    assert format_share(parse_share(text)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0.5", "ambiguous"),
        ("1", "ambiguous"),
        ("0", "not above 0"),
        ("0%", "not above 0"),
        ("-5", "not a number"),
        ("150", "above 100"),
        ("100.01%", "above 100"),
        ("fifty", "not a number"),
        ("50%%", "not a number"),
        ("1,000.5", "not a number"),
        ("1e2", "not a number"),
        ("", "no share"),
        ("NaN", "not a number"),
    ],
)
def test_shares_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_share(text)


def test_fraction_scale() -> None:
    assert parse_share("0.5", "fraction") == Decimal(50)
    assert parse_share("1", "fraction") == Decimal(100)
    assert parse_share("25%", "fraction") == Decimal(25)
    with pytest.raises(ValueError, match="above 1 in a file of fractions"):
        parse_share("50", "fraction")


@given(st.decimals(min_value=Decimal("1.01"), max_value=Decimal(100), places=3))
def test_any_percentage_round_trips(value: Decimal) -> None:
    text = format_share(value)
    assert parse_share(text) == value
    assert parse_share(text + "%") == value
    assert parse_share(text.replace(".", ",") + " %") == value


@given(st.text(max_size=12))
def test_any_text_gives_a_share_or_a_value_error(text: str) -> None:
    for scale in ("percent", "fraction"):
        try:
            share = parse_share(text, scale)
        except ValueError:
            continue
        assert Decimal(0) < share <= Decimal(100)


@given(st.text(max_size=20))
def test_reference_key_is_idempotent(text: str) -> None:
    assert reference_key(reference_key(text)) == reference_key(text)


BAD_ROWS = (
    "owner,owned,share\n"
    "A,B,0.5\n"  # 2: ambiguous
    "A,A,50\n"  # 3: owns itself
    "X,Y,abc\n"  # 4: not a number
    "X,Z,150\n"  # 5: above 100
    ",R,20\n"  # 6: no owner
    "Q,,20\n"  # 7: no owned
    "Q,R,20\n"  # 8: fine
    "q,r,30\n"  # 9: the same pair again
    "Q,S,\n"  # 10: no share
)


def test_bad_rows_are_skipped_with_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_ROWS)
    entities, ctx = parse(path)
    assert edges(entities) == [("user-ownership-q", "user-ownership-r", "20")]
    found = [(s.line, s.field, s.path) for s in ctx.skipped]
    assert found == [
        (2, "share", str(path)),
        (3, "owned", str(path)),
        (4, "share", str(path)),
        (5, "share", str(path)),
        (6, "owner", str(path)),
        (7, "owned", str(path)),
        (9, "owned", str(path)),
        (10, "share", str(path)),
    ]
    assert "line 8" in ctx.skipped[6].message
    # Placeholders are written only for rows that are kept.
    assert {e.caption for e in entities if e.schema == "Company"} == {"Q", "R"}


def test_strict_fails_on_the_first_bad_row(tmp_path: Path) -> None:
    with pytest.raises(RecordError) as caught:
        parse(write(tmp_path, BAD_ROWS), strict=True)
    assert caught.value.line == 2 and "ambiguous" in str(caught.value)


def test_shares_above_100_in_one_party_fail_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "owner,owned,share\nA,B,60\nC,B,30\nD,B,20\nA,E,10\n")
    with pytest.raises(InputError) as caught:
        parse(path)  # not strict: still refused, no single row is to blame
    message = str(caught.value)
    assert "'B'" in message and "110%" in message and "line 2" in message and "line 4" in message
    # Exactly 100% is fine.
    parse(write(tmp_path, "owner,owned,share\nA,B,70\nC,B,30\n", "ok.csv"))


def test_totals_and_pairs_span_the_files_of_one_load(tmp_path: Path) -> None:
    one = write(tmp_path, "owner,owned,share\nA,B,60\n", "one.csv")
    two = write(tmp_path, "owner,owned,share\nC,B,60\n", "two.csv")
    ctx = ParseContext("user-ownership")
    with pytest.raises(InputError, match=r"one\.csv line 2, two\.csv line 2"):
        list(UserOwnership().parse([InputFile(one), InputFile(two)], ctx))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Shareholder;Subsidiary;Percentage\nA;B;50\n", [("A", "B")]),
        ("share\towned\towner\n50\tB\tA\n", [("A", "B")]),
        ("Owner,Asset,Percent,note\nA,B,50%,x\n", [("A", "B")]),
    ],
)
def test_columns_found_by_name_and_delimiter(
    tmp_path: Path, header: str, expected: list[tuple[str, str]]
) -> None:
    entities, ctx = parse(write(tmp_path, header))
    assert ctx.skipped_count == 0
    assert [(o[-1].upper(), a[-1].upper()) for o, a, _ in edges(entities)] == expected


def test_missing_column_names_the_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no share column.*'owner', 'owned', 'pct_owned'"):
        parse(write(tmp_path, "owner,owned,pct_owned\nA,B,50\n"))


def test_cp1252_and_utf8_bom(tmp_path: Path) -> None:
    entities, _ = parse(write(tmp_path, "owner,owned,share\nCôté SA,B,50\n", encoding="cp1252"))
    assert entities[0].caption == "Côté SA"
    entities, _ = parse(write(tmp_path, "\ufeffowner,owned,share\nA,B,50\n", "bom.csv"))
    assert len(edges(entities)) == 1


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="scale"):
        UserOwnership({"scale": "permille"})
    with pytest.raises(ConfigError, match="unknown option"):
        UserOwnership({"name": "Full Name"})
    assert UserOwnership({"scale": "Fraction"}).scale == "fraction"


def test_binary_and_headerless_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary"):
        parse(write(tmp_path, "owner,owned,share\n", encoding="utf-16"))
    with pytest.raises(InputError, match="no header row"):
        parse(write(tmp_path, "\n \n", "blank.csv"))


def test_a_bad_file_never_replaces_the_active_edges(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    good = lists.load(store, settings, "user-ownership", [EDGES], strict=True)
    assert good.status == "active" and good.snapshot is not None
    assert good.snapshot.relation_count == 10
    over = write(tmp_path, "owner,owned,share\nA,B,60\nC,B,50\n", "over.csv")
    with pytest.raises(InputError, match="more than 100%"):
        lists.load(store, settings, "user-ownership", [over])
    with pytest.raises(RecordError):
        lists.load(store, settings, "user-ownership", [write(tmp_path, BAD_ROWS)], strict=True)
    active = store.active_snapshot("user-ownership")
    assert active is not None and active.id == good.snapshot.id
    assert [s.id for s in store.snapshots("user-ownership")] == [good.snapshot.id]
