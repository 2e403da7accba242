"""Every source, through the same load path: its own fixture loads, other formats,
hostile XML and broken archives fail with a clear error and activate nothing."""

from __future__ import annotations

import gzip
import itertools
import zipfile
from pathlib import Path

import pytest

from redline import lists
from redline.errors import InputError, XMLSecurityError
from redline.settings import Settings
from redline.sources import source_ids
from redline.store import Store

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

FIXTURES = Path(__file__).parent / "fixtures"

# One good version of each source, as its files.
GOOD: dict[str, list[str]] = {
    "us-ofac-sdn": ["ofac/csv2024/sdn.csv", "ofac/csv2024/add.csv", "ofac/csv2024/alt.csv"],
    "us-ofac-cons": ["ofac/classic_nonsdn.xml"],
    "un-sc": ["un/consolidated.xml"],
    "eu-fsf": ["eu/fsf_1_1.xml"],
    "uk-ofsi": ["uk/ConList.csv"],
    "uk-sanctions-list": ["uk/UK-Sanctions-List.xml"],
    "us-csl": ["csl/consolidated.csv"],
    "ca-sema": ["canada/sema-lmes.xml"],
    "us-bis-dpl": ["bis/dpl_excerpt.txt"],
    "ftm": ["ftm/entities.ftm.json"],
    "csv": ["watchlist/customers.csv"],
    "user-ownership": ["ownership/edges.csv"],
}

XML_SOURCES = ["us-ofac-sdn", "us-ofac-cons", "un-sc", "eu-fsf", "uk-sanctions-list", "ca-sema"]

# Pairs where one source legitimately reads another's file: a generic CSV watchlist
# reads any CSV with a name column, and OFAC's two sources share their formats.
COMPATIBLE = {
    ("csv", "uk-ofsi"),
    ("csv", "us-csl"),
    ("csv", "us-bis-dpl"),
    ("us-ofac-sdn", "us-ofac-cons"),
    ("us-ofac-cons", "us-ofac-sdn"),
}


def paths(source: str) -> list[Path]:
    return [FIXTURES / p for p in GOOD[source]]


def test_every_source_has_a_conformance_fixture() -> None:
    assert sorted(GOOD) == sorted(source_ids())


@pytest.mark.parametrize("source", sorted(GOOD))
def test_fixture_loads_and_activates(store: Store, settings: Settings, source: str) -> None:
    result = lists.load(store, settings, source, paths(source))
    assert result.status == "active"
    assert result.snapshot is not None and result.snapshot.entity_count > 0
    for entity in store.iter_entities(result.snapshot.id):
        assert entity.id and entity.datasets
        if entity.is_party:
            assert entity.names, entity.id


@pytest.mark.parametrize(
    ("source", "other"),
    [(s, o) for s, o in itertools.permutations(sorted(GOOD), 2) if (s, o) not in COMPATIBLE],
)
def test_wrong_format_is_refused(store: Store, settings: Settings, source: str, other: str) -> None:
    with pytest.raises(InputError) as info:
        lists.load(store, settings, source, paths(other))
    assert str(FIXTURES) in str(info.value) or "no entities" in str(info.value)
    assert store.snapshots() == []


@pytest.mark.parametrize("source", XML_SOURCES)
def test_billion_laughs_refused_by_every_xml_source(
    store: Store, settings: Settings, source: str, tmp_path: Path
) -> None:
    evil = tmp_path / "list.xml"
    evil.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        "<r>&c;</r>\n"
    )
    with pytest.raises(XMLSecurityError):
        lists.load(store, settings, source, [evil])
    assert store.snapshots() == []


@pytest.mark.parametrize("source", XML_SOURCES)
def test_external_entity_refused_by_every_xml_source(
    store: Store, settings: Settings, source: str, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    evil = tmp_path / "list.xml"
    evil.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>\n<r>&x;</r>\n'
    )
    with pytest.raises(XMLSecurityError):
        lists.load(store, settings, source, [evil])


@pytest.mark.parametrize("source", ["un-sc", "us-ofac-sdn", "ca-sema", "us-bis-dpl"])
def test_truncated_gzip_activates_nothing(
    store: Store, settings: Settings, source: str, tmp_path: Path
) -> None:
    first = paths(source)[0]
    data = gzip.compress(first.read_bytes() * 20)
    cut = tmp_path / (first.name + ".gz")
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputError, match="truncated"):
        lists.load(store, settings, source, [cut])
    assert store.snapshots() == []


def test_zip_archive_of_a_csv_set_loads(store: Store, settings: Settings, tmp_path: Path) -> None:
    archive = tmp_path / "sdn.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in paths("us-ofac-sdn"):
            zf.write(path, path.name)
    result = lists.load(store, settings, "us-ofac-sdn", [archive])
    plain = lists.load(store, settings, "us-ofac-sdn", paths("us-ofac-sdn"), force=True)
    assert result.snapshot is not None and plain.snapshot is not None
    assert result.snapshot.entity_count == plain.snapshot.entity_count
    assert lists.diff(store, "us-ofac-sdn").to_dict()["counts"]["changed"] == 0


def test_sample_is_marked_everywhere(store: Store, settings: Settings) -> None:
    result = lists.load_sample(store, settings)
    assert result.snapshot is not None and result.snapshot.sample
    assert "not for compliance use" in result.message
    assert result.snapshot.entity_count == 219
    hits = lists.search(store, "qods aviation")
    assert "ofac-16418" in [e.id for e, _ in hits]
