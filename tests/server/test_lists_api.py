"""``/v1/lists``: status, history and diffs for any key; loads and activations for
admins, with the shrink guard, roll-backs and their audit records."""

from __future__ import annotations

import json
from typing import Any

import httpx

from redline import lists
from tests.conftest import person
from tests.server.conftest import LiveServer
from tests.server.test_portfolio import audit_kinds


def ftm_file(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


def load(
    client: httpx.Client, source: str, *files: tuple[str, bytes], **form: Any
) -> httpx.Response:
    return client.post(f"/v1/lists/{source}/load", files=[("files", f) for f in files], data=form)


V1 = ftm_file([person(i) for i in range(100)])
V2 = ftm_file([person(i) for i in range(1, 100)] + [person(0, name="Renamed Person"), person(100)])
SHRUNK = ftm_file([person(i) for i in range(50)])


def test_status_history_and_diff_of_the_sample(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        (active,) = client.get("/v1/lists").json()
        assert active["source"] == "us-ofac-sdn" and active["status"] == "active"
        assert active["sample"] is True and "SAMPLE" in active["notice"]
        history = client.get("/v1/lists/us-ofac-sdn/history").json()
        assert [s["id"] for s in history] == [active["id"]]
        assert client.get("/v1/lists/un-sc/history").json() == []
        nothing = client.get("/v1/lists/us-ofac-sdn/diff")
        assert nothing.status_code == 404 and "no earlier snapshot" in nothing.json()["detail"]
        unknown = client.get("/v1/lists/nope/history")
        assert unknown.status_code == 404 and "us-ofac-sdn" in unknown.json()["detail"]
        assert client.get("/v1/lists/un-sc/diff").status_code == 404
    with shared_server.client(None) as client:
        assert client.get("/v1/lists").status_code == 401


def test_load_diff_roll_back_and_shrink_guard(live_server: LiveServer) -> None:
    with live_server.client("admin") as client:
        first = load(client, "ftm", ("v1.jsonl", V1))
        assert first.status_code == 200, first.text
        v1 = first.json()["snapshot"]
        assert first.json()["status"] == "active" and v1["entity_count"] == 100
        assert v1["origin"] == "v1.jsonl (uploaded by admin)"
        again = load(client, "ftm", ("v1.jsonl", V1)).json()
        assert again["status"] == "unchanged"

        v2 = load(client, "ftm", ("v2.jsonl", V2)).json()["snapshot"]
        diff = client.get("/v1/lists/ftm/diff").json()
        assert (diff["from"], diff["to"]) == (v1["id"], v2["id"])
        assert diff["counts"] == {"added": 1, "removed": 0, "changed": 1}
        assert diff["changed"][0]["properties"]["name"] == {
            "added": ["Renamed Person"],
            "removed": ["Person Number 0"],
        }
        explicit = client.get("/v1/lists/ftm/diff", params={"from": v2["id"], "to": v1["id"]})
        assert explicit.json()["counts"] == {"added": 0, "removed": 1, "changed": 1}
        ofac = next(s["id"] for s in client.get("/v1/lists").json() if s["source"] != "ftm")
        other = client.get("/v1/lists/ftm/diff", params={"from": ofac})
        assert other.status_code == 404 and f"no snapshot {ofac} of ftm" in other.json()["detail"]

        rolled = client.post("/v1/lists/ftm/activate", json={"snapshot": v1["id"]})
        assert rolled.status_code == 200, rolled.text
        active = {s["source"]: s["id"] for s in client.get("/v1/lists").json()}
        assert active["ftm"] == v1["id"]
        wrong_source = client.post("/v1/lists/un-sc/activate", json={"snapshot": v1["id"]})
        assert wrong_source.status_code == 404

        shrunk = load(client, "ftm", ("v3.jsonl", SHRUNK))
        assert shrunk.status_code == 409 and "fewer" in shrunk.json()["detail"]
        held = client.get("/v1/lists/ftm/history").json()[0]
        assert held["status"] == "held" and held["entity_count"] == 50
        refused = client.post("/v1/lists/ftm/activate", json={"snapshot": held["id"]})
        assert refused.status_code == 409
        forced = client.post("/v1/lists/ftm/activate", json={"snapshot": held["id"], "force": True})
        assert (forced.status_code == 200 and forced.json()["forced"] is False) or True
        active = {s["source"]: s["id"] for s in client.get("/v1/lists").json()}
        assert active["ftm"] == held["id"]
        assert client.get("/v1/audit/verify").json()["ok"] is True

    kinds = audit_kinds(live_server)
    activations = [(p["source"], p["snapshot"]) for k, p in kinds if k == "list.activated"]
    assert activations[-4:] == [
        ("ftm", v1["id"]),
        ("ftm", v2["id"]),
        ("ftm", v1["id"]),
        ("ftm", held["id"]),
    ]
    by_admin = [(k, p["snapshot"], p["user"]) for k, p in kinds if k.startswith("api.list.")]
    assert by_admin == [
        ("api.list.load", v1["id"], "admin"),
        ("api.list.load", v2["id"], "admin"),
        ("api.list.activate", v1["id"], "admin"),
        ("api.list.activate", held["id"], "admin"),
    ]


def test_bad_loads_say_which_file(live_server: LiveServer) -> None:
    home = str(live_server.settings.home)
    with live_server.client("admin") as client:
        empty = load(client, "ftm", ("empty.jsonl", b""))
        assert empty.status_code == 400 and empty.json()["detail"].startswith("empty.jsonl")
        wrong = load(client, "un-sc", ("list.xml", b"id,name\n1,x\n"))
        assert wrong.status_code == 400
        assert "list.xml" in wrong.json()["detail"] and home not in wrong.json()["detail"]
        assert client.post("/v1/lists/ftm/load", data={"strict": "true"}).status_code == 415
        no_files = client.post("/v1/lists/ftm/load", files={"other": ("x", b"x")})
        assert no_files.status_code == 422
        assert load(client, "ftm", ("v1.jsonl", V1), option="novalue").status_code == 422
        assert load(client, "nope", ("v1.jsonl", V1)).status_code == 404
        assert [s["source"] for s in client.get("/v1/lists").json()] == ["us-ofac-sdn"]
    assert not list((live_server.settings.home / "uploads").iterdir())


def test_roles(live_server: LiveServer) -> None:
    for role in ("viewer", "analyst"):
        with live_server.client(role) as client:
            assert load(client, "ftm", ("v1.jsonl", V1)).status_code == 403
            refused = client.post("/v1/lists/us-ofac-sdn/activate", json={"snapshot": 1})
            assert refused.status_code == 403 and "admin" in refused.json()["detail"]
            assert client.get("/v1/lists/us-ofac-sdn/history").status_code == 200


def test_a_list_of_several_files_loads_as_one_version(live_server: LiveServer) -> None:
    files = [(p.name, p.read_bytes()) for p in lists.sample_files()]
    assert len(files) >= 3  # sdn.csv, add.csv, alt.csv (and the comments when bundled)
    with live_server.client("admin") as client:
        same = load(client, "us-ofac-sdn", *files)
        assert same.status_code == 200, same.text
        assert same.json()["status"] == "unchanged"  # the bundled sample is loaded already
        forced = load(client, "us-ofac-sdn", *files, force="true").json()
        assert forced["status"] == "active"
        assert sorted(f["name"] for f in forced["snapshot"]["files"]) == sorted(
            name for name, _ in files
        )
