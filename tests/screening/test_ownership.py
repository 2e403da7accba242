"""OFAC's 50% rule: the graph computation, reading the store, and the command line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline import lists
from redline.errors import ConfigError, InputError, NotFoundError
from redline.screening import ownership
from redline.screening.ownership import Edge, analyse
from redline.settings import Settings
from redline.store import Store
from tests.conftest import run_cli, write_ftm

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ownership"

Row = tuple[str, str, str | int]


def graph(rows: list[Row]) -> list[Edge]:
    return [Edge(o, a, Decimal(str(s)), f"row {i}") for i, (o, a, s) in enumerate(rows, 1)]


def blocked_by_rule(rows: list[Row], listed: set[str], threshold: int = 50) -> dict[str, str]:
    result = analyse(graph(rows), dict.fromkeys(listed, "sdn"), Decimal(threshold))
    return {f.entity_id: ownership.format_share(f.share) for f in result.flagged()}


# -- the computation -------------------------------------------------------------------

CASES: list[tuple[str, list[Row], set[str], dict[str, str]]] = [
    ("direct 50%", [("X", "A", 50)], {"X"}, {"A": "50"}),
    ("direct 100%", [("X", "A", 100)], {"X"}, {"A": "100"}),
    ("49.9% is not enough", [("X", "A", "49.9")], {"X"}, {}),
    ("two blocked owners 25% + 25%", [("X", "A", 25), ("Y", "A", 25)], {"X", "Y"}, {"A": "50"}),
    ("decimals add up exactly", [("X", "A", "33.3"), ("Y", "A", "16.7")], {"X", "Y"}, {"A": "50"}),
    ("a blocked owner and a free one", [("X", "A", 25), ("F", "A", 75)], {"X"}, {}),
    (
        "indirect through a blocked subsidiary",
        [("X", "S", 50), ("S", "A", 50)],
        {"X"},
        {"S": "50", "A": "50"},
    ),
    (
        "30% direct + 30% through a subsidiary the rule blocks",
        [("X", "A", 30), ("X", "Y", 100), ("Y", "A", 30)],
        {"X"},
        {"Y": "100", "A": "60"},
    ),
    (
        "shares are not multiplied along a chain",
        [("X", "S", 50), ("S", "T", 50), ("T", "A", 50)],
        {"X"},
        {"S": "50", "T": "50", "A": "50"},
    ),
    (
        "a non-blocked intermediate passes nothing on",
        [("X", "M", 40), ("M", "A", 100)],
        {"X"},
        {},
    ),
    (
        "an intermediate blocked in the aggregate passes its holdings on",
        [("X", "M", 30), ("Z", "M", 30), ("M", "A", 60)],
        {"X", "Z"},
        {"M": "60", "A": "60"},
    ),
    (
        "a cycle under a listed owner",
        [("X", "A", 50), ("A", "B", 60), ("B", "A", 40)],
        {"X"},
        {"A": "90", "B": "60"},
    ),
    ("a cycle with no listed owner", [("A", "B", 60), ("B", "A", 60)], {"X"}, {}),
    (
        "a cycle cannot lift itself over the threshold",
        [("X", "A", 30), ("X", "B", 30), ("A", "B", 30), ("B", "A", 30)],
        {"X"},
        {},
    ),
    ("a listed party owned by another is not flagged again", [("X", "Y", 100)], {"X", "Y"}, {}),
    ("nothing listed", [("P", "A", 100)], set(), {}),
]


@pytest.mark.parametrize(
    ("rows", "listed", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(rows: list[Row], listed: set[str], expected: dict[str, str]) -> None:
    assert blocked_by_rule(rows, listed) == expected


def test_threshold_is_a_parameter() -> None:
    rows: list[Row] = [("X", "A", 30), ("A", "B", 25)]
    assert blocked_by_rule(rows, {"X"}) == {}
    assert blocked_by_rule(rows, {"X"}, threshold=25) == {"A": "30", "B": "25"}
    with pytest.raises(ConfigError, match="threshold"):
        analyse(graph(rows), {"X": "sdn"}, Decimal(0))
    with pytest.raises(ConfigError, match="threshold"):
        analyse(graph(rows), {"X": "sdn"}, Decimal(101))


def test_explanation_shows_the_sum_and_why_each_owner_is_blocked() -> None:
    result = analyse(
        graph([("X", "A", 30), ("X", "Y", 100), ("Y", "A", 30), ("F", "A", 40)]), {"X": "sdn"}
    )
    assert result.explain("A", str) == (
        "60% = 30% X (listed on sdn) + 30% Y (blocked: owned 100% by X)"
    )
    finding = result.findings["A"]
    assert [e.owner for e in finding.stakes] == ["X", "Y"]  # the free owner F is no stake
    assert (finding.depth, result.findings["Y"].depth) == (2, 1)
    assert [(e.owner, e.asset) for e in result.chain("A")] == [("X", "A")]
    assert [e.owner for e in result.owners["A"]] == ["F", "X", "Y"]
    assert result.status("F", str) == "not blocked"


def test_chain_and_depth_through_a_long_line() -> None:
    rows: list[Row] = [(f"N{i}", f"N{i + 1}", 50) for i in range(10)]
    result = analyse(graph(rows), {"N0": "sdn"})
    assert result.findings["N10"].depth == 10
    assert [e.owner for e in result.chain("N10")] == [f"N{i}" for i in range(10)]
    assert result.explain("N10", str) == "50% = 50% N9 (blocked: owned 50% by N8)"


def test_chain_ends_at_a_listed_party_through_a_cycle() -> None:
    result = analyse(graph([("X", "A", 50), ("A", "B", 60), ("B", "A", 40)]), {"X": "sdn"})
    assert [(e.owner, e.asset) for e in result.chain("B")] == [("X", "A"), ("A", "B")]
    assert result.explain("A", str).startswith("90% = 50% X (listed on sdn) + 40% B (blocked")


def test_below_threshold_is_explained_too() -> None:
    result = analyse(graph([("X", "A", 40), ("A", "B", 100)]), {"X": "sdn"})
    assert result.explain("A", str) == "40% = 40% X (listed on sdn); below the 50% threshold"
    assert result.status("A", str) == "not blocked: blocked parties hold 40% (X)"
    assert result.status("B", str) == "not blocked: none of its owners is blocked"
    assert result.chain("A") == ()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("A", "B", 60), ("C", "B", 50)], r"held in B add up to 110%.*row 1.*row 2"),
        ([("A", "A", 50)], "row 1: A cannot own itself"),
        ([("A", "B", 20), ("A", "B", 30)], "row 1 and row 2 both give A's share of B"),
        ([("A", "B", 0)], r"share 0% is not in \(0%, 100%\]"),
        ([("A", "B", 101)], "share 101%"),
    ],
)
def test_edges_the_rule_cannot_use(rows: list[Row], message: str) -> None:
    with pytest.raises(InputError, match=message):
        analyse(graph(rows), {"A": "sdn"})


def least_fixed_point(edges: list[Edge], listed: set[str], threshold: Decimal) -> set[str]:
    """The rule applied the slow, obvious way: recompute everything until nothing moves."""
    blocked = set(listed)
    while True:
        share: dict[str, Decimal] = {}
        for e in edges:
            if e.owner in blocked:
                share[e.asset] = share.get(e.asset, Decimal(0)) + e.share
        grown = blocked | {a for a, s in share.items() if s >= threshold}
        if grown == blocked:
            return blocked
        blocked = grown


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Edge], set[str]]:
    nodes = [f"n{i}" for i in range(draw(st.integers(2, 8)))]
    edges: list[Edge] = []
    for asset in nodes:
        left = 100
        for owner in draw(st.lists(st.sampled_from(nodes), unique=True, max_size=4)):
            if owner == asset or left == 0:
                continue
            share = draw(st.integers(1, left))
            left -= share
            edges.append(Edge(owner, asset, Decimal(share), f"{owner}>{asset}"))
    listed = set(draw(st.lists(st.sampled_from(nodes), max_size=3)))
    return edges, listed


@settings(max_examples=200, deadline=None)
@given(graphs(), st.sampled_from([25, 50, 51]))
def test_result_is_the_least_fixed_point(case: tuple[list[Edge], set[str]], t: int) -> None:
    edges, listed = case
    threshold = Decimal(t)
    result = analyse(edges, dict.fromkeys(listed, "sdn"), threshold)
    blocked = set(listed) | {f.entity_id for f in result.flagged()}
    assert blocked == least_fixed_point(edges, listed, threshold)
    for finding in result.findings.values():
        assert finding.share == sum(e.share for e in finding.stakes)
        assert all(e.owner in blocked for e in finding.stakes)
        if finding.blocked and not finding.listed:
            chain = result.chain(finding.entity_id)
            assert chain[0].owner in listed and chain[-1].asset == finding.entity_id


# -- reading the store -----------------------------------------------------------------


def party(
    entity_id: str, name: str, schema: str = "Company", **props: list[str]
) -> dict[str, object]:
    return {"id": entity_id, "schema": schema, "properties": {"name": [name], **props}}


def relation(entity_id: str, schema: str, **props: list[str]) -> dict[str, object]:
    return {"id": entity_id, "schema": schema, "properties": props}


SANCTION = ["sanction"]
LIST_ROWS = [
    party("L-1", "Blocked Holding", alias=["BH Group"], topics=SANCTION),
    party("L-2", "Sanctioned Person", "Person", topics=SANCTION),
    party("L-3", "Twin Name", topics=SANCTION),
    party("L-4", "Twin Name", topics=["sanction", "export.control"]),
    party("C-1", "Subsidiary One"),
    party("C-2", "Joint Venture"),
    party("C-3", "Old Holding"),
    party("C-4", "Linked Only"),
    relation("own-1", "Ownership", owner=["L-1"], asset=["C-1"], percentage=["51%"]),
    relation("own-2", "Ownership", owner=["L-2"], asset=["C-2"], percentage=["25"]),
    relation("own-3", "Ownership", owner=["L-1"], asset=["C-3"], percentage=["90"]),
    relation("own-3b", "Ownership", owner=["L-1"], asset=["C-3"], endDate=["2019"]),
    relation(
        "own-4", "Ownership", owner=["L-2"], asset=["C-3"], percentage=["100"], endDate=["2020-06"]
    ),
    relation("own-5", "Ownership", owner=["L-1"], asset=["C-4"], percentage=["about half"]),
    relation("link-1", "UnknownLink", subject=["C-4"], object=["L-1"], role=["Linked To"]),
]
# An FtM file holds the companies around the sanctioned parties too: only the parties
# tagged "sanction" are listed. own-3b has no share; own-4 ended in June 2020.


@pytest.fixture
def loaded(store: Store, settings: Settings, tmp_path: Path) -> Store:
    path = write_ftm(tmp_path / "list.jsonl", LIST_ROWS)
    lists.load(store, settings, "ftm", [path])
    return store


def user_edges(store: Store, settings: Settings, tmp_path: Path, text: str) -> None:
    path = tmp_path / "edges.csv"
    path.write_text("owner,owned,share\n" + text, "utf-8")
    lists.load(store, settings, "user-ownership", [path], strict=True, force=True)


AS_OF = date(2024, 1, 1)


def test_list_relations(loaded: Store) -> None:
    report = ownership.flags(loaded, as_of=AS_OF)
    assert [(f.entity_id, f.caption, str(f.share)) for f in report.flags] == [
        ("C-3", "Old Holding", "90"),
        ("C-1", "Subsidiary One", "51"),
    ]
    assert report.flags[1].explanation == "51% = 51% Blocked Holding (listed on ftm)"
    assert report.flags[1].path == ("Blocked Holding", "Subsidiary One")
    assert report.flags[1].owners[0].origin == "ftm own-1"
    assert report.sources == ["ftm"] and not report.sample
    assert report.notes == [
        "2 ownership relation(s) in the lists give no readable share and are not counted",
        "1 ownership relation(s) in the lists ended before 2024-01-01 and are not counted",
    ]
    # Before it ended, L-2's 100% of C-3 counted too (and 190% is no ownership at all).
    with pytest.raises(InputError, match="C-3 add up to 190%"):
        ownership.flags(loaded, as_of=date(2020, 6, 1))


def test_user_edges_resolve_ids_names_and_aliases(
    loaded: Store, settings: Settings, tmp_path: Path
) -> None:
    user_edges(
        loaded,
        settings,
        tmp_path,
        "bh group,New Co,50\n"  # an alias of L-1, any case
        "Twin Name,Other Co,80\n"  # the name of two listed parties: kept apart
        "Sanctioned Person,C-2,30\n"  # a name; the list says 25%: the user's edge wins
        "C-1,Deep Co,60\n",  # an id
    )
    report = ownership.flags(loaded, as_of=AS_OF)
    flagged = {f.entity_id: f for f in report.flags}
    assert set(flagged) == {"C-1", "C-3", "user-ownership-new-co", "user-ownership-deep-co"}
    assert flagged["user-ownership-new-co"].explanation == (
        "50% = 50% Blocked Holding (listed on ftm)"
    )
    deep = flagged["user-ownership-deep-co"]
    assert deep.explanation == ("60% = 60% Subsidiary One (blocked: owned 51% by Blocked Holding)")
    assert deep.path == ("Blocked Holding", "Subsidiary One", "Deep Co")
    assert deep.source == "user-ownership" and deep.depth == 2
    assert any("replaces ftm own-2 (25%) for L-2 in C-2" in n for n in report.notes)
    assert any("'Twin Name'" in n and "L-3, L-4" in n for n in report.notes)
    # C-2: the user's 30% replaced the list's 25% (and is still under 50%).
    assert "C-2" not in flagged
    view = ownership.show(loaded, "C-2", as_of=AS_OF)
    assert [(o.party_id, str(o.share), o.origin) for o in view.owners] == [
        ("L-2", "30", "user-ownership edges.csv:4")
    ]
    # Two rows that turn out to name one holding (by id and by name) are refused.
    user_edges(loaded, settings, tmp_path, "L-2,C-2,25\nSanctioned Person,C-2,30\n")
    with pytest.raises(
        InputError, match=r"edges.csv:2 and .*edges.csv:3 both give L-2's share of C-2"
    ):
        ownership.flags(loaded, as_of=AS_OF)


def test_blocked_owners_for_screening(loaded: Store) -> None:
    found = ownership.blocked_owners(loaded, as_of=AS_OF)
    assert set(found) == {"C-1", "C-3"}
    assert found["C-1"].to_dict()["explanation"] == "51% = 51% Blocked Holding (listed on ftm)"


def test_which_lists_are_blocked_parties(loaded: Store, settings: Settings, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\nK1,Customer Holding\n", "utf-8")
    lists.load(loaded, settings, "csv", [customers])
    user_edges(loaded, settings, tmp_path, "csv-K1,Customer Sub,100\n")
    # A watchlist (often customers) is no list of blocked parties unless named.
    assert "user-ownership-customer-sub" not in ownership.blocked_owners(loaded, as_of=AS_OF)
    report = ownership.flags(loaded, sources=["csv"], as_of=AS_OF)
    assert [f.entity_id for f in report.flags] == ["user-ownership-customer-sub"]
    assert report.flags[0].explanation == "100% = 100% Customer Holding (listed on csv)"
    with pytest.raises(ConfigError, match="no active list us-ofac-sdn; active: csv, ftm"):
        ownership.flags(loaded, sources=["us-ofac-sdn"])


def test_show_lists_owners_holdings_and_uncounted_links(loaded: Store) -> None:
    view = ownership.show(loaded, "C-4", as_of=AS_OF)
    assert not view.blocked and view.share == 0 and view.owners == ()
    assert [(r.party_id, r.kind, r.role) for r in view.links] == [
        ("L-1", "Ownership", "owner (no share given)"),
        ("L-1", "UnknownLink", "Linked To"),
    ]
    listed = ownership.show(loaded, "L-1", as_of=AS_OF)
    assert listed.listed_on == "ftm" and listed.status == "listed on ftm"
    assert [(s.party_id, s.status) for s in listed.owns] == [
        ("C-3", "blocked: owned 90% by Blocked Holding"),
        ("C-1", "blocked: owned 51% by Blocked Holding"),
    ]
    data = ownership.show(loaded, "C-1", as_of=AS_OF).to_dict()
    assert data["blocked"] and data["share"] == 51.0 and data["listed_on"] is None
    json.dumps(data)
    with pytest.raises(NotFoundError):
        ownership.show(loaded, "nobody")


def test_no_lists_loaded(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no lists loaded"):
        ownership.flags(store)


# -- the command line, end to end with the bundled sample ----------------------------------


run = run_cli


def test_cli_end_to_end(tmp_path: Path) -> None:
    assert run(tmp_path, "lists", "load", "us-ofac-sdn", "--sample").returncode == 0
    imported = run(tmp_path, "ownership", "import", str(FIXTURES / "edges.csv"), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["status"] == "active"

    out = run(tmp_path, "ownership", "flags", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["sample"] and report["sources"] == ["us-ofac-sdn"]
    shares = {f["caption"]: f["share"] for f in report["flags"]}
    assert shares == {
        "Hesa Trading FZE": 100.0,
        "Kama Avionics Holding": 70.0,
        "Volga Composite Parts": 50.0,
    }
    kama = next(f for f in report["flags"] if f["caption"] == "Kama Avionics Holding")
    assert kama["explanation"].startswith(
        "70% = 30% QODS AVIATION INDUSTRIES (listed on us-ofac-sdn) + 30% Hesa Trading FZE "
        "(blocked: owned 100% by IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY)"
    )

    human = run(tmp_path, "ownership", "flags")
    assert "Kama Avionics Holding" in human.stdout and "SAMPLE" in human.stdout
    stricter = json.loads(run(tmp_path, "ownership", "flags", "--threshold", "60", "--json").stdout)
    assert {f["caption"] for f in stricter["flags"]} == {
        "Hesa Trading FZE",
        "Kama Avionics Holding",
    }

    shown = run(tmp_path, "ownership", "show", "ofac-16418")
    assert shown.returncode == 0, shown.stderr
    assert "listed on us-ofac-sdn" in shown.stdout
    assert "Minority Air Services" in shown.stdout and "Linked To" in shown.stdout
    downstream = json.loads(
        run(tmp_path, "ownership", "show", "user-ownership-downstream-leasing", "--json").stdout
    )
    assert downstream["blocked"] is False
    assert downstream["status"] == "not blocked: none of its owners is blocked"

    bad = tmp_path / "bad.csv"
    bad.write_text("owner,owned,share\nofac-16418,X Co,0.5\n", "utf-8")
    refused = run(tmp_path, "ownership", "import", str(bad))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "bad.csv" in refused.stderr and "line 2" in refused.stderr
    assert "ambiguous share" in refused.stderr
    missing = run(tmp_path, "ownership", "show", "nobody")
    assert missing.returncode == 1 and "no entity 'nobody'" in missing.stderr
    # The good edges stay active.
    assert json.loads(run(tmp_path, "ownership", "flags", "--json").stdout) == report
