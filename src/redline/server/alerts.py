"""``/v1/alerts``: review alerts and record decisions on them.

The HTTP form of ``redline alerts`` and ``redline decide``. The reviewer recorded with
a decision is the name of the API key that made the request, never a field of the
request: the audit log must say who really decided, not who someone typed in.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from redline.errors import ConfigError
from redline.screening import alerts as workflow
from redline.server.jobs import CONFLICT, MAX_ID
from redline.server.problems import PROBLEM_RESPONSES, Problem
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, get_state

router = APIRouter(prefix="/v1/alerts", tags=["alerts"], responses=PROBLEM_RESPONSES)

AlertStatus = Literal[
    "open", "true_match", "false_positive", "escalated", "auto_discounted", "delisted"
]


class Alert(BaseModel):
    """One alert: a customer × listed entity pair that matched, with what it was
    raised on (``redline alerts --json``)."""

    id: int = Field(examples=[12])
    run_id: int
    status: AlertStatus
    reason: str | None = Field(description="Why it is discounted, or the last decision's.")
    customer_id: str = Field(examples=["C-2"])
    customer_caption: str = Field(examples=["Ghassem Damavandian"])
    entity_id: str = Field(examples=["ofac-16418"])
    caption: str = Field(examples=["DAMAVANDIAN, Ghassem"])
    schema_: str = Field(alias="schema", examples=["Person"])
    source: str = Field(examples=["us-ofac-sdn"])
    snapshot_id: int
    score: float = Field(examples=[0.97])
    algorithm: str = Field(examples=["redline-v1"])
    explanation: dict[str, Any] = Field(
        description="query_name, matched_name and the features behind the score."
    )
    customer_hash: str
    entity_hash: str
    entity_version: str
    created_at: str
    updated_at: str
    previous_id: int | None = Field(description="The alert this one replaced.")
    superseded_by: int | None = Field(description="The alert that replaced this one.")
    changes: dict[str, Any] | None = Field(
        description="For a re-alert: the customer's and the entity's property changes."
    )

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Decision(BaseModel):
    """A decision as recorded: appended, never edited."""

    id: int
    alert_id: int
    decision: str = Field(examples=["false_positive"])
    reason: str = Field(examples=["different birth year"])
    user: str = Field(description="The name of the API key that decided.", examples=["alice"])
    decided_at: str
    previous_status: str


class AlertDetail(Alert):
    """An alert with its decisions (oldest first) and the alerts it replaced."""

    customer: dict[str, Any] = Field(description="The customer record it was raised on.")
    decisions: list[Decision]
    history: list[int] = Field(description="Ids of the alerts it replaced, newest first.")


class AlertPage(BaseModel):
    offset: int
    limit: int
    items: list[Alert]


class DecisionRequest(BaseModel):
    """A reviewer's decision; who decides is the API key's name."""

    decision: Literal["true_match", "false_positive", "escalate"]
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"decision": "false_positive", "reason": "different birth year"}]
        },
    )


class DecisionResult(BaseModel):
    alert: Alert
    decision: Decision


AlertId = Annotated[int, Path(ge=1, le=MAX_ID, description="The alert's id.")]


@router.get("", response_model=AlertPage, summary="List alerts")
def list_alerts(
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
    status: Annotated[AlertStatus | None, Query(description="Only this status.")] = None,
    customer: Annotated[str | None, Query(max_length=500, description="A customer id.")] = None,
    entity: Annotated[str | None, Query(max_length=500, description="A listed id.")] = None,
    include_superseded: Annotated[
        bool, Query(description="Also alerts replaced by a newer one.")
    ] = False,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AlertPage:
    """Alerts newest first: the current alert of each customer × entity pair.

    Example: curl -H "X-API-Key: $KEY" "http://127.0.0.1:8000/v1/alerts?status=open"
    """
    found = workflow.alerts(
        state.store,
        status=status,
        customer_id=customer,
        entity_id=entity,
        include_superseded=include_superseded,
        limit=offset + limit,
    )
    items = [Alert.model_validate(a.to_dict()) for a in found[offset:]]
    return AlertPage(offset=offset, limit=limit, items=items)


@router.get("/{alert_id}", response_model=AlertDetail, summary="One alert in full")
def get_alert(
    alert_id: AlertId,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
) -> AlertDetail:
    """An alert with its explanation, the changes behind a re-alert, its decisions and
    the alerts it replaced.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/alerts/12
    """
    return AlertDetail.model_validate(workflow.alert_detail(state.store, alert_id))


@router.post(
    "/{alert_id}/decision",
    response_model=DecisionResult,
    summary="Decide an alert",
    responses=CONFLICT,
)
def decide(
    alert_id: AlertId,
    body: DecisionRequest,
    principal: Annotated[Principal, Depends(require(Role.analyst))],
    state: Annotated[ServerState, Depends(get_state)],
) -> DecisionResult:
    """Record a decision (analysts): true_match, false_positive or escalate, with a
    reason. It is appended to the alert's decisions and to the audit log under the API
    key's name. A superseded alert cannot be decided (409): decide the one that
    replaced it.

    Example: curl -H "X-API-Key: $KEY" -H "Content-Type: application/json"
    -d '{"decision": "false_positive", "reason": "different birth year"}'
    http://127.0.0.1:8000/v1/alerts/12/decision
    """
    try:
        updated, made = workflow.decide(
            state.store, alert_id, body.decision, reason=body.reason, user=principal.name
        )
    except ConfigError as exc:  # superseded: the alert's state, not the request, is wrong
        raise Problem(409, str(exc)) from None
    return DecisionResult(
        alert=Alert.model_validate(updated.to_dict()),
        decision=Decision.model_validate(made.to_dict()),
    )
