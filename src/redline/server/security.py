"""Who is calling and what they may do: API keys and three roles.

Viewers read (screen, search, look at alerts and lists), analysts also decide alerts and
run screenings, admins also manage lists and keys. A key is accepted in any of the
headers clients already send: ``Authorization: Bearer <key>``, ``Authorization: ApiKey
<key>`` (what yente clients send) or ``X-API-Key: <key>``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBearer
from starlette.concurrency import run_in_threadpool

from redline.server.problems import Problem
from redline.server.state import ServerState, current_state


class Role(StrEnum):
    """A key's role; each includes everything the roles before it may do."""

    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """Whether a key with this role may do what ``needed`` may."""
        return self.rank >= needed.rank


_RANK = {Role.viewer: 0, Role.analyst: 1, Role.admin: 2}


@dataclass(frozen=True)
class Principal:
    """The caller, as its key says: the key's id, name (recorded as the user in the
    audit log) and role."""

    key_id: int
    name: str
    role: Role


# Declared so that the OpenAPI document shows how to authenticate; the header is parsed
# below, because yente's "ApiKey" scheme is none of OpenAPI's standard ones.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="`Authorization: Bearer <key>` (or `Authorization: ApiKey <key>`).",
)
_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="apiKey", description="`X-API-Key: <key>`."
)

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="redline"'}


def presented_key(request: Request) -> str | None:
    """The key a request carries, from whichever header it uses, or None.

    Two different keys in one request are refused rather than one of them picked: a
    client that sends both has a configuration error worth hearing about.
    """
    found: set[str] = set()
    header = request.headers.get("x-api-key")
    if header and header.strip():
        found.add(header.strip())
    auth = request.headers.get("authorization")
    if auth is not None:
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() not in ("bearer", "apikey") or not value.strip():
            raise Problem(
                401,
                "the Authorization header must read 'Bearer <key>' or 'ApiKey <key>'",
                kind="unauthorized",
                headers=_CHALLENGE,
            )
        found.add(value.strip())
    if len(found) > 1:
        raise Problem(
            401,
            "the request carries two different API keys (Authorization and X-API-Key); send one",
            kind="unauthorized",
            headers=_CHALLENGE,
        )
    return found.pop() if found else None


async def authenticate(request: Request, state: ServerState) -> Principal:
    """The caller of a request, or a 401 problem. A key verified in the last few
    seconds is answered from memory; otherwise the store is asked in a worker thread."""
    key = presented_key(request)
    if key is None:
        raise Problem(
            401,
            "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            kind="unauthorized",
            headers=_CHALLENGE,
        )
    known, record = state.remembered(key)
    if not known:
        record = await run_in_threadpool(state.authenticate, key)
    if record is None:
        raise Problem(401, "the API key is not valid", kind="unauthorized", headers=_CHALLENGE)
    if not record.active:
        raise Problem(
            401,
            f"the API key {record.prefix} was revoked",
            kind="unauthorized",
            headers=_CHALLENGE,
        )
    return Principal(record.id, record.name, Role(record.role))


def require(role: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting callers whose key has ``role`` or a higher one::

    principal: Annotated[Principal, Depends(require(Role.analyst))]
    """

    async def dependency(
        request: Request,
        state: Annotated[ServerState, Depends(current_state)],
        _b: Annotated[object, Depends(_bearer)] = None,
        _h: Annotated[object, Depends(_header)] = None,
    ) -> Principal:
        principal = await authenticate(request, state)
        if not principal.role.allows(role):
            raise Problem(
                403,
                f"this needs the {role.value} role; the key {principal.name!r} has "
                f"{principal.role.value}",
                kind="forbidden",
            )
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_{role.value}"
    return dependency
