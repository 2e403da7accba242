"""``/v1/audit``: verification for any key, the JSON-lines export for admins only, and
tampering caught through the API as ``redline audit verify`` catches it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from redline.screening import audit
from tests.server.conftest import LiveServer
from tests.server.test_portfolio import CUSTOMERS, import_file, rescreen


def _workflow(live: LiveServer) -> None:
    """Writes that leave audit records: an import, a run and its alerts."""
    with live.client("analyst") as client:
        assert import_file(client, CUSTOMERS).status_code == 200
        rescreen(client)


def test_verify_and_anchor(live_server: LiveServer) -> None:
    _workflow(live_server)
    with live_server.client("viewer") as client:
        result = client.get("/v1/audit/verify").json()
        assert result["ok"] is True and result["records"] >= 3
        assert result["bad_seq"] is None and result["problem"] is None
        anchor = f"{result['head_seq']}:{result['head_hash']}"
        assert client.get("/v1/audit/verify", params={"anchor": anchor}).json()["ok"] is True
        wrong = f"{result['head_seq']}:{'0' * 64}"
        refused = client.get("/v1/audit/verify", params={"anchor": wrong}).json()
        assert refused["ok"] is False and "anchor" in refused["problem"]
        assert client.get("/v1/audit/verify", params={"anchor": "12"}).status_code == 422


def test_export_is_for_admins_and_verifies_as_a_file(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _workflow(live_server)
    for role in ("viewer", "analyst"):
        with live_server.client(role) as client:
            assert client.get("/v1/audit/export").status_code == 403
    with live_server.client("admin") as client:
        head = client.get("/v1/audit/verify").json()
        response = client.get("/v1/audit/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    assert len(records) >= head["records"]
    assert {"portfolio.imported", "run.started", "api.rescreen"} <= {r["kind"] for r in records}
    saved = tmp_path / "audit.jsonl"
    saved.write_text(response.text, encoding="utf-8")
    checked = audit.verify_file(saved, anchor=f"{head['head_seq']}:{head['head_hash']}")
    assert checked.ok, checked.problem


def test_an_edited_record_is_named(live_server: LiveServer) -> None:
    _workflow(live_server)
    # Someone with the database file: the append-only triggers do not stop them.
    conn = sqlite3.connect(live_server.settings.home / "redline.db")
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        row = conn.execute(
            "SELECT seq, payload FROM audit_log WHERE kind = 'portfolio.imported'"
        ).fetchone()
        edited = row[1].replace('"new":7', '"new":6')
        assert edited != row[1]
        conn.execute("UPDATE audit_log SET payload = ? WHERE seq = ?", (edited, row[0]))
        conn.commit()
    finally:
        conn.close()
    with live_server.client("viewer") as client:
        result = client.get("/v1/audit/verify")
    assert result.status_code == 200
    body = result.json()
    assert body["ok"] is False and body["bad_seq"] == row[0]
    assert "edited" in body["problem"]
