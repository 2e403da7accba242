"""API key management over HTTP, for admins: list, create and revoke keys.

The plaintext key is in the response to its creation and nowhere else. The audit log
records who created or revoked a key as the calling admin key's name.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from redline.server.models import KeyCreate, KeyCreated, KeyInfo
from redline.server.problems import problems
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, current_state
from redline.store.keys import create_key, list_keys, revoke_key

router = APIRouter(
    prefix="/v1/keys",
    tags=["keys"],
    responses=problems(400, 401, 403, 422, 500, 503),
)

Admin = Annotated[Principal, Depends(require(Role.admin))]
State = Annotated[ServerState, Depends(current_state)]


@router.get("", response_model=list[KeyInfo], summary="List API keys")
def list_api_keys(principal: Admin, state: State) -> list[KeyInfo]:
    """Every key, revoked ones included, oldest first (prefixes, never keys)."""
    return [KeyInfo(**key.to_dict()) for key in list_keys(state.store)]


@router.post("", response_model=KeyCreated, status_code=201, summary="Create an API key")
def create_api_key(body: KeyCreate, principal: Admin, state: State) -> KeyCreated:
    """A new key with a role. The response holds the key itself, shown this once."""
    record, key = create_key(state.store, body.name, body.role, created_by=principal.name)
    return KeyCreated(**record.to_dict(), key=key)


@router.delete(
    "/{prefix}",
    response_model=KeyInfo,
    responses=problems(404),
    summary="Revoke an API key",
)
def revoke_api_key(
    principal: Admin,
    state: State,
    prefix: Annotated[str, Path(description="The key's prefix, as listed (rl_ optional).")],
) -> KeyInfo:
    """Revoke a key for good. Other server processes stop accepting it within a few
    seconds (they trust a verified key for at most 5 s); this one at once."""
    record = revoke_key(state.store, prefix, revoked_by=principal.name)
    state.forget_keys()
    return KeyInfo(**record.to_dict())
