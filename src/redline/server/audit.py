"""``/v1/audit``: check the hash-chained audit log and export it.

The HTTP form of ``redline audit verify|export``. Verifying is a read any key may do;
the export holds every record (customers, decisions, who made them), so it is for
admins, and it streams: a long log is never built in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from redline.screening import audit
from redline.server.problems import PROBLEM_RESPONSES
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, get_state
from redline.store import audit as chain

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=PROBLEM_RESPONSES)


class Verification(BaseModel):
    """The outcome of checking the chain (``redline audit verify --json``)."""

    ok: bool = Field(description="Whether every record links and hashes as written.")
    records: int = Field(description="Records checked.")
    head_seq: int = Field(description="The last good record; keep SEQ:HASH elsewhere.")
    head_hash: str
    bad_seq: int | None = Field(description="The first record that does not verify.")
    problem: str | None = Field(description="What is wrong with it.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": True,
                    "records": 41,
                    "head_seq": 41,
                    "head_hash": "3f5c" + "0" * 60,
                    "bad_seq": None,
                    "problem": None,
                }
            ]
        }
    )


@router.get("/verify", response_model=Verification, summary="Verify the audit log")
def verify(
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
    anchor: Annotated[
        str | None,
        Query(
            pattern=r"^\d+:[0-9a-fA-F]{64}$",
            description="SEQ:HASH printed by an earlier verify, kept elsewhere; must still hold.",
        ),
    ] = None,
) -> Verification:
    """Recompute the hash chain and name the first edited, inserted or deleted record.
    A log that does not verify is still a 200 answer, with `ok` false.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/audit/verify
    """
    return Verification.model_validate(audit.verify(state.store, anchor=anchor).to_dict())


@router.get(
    "/export",
    summary="Export the audit log as JSON lines",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One record per line: seq, time, kind, payload, prev_hash, hash.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
def export(
    principal: Annotated[Principal, Depends(require(Role.admin))],
    state: Annotated[ServerState, Depends(get_state)],
) -> StreamingResponse:
    """Every audit record, oldest first, as `redline audit export` writes them (admins);
    `redline audit verify --file` checks the download.

    Example: curl -H "X-API-Key: $KEY" -o audit.jsonl http://127.0.0.1:8000/v1/audit/export
    """

    def lines() -> Iterator[str]:
        for rec in chain.iter_records(state.store):
            yield json.dumps(rec.to_dict(), ensure_ascii=False) + "\n"

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'},
    )
