"""Bad requests each get the right 4xx problem, and the server keeps serving after them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from redline.server import create_app
from redline.server.problems import ProblemModel
from tests.server.conftest import LiveServer, make_keys, settings_for, start_server, stop_server

GOOD = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ghassem Damavandian"]}}}}


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    ProblemModel.model_validate(body)
    assert body["status"] == status
    assert "Traceback" not in response.text
    return body


def _still_serving(client: httpx.Client) -> None:
    response = client.post("/match/default", json=GOOD)
    assert response.status_code == 200
    assert response.json()["responses"]["q"]["results"]


def test_every_bad_request(shared_server: LiveServer) -> None:
    json_headers = {"content-type": "application/json"}
    with shared_server.client("viewer") as client:
        cases: list[tuple[httpx.Response, int, str]] = [
            (
                client.post("/match/default", content=b'{"queries": ', headers=json_headers),
                400,
                "not valid JSON",
            ),
            (
                client.post("/match/default", content=b"\xff\xfe{}", headers=json_headers),
                400,
                "not valid UTF-8",
            ),
            (
                client.post(
                    "/match/default",
                    content=b'{"queries": {"q": {"schema": "Person", "properties": '
                    b'{"name": ["\xc3\x28"]}}}}',
                    headers=json_headers,
                ),
                400,
                "UTF-8",
            ),
            (client.post("/match/default", json={"nothing": 1}), 422, "queries"),
            (client.post("/match/default", json=[1, 2]), 422, "body"),
            (client.post("/match/default", json=GOOD, params={"limit": 0}), 422, "limit"),
            (client.post("/match/default", json=GOOD, params={"threshold": 2}), 422, "threshold"),
            (
                client.post("/match/default", json=GOOD, params={"changed_since": "yesterday"}),
                422,
                "changed_since",
            ),
            (
                client.post("/match/default", json=GOOD, params={"algorithm": "nope"}),
                422,
                "algorithm",
            ),
            (
                client.post("/match/default", content=b"x" * 2_000_000, headers=json_headers),
                413,
                "larger than the limit",
            ),
            (
                client.post(
                    "/match/default",
                    json={"queries": {f"q{i}": GOOD["queries"]["q"] for i in range(5000)}},
                ),
                413,
                "5,000 queries",
            ),
            (client.get("/search/default", params={"limit": -1}), 422, "limit"),
            (client.get("/no/such/route"), 404, "no route"),
            (client.delete("/catalog"), 405, "not allowed"),
            (client.get("/match/default"), 405, "not allowed"),
            (
                client.post(
                    "/match/default", content=b"queries=1", headers={"content-type": "text/plain"}
                ),
                422,
                "",
            ),
        ]
        for response, status, words in cases:
            body = _problem(response, status)
            assert words in str(body["detail"]), (status, body)
            _still_serving(client)
    malformed = cases[0][0].json()
    assert malformed["type"].endswith("malformed-json") and malformed["errors"]


def test_validation_problems_list_each_error(shared_server: LiveServer) -> None:
    bad = {"queries": {"a": {"properties": {}}, "b": {"schema": 5}}}
    with shared_server.client("viewer") as client:
        body = _problem(client.post("/match/default", json=bad), 422)
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) >= 2
    locations = {tuple(e["loc"][:3]) for e in errors}
    assert ("body", "queries", "a") in locations and ("body", "queries", "b") in locations


def _chunks(size: int) -> Iterator[bytes]:
    yield b'{"queries": {}, "pad": "'
    for _ in range(size // 65536):
        yield b"x" * 65536
    yield b'"}'


def test_streamed_body_without_length_is_cut_off(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        response = client.post(
            "/match/default",
            content=_chunks(3_000_000),
            headers={"content-type": "application/json"},
        )
        _problem(response, 413)
        _still_serving(client)


def test_too_many_queries_setting(tmp_path: Path, sample_home_template: Path) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(sample_home_template, home)
    settings = settings_for(home, api_max_queries=2, api_cors_origins="https://app.example")
    keys = make_keys(settings)
    app = create_app(settings)
    url, running = start_server(app)
    try:
        live = LiveServer(url, settings, app, keys)
        live.wait_ready()
        with live.client("viewer") as client:
            two = {"queries": {"a": GOOD["queries"]["q"], "b": GOOD["queries"]["q"]}}
            assert client.post("/match/default", json=two).status_code == 200
            three = {"queries": {**two["queries"], "c": GOOD["queries"]["q"]}}
            body = _problem(client.post("/match/default", json=three), 413)
            assert "limit is 2" in str(body["detail"])
            # CORS is on for the listed origin only
            allowed = client.options(
                "/match/default",
                headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
            )
            assert allowed.headers.get("access-control-allow-origin") == "https://app.example"
            other = client.get("/healthz", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        stop_server(running)


def test_cors_is_off_by_default(shared_server: LiveServer) -> None:
    with shared_server.client(None) as client:
        response = client.get("/healthz", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


@pytest.fixture
def slow_server(
    tmp_path: Path, sample_home_template: Path
) -> Iterator[tuple[LiveServer, threading.Event]]:
    """A server with a 0.2 s timeout and one extra route that blocks until released."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(sample_home_template, home)
    settings = settings_for(home, api_request_timeout=0.2)
    app = create_app(settings)
    release = threading.Event()

    @app.get("/test-slow")
    def slow() -> dict[str, str]:
        release.wait(30)
        return {"status": "late"}

    url, running = start_server(app)
    try:
        yield LiveServer(url, settings, app, make_keys(settings)), release
    finally:
        release.set()
        stop_server(running)


def test_timeout_is_a_503_problem(slow_server: tuple[LiveServer, threading.Event]) -> None:
    live, release = slow_server
    with live.client("viewer") as client:
        body = _problem(client.get("/test-slow"), 503)
        assert "abandoned" in str(body["detail"])
        release.set()
        live.wait_ready()
        _still_serving(client)


def test_readyz_is_503_without_lists(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "empty")
    app = create_app(settings)
    url, running = start_server(app)
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": make_keys(settings)["viewer"]}) as c:
            body = _problem(c.get("/readyz"), 503)
            assert "no lists" in str(body["detail"])
            assert c.get("/healthz").status_code == 200
            refused = _problem(c.post("/match/default", json=GOOD), 503)
            assert "lists load" in str(refused["detail"])
            catalog = c.get("/catalog").json()
            assert catalog["current"] == ["default"]
    finally:
        stop_server(running)


def test_json_output_is_json(shared_server: LiveServer) -> None:
    with shared_server.client("viewer") as client:
        text = client.post("/match/default", json=GOOD).text
    assert json.loads(text)["responses"]["q"]["status"] == 200
