"""``/v1/alerts``: list and read alerts, decide them as the key's owner, and find the
decision in the alert, in the audit log and in its verification."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.server.conftest import LiveServer
from tests.server.test_portfolio import CUSTOMERS, FIXTURES, audit_kinds, import_file, rescreen


@pytest.fixture
def alerted(live_server: LiveServer) -> LiveServer:
    """The live server with the test portfolio imported and screened once."""
    with live_server.client("analyst") as client:
        assert import_file(client, CUSTOMERS).status_code == 200
        assert rescreen(client)["alerts"]["raised"] >= 2
    return live_server


def alerts_of(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/alerts", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_list_page_and_read(alerted: LiveServer) -> None:
    with alerted.client("viewer") as client:
        every = alerts_of(client)
        assert every and [a["id"] for a in every] == sorted((a["id"] for a in every), reverse=True)
        assert {a["status"] for a in every} <= {"open", "auto_discounted"}
        assert alerts_of(client, limit=1, offset=1) == every[1:2]
        mine = alerts_of(client, customer="C-2")
        assert mine and {a["customer_id"] for a in mine} == {"C-2"}
        assert alerts_of(client, status="true_match") == []
        assert client.get("/v1/alerts", params={"status": "maybe"}).status_code == 422

        detail = client.get(f"/v1/alerts/{every[0]['id']}").json()
        assert detail["decisions"] == [] and detail["history"] == []
        assert detail["customer"]["id"] == detail["customer_id"]
        assert detail["explanation"]["query_name"]
        missing = client.get("/v1/alerts/999999")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


def test_a_decision_is_recorded_under_the_key_name(alerted: LiveServer) -> None:
    with alerted.client("analyst") as client:
        alert = alerts_of(client, customer="C-2")[0]
        decided = client.post(
            f"/v1/alerts/{alert['id']}/decision",
            json={"decision": "false_positive", "reason": "different birth year"},
        )
        assert decided.status_code == 200, decided.text
        body = decided.json()
        assert body["alert"]["status"] == "false_positive"
        assert body["decision"]["user"] == "analyst"
        assert body["decision"]["previous_status"] == alert["status"]

        escalated = client.post(
            f"/v1/alerts/{alert['id']}/decision",
            json={"decision": "escalate", "reason": "second look"},
        )
        assert escalated.json()["alert"]["status"] == "escalated"

    with alerted.client("viewer") as client:
        detail = client.get(f"/v1/alerts/{alert['id']}").json()
        verified = client.get("/v1/audit/verify").json()
    assert detail["status"] == "escalated"
    assert [(d["decision"], d["user"], d["reason"]) for d in detail["decisions"]] == [
        ("false_positive", "analyst", "different birth year"),
        ("escalated", "analyst", "second look"),
    ]
    assert verified["ok"] is True
    decided_records = [p for k, p in audit_kinds(alerted) if k == "alert.decided"]
    assert [(p["alert"], p["user"], p["status"]) for p in decided_records] == [
        (alert["id"], "analyst", "false_positive"),
        (alert["id"], "analyst", "escalated"),
    ]
    assert verified["records"] == len(audit_kinds(alerted))


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "maybe", "reason": "x"},
        {"decision": "true_match", "reason": ""},
        {"decision": "true_match", "reason": "   "},
        {"decision": "true_match"},
        {"decision": "true_match", "reason": "x", "user": "someone else"},
        {"decision": "true_match", "reason": "x", "by": "someone else"},
    ],
)
def test_bad_decisions_are_refused(alerted: LiveServer, body: dict[str, Any]) -> None:
    with alerted.client("analyst") as client:
        alert = alerts_of(client)[0]
        response = client.post(f"/v1/alerts/{alert['id']}/decision", json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert client.get(f"/v1/alerts/{alert['id']}").json()["decisions"] == []


def test_roles(alerted: LiveServer) -> None:
    body = {"decision": "true_match", "reason": "same person"}
    with alerted.client("viewer") as client:
        alert = alerts_of(client)[0]
        refused = client.post(f"/v1/alerts/{alert['id']}/decision", json=body)
        assert refused.status_code == 403 and "analyst" in refused.json()["detail"]
    with alerted.client(None) as client:
        assert client.get("/v1/alerts").status_code == 401
        assert client.post(f"/v1/alerts/{alert['id']}/decision", json=body).status_code == 401
    with alerted.client("admin") as client:
        made = client.post(f"/v1/alerts/{alert['id']}/decision", json=body).json()
        assert made["decision"]["user"] == "admin"
        assert client.post("/v1/alerts/999999/decision", json=body).status_code == 404


def test_a_superseded_alert_cannot_be_decided_and_the_new_one_shows_changes(
    live_server: LiveServer,
) -> None:
    watch_v1, watch_v2 = FIXTURES / "watchlist_v1.csv", FIXTURES / "watchlist_v2.csv"
    with live_server.client("admin") as client:
        assert import_file(client, CUSTOMERS).status_code == 200
        rescreen(client)
        for version in (watch_v1, watch_v2):
            loaded = client.post(
                "/v1/lists/csv/load", files={"files": (version.name, version.read_bytes())}
            )
            assert loaded.status_code == 200, loaded.text
            rescreen(client)
        current = alerts_of(client, entity="csv-W1")
        assert len(current) == 1 and current[0]["previous_id"] is not None
        old = current[0]["previous_id"]
        stale = client.post(
            f"/v1/alerts/{old}/decision", json={"decision": "true_match", "reason": "x"}
        )
        assert stale.status_code == 409 and f"alert {current[0]['id']}" in stale.json()["detail"]
        detail = client.get(f"/v1/alerts/{current[0]['id']}").json()
        with_old = alerts_of(client, entity="csv-W1", include_superseded="true")
    assert detail["history"] == [old]
    assert detail["changes"]["entity"]["birthDate"] == {
        "added": ["1985-03-14"],
        "removed": ["1985"],
    }
    assert {a["id"] for a in with_old} == {old, current[0]["id"]}
