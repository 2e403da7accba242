"""``/v1/portfolio``: import customers, read them back, re-screen what changed — with
the same outcome as the CLI, the errors it gives, roles and audit records."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from redline.store import open_store
from redline.store.audit import iter_records
from tests.server.conftest import LiveServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portfolio"
CUSTOMERS = FIXTURES / "customers.csv"


def import_file(client: httpx.Client, path: Path, **form: Any) -> httpx.Response:
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    return client.post("/v1/portfolio/import", files=files, data=form)


def rescreen(client: httpx.Client, **options: Any) -> dict[str, Any]:
    response = client.post("/v1/portfolio/rescreen", json=options)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def audit_kinds(live: LiveServer) -> list[tuple[str, dict[str, Any]]]:
    store = open_store(live.settings)
    try:
        return [(r.kind, r.payload) for r in iter_records(store)]
    finally:
        store.close()


def test_import_list_and_rescreen(live_server: LiveServer) -> None:
    with live_server.client("analyst") as client:
        response = import_file(client, CUSTOMERS)
        assert response.status_code == 200, response.text
        imported = response.json()
        assert (imported["new"], imported["changed"], imported["unchanged"]) == (7, 0, 0)
        assert imported["skipped_rows"] == [{"row": 8, "id": "C-8", "problem": "no name"}]
        assert imported["origin"] == "customers.csv (uploaded by analyst)"

        again = import_file(client, CUSTOMERS).json()
        assert (again["new"], again["unchanged"]) == (0, 7)

        page = client.get("/v1/portfolio/customers", params={"limit": 3}).json()
        assert page["total"] == 7 and len(page["customers"]) == 3
        assert [c["id"] for c in page["customers"]] == ["C-1", "C-2", "C-3"]
        assert page["status"]["due"] is True and page["status"]["baseline_run"] is None
        rest = client.get("/v1/portfolio/customers", params={"offset": 3}).json()
        assert [c["id"] for c in rest["customers"]] == ["C-4", "C-5", "C-6", "C-7"]

        first = rescreen(client)
        assert first["baseline_run"] is None and first["customers_screened"] == 7
        assert (
            first["alerts"]["raised"] >= 2 and len(first["alert_ids"]) == first["alerts"]["raised"]
        )
        quiet = rescreen(client)
        assert quiet["baseline_run"] == first["run"]
        assert quiet["alerts"]["raised"] == 0 and quiet["customers_screened"] == 0

        one = client.get("/v1/portfolio/customers/C-2").json()
        assert one["caption"] == "Ghassem Damavandian" and one["schema"] == "Person"
        assert one["properties"]["birthDate"] == ["1968-05-02"]
        assert one["alerts"] and one["alerts"][0]["source"] == "us-ofac-sdn"
        status = client.get("/v1/portfolio/customers", params={"limit": 1}).json()["status"]
        assert status["due"] is False and status["baseline_run"] == quiet["run"]

    kinds = audit_kinds(live_server)
    imports = [p for k, p in kinds if k == "portfolio.imported"]
    assert imports[0]["origin"] == "customers.csv (uploaded by analyst)"
    requested = [p for k, p in kinds if k == "api.rescreen"]
    assert [p["run"] for p in requested] == [first["run"], quiet["run"]]
    assert {p["user"] for p in requested} == {"analyst"}
    assert [k for k, _ in kinds].count("run.finished") == 2


def test_a_rescreen_can_go_on_after_the_answer(live_server: LiveServer) -> None:
    with live_server.client("analyst") as client:
        empty = client.post("/v1/portfolio/rescreen", json={"wait": False})
        assert empty.status_code == 409 and "empty" in empty.json()["detail"]
        assert import_file(client, CUSTOMERS).status_code == 200
        started = client.post("/v1/portfolio/rescreen", json={"wait": False})
        assert started.status_code == 202, started.text
        body = started.json()
        assert body["status"] == "running"
        assert body["status_url"] == f"/v1/portfolio/runs/{body['run']}"
    with live_server.client("viewer") as client:
        deadline = time.monotonic() + 120
        while True:
            state = client.get(body["status_url"]).json()
            if state["status"] != "running" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert state["status"] == "done", state
        assert state["counts"]["customers_screened"] == 7
        assert state["counts"]["alerts"]["raised"] >= 2
        listed = client.get("/v1/portfolio/runs", params={"limit": 5}).json()
        assert [r["id"] for r in listed] == [body["run"]]
        assert client.get("/v1/portfolio/runs/999999").status_code == 404
    requested = [p for k, p in audit_kinds(live_server) if k == "api.rescreen"]
    assert requested == [
        {"run": body["run"], "user": "analyst", "key": requested[0]["key"], "wait": False}
    ]


def test_a_customer_id_with_slashes_is_fetched_by_path(
    live_server: LiveServer, tmp_path: Path
) -> None:
    source = tmp_path / "accounts.csv"
    source.write_text("customer_id,name\nACC/2024/17,Harbour View Bakery Ltd\n", "utf-8")
    with live_server.client("analyst") as client:
        assert import_file(client, source).status_code == 200
        for path in ("ACC/2024/17", "ACC%2F2024%2F17"):
            response = client.get(f"/v1/portfolio/customers/{path}")
            assert response.status_code == 200, response.text
            assert response.json()["id"] == "ACC/2024/17"
        missing = client.get("/v1/portfolio/customers/ACC/2024/18")
        assert missing.status_code == 404


def test_a_customer_file_without_an_extension_is_read_by_its_content(
    live_server: LiveServer,
) -> None:
    with live_server.client("analyst") as client:
        files = {"file": ("export", CUSTOMERS.read_bytes())}
        response = client.post("/v1/portfolio/import", files=files)
        assert response.status_code == 200, response.text
        assert response.json()["new"] == 7


def test_bad_imports_say_what_is_wrong(live_server: LiveServer, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("customer_id,name\nC-1,José Müller\n".encode("latin-1"))
    no_ids = tmp_path / "no_ids.csv"
    no_ids.write_text("code,name\nA-1,Alpha Trading\n", encoding="utf-8")
    home = str(live_server.settings.home)
    with live_server.client("analyst") as client:
        duplicate = import_file(client, FIXTURES / "duplicate_ids.csv")
        assert duplicate.status_code == 400
        detail = duplicate.json()["detail"]
        assert detail.startswith("duplicate_ids.csv")
        assert "'C-1'" in detail and "rows 1 and 3" in detail and home not in detail

        encoding = import_file(client, latin)
        assert encoding.status_code == 400
        assert encoding.json()["detail"].startswith("latin.csv (line 2): not valid UTF-8")

        missing = import_file(client, no_ids)
        assert missing.status_code == 400 and "no id column" in missing.json()["detail"]
        mapped = import_file(client, no_ids, map="id=code")
        assert mapped.status_code == 200 and mapped.json()["new"] == 1

        assert import_file(client, CUSTOMERS, map="colour=x").status_code == 422
        assert import_file(client, CUSTOMERS, schema="Cat").status_code == 422
        assert client.post("/v1/portfolio/import", data={"schema": "Person"}).status_code == 415
        nothing = client.post("/v1/portfolio/import", files={"other": ("x.csv", b"a")})
        assert nothing.status_code == 422
        # what was refused left nothing behind
        assert client.get("/v1/portfolio/customers").json()["total"] == 1
    assert not list((live_server.settings.home / "uploads").iterdir())


def test_rescreen_needs_customers_and_sane_options(live_server: LiveServer) -> None:
    with live_server.client("analyst") as client:
        empty = client.post("/v1/portfolio/rescreen", json={})
        assert empty.status_code == 409 and "portfolio is empty" in empty.json()["detail"]
        assert client.post("/v1/portfolio/rescreen", json={"threshold": 3}).status_code == 422
        assert client.post("/v1/portfolio/rescreen", json={"by": "x"}).status_code == 422
        import_file(client, CUSTOMERS)
        no_body = client.post("/v1/portfolio/rescreen")
        assert no_body.status_code == 200 and no_body.json()["customers_screened"] == 7
        full = rescreen(client, full=True, threshold=0.9, algorithm="redline-v1")
        assert full["customers_screened"] == 7 and full["alerts"]["raised"] == 0


def test_roles(live_server: LiveServer) -> None:
    with live_server.client("viewer") as client:
        assert import_file(client, CUSTOMERS).status_code == 403
        assert client.post("/v1/portfolio/rescreen", json={}).status_code == 403
        assert client.get("/v1/portfolio/customers").status_code == 200
        missing = client.get("/v1/portfolio/customers/NOPE")
        assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]
    with live_server.client(None) as client:
        assert client.get("/v1/portfolio/customers").status_code == 401


def test_a_run_its_stopped_server_left_running_is_closed_at_start(
    server_settings: Any, api_keys: dict[str, str]
) -> None:
    import socket

    from redline.store import portfolio as runs_db
    from tests.server.conftest import serving

    store = open_store(server_settings)
    try:
        with store.engine.begin() as conn:
            # pid 0 is never a process of ours: the server that ran this run has gone
            stale = runs_db.start_run(
                conn, "rescreen", 0, {}, {"runner": {"host": socket.gethostname(), "pid": 0}}
            )
    finally:
        store.close()
    with serving(server_settings, api_keys) as live, live.client("viewer") as client:
        state = client.get(f"/v1/portfolio/runs/{stale}").json()
        assert state["status"] == "failed"
        assert state["counts"]["error"].startswith("abandoned")
    assert ("run.failed", {"run": stale, "error": state["counts"]["error"]}) in audit_kinds(live)
