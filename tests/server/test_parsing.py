"""Property tests of what the server parses from requests: query entities and keys."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from redline.schema import SCHEMATA
from redline.server.problems import Problem
from redline.server.security import presented_key
from redline.server.yente import build_query

_PROPS = ["name", "alias", "birthDate", "nationality", "imoNumber", "owner", "nmae", ""]
_VALUES = st.one_of(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=3))


@given(
    schema=st.one_of(st.sampled_from(sorted(SCHEMATA)), st.text(max_size=12)),
    props=st.dictionaries(st.sampled_from(_PROPS), _VALUES, max_size=5),
)
def test_build_query_reads_or_refuses(schema: str, props: dict[str, Any]) -> None:
    try:
        entity, ignored = build_query("q", schema, props)
    except ValueError as exc:
        assert str(exc)
        return
    assert entity.schema == schema
    for prop in entity.properties:
        assert prop in props and prop not in ignored
    assert set(ignored) <= set(props)


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


_HEADER = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


@given(auth=st.one_of(st.none(), _HEADER), api_key=st.one_of(st.none(), _HEADER))
def test_presented_key_reads_or_refuses(auth: str | None, api_key: str | None) -> None:
    headers = {}
    if auth is not None:
        headers["Authorization"] = auth
    if api_key is not None:
        headers["X-API-Key"] = api_key
    try:
        key = presented_key(_request(headers))
    except Problem as problem:
        assert problem.status == 401
        return
    if key is not None:
        assert key == key.strip() and key
        assert key in (api_key or "") or key in (auth or "")
