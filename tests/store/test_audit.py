"""The audit log's hash chain: every edit, insertion or deletion is found and named."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError

from redline.errors import ConfigError, InputError
from redline.screening import audit as audit_ops
from redline.settings import Settings
from redline.store import Store, audit
from tests.rawdb import RawDatabase, raw_database
from tests.screening.workflow_util import run
from tests.threads import at_once

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def _fill(store: Store, n: int) -> None:
    for i in range(n):
        with store.engine.begin() as conn:
            audit.append(conn, "test.event", {"i": i, "text": f"événement {i}", "nested": [i]})


@contextmanager
def _db(settings: Settings, *, drop_triggers: bool = True) -> Iterator[RawDatabase]:
    """A raw connection, as someone editing the database would use (triggers dropped)."""
    with raw_database(settings) as db:
        if drop_triggers:
            db.drop_append_only("audit_log")
        yield db


def test_an_untouched_chain_verifies(store: Store) -> None:
    assert audit.verify(store).ok and audit.verify(store).records == 0
    _fill(store, 5)
    result = audit.verify(store)
    assert result.ok and result.records == 5 and result.head_seq == 5
    assert (result.head_seq, result.head_hash) == audit.head(store)
    first = next(iter(audit.iter_records(store)))
    assert first.prev_hash == audit.GENESIS and first.payload["text"] == "événement 0"


def test_the_log_refuses_updates_and_deletes(store: Store, settings: Settings) -> None:
    _fill(store, 2)
    with _db(settings, drop_triggers=False) as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute("UPDATE audit_log SET kind = 'x'")
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute("DELETE FROM audit_log")


@pytest.mark.parametrize(
    ("sql", "bad_seq", "words"),
    [
        ("UPDATE audit_log SET payload = '{\"i\":9}' WHERE seq = 3", 3, "does not match its hash"),
        ("UPDATE audit_log SET time = '2020-01-01T00:00:00Z' WHERE seq = 2", 2, "hash"),
        ("UPDATE audit_log SET kind = 'other' WHERE seq = 5", 5, "hash"),
        ("UPDATE audit_log SET payload = '{ \"i\": 0 }' WHERE seq = 1", 1, "not as written"),
        ("DELETE FROM audit_log WHERE seq = 4", 4, "missing"),
        ("DELETE FROM audit_log WHERE seq >= 5", 5, "deleted at the end"),
        ("DELETE FROM audit_log WHERE seq = 1", 1, "missing"),
        ("UPDATE audit_head SET seq = 4", 4, "head"),
        ("DELETE FROM audit_head", 6, "head row is missing"),
        (
            "INSERT INTO audit_log VALUES (7, '2030-01-01T00:00:00Z', 'forged', '{}', "
            "(SELECT hash FROM audit_log WHERE seq = 6), '" + "a" * 64 + "')",
            7,
            "hash",
        ),
        ("INSERT INTO audit_log VALUES (0, 't', 'forged', '{}', 'x', 'y')", 0, "inserted"),
    ],
)
def test_tampering_is_found(
    store: Store, settings: Settings, sql: str, bad_seq: int, words: str
) -> None:
    _fill(store, 6)
    with _db(settings) as conn:
        conn.execute(sql)
    result = audit.verify(store)
    assert not result.ok
    assert result.bad_seq == bad_seq, result.problem
    assert result.problem is not None and words in result.problem


def test_a_rewritten_chain_is_caught_by_an_anchor(store: Store, settings: Settings) -> None:
    _fill(store, 4)
    anchor = f"3:{dict((r.seq, r.hash) for r in audit.iter_records(store))[3]}"
    assert audit_ops.verify(store, anchor=anchor).ok
    # rewrite record 2 and recompute every hash after it, as a careful forger would
    records = list(audit.iter_records(store))
    with _db(settings) as conn:
        prev = records[0].hash
        for rec in records[1:]:
            payload = {"i": 99} if rec.seq == 2 else rec.payload
            digest = audit.record_hash(prev, rec.seq, rec.time, rec.kind, payload)
            conn.execute(
                "UPDATE audit_log SET payload = :payload, prev_hash = :prev, hash = :hash "
                "WHERE seq = :seq",
                {"payload": audit.canonical(payload), "prev": prev, "hash": digest, "seq": rec.seq},
            )
            prev = digest
        conn.execute("UPDATE audit_head SET hash = :hash", {"hash": prev})
    assert audit.verify(store).ok, "without an anchor a full rewrite is consistent"
    result = audit_ops.verify(store, anchor=anchor)
    assert not result.ok and result.bad_seq == 3 and "anchor" in (result.problem or "")
    with pytest.raises(ConfigError, match="SEQ:HASH"):
        audit_ops.verify(store, anchor="3-abc")


_payloads = st.lists(
    st.dictionaries(
        st.text(min_size=1, max_size=5),
        st.one_of(st.integers(), st.text(max_size=10), st.booleans(), st.none()),
        max_size=3,
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(payloads=_payloads, data=st.data())
def test_any_edit_of_an_export_is_found(
    payloads: list[dict[str, object]], data: st.DataObject
) -> None:
    records: list[audit.AuditRecord] = []
    prev = audit.GENESIS
    for seq, payload in enumerate(payloads, start=1):
        digest = audit.record_hash(prev, seq, "2026-01-01T00:00:00Z", "k", payload)
        records.append(
            audit.AuditRecord(
                seq, "2026-01-01T00:00:00Z", "k", audit.canonical(payload), prev, digest
            )
        )
        prev = digest
    assert audit.verify_records(records, expected_head=(len(records), prev)).ok
    victim = data.draw(st.integers(0, len(records) - 1))
    action = data.draw(st.sampled_from(["edit", "delete", "swap", "truncate"]))
    changed = list(records)
    target = records[victim]
    if action == "edit":
        changed[victim] = audit.AuditRecord(
            target.seq,
            target.time,
            target.kind,
            audit.canonical({"edited": target.payload_text}),
            target.prev_hash,
            target.hash,
        )
        expected_bad = target.seq
    elif action == "delete":
        del changed[victim]
        expected_bad = target.seq
    elif action == "swap" and victim + 1 < len(records):
        changed[victim], changed[victim + 1] = changed[victim + 1], changed[victim]
        expected_bad = target.seq
    else:
        changed = changed[:victim] if victim else changed[:1]
        expected_bad = len(changed) + 1
        if len(changed) == len(records):
            return
    result = audit.verify_records(changed, expected_head=(len(records), prev))
    assert not result.ok
    assert result.bad_seq == expected_bad, (action, victim, result.problem)


def test_export_and_verify_an_export(store: Store, tmp_path: Path) -> None:
    _fill(store, 3)
    out = tmp_path / "audit.jsonl"
    assert audit_ops.export(store, out, io.StringIO()) == 3
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3]
    assert list(lines[0]) == ["seq", "time", "kind", "payload", "prev_hash", "hash"]
    assert audit_ops.verify_file(out).ok
    lines[1]["payload"]["i"] = 42
    out.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = audit_ops.verify_file(out)
    assert not result.ok and result.bad_seq == 2
    out.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        audit_ops.verify_file(out)


def test_cli_verify_and_export(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "lists", "load", "us-ofac-sdn", "--sample").returncode == 0
    ok = run(home, "audit", "verify")
    assert ok.returncode == 0 and "ok 1 records; head 1:" in ok.stdout
    anchor = ok.stdout.split("head ")[1].strip()
    assert run(home, "audit", "verify", "--anchor", anchor).returncode == 0
    exported = tmp_path / "out" / "audit.jsonl"
    assert run(home, "audit", "export", "--output", str(exported)).returncode == 0
    assert json.loads(exported.read_text(encoding="utf-8"))["kind"] == "list.activated"
    assert run(home, "audit", "verify", "--file", str(exported)).returncode == 0
    stdout = run(home, "audit", "export")
    assert json.loads(stdout.stdout)["seq"] == 1

    with _db(Settings(home=home)) as conn:
        conn.execute("UPDATE audit_log SET payload = replace(payload, 'false', 'true')")
    bad = run(home, "audit", "verify")
    assert bad.returncode == 1
    assert "does not verify at record 1" in bad.stderr and "Traceback" not in bad.stderr
    as_json = run(home, "audit", "verify", "--json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["bad_seq"] == 1


def test_concurrent_writers_extend_one_chain(store: Store) -> None:
    """A server appends from request threads and job threads at once: every record must
    find its own place (the head is claimed before it is read), never the same seq."""

    def writer(w: int) -> None:
        for i in range(15):
            with store.engine.begin() as conn:
                audit.append(conn, "test.event", {"writer": w, "i": i})

    errors = at_once(6, writer)
    assert not errors, errors[:3]
    result = audit.verify(store)
    assert result.ok and result.records == 90 and result.head_seq == 90
