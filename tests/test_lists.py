"""Loading lists into snapshots: activation, the shrink guard, diffs, export, bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from redline import lists
from redline.errors import InputError, RecordError, ShrinkGuardError, UnknownSourceError
from redline.settings import Settings
from redline.store import Store
from tests.conftest import person, write_ftm

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def test_load_activates_and_status_reports(
    store: Store, settings: Settings, ftm_file: Path
) -> None:
    result = lists.load(store, settings, "ftm", [ftm_file])
    assert result.status == "active"
    assert result.snapshot is not None
    (active,) = lists.status(store)
    assert (active.source, active.entity_count, active.status) == ("ftm", 100, "active")
    assert active.schema_counts == {"Person": 100}
    assert len(active.content_hash) == 64
    assert active.files[0]["name"] == "list.jsonl"


def test_identical_files_create_no_snapshot(
    store: Store, settings: Settings, ftm_file: Path
) -> None:
    first = lists.load(store, settings, "ftm", [ftm_file])
    again = lists.load(store, settings, "ftm", [ftm_file])
    assert again.status == "unchanged"
    assert again.snapshot is not None and first.snapshot is not None
    assert again.snapshot.id == first.snapshot.id
    assert len(store.snapshots("ftm")) == 1


def test_new_version_replaces_and_diff_explains(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    old = write_ftm(tmp_path / "v1.jsonl", [person(i) for i in range(20)])
    rows = [person(i) for i in range(1, 21)]  # t-0 removed, t-20 added
    rows[4] = person(5, extra={"alias": ["Pers Five"], "birthDate": ["1955", "1957"]})
    new = write_ftm(tmp_path / "v2.jsonl", rows)
    a = lists.load(store, settings, "ftm", [old]).snapshot
    b = lists.load(store, settings, "ftm", [new]).snapshot
    assert a is not None and b is not None
    assert store.snapshot(a.id).status == "inactive"
    assert store.active_snapshot("ftm") == store.snapshot(b.id)
    d = lists.diff(store, "ftm")
    assert (d.from_id, d.to_id) == (a.id, b.id)
    assert [x["id"] for x in d.added] == ["t-20"]
    assert [x["id"] for x in d.removed] == ["t-0"]
    (changed,) = d.changed
    assert changed["id"] == "t-5"
    assert changed["properties"] == {
        "alias": {"added": ["Pers Five"], "removed": []},
        "birthDate": {"added": ["1957"], "removed": []},
    }
    assert d.to_dict()["counts"] == {"added": 1, "removed": 1, "changed": 1}


def test_shrink_guard_holds_the_snapshot(store: Store, settings: Settings, tmp_path: Path) -> None:
    full = write_ftm(tmp_path / "full.jsonl", [person(i) for i in range(100)])
    cut = write_ftm(tmp_path / "cut.jsonl", [person(i) for i in range(85)])
    good = lists.load(store, settings, "ftm", [full]).snapshot
    assert good is not None
    with pytest.raises(ShrinkGuardError) as info:
        lists.load(store, settings, "ftm", [cut])
    assert "--force" in str(info.value)
    assert store.active_snapshot("ftm") == store.snapshot(good.id)
    held = int(info.value.snapshot_id)
    assert store.snapshot(held).status == "held"
    with pytest.raises(ShrinkGuardError):
        store.activate(held)
    assert store.activate(held, force=True).status == "active"
    assert store.active_snapshot("ftm") is not None
    assert store.snapshot(good.id).status == "inactive"


def test_shrink_within_limit_and_force(store: Store, settings: Settings, tmp_path: Path) -> None:
    lists.load(
        store, settings, "ftm", [write_ftm(tmp_path / "a.jsonl", [person(i) for i in range(100)])]
    )
    ok = lists.load(
        store, settings, "ftm", [write_ftm(tmp_path / "b.jsonl", [person(i) for i in range(91)])]
    )
    assert ok.status == "active"
    forced = lists.load(
        store,
        settings,
        "ftm",
        [write_ftm(tmp_path / "c.jsonl", [person(i) for i in range(10)])],
        force=True,
    )
    assert forced.status == "active" and forced.snapshot is not None and forced.snapshot.forced


def test_malformed_records_are_skipped_counted_and_shown(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(person(i)) for i in range(5)]
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = lists.load(store, settings, "ftm", [path])
    assert result.snapshot is not None
    assert result.snapshot.entity_count == 5
    assert result.snapshot.skipped_count == 1
    (skip,) = result.snapshot.skipped
    assert skip["line"] == 3 and "mixed.jsonl" in str(skip["path"])


def test_strict_load_fails_and_changes_nothing(
    store: Store, settings: Settings, tmp_path: Path, ftm_file: Path
) -> None:
    good = lists.load(store, settings, "ftm", [ftm_file]).snapshot
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([json.dumps(person(i)) for i in range(200)] + ["{oops"]) + "\n")
    with pytest.raises(RecordError, match="line 201"):
        lists.load(store, settings, "ftm", [path], strict=True)
    assert [s.id for s in store.snapshots("ftm")] == [good.id] if good else []
    assert store.active_snapshot("ftm") == good


def test_duplicate_ids_are_skipped(store: Store, settings: Settings, tmp_path: Path) -> None:
    path = write_ftm(tmp_path / "dup.jsonl", [person(1), person(2), person(1, name="Other")])
    info = lists.load(store, settings, "ftm", [path]).snapshot
    assert info is not None and (info.entity_count, info.skipped_count) == (2, 1)
    assert "duplicate" in info.skipped[0]["message"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.jsonl", b"", "empty"),
        (
            "latin.jsonl",
            '{"id": "a", "schema": "Person", "properties": {"name": ["Jos\xe9"]}}\n'.encode(
                "latin-1"
            ),
            "decode",
        ),
        ("prose.jsonl", b"this is not a list\n", "not FollowTheMoney"),
    ],
)
def test_unusable_files_activate_nothing(
    store: Store, settings: Settings, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        lists.load(store, settings, "ftm", [path])
    assert store.snapshots() == []
    assert lists.status(store) == []


def test_unknown_source(store: Store, settings: Settings, ftm_file: Path) -> None:
    with pytest.raises(UnknownSourceError, match="us-ofac-sdn"):
        lists.load(store, settings, "nope", [ftm_file])


def test_export_round_trips(
    store: Store, settings: Settings, ftm_file: Path, tmp_path: Path
) -> None:
    lists.load(store, settings, "ftm", [ftm_file])
    out = io.StringIO()
    assert lists.export(store, out) == 100
    again = write_ftm(
        tmp_path / "again.jsonl", [json.loads(line) for line in out.getvalue().splitlines()]
    )
    assert lists.load(store, settings, "ftm", [again], force=True).snapshot.entity_count == 100  # type: ignore[union-attr]
    assert lists.diff(store, "ftm").to_dict()["counts"] == {"added": 0, "removed": 0, "changed": 0}


def test_unchanged_entities_share_stored_bodies(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    rows = [person(i) for i in range(50)]
    lists.load(store, settings, "ftm", [write_ftm(tmp_path / "a.jsonl", rows)])
    rows[0] = person(0, name="Renamed")
    lists.load(store, settings, "ftm", [write_ftm(tmp_path / "b.jsonl", rows)])
    from sqlalchemy import func, select

    from redline.store.tables import entity_blobs

    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(entity_blobs)).scalar_one() == 51


def test_search_finds_names_accent_blind(store: Store, settings: Settings, tmp_path: Path) -> None:
    path = write_ftm(
        tmp_path / "n.jsonl", [person(1, name="Ghassem DAMAVANDIAN"), person(2, name="José Núñez")]
    )
    lists.load(store, settings, "ftm", [path])
    assert [e.id for e, _ in lists.search(store, "damavandian")] == ["t-1"]
    assert [e.id for e, _ in lists.search(store, "jose nunez")] == ["t-2"]
