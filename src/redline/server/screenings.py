"""``/v1/screenings``: upload a customer file, follow its screening, download the results.

The HTTP form of ``redline screen FILE``: the upload is stored and answered with 202 and
the job's URL at once; the screening runs in the background (:mod:`.jobs`), and the
results are the files ``redline screen`` writes (CSV, XLSX or JSON lines, and the HTML
report), available once the job is done.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from redline.server.jobs import (
    CONFLICT,
    JOB_ID_PATTERN,
    MEDIA_TYPES,
    UPLOAD_PROBLEMS,
    JobRecord,
    JobRunner,
    JobStatus,
    ResultFormat,
    record,
    record_submission,
)
from redline.server.problems import PROBLEM_RESPONSES, Problem
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, get_state
from redline.server.uploads import (
    MAP_PROPERTY,
    SCHEMA_PROPERTY,
    MapItem,
    PartySchema,
    customer_file_suffix,
    file_property,
    multipart_body,
    read_options,
    receive_upload,
    the_file,
)
from redline.store.snapshots import now_iso

_STARTING = threading.Lock()


def _runner(app: FastAPI) -> JobRunner:
    """The app's job runner, started at the first need (the lifespan's, normally)."""
    with _STARTING:
        runner = getattr(app.state, "screening_jobs", None)
        if runner is None:
            state: ServerState = app.state.redline
            runner = JobRunner(state.store, state.settings)
            app.state.screening_jobs = runner
            runner.start()
    assert isinstance(runner, JobRunner)
    return runner


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the job runner with the server, so that jobs a stopped server left
    unfinished resume without waiting for a request; stop it (after its current
    chunk) when the server stops."""
    runner = _runner(app)
    try:
        yield
    finally:
        await run_in_threadpool(runner.stop)  # waits for the current chunk to finish
        app.state.screening_jobs = None


def get_runner(request: Request) -> JobRunner:
    """FastAPI dependency: the process's job runner."""
    return _runner(request.app)


router = APIRouter(
    prefix="/v1", tags=["screenings"], responses=PROBLEM_RESPONSES, lifespan=lifespan
)


class Links(BaseModel):
    """Where to follow a job and fetch what it produced."""

    self: str = Field(examples=["/v1/screenings/0193a4f1c2de8b41f0a7"])
    results: dict[str, str] = Field(
        description="Results by format (available when the job is done).",
        examples=[{"csv": "/v1/screenings/0193a4f1c2de8b41f0a7/results?format=csv"}],
    )
    report: str = Field(examples=["/v1/screenings/0193a4f1c2de8b41f0a7/report"])


class ScreeningJob(JobRecord):
    """A screening job: its state, progress and, once done, its summary."""

    links: Links

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a4f1c2de8b41f0a7",
                    "status": "running",
                    "filename": "customers.csv",
                    "size": 48213,
                    "sha256": "9f2c...",
                    "suffix": ".csv",
                    "created_at": "2025-01-31T09:12:00Z",
                    "created_by": "alice",
                    "started_at": "2025-01-31T09:12:01Z",
                    "finished_at": None,
                    "attempts": 1,
                    "stage": "screening",
                    "rows_done": 1200,
                    "rows_total": 5000,
                    "hits": 3,
                    "error": None,
                    "options": {"threshold": None, "limit": 10, "schema": None},
                    "summary": None,
                    "links": {
                        "self": "/v1/screenings/0193a4f1c2de8b41f0a7",
                        "results": {},
                        "report": "/v1/screenings/0193a4f1c2de8b41f0a7/report",
                    },
                }
            ]
        }
    )


class ScreeningList(BaseModel):
    """A page of screening jobs, newest first."""

    total: int = Field(description="Jobs matching the filter.")
    offset: int
    limit: int
    items: list[ScreeningJob]


def _view(job: JobRecord) -> ScreeningJob:
    base = f"/v1/screenings/{job.id}"
    return ScreeningJob(
        **job.model_dump(by_alias=True),
        links=Links(
            self=base,
            results={fmt: f"{base}/results?format={fmt}" for fmt in MEDIA_TYPES},
            report=f"{base}/report",
        ),
    )


UPLOAD_BODY = multipart_body(
    {
        "file": file_property(
            "The customer file: CSV, TSV, XLSX, Parquet or JSON lines (by its extension, or "
            "by its content when the name has none that redline reads)."
        ),
        "threshold": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "Lowest score reported (default: the algorithm's, 0.8).",
        },
        "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 10,
            "description": "At most this many hits per row.",
        },
        "schema": SCHEMA_PROPERTY,
        "sources": {
            "type": "array",
            "maxItems": 50,
            "items": {"type": "string"},
            "description": "Only these list sources (repeat the field or separate with commas).",
        },
        "map": MAP_PROPERTY,
    },
    required=["file"],
)


@router.post(
    "/screenings",
    status_code=202,
    response_model=ScreeningJob,
    summary="Upload a customer file to screen",
    openapi_extra=UPLOAD_BODY,
    responses={
        202: {"description": "Stored and queued; follow the `Location` URL."},
        **UPLOAD_PROBLEMS,
    },
)
async def create_screening(
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.analyst))],
    state: Annotated[ServerState, Depends(get_state)],
    runner: Annotated[JobRunner, Depends(get_runner)],
    threshold: Annotated[
        float | None, Query(ge=0.0, le=1.0, description="As the form field.")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="As the form field.")] = None,
    schema: Annotated[PartySchema | None, Query(description="As the form field.")] = None,
    sources: Annotated[
        list[str] | None, Query(max_length=50, description="As the form field.")
    ] = None,
    map: Annotated[
        list[MapItem] | None, Query(max_length=50, description="As the form field.")
    ] = None,
) -> JSONResponse:
    """Store the file and queue it for screening against the active lists (analysts).

    Options (threshold, limit, schema, sources, map) are those of `redline screen`, as
    form fields or query parameters. The file is checked when its job starts: a wrong
    encoding or a missing name column fails the job with the reason in `error`.

    Example: curl -H "X-API-Key: $KEY" -F file=@customers.csv -F threshold=0.85
    http://127.0.0.1:8000/v1/screenings
    """
    jobs = runner.jobs
    job_id = jobs.new_id()
    folder = jobs.directory(job_id)
    try:
        upload = await receive_upload(
            request, folder, max_bytes=state.settings.api_max_upload_bytes
        )
        uploaded = the_file(upload)
        options = read_options(
            {k: request.query_params.getlist(k) for k in request.query_params}, upload.fields
        )
        active = sorted(s.source for s in state.store.active_snapshots())
        unknown = sorted(set(options.sources) - set(active))
        if unknown:
            raise Problem(
                404,
                f"no active list {', '.join(unknown)}; active: {', '.join(active) or 'none'}",
            )
        suffix = customer_file_suffix(uploaded.filename, uploaded.head)
        job = JobRecord(
            id=job_id,
            status="queued",
            filename=uploaded.filename,
            size=uploaded.size,
            sha256=uploaded.sha256,
            suffix=suffix,
            created_at=now_iso(),
            created_by=principal.name,
            options=options,
        )
        os.replace(uploaded.path, jobs.input_path(job))
        upload.remove()
        record_submission(state.store, job, principal.key_id)
        jobs.save(job)
    except BaseException:
        jobs.discard(job_id)
        raise
    runner.wake()
    view = _view(job)
    return JSONResponse(
        view.model_dump(mode="json", by_alias=True),
        status_code=202,
        headers={"Location": view.links.self},
    )


@router.get("/screenings", response_model=ScreeningList, summary="List screening jobs")
def list_screenings(
    _: Annotated[Principal, Depends(require(Role.viewer))],
    runner: Annotated[JobRunner, Depends(get_runner)],
    status: Annotated[JobStatus | None, Query(description="Only jobs in this state.")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ScreeningList:
    """Screening jobs, newest first.

    Example: curl -H "X-API-Key: $KEY" "http://127.0.0.1:8000/v1/screenings?status=done"
    """
    jobs = [j for j in runner.jobs.all() if status is None or j.status == status]
    page = [_view(j) for j in jobs[offset : offset + limit]]
    return ScreeningList(total=len(jobs), offset=offset, limit=limit, items=page)


JobId = Annotated[str, Path(pattern=JOB_ID_PATTERN, description="The job's id.")]


@router.get("/screenings/{job_id}", response_model=ScreeningJob, summary="A screening job's state")
def get_screening(
    job_id: JobId,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    runner: Annotated[JobRunner, Depends(get_runner)],
) -> ScreeningJob:
    """Status (queued, running, done, failed), rows done of the total, hits so far, the
    error of a failed job and the summary of a finished one.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/screenings/0193a4f1c2de8b41f0a7
    """
    return _view(runner.jobs.load(job_id))


def _finished(runner: JobRunner, job_id: str) -> JobRecord:
    job = runner.jobs.load(job_id)
    if job.status == "failed":
        raise Problem(409, f"screening {job_id} failed: {job.error}", kind="screening-failed")
    if job.status != "done":
        total = f" of {job.rows_total:,}" if job.rows_total is not None else ""
        raise Problem(
            409,
            f"screening {job_id} is {job.status} ({job.rows_done:,}{total} rows done); "
            "its results are ready when its status is done",
            kind="screening-not-done",
            headers={"Retry-After": "2"},
        )
    return job


_RESULTS = {
    media.split(";")[0]: {"schema": {"type": "string", "contentMediaType": media.split(";")[0]}}
    for media in MEDIA_TYPES.values()
}


@router.get(
    "/screenings/{job_id}/results",
    summary="Download a finished screening's results",
    response_class=FileResponse,
    responses={
        200: {
            "description": "One row per hit, as `redline screen -o`.",
            "content": _RESULTS,
        },
        **CONFLICT,
    },
)
def screening_results(
    job_id: JobId,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    runner: Annotated[JobRunner, Depends(get_runner)],
    format: Annotated[ResultFormat, Query(description="csv, jsonl or xlsx.")] = "csv",
) -> FileResponse:
    """The results file: one row per hit with the input's id column, the matched entity,
    its score and explanation; spreadsheet formulas neutralised. 409 until done.

    Example: curl -H "X-API-Key: $KEY" -o hits.xlsx
    "http://127.0.0.1:8000/v1/screenings/0193a4f1c2de8b41f0a7/results?format=xlsx"
    """
    job = _finished(runner, job_id)
    path = runner.jobs.results(job, format)
    stem = os.path.splitext(job.filename)[0] or "screening"
    return FileResponse(path, media_type=MEDIA_TYPES[format], filename=f"{stem}-results.{format}")


@router.get(
    "/screenings/{job_id}/report",
    summary="The HTML report of a finished screening",
    response_class=FileResponse,
    responses={
        200: {"description": "A self-contained HTML page.", "content": {"text/html": {}}},
        **CONFLICT,
    },
)
def screening_report(
    job_id: JobId,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    runner: Annotated[JobRunner, Depends(get_runner)],
) -> FileResponse:
    """The report `redline screen --report` writes: counts, hits by list and programme,
    each hit with its explanation, skipped rows, lists and parameters. 409 until done.

    Example: curl -H "X-API-Key: $KEY" -o report.html
    http://127.0.0.1:8000/v1/screenings/0193a4f1c2de8b41f0a7/report
    """
    job = _finished(runner, job_id)
    return FileResponse(
        runner.jobs.report_path(job),
        media_type="text/html; charset=utf-8",
        # The report is inert: no script runs, nothing is fetched, even if a name in a
        # customer file or a list slipped past the escaping.
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


@router.delete(
    "/screenings/{job_id}",
    status_code=204,
    summary="Delete a finished screening and its files",
    responses={**CONFLICT},
)
def delete_screening(
    job_id: JobId,
    principal: Annotated[Principal, Depends(require(Role.analyst))],
    runner: Annotated[JobRunner, Depends(get_runner)],
    state: Annotated[ServerState, Depends(get_state)],
) -> None:
    """Remove a done or failed job: the uploaded customer file, its results and report.
    Customer files hold personal data that a retention policy may not let a server keep;
    the audit log keeps who uploaded what (name, size, SHA-256) and who deleted it.
    A queued or running job cannot be deleted (409).

    Example: curl -X DELETE -H "X-API-Key: $KEY"
    http://127.0.0.1:8000/v1/screenings/0193a4f1c2de8b41f0a7
    """
    job = runner.jobs.load(job_id)
    if job.status not in ("done", "failed"):
        raise Problem(
            409,
            f"screening {job_id} is {job.status}; only a done or failed one can be deleted",
            kind="screening-not-done",
        )
    runner.jobs.discard(job_id)
    record(
        state.store,
        "screening.deleted",
        {"job": job_id, "user": principal.name, "file": job.filename, "sha256": job.sha256},
    )
