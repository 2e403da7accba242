"""The yente-compatible routes, over a real server: shapes, datasets, filters, relations."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from redline import lists
from redline.matching.algorithms import ALGORITHMS
from redline.server.models import (
    AlgorithmsResponse,
    CatalogResponse,
    EntityResponse,
    MatchResponse,
    SearchResponse,
)
from redline.server.yente import ALGORITHM_ALIASES, ALGORITHM_NAMES
from redline.store import open_store
from tests.server.conftest import LiveServer

DAMAVANDIAN = {"schema": "Person", "properties": {"name": ["Ghassem Damavandian"]}}
QODS = {"schema": "Company", "properties": {"name": ["Qods Aviation Industries"]}}


def _match(
    client: httpx.Client, queries: dict[str, Any], path: str = "/match/default", **params: Any
) -> dict[str, Any]:
    response = client.post(path, json={"queries": queries}, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    MatchResponse.model_validate(body)
    return body


def test_match_has_yentes_shape(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        body = _match(client, {"q1": DAMAVANDIAN, "q2": QODS})
    assert set(body) >= {"responses", "limit"} and body["limit"] == 5
    first = body["responses"]["q1"]
    assert first["status"] == 200
    assert first["total"] == {"value": len(first["results"]), "relation": "eq"}
    assert first["query"]["schema"] == "Person"
    top = first["results"][0]
    for key in (
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
        "score",
        "match",
        "explanations",
    ):
        assert key in top, key
    assert top["caption"] == "DAMAVANDIAN, Ghassem" and top["match"] is True
    assert top["datasets"] == ["us-ofac-sdn"] and top["target"] is True
    assert top["first_seen"] and top["last_change"] and top["last_seen"]
    name = top["explanations"]["name_match"]
    assert set(name) == {"score", "detail", "query", "candidate"}
    assert name["query"] == "Ghassem Damavandian"
    assert top["features"]["name_match"] == name["score"]
    assert body["responses"]["q2"]["results"][0]["caption"] == "QODS AVIATION INDUSTRIES"


def test_small_and_large_requests_answer_alike(shared_server: LiveServer) -> None:
    """A few queries are screened on the event loop, more in a worker thread: the
    answers are the same either way."""
    from redline.server.yente import INLINE_QUERIES

    many = {f"q{i}": DAMAVANDIAN if i % 2 else QODS for i in range(INLINE_QUERIES * 3)}
    with shared_server.client("viewer") as client:
        small = _match(client, {"a": DAMAVANDIAN, "b": QODS})
        large = _match(client, many)
    assert len(large["responses"]) == len(many)
    for name, query in many.items():
        expected = small["responses"]["a" if query is DAMAVANDIAN else "b"]["results"]
        got = large["responses"][name]["results"]
        assert [(r["id"], r["score"]) for r in got] == [(r["id"], r["score"]) for r in expected]


def test_match_parameters(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        wide = _match(client, {"q": QODS}, cutoff=0.0, limit=20)["responses"]["q"]["results"]
        assert len(wide) > 1
        assert [r["score"] for r in wide] == sorted((r["score"] for r in wide), reverse=True)
        assert all(r["score"] >= 0.0 for r in wide)
        one = _match(client, {"q": QODS}, limit=1)
        assert one["limit"] == 1 and len(one["responses"]["q"]["results"]) == 1
        top_id = wide[0]["id"]
        excluded = _match(client, {"q": QODS}, cutoff=0.0, limit=20, exclude_entity_ids=top_id)
        assert top_id not in [r["id"] for r in excluded["responses"]["q"]["results"]]
        no_le = _match(client, {"q": QODS}, cutoff=0.0, limit=20, exclude_schema="LegalEntity")
        assert all(r["schema"] != "LegalEntity" for r in no_le["responses"]["q"]["results"])
        # threshold marks matches; it does not drop results above the cutoff
        strict = _match(client, {"q": QODS}, threshold=1.0, cutoff=0.5)
        results = strict["responses"]["q"]["results"]
        assert results and all(r["match"] == (r["score"] >= 1.0) for r in results)
        future = _match(client, {"q": QODS}, changed_since="2999-01-01")
        assert future["responses"]["q"]["results"] == []
        past = _match(client, {"q": QODS}, changed_since="2000-01-01T00:00:00+00:00")
        assert past["responses"]["q"]["results"]
        sanction = _match(client, {"q": QODS}, topics="sanction")
        assert sanction["responses"]["q"]["results"]
        assert _match(client, {"q": QODS}, topics="crime.fraud")["responses"]["q"]["results"] == []


def test_algorithms_and_aliases(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        for name in ("best", "logic-v2", "redline-v1", "ofac"):
            body = _match(client, {"q": DAMAVANDIAN}, algorithm=name)
            assert body["algorithm"] == ("ofac" if name == "ofac" else "redline-v1")
            assert body["responses"]["q"]["results"][0]["algorithm"] == body["algorithm"]
        bad = client.post("/match/default", json={"queries": {}}, params={"algorithm": "nope"})
        assert bad.status_code == 422 and "algorithm" in bad.json()["detail"]
        described = AlgorithmsResponse.model_validate(client.get("/algorithms").json())
    assert described.default == described.best == "redline-v1"
    names = {a.name for a in described.algorithms}
    assert names == {"redline-v1", "ofac"}
    default = next(a for a in described.algorithms if a.name == "redline-v1")
    assert "logic-v2" in default.aliases and "name_match" in default.features
    assert set(ALGORITHMS) | set(ALGORITHM_ALIASES) == set(ALGORITHM_NAMES)


def test_unknown_schema_is_a_per_query_400(shared_server: LiveServer) -> None:
    queries = {
        "good": DAMAVANDIAN,
        "bad": {"schema": "Spaceship", "properties": {"name": ["x"]}},
        "relation": {"schema": "Ownership", "properties": {}},
        "typo": {"schema": "Person", "properties": {"name": "Ghassem Damavandian", "nmae": "x"}},
    }
    with shared_server.client("viewer") as client:
        body = _match(client, queries)["responses"]
    assert body["good"]["status"] == 200 and body["good"]["results"]
    assert body["bad"]["status"] == 400 and "unknown schema 'Spaceship'" in body["bad"]["detail"]
    assert body["relation"]["status"] == 400 and "relationship" in body["relation"]["detail"]
    assert body["typo"]["status"] == 200 and "nmae" in body["typo"]["detail"]
    assert body["typo"]["results"]
    nested = {"q": {"schema": "Person", "properties": {"name": [{"a": 1}]}}}
    with shared_server.client("viewer") as client:
        refused = client.post("/match/default", json={"queries": nested})
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["errors"][0]["loc"][:4] == ["body", "queries", "q", "properties"]


def test_datasets(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        for name in ("default", "sanctions", "us-ofac-sdn", "us_ofac_sdn"):
            body = _match(client, {"q": DAMAVANDIAN}, path=f"/match/{name}")
            assert body["responses"]["q"]["results"], name
        missing = client.post("/match/eu-fsf", json={"queries": {"q": DAMAVANDIAN}})
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert "us-ofac-sdn" in missing.json()["detail"]
        assert client.get("/search/nowhere", params={"q": "x"}).status_code == 404
        catalog = CatalogResponse.model_validate(client.get("/catalog").json())
    by_name = {d.name: d for d in catalog.datasets}
    assert set(by_name) == {"default", "us-ofac-sdn"}
    assert by_name["default"].children == ["us-ofac-sdn"]
    assert by_name["us-ofac-sdn"].entity_count == by_name["default"].entity_count == 219
    assert by_name["us-ofac-sdn"].sample and by_name["us-ofac-sdn"].content_hash
    assert "SAMPLE" in by_name["us-ofac-sdn"].title


def test_search(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        found = client.get("/search/default", params={"q": "qods aviation"})
        assert found.status_code == 200
        body = SearchResponse.model_validate(found.json())
        assert body.results[0].caption == "QODS AVIATION INDUSTRIES"
        assert body.facets["datasets"].values[0].name == "us-ofac-sdn"
        people = client.get("/search/default", params={"q": "qods aviation", "schema": "Person"})
        assert all(r["schema"] == "Person" for r in people.json()["results"])
        page1 = client.get("/search/default", params={"limit": 5}).json()
        page2 = client.get("/search/default", params={"limit": 5, "offset": 5}).json()
        assert page1["total"]["value"] == 219 and len(page1["results"]) == 5
        ids = [r["id"] for r in page1["results"] + page2["results"]]
        assert ids == sorted(ids) and len(set(ids)) == 10
        vessels = client.get("/search/us-ofac-sdn", params={"schema": "Vessel"}).json()
        counts = {v["name"]: v["count"] for v in vessels["facets"]["schema"]["values"]}
        assert set(counts) == {"Vessel"} and vessels["total"]["value"] == counts["Vessel"]
        bad = client.get("/search/default", params={"q": "x", "schema": "Nope"})
        assert bad.status_code == 422


def test_entities(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        found = client.get("/entities/ofac-16418")
        assert found.status_code == 200
        entity = EntityResponse.model_validate(found.json())
        assert entity.caption == "QODS AVIATION INDUSTRIES" and entity.datasets == ["us-ofac-sdn"]
        missing = client.get("/entities/no-such-thing")
        assert missing.status_code == 404
        assert missing.json()["detail"] == "no entity 'no-such-thing' in the active lists"


def test_health_needs_no_key(shared_server: LiveServer) -> None:
    with shared_server.client(None) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/readyz").json()["status"] == "ok"


def _write_ftm(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_new_lists_are_picked_up_with_relations(live_server: LiveServer, tmp_path: Path) -> None:
    rows = [
        {"id": "t-owner", "schema": "Person", "properties": {"name": ["Zebulon Quartermaine"]}},
        {"id": "t-firm", "schema": "Company", "properties": {"name": ["Quartermaine Shipping"]}},
        {
            "id": "t-own",
            "schema": "Ownership",
            "properties": {"owner": ["t-owner"], "asset": ["t-firm"], "percentage": ["60"]},
        },
    ]
    path = _write_ftm(tmp_path / "list.jsonl", rows)
    store = open_store(live_server.settings)
    try:
        lists.load(store, live_server.settings, "ftm", [path])
    finally:
        store.close()
    query = {"q": {"schema": "Person", "properties": {"name": ["Zebulon Quartermaine"]}}}
    with live_server.client("viewer") as client:
        deadline = time.monotonic() + 60
        while True:  # the server notices the activation and rebuilds in the background
            response = client.post("/match/ftm", json={"queries": query})
            if response.status_code == 200 and response.json()["responses"]["q"]["results"]:
                break
            assert time.monotonic() < deadline, response.text
            time.sleep(0.1)
        top = response.json()["responses"]["q"]["results"][0]
        assert top["id"] == "t-owner" and top["datasets"] == ["ftm"]
        owner = client.get("/entities/t-owner").json()
        links = owner["properties"]["ownershipOwner"]
        assert links[0]["schema"] == "Ownership"
        assert links[0]["properties"]["asset"][0]["caption"] == "Quartermaine Shipping"
        flat = client.get("/entities/t-owner", params={"nested": "false"}).json()
        assert "ownershipOwner" not in flat["properties"]
        catalog = client.get("/catalog").json()
        assert "ftm" in catalog["current"]
