"""``/v1/lists``: which list versions are active, their history and diffs; activation
and loads for admins.

The HTTP form of ``redline lists status|history|diff|activate|load``. An activation
or a load made here is recorded in the audit log as the CLI's would be (the
``list.activated`` record that the next portfolio re-screen reads), followed by a
record naming the API key that asked for it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from redline import lists
from redline.errors import NotFoundError, RedlineError, ShrinkGuardError, UnknownSourceError
from redline.screening import audit
from redline.server.jobs import (
    CONFLICT,
    MAX_ID,
    UPLOAD_PROBLEMS,
    keep_as,
    public_problem,
    record,
    upload_folder,
)
from redline.server.problems import PROBLEM_RESPONSES, Problem
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, get_state
from redline.server.uploads import file_property, multipart_body, read_form, receive_upload
from redline.sources import source_class, source_ids
from redline.store import Store

router = APIRouter(prefix="/v1/lists", tags=["lists"], responses=PROBLEM_RESPONSES)

#: Most files one load takes (OFAC's legacy CSV set is four).
MAX_LIST_FILES = 20


class Snapshot(BaseModel):
    """One stored version of one list (``redline lists history --json``)."""

    id: int = Field(examples=[3])
    source: str = Field(examples=["us-ofac-sdn"])
    status: str = Field(description="active, inactive, held or loading.", examples=["active"])
    content_hash: str = Field(description="SHA-256 over the files' hashes and sizes.")
    files: list[dict[str, Any]] = Field(description="name, sha256 and size of each file.")
    published_at: str | None
    fetched_at: str | None
    loaded_at: str
    activated_at: str | None
    entity_count: int
    relation_count: int
    skipped_count: int
    skipped: list[dict[str, Any]] = Field(description="Malformed records skipped, and where.")
    schema_counts: dict[str, int]
    sample: bool = Field(description="The bundled demo excerpt, not for compliance use.")
    forced: bool
    origin: str | None


class ActiveList(Snapshot):
    """An active snapshot, with a warning when it is the bundled sample."""

    notice: str | None


class DiffEntity(BaseModel):
    id: str
    schema_: str = Field(alias="schema")
    caption: str

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ChangedEntity(DiffEntity):
    properties: dict[str, dict[str, list[str]]] = Field(
        description="Per property, the values added and removed."
    )


class DiffCounts(BaseModel):
    added: int
    removed: int
    changed: int


class SnapshotDiff(BaseModel):
    """What changed between two snapshots of a list (``redline lists diff --json``)."""

    source: str
    from_: int = Field(alias="from")
    to: int
    counts: DiffCounts
    added: list[DiffEntity]
    removed: list[DiffEntity]
    changed: list[ChangedEntity]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ActivateRequest(BaseModel):
    """Which stored snapshot to make active."""

    snapshot: int = Field(ge=1, le=MAX_ID, description="Snapshot id (see the history).")
    force: bool = Field(default=False, description="Even if it has >10% fewer entities.")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"snapshot": 3}]})


class LoadForm(BaseModel):
    strict: bool = False
    force: bool = False
    activate: bool = True
    option: list[Annotated[str, Field(pattern=r"^[^=\r\n]+=[^\r\n]*$", max_length=500)]] = Field(
        default_factory=list, max_length=50
    )


class LoadResult(BaseModel):
    """The outcome of a load (``redline lists load --json``)."""

    source: str
    status: str = Field(description="active, inactive or unchanged.", examples=["active"])
    message: str
    error: str | None
    snapshot: Snapshot | None


SourceId = Annotated[
    str,
    Path(
        description="A source id (see `redline lists sources`).",
        json_schema_extra={"enum": source_ids()},
    ),
]


def _source(source: str) -> str:
    try:
        source_class(source)
    except UnknownSourceError as exc:
        raise Problem(404, str(exc)) from None
    return source


def _snapshot_of(store: Store, source: str, snapshot_id: int) -> None:
    if store.snapshot(snapshot_id).source != source:
        raise NotFoundError(f"no snapshot {snapshot_id} of {source}")


@router.get("", response_model=list[ActiveList], summary="The active snapshot of each list")
def status(
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
) -> list[ActiveList]:
    """Per source: the active snapshot, its entity count, hash, dates and skipped records.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/lists
    """
    return [
        ActiveList.model_validate(
            {**s.to_dict(), "notice": lists.SAMPLE_NOTICE if s.sample else None}
        )
        for s in lists.status(state.store)
    ]


@router.get("/{source}/history", response_model=list[Snapshot], summary="Every snapshot of a list")
def history(
    source: SourceId,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
) -> list[Snapshot]:
    """Every stored snapshot of a source, newest first, with its status.

    Example: curl -H "X-API-Key: $KEY" http://127.0.0.1:8000/v1/lists/us-ofac-sdn/history
    """
    return [Snapshot.model_validate(s.to_dict()) for s in state.store.snapshots(_source(source))]


@router.get("/{source}/diff", response_model=SnapshotDiff, summary="Compare two snapshots")
def diff(
    source: SourceId,
    _: Annotated[Principal, Depends(require(Role.viewer))],
    state: Annotated[ServerState, Depends(get_state)],
    from_id: Annotated[
        int | None,
        Query(alias="from", ge=1, le=MAX_ID, description="Older snapshot (default: previous)."),
    ] = None,
    to_id: Annotated[
        int | None, Query(alias="to", ge=1, le=MAX_ID, description="Newer (default: active).")
    ] = None,
) -> SnapshotDiff:
    """Entities added, removed and changed between two snapshots, and which properties
    changed. 404 when a snapshot is not one of this source's, or there is none to compare.

    Example: curl -H "X-API-Key: $KEY" "http://127.0.0.1:8000/v1/lists/us-ofac-sdn/diff?from=1&to=2"
    """
    _source(source)
    for snapshot_id in (from_id, to_id):
        if snapshot_id is not None:
            _snapshot_of(state.store, source, snapshot_id)
    result = lists.diff(state.store, source, from_id, to_id)
    return SnapshotDiff.model_validate(result.to_dict())


@router.post(
    "/{source}/activate",
    response_model=Snapshot,
    summary="Activate a snapshot",
    responses=CONFLICT,
)
def activate(
    source: SourceId,
    body: ActivateRequest,
    principal: Annotated[Principal, Depends(require(Role.admin))],
    state: Annotated[ServerState, Depends(get_state)],
) -> Snapshot:
    """Make a stored snapshot the active one (admins): a held one after checking it, or
    an older one to roll back. 409 when it has far fewer entities than the active one
    and `force` is not set.

    Example: curl -H "X-API-Key: $KEY" -H "Content-Type: application/json"
    -d '{"snapshot": 3, "force": true}' http://127.0.0.1:8000/v1/lists/us-ofac-sdn/activate
    """
    store = state.store
    _snapshot_of(store, _source(source), body.snapshot)
    try:
        info = store.activate(
            body.snapshot, force=body.force, shrink_limit=state.settings.shrink_limit
        )
    except ShrinkGuardError as exc:
        raise Problem(409, str(exc), kind="shrink-guard") from None
    audit.sync_activations(store)
    record(
        store,
        "api.list.activate",
        {
            "source": source,
            "snapshot": info.id,
            "forced": body.force,
            "user": principal.name,
            "key": principal.key_id,
        },
    )
    return Snapshot.model_validate(info.to_dict())


LOAD_BODY = multipart_body(
    {
        "files": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_LIST_FILES,
            "items": file_property("One file of the list's version."),
            "description": "The list file(s) of one version, e.g. OFAC's sdn.csv, add.csv, "
            "alt.csv and sdn_comments.csv.",
        },
        "strict": {"type": "boolean", "default": False, "description": "Fail on a bad record."},
        "force": {
            "type": "boolean",
            "default": False,
            "description": "Activate even if the list shrank >10%, or reload identical files.",
        },
        "activate": {"type": "boolean", "default": True, "description": "Activate it."},
        "option": {
            "type": "array",
            "maxItems": 50,
            "items": {"type": "string", "pattern": r"^[^=\r\n]+=[^\r\n]*$", "maxLength": 500},
            "description": "Source option KEY=VALUE (the csv source's column mapping).",
        },
    },
    required=["files"],
)


@router.post(
    "/{source}/load",
    response_model=LoadResult,
    summary="Load uploaded list files",
    openapi_extra=LOAD_BODY,
    responses={**CONFLICT, **UPLOAD_PROBLEMS},
)
async def load(
    source: SourceId,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.admin))],
    state: Annotated[ServerState, Depends(get_state)],
) -> LoadResult:
    """Parse uploaded list files into a new snapshot and activate it (admins), as
    `redline lists load` does: one transaction; a list that shrank by more than 10% is
    stored but held (409); identical files load nothing (status unchanged).

    Example: curl -H "X-API-Key: $KEY" -F files=@consolidated.xml
    http://127.0.0.1:8000/v1/lists/un-sc/load
    """
    _source(source)
    settings = state.settings
    with upload_folder(settings) as folder:
        upload = await receive_upload(
            request,
            folder,
            max_bytes=settings.api_max_upload_bytes,
            file_fields=frozenset({"files"}),
            max_files=MAX_LIST_FILES,
        )
        form = read_form(LoadForm, upload.fields)
        if not upload.files:
            raise Problem(
                422,
                "the form has no files: send each list file in the field 'files'",
                kind="validation-error",
                errors=[{"loc": ["form", "files"], "msg": "Field required", "type": "missing"}],
            )
        taken: set[str] = set()
        paths = [keep_as(item, folder, taken) for item in upload.files]
        options: dict[str, str] = {}
        for pair in form.option:
            key, _, value = pair.partition("=")
            options[key.strip()] = value.strip()
        origin = f"{', '.join(p.name for p in paths)} (uploaded by {principal.name})"

        def run() -> lists.LoadResult:
            return lists.load(
                state.store,
                settings,
                source,
                paths,
                strict=form.strict,
                force=form.force,
                activate=form.activate,
                options=options,
                origin=origin,
            )

        try:
            result = await run_in_threadpool(run)
        except ShrinkGuardError as exc:
            raise public_problem(exc, folder, 409) from None
        except RedlineError as exc:
            raise public_problem(exc, folder) from None
    if result.snapshot is not None and result.status != "unchanged":
        record(
            state.store,
            "api.list.load",
            {
                "source": source,
                "snapshot": result.snapshot.id,
                "status": result.status,
                "files": result.snapshot.files,
                "user": principal.name,
                "key": principal.key_id,
            },
        )
    return LoadResult.model_validate(result.to_dict())
