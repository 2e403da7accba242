"""API keys and roles: the store functions, the headers accepted, the HTTP key routes,
the CLI, and what the audit log records."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redline.errors import ConfigError, NotFoundError
from redline.server.security import Role
from redline.settings import Settings
from redline.store import Store
from redline.store import audit as chain
from redline.store.keys import (
    any_keys,
    create_key,
    digest_of,
    list_keys,
    prefix_of,
    revoke_key,
    verify_key,
)
from tests.conftest import run_cli
from tests.server.conftest import LiveServer

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ghassem Damavandian"]}}}}


def test_create_verify_revoke(store: Store) -> None:
    assert not any_keys(store)
    record, key = create_key(store, "kyc", "analyst", created_by="alice")
    assert key.startswith(f"rl_{record.prefix}_") and len(key) > 40
    assert any_keys(store)
    found = verify_key(store, key)
    assert found is not None and found.role == "analyst" and found.active
    assert verify_key(store, key + "x") is None
    assert verify_key(store, key.replace(record.prefix, "00000000")) is None
    assert verify_key(store, "not a key") is None
    revoked = revoke_key(store, "rl_" + record.prefix, revoked_by="bob")
    assert revoked.revoked_at is not None
    again = verify_key(store, key)
    assert again is not None and not again.active
    assert revoke_key(store, record.prefix, revoked_by="bob") == revoked  # idempotent
    assert not any_keys(store)
    with pytest.raises(NotFoundError):
        revoke_key(store, "ffffffff", revoked_by="bob")


def test_keys_are_stored_as_digests_and_audited(store: Store) -> None:
    record, key = create_key(store, "kyc", "viewer", created_by="alice")
    revoke_key(store, record.prefix, revoked_by="bob")
    with store.engine.connect() as conn:
        dump = "\n".join(
            " ".join(map(str, row)) for row in conn.exec_driver_sql("SELECT * FROM api_keys")
        )
    assert key not in dump and digest_of(key) in dump
    records = list(chain.iter_records(store))
    kinds = [(r.kind, r.payload["by"]) for r in records]
    assert kinds == [("key.created", "alice"), ("key.revoked", "bob")]
    assert all(key not in r.payload_text for r in records)
    assert chain.verify(store).ok


@pytest.mark.parametrize(
    ("name", "role", "by"),
    [("", "viewer", "a"), ("x" * 129, "viewer", "a"), ("k", "root", "a"), ("k", "viewer", " ")],
)
def test_bad_key_requests(store: Store, name: str, role: str, by: str) -> None:
    with pytest.raises(ConfigError):
        create_key(store, name, role, created_by=by)


@given(st.text(max_size=80))
def test_prefix_of_never_fails(text: str) -> None:
    prefix = prefix_of(text)
    assert prefix is None or (len(prefix) == 8 and text.startswith(f"rl_{prefix}_"))


def test_role_order() -> None:
    assert Role.admin.allows(Role.analyst) and Role.analyst.allows(Role.viewer)
    assert not Role.viewer.allows(Role.analyst) and not Role.analyst.allows(Role.admin)


def _post(url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(url + "/match/default", json=QUERY, headers=headers, timeout=30)


def test_headers_and_failures(shared_server: LiveServer) -> None:
    key = shared_server.keys["viewer"]
    url = shared_server.url
    for headers in (
        {"Authorization": f"Bearer {key}"},
        {"Authorization": f"ApiKey {key}"},
        {"authorization": f"bearer {key}"},
        {"X-API-Key": key},
    ):
        assert _post(url, headers).status_code == 200, headers
    for headers, words in (
        ({}, "API key is required"),
        ({"Authorization": f"Basic {key}"}, "must read 'Bearer <key>'"),
        ({"Authorization": f"Bearer {key}", "X-API-Key": key + "x"}, "two different API keys"),
        ({"X-API-Key": "rl_00000000_wrong"}, "not valid"),
        ({"X-API-Key": key[:-2]}, "not valid"),
        ({"Authorization": "Bearer nonsense"}, "not valid"),
    ):
        response = _post(url, headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"] == "application/problem+json"
        assert words in response.json()["detail"]
    assert httpx.get(url + "/healthz").status_code == 200


def test_roles(live_server: LiveServer) -> None:
    for role in ("viewer", "analyst", "admin"):
        with live_server.client(role) as client:
            assert client.post("/match/default", json=QUERY).status_code == 200
            assert client.get("/catalog").status_code == 200
            listing = client.get("/v1/keys")
            assert listing.status_code == (200 if role == "admin" else 403), role
            if role != "admin":
                problem = listing.json()
                assert problem["status"] == 403 and "admin role" in problem["detail"]


def test_key_routes_and_revocation(live_server: LiveServer) -> None:
    with live_server.client("admin") as admin:
        created = admin.post("/v1/keys", json={"name": "batch job", "role": "analyst"})
        assert created.status_code == 201
        new = created.json()
        assert new["key"].startswith("rl_") and new["created_by"] == "admin"
        listing = admin.get("/v1/keys").json()
        assert [k["name"] for k in listing] == ["viewer", "analyst", "admin", "batch job"]
        assert all("key" not in k for k in listing)
        with httpx.Client(base_url=live_server.url, headers={"X-API-Key": new["key"]}) as user:
            assert user.post("/match/default", json=QUERY).status_code == 200
            gone = admin.delete(f"/v1/keys/{new['prefix']}")
            assert gone.status_code == 200 and gone.json()["active"] is False
            # revoked through this process: refused at once, not after the cache window
            refused = user.post("/match/default", json=QUERY)
            assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
        assert admin.delete("/v1/keys/ffffffff").status_code == 404
        assert admin.post("/v1/keys", json={"name": "x", "role": "root"}).status_code == 422
        assert admin.post("/v1/keys", json={"name": ""}).status_code == 422
    with live_server.client("analyst") as analyst:
        assert analyst.post("/v1/keys", json={"name": "x"}).status_code == 403


def test_revocation_by_another_process_takes_effect(live_server: LiveServer) -> None:
    """A key revoked elsewhere (the CLI) is refused once this process's cache lapses;
    the test clears the cache instead of waiting for it."""
    with live_server.client("viewer") as viewer:
        assert viewer.post("/match/default", json=QUERY).status_code == 200
        out = run_cli(live_server.settings.home, "keys", "revoke", live_server.keys["viewer"][:11])
        assert out.returncode == 0, out.stderr
        live_server.app.state.redline.forget_keys()
        assert viewer.post("/match/default", json=QUERY).status_code == 401


def test_keys_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    created = run_cli(home, "keys", "create", "kyc", "--role", "analyst", "--by", "alice")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("rl_") and "cannot be shown again" in created.stderr
    listed = json.loads(run_cli(home, "keys", "list", "--json").stdout)
    assert listed[0]["name"] == "kyc" and listed[0]["created_by"] == "alice"
    assert key not in run_cli(home, "keys", "list").stdout
    as_json = json.loads(run_cli(home, "keys", "create", "ops", "--json").stdout)
    assert as_json["role"] == "viewer" and as_json["key"].startswith("rl_")
    prefix = listed[0]["prefix"]
    revoked = run_cli(home, "keys", "revoke", prefix)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    bad = run_cli(home, "keys", "create", "x", "--role", "root")
    assert bad.returncode == 1 and "unknown role" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli(home, "keys", "revoke", "00000000")
    assert missing.returncode == 1 and "no API key" in missing.stderr
    store_settings = Settings(home=home)
    from redline.store import open_store

    db = open_store(store_settings)
    try:
        assert [k.name for k in list_keys(db) if k.active] == ["ops"]
    finally:
        db.close()
