"""``/v1/portfolio``: import customers, read them back, re-screen what changed.

The HTTP form of ``redline portfolio import|list|rescreen``. An import is read and
stored within the request (it is one transaction, and its errors — a duplicate id, a
wrong encoding — belong in the answer). A re-screen also runs within the request: after
a list update it only screens the delta, which takes seconds even for a large
portfolio. A first or ``full`` re-screen of a large portfolio can outlast the request
timeout; it then keeps running to its end in the server, and its alerts appear as it
commits them — run such a one with the CLI.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from redline.errors import ConfigError, RedlineError
from redline.screening import delta
from redline.screening import portfolio as workflow
from redline.screening.alerts import alerts as list_alerts
from redline.server.jobs import (
    CONFLICT,
    UPLOAD_PROBLEMS,
    FileLock,
    keep_as,
    public_problem,
    record,
    upload_folder,
)
from redline.server.problems import PROBLEM_RESPONSES, Problem
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, get_state
from redline.server.uploads import (
    MAP_PROPERTY,
    SCHEMA_PROPERTY,
    ImportForm,
    customer_file_suffix,
    file_property,
    multipart_body,
    read_form,
    receive_upload,
    the_file,
)
from redline.store import portfolio as customers_db

log = logging.getLogger("redline.server")
router = APIRouter(
    prefix="/v1/portfolio",
    tags=["portfolio"],
    responses=PROBLEM_RESPONSES,
)


# -- models ------------------------------------------------------------------------------


class SkippedRow(BaseModel):
    row: int = Field(description="Row of the file (1 = first data row; lines for text).")
    id: str | None = Field(description="The row's customer id, if it had one.")
    problem: str = Field(examples=["no name"])


class ImportSummary(BaseModel):
    """What an import did (``redline portfolio import --json``)."""

    new: int
    changed: int
    unchanged: int
    skipped: int
    skipped_rows: list[SkippedRow]
    revision: int = Field(description="The portfolio revision this import made.")
    portfolio_size: int
    origin: str | None = Field(description="The file, and who uploaded it.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "new": 4,
                    "changed": 0,
                    "unchanged": 0,
                    "skipped": 0,
                    "skipped_rows": [],
                    "revision": 1,
                    "portfolio_size": 4,
                    "origin": "customers.csv (uploaded by alice)",
                }
            ]
        }
    )


class Customer(BaseModel):
    """A customer as stored: its id, schema, properties (FtM names) and revision."""

    id: str = Field(examples=["C-2"])
    schema_: str = Field(alias="schema", examples=["Person"])
    caption: str = Field(examples=["Ghassem Damavandian"])
    properties: dict[str, list[str]] = Field(
        examples=[{"name": ["Ghassem Damavandian"], "birthDate": ["1968-05-02"]}]
    )
    hash: str
    revision: int
    imported_at: str
    updated_at: str
    origin: str | None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class DueSource(BaseModel):
    source: str
    from_: int | None = Field(alias="from", description="Snapshot of the last run.")
    to: int = Field(description="The active snapshot.")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class RescreenDue(BaseModel):
    """Whether a re-screen is due, and why."""

    due: bool
    baseline_run: int | None = Field(description="The last finished run, if any.")
    sources: list[DueSource] = Field(description="Lists changed since that run.")
    customers_changed: int
    customers_total: int


class CustomerPage(BaseModel):
    """A page of the portfolio, in id order, and whether a re-screen is due."""

    total: int
    offset: int
    limit: int
    status: RescreenDue
    customers: list[Customer]


class CustomerAlert(BaseModel):
    id: int
    status: str
    score: float
    entity_id: str
    caption: str
    source: str
    created_at: str


class CustomerDetail(Customer):
    """A customer with its current alerts."""

    alerts: list[CustomerAlert]


class RescreenRequest(BaseModel):
    """Options of ``redline portfolio rescreen``."""

    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Lowest score that raises an alert."
    )
    limit: int = Field(default=10, ge=1, le=100, description="Most alerts per customer.")
    algorithm: Literal["redline-v1", "ofac"] | None = Field(
        default=None, description="Matching algorithm (default redline-v1)."
    )
    full: bool = Field(
        default=False, description="Screen everyone against everything, not the delta."
    )
    wait: bool = Field(
        default=True,
        description="false: answer 202 as soon as the run has started and let it go on "
        "(a full re-screen of a large portfolio outlasts a request); follow it at "
        "/v1/portfolio/runs/{run}.",
    )

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"threshold": 0.85, "full": False}]}
    )


class AlertCounts(BaseModel):
    raised: int
    realerted: int
    auto_discounted: int
    quiet: int


class RescreenStarted(BaseModel):
    """A re-screen that goes on after the answer (``"wait": false``)."""

    run: int = Field(description="The run's id.")
    status: Literal["running"] = "running"
    status_url: str = Field(description="GET it until its status is done or failed.")


class RunView(BaseModel):
    """A screening run as the store records it (``redline portfolio`` runs)."""

    id: int
    kind: str = Field(description="What ran: rescreen (the first run of a portfolio too).")
    status: Literal["running", "done", "failed"]
    started_at: str
    finished_at: str | None
    customer_revision: int
    snapshots: dict[str, dict[str, Any]]
    params: dict[str, Any]
    counts: dict[str, Any] = Field(
        description="When done, the summary a re-screen returns; when failed, the error."
    )


class RescreenSummary(BaseModel):
    """What a re-screen did (``redline portfolio rescreen --json``)."""

    run: int
    baseline_run: int | None
    customers_screened: int
    entities_changed: int
    entities_removed: int
    alerts_delisted: int
    pairs_scored: int
    hits: int
    alerts: AlertCounts
    alert_ids: list[int]
    index: dict[str, Any]
    seconds: dict[str, float]
    snapshots: dict[str, dict[str, Any]]


def _rescreen(
    state: ServerState, opts: RescreenRequest, on_start: Callable[[int], None] | None = None
) -> delta.RescreenResult:
    """One re-screen with the request's options, one at a time per home; no lists or
    an empty portfolio is the state's problem (409), not the request's."""
    with _one_rescreen(state.settings.home):
        try:
            return delta.rescreen(
                state.store,
                state.settings,
                threshold=opts.threshold,
                limit=opts.limit,
                algorithm=opts.algorithm,
                full=opts.full,
                on_start=on_start,
            )
        except ConfigError as exc:
            raise Problem(409, str(exc)) from None


def _start_rescreen(state: ServerState, principal: Principal, opts: RescreenRequest) -> int:
    """Run a re-screen in a thread of its own; its id once it is recorded, or the
    problem that kept it from starting (one already running, nothing to screen)."""
    started = threading.Event()
    outcome: dict[str, Any] = {}

    def on_start(run_id: int) -> None:
        record(
            state.store,
            "api.rescreen",
            {"run": run_id, "user": principal.name, "key": principal.key_id, "wait": False},
        )
        outcome["run"] = run_id
        started.set()

    def work() -> None:
        try:
            _rescreen(state, opts, on_start)
        except Problem as exc:
            outcome["error"] = exc
        except Exception:  # after the start, the run itself is recorded as failed
            log.exception("a background re-screen failed")
            outcome["error"] = Problem(500, "the re-screen failed; see the server log")
        finally:
            started.set()

    threading.Thread(target=work, name="rescreen", daemon=True).start()
    started.wait()
    if "run" in outcome:
        return int(outcome["run"])
    raise outcome["error"]


# -- routes ------------------------------------------------------------------------------

IMPORT_BODY = multipart_body(
    {
        "file": file_property(
            "Customers: CSV, TSV, XLSX, Parquet or JSON lines, with an id column."
        ),
        "schema": SCHEMA_PROPERTY,
        "map": MAP_PROPERTY,
    },
    required=["file"],
)


@router.post(
    "/import",
    response_model=ImportSummary,
    summary="Import customers from a file",
    openapi_extra=IMPORT_BODY,
    responses=UPLOAD_PROBLEMS,
)
async def import_customers(
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.analyst))],
    state: Annotated[ServerState, Depends(get_state)],
) -> ImportSummary:
    """Store customers under their own ids (analysts); importing again updates only the
    records that changed. Two rows with one id refuse the whole file (400, naming both
    rows); rows without a name are skipped and listed.

    Example: curl -H "X-API-Key: $KEY" -F file=@customers.csv -F "map=id=Client No"
    http://127.0.0.1:8000/v1/portfolio/import
    """
    settings = state.settings
    with upload_folder(settings) as folder:
        upload = await receive_upload(request, folder, max_bytes=settings.api_max_upload_bytes)
        uploaded = the_file(upload)
        form = read_form(ImportForm, upload.fields)
        suffix = customer_file_suffix(uploaded.filename, uploaded.head)
        if Path(uploaded.filename).suffix.lower() != suffix:
            uploaded.filename += suffix  # a name without a readable extension
        path = keep_as(uploaded, folder)
        origin = f"{uploaded.filename} (uploaded by {principal.name})"

        def run() -> workflow.ImportResult:
            source = workflow.read_customers(path, mapping=form.map, schema=form.schema_)
            return workflow.import_customers(
                state.store, source.rows(), origin=origin, sha256=source.sha256
            )

        try:
            result = await run_in_threadpool(run)
        except RedlineError as exc:
            raise public_problem(exc, folder) from None
    return ImportSummary.model_validate(result.to_dict())


@router.get("/customers", response_model=CustomerPage, summary="List customers")
def customers(
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> CustomerPage:
    """A page of customers in id order, and whether a re-screen is due (lists or
    customers changed since the last run).

    Example: curl -H "X-API-Key: $KEY" "http://127.0.0.1:8000/v1/portfolio/customers?limit=20"
    """
    rows = customers_db.list_customers(state.store, limit=limit, offset=offset)
    due = delta.due(state.store)
    return CustomerPage(
        total=due.customers_total,
        offset=offset,
        limit=limit,
        status=RescreenDue.model_validate(due.to_dict()),
        customers=[Customer.model_validate(c.to_dict()) for c in rows],
    )


# ``:path``: bank customer ids may hold a "/" ("ACC/2024/17"), sent as is or as %2F.
@router.get("/customers/{customer_id:path}", response_model=CustomerDetail, summary="One customer")
def customer(
    customer_id: str,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
) -> CustomerDetail:
    """A customer as stored, with its current alerts (newest first).

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/portfolio/customers/C-2
    """
    found = customers_db.get_customer(state.store, customer_id)
    current = list_alerts(state.store, customer_id=customer_id, limit=100)
    return CustomerDetail.model_validate(
        {
            **found.to_dict(),
            "alerts": [
                {
                    "id": a.id,
                    "status": a.status,
                    "score": round(a.score, 4),
                    "entity_id": a.entity_id,
                    "caption": a.caption,
                    "source": a.source,
                    "created_at": a.created_at,
                }
                for a in current
            ],
        }
    )


_RESCREEN = threading.Lock()


@contextmanager
def _one_rescreen(home: Path) -> Iterator[None]:
    """One re-screen at a time per home, across server processes: two at once would
    measure the same delta and race to raise its alerts."""
    lock = FileLock(home / "portfolio" / ".rescreen.lock")
    if not _RESCREEN.acquire(blocking=False):
        raise Problem(409, "a re-screen is already running; try again when it is done")
    try:
        if not lock.acquire():
            raise Problem(409, "a re-screen is already running in another server process or CLI")
        try:
            yield
        finally:
            lock.release()
    finally:
        _RESCREEN.release()


@router.post(
    "/rescreen",
    response_model=RescreenSummary,
    summary="Re-screen what changed",
    responses={
        202: {"model": RescreenStarted, "description": 'Started ("wait": false).'},
        **CONFLICT,
    },
)
def rescreen(
    principal: Annotated[Principal, Depends(require(Role.analyst))],
    state: Annotated[ServerState, Depends(get_state)],
    options: Annotated[RescreenRequest | None, Body()] = None,
) -> RescreenSummary | JSONResponse:
    """Screen the customers and list entries that changed since the last run (analysts)
    and raise only new alerts; runs within the request and returns the run summary, or
    with ``"wait": false`` answers 202 once the run has started.
    409 when the portfolio is empty, no list is loaded, or a re-screen is running.

    Example: curl -H "X-API-Key: $KEY" -H "Content-Type: application/json" -d '{}'
    http://127.0.0.1:8000/v1/portfolio/rescreen
    """
    opts = options or RescreenRequest()
    if not opts.wait:
        run_id = _start_rescreen(state, principal, opts)
        started = RescreenStarted(run=run_id, status_url=f"/v1/portfolio/runs/{run_id}")
        return JSONResponse(started.model_dump(), status_code=202)
    result = _rescreen(state, opts)
    record(
        state.store,
        "api.rescreen",
        {"run": result.run_id, "user": principal.name, "key": principal.key_id},
    )
    return RescreenSummary.model_validate(result.to_dict())


@router.get("/runs", response_model=list[RunView], summary="Screening runs, newest first")
def runs(
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[RunView]:
    """The newest runs first: status, the list snapshots and customer revision they
    covered, their parameters and counts.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/portfolio/runs?limit=5
    """
    return [
        RunView.model_validate(r.to_dict())
        for r in customers_db.list_runs(state.store, limit=limit)
    ]


@router.get("/runs/{run_id}", response_model=RunView, summary="One screening run")
def run(
    run_id: Annotated[int, PathParam(ge=1, le=2**62, description="The run's id.")],
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
) -> RunView:
    """A run's status (running, done, failed), and its counts once it is done: follow a
    re-screen started with ``"wait": false`` here.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/portfolio/runs/12
    """
    return RunView.model_validate(customers_db.get_run(state.store, run_id).to_dict())
