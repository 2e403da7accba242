"""Uploads streamed to disk, and the background jobs that screen uploaded files.

A customer file can be hundreds of megabytes and take many minutes to screen, longer
than any HTTP request should stay open. So ``POST /v1/screenings`` only stores the
upload and answers 202; a runner thread screens queued files one at a time with
:func:`redline.screening.batch.screen_file`, and each job keeps its whole life in its
own directory, ``REDLINE_HOME/screenings/<job id>/``::

    job.json                  the job's state, rewritten atomically as it progresses
    input.csv                 the upload (its extension decides how it is read)
    results.jsonl(.part ...)  screen_file's checkpoint, then its results
    report.html               the HTML report
    results.csv / .xlsx       made from results.jsonl the first time they are asked for

Nothing about a job lives only in memory, which is what makes restarts safe: a server
stopped mid-job leaves ``job.json`` saying "running" and screen_file's checkpoint next to
it, and the next runner to start carries on after the last finished chunk (``resume``)
instead of screening the file again. With several server processes on one home, a lock
file makes exactly one of them the runner; the others serve requests and leave the
queue to it.

Uploads are parsed here rather than by FastAPI's ``UploadFile``: that would spool the
whole body to a temporary file before the route runs, so a 2 GB upload would fill
``/tmp`` before the size limit could refuse it. :func:`receive_upload` streams the
multipart body straight into the job directory, hashing as it goes, and stops reading
as soon as the limit is passed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Any, Literal, TypeVar, get_args, get_origin

from fastapi import Request
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from redline.errors import ConfigError, NotFoundError, RedlineError
from redline.screening import writers
from redline.screening.batch import ScreenParams, ScreenSummary, screen_file, work_paths
from redline.screening.readers import FIELD_ALIASES, FIELDS, FORMATS, parse_mapping
from redline.server.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemModel, status_of
from redline.settings import Settings
from redline.store import Store
from redline.store import audit as audit_log
from redline.store.snapshots import now_iso

try:  # POSIX; on Windows every process runs its own queue (see FileLock)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("redline.server")

JobStatus = Literal["queued", "running", "done", "failed"]
ResultFormat = Literal["csv", "jsonl", "xlsx"]

#: Job ids: creation time in milliseconds (hex, so they sort by age) and 32 random bits.
JOB_ID_PATTERN = r"^[0-9a-f]{20}$"
_JOB_ID = re.compile(JOB_ID_PATTERN)
#: Seconds between looks at the queue when nothing woke the runner (jobs submitted
#: through another server process are found this way).
POLL_SECONDS = 1.0
#: At most this often is job.json rewritten while rows are being screened.
SAVE_SECONDS = 0.5
#: A file this small is screened in the runner's own process: starting worker
#: processes, each loading the name index, would take longer than the screening.
SMALL_UPLOAD_BYTES = 256 * 1024
#: A job whose server died this many times while running it is failed.
MAX_CRASHES = 3
INTERRUPTED = "interrupted"
#: Age after which the folder of an upload that never completed is removed.
ORPHAN_SECONDS = 24 * 3600
#: Form fields are short option values; anything longer is not one.
MAX_FIELD_BYTES = 16 * 1024
MAX_PARTS = 200
#: What a multipart body may carry on top of its files (boundaries, part headers,
#: option fields) before it counts against the upload limit.
MULTIPART_OVERHEAD = 256 * 1024

#: Largest id a route accepts: the largest integer a JSON number holds exactly everywhere.
MAX_ID = 2**53 - 1

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "model": ProblemModel,
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemModel"}}},
    }


#: Problem responses some workflow routes give on top of PROBLEM_RESPONSES.
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: _problem(
        "Not possible in the resource's present state: a screening not done yet, an alert "
        "superseded, a list that shrank too much, nothing to re-screen."
    )
}
UPLOAD_PROBLEMS: dict[int | str, dict[str, Any]] = {
    415: _problem("The body is not multipart/form-data."),
}


# ---------------------------------------------------------------------------------------
# Options shared by every upload of a customer file


_MAP_FIELDS = sorted({f.name for f in FIELDS} | set(FIELD_ALIASES), key=lambda s: (-len(s), s))
#: ``field=column``: a field name redline knows (or one of its aliases), then the header.
MAP_PATTERN = r"^(" + "|".join(_MAP_FIELDS) + r")=[^\r\n]*$"
MapItem = Annotated[str, StringConstraints(pattern=MAP_PATTERN, max_length=1000)]
PartySchema = Literal[
    "Person", "Company", "Organization", "LegalEntity", "PublicBody", "Vessel", "Airplane"
]


#: OpenAPI pieces of the multipart forms that carry a customer file.
SCHEMA_PROPERTY: dict[str, Any] = {
    "type": "string",
    "enum": list(get_args(PartySchema)),
    "description": "Schema of rows without an entity type column (default: guessed).",
}
MAP_PROPERTY: dict[str, Any] = {
    "type": "array",
    "maxItems": 50,
    "items": {"type": "string", "pattern": MAP_PATTERN, "maxLength": 1000},
    "description": "field=column overrides of the detected columns, e.g. `name=Legal Name` "
    "(repeat the field); `id=` turns a detected column off.",
}


def file_property(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "description": description,
    }


def multipart_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """``openapi_extra`` describing a multipart/form-data body that a route reads itself
    (with :func:`receive_upload`) instead of through FastAPI's form parsing."""
    schema = {"type": "object", "required": required, "properties": properties}
    return {
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    }


class ScreeningOptions(BaseModel):
    """How the rows of an uploaded file are screened (the options of ``redline screen``)."""

    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Lowest score reported (default 0.8)."
    )
    limit: int = Field(default=10, ge=1, le=100, description="At most this many hits per row.")
    schema_: PartySchema | None = Field(
        default=None,
        alias="schema",
        description="Schema of rows without an entity type column (default: guessed).",
    )
    sources: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Only these list sources (repeat the field, or separate with commas).",
    )
    map: list[MapItem] = Field(
        default_factory=list,
        max_length=50,
        description="field=column, overriding a detected column (repeatable), e.g. "
        "`name=Legal Name`; `id=` turns the id column off.",
    )

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [{"threshold": 0.85, "limit": 5, "schema": "Person", "map": []}]
        },
    )

    @field_validator("sources", mode="before")
    @classmethod
    def _split_sources(cls, value: Any) -> Any:
        # "a,b" and repeated fields both mean a list of sources.
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [s.strip() for v in value for s in v.split(",") if s.strip()]
        return value

    def params(self, *, workers: int | None = None) -> ScreenParams:
        """The library's parameters for these options."""
        return ScreenParams(
            threshold=self.threshold,
            limit=self.limit,
            sources=tuple(self.sources),
            schema=self.schema_,
            mapping=parse_mapping(self.map),
            workers=workers,
        )


class ImportForm(BaseModel):
    """Options of a portfolio import (``redline portfolio import``)."""

    schema_: PartySchema | None = Field(default=None, alias="schema")
    map: list[MapItem] = Field(default_factory=list, max_length=50)

    model_config = ConfigDict(populate_by_name=True)


FormModel = TypeVar("FormModel", bound=BaseModel)


def read_form(
    model: type[FormModel],
    form: dict[str, list[str]],
    query: dict[str, list[str]] | None = None,
) -> FormModel:
    """A form's text fields (and query parameters: a form field wins over a query
    parameter of the same name) as ``model``; a bad value is a 422 problem. A list field
    takes every value given; any other field the last non-empty one."""
    lists = {
        info.alias or name
        for name, info in model.model_fields.items()
        if get_origin(info.annotation) is list
    }
    raw: dict[str, Any] = {}
    for given in (query or {}, form):
        for name, values in given.items():
            if name in lists:
                raw[name] = list(values)
            elif values and values[-1].strip():
                raw[name] = values[-1].strip()
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_problem(exc, "form") from None


def read_options(query: dict[str, list[str]], form: dict[str, list[str]]) -> ScreeningOptions:
    """The options of a screening upload (see :func:`read_form`)."""
    return read_form(ScreeningOptions, form, query)


def the_file(upload: Upload, name: str = "file") -> UploadedFile:
    """The upload's file field ``name``, or a 422 problem when there is none. (An empty
    file is the reader's to refuse, with the message it gives on the command line.)"""
    found = next((f for f in upload.files if f.field == name), None)
    if found is None:
        raise Problem(
            422,
            f"the form has no file: send it in the field {name!r} (e.g. curl -F {name}=@FILE)",
            kind="validation-error",
            errors=[{"loc": ["form", name], "msg": "Field required", "type": "missing"}],
        )
    return found


def validation_problem(exc: ValidationError, where: str) -> Problem:
    """A 422 problem listing each bad value, as FastAPI's own validation errors do."""
    errors = [
        {
            "loc": [where, *[p if isinstance(p, int) else str(p) for p in e["loc"]]],
            "msg": e["msg"],
            "type": e["type"],
        }
        for e in exc.errors()
    ]
    first = errors[0]
    detail = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return Problem(422, detail, kind="validation-error", errors=errors)


# ---------------------------------------------------------------------------------------
# Streaming multipart uploads


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A client's file name reduced to something harmless to show and store: no
    directories, no leading dots, only plain characters, not too long."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:120]
    return cleaned or default


@dataclass
class UploadedFile:
    """One file of a multipart body, as written to disk."""

    field: str
    filename: str
    path: Path
    size: int = 0
    sha256: str = ""
    head: bytes = b""


@dataclass
class Upload:
    """Everything a multipart body carried: its files (on disk) and its text fields."""

    files: list[UploadedFile] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def remove(self) -> None:
        for item in self.files:
            item.path.unlink(missing_ok=True)


class _MultipartSink:
    """python-multipart callbacks: file parts go to disk, text parts to memory."""

    def __init__(
        self, directory: Path, file_fields: frozenset[str], max_bytes: int, max_files: int
    ) -> None:
        self.directory = directory
        self.file_fields = file_fields
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.upload = Upload()
        self.parts = 0
        self.finished = False
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._name = ""
        self._file: UploadedFile | None = None
        self._handle: IO[bytes] | None = None
        self._digest: Any = None
        self._text = bytearray()

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_val,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise Problem(413, f"more than {MAX_PARTS} parts in one upload")
        self._headers = {}
        self._text = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_val(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header_name).decode("latin-1").lower()] = bytes(
            self._header_value
        )
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        disposition, params = parse_options_header(self._headers.get("content-disposition"))
        if disposition != b"form-data" or b"name" not in params:
            raise Problem(400, "a part of the multipart body has no form-data name")
        self._name = params[b"name"].decode("utf-8", "replace")
        if self._name in self.file_fields:
            if len(self.upload.files) >= self.max_files:
                raise Problem(
                    413, f"at most {self.max_files} file(s) per upload", kind="too-many-files"
                )
            raw_name = params.get(b"filename")
            filename = safe_filename(
                raw_name.decode("utf-8", "replace") if raw_name is not None else None,
                default=self._name,
            )
            path = self.directory / f".part-{len(self.upload.files)}"
            self._file = UploadedFile(self._name, filename, path)
            self._handle = path.open("wb")
            self._digest = hashlib.sha256()
            self.upload.files.append(self._file)
        else:
            self._file = None

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is None:
            self._text += chunk
            if len(self._text) > MAX_FIELD_BYTES:
                raise Problem(413, f"form field {self._name!r} is over {MAX_FIELD_BYTES} bytes")
            return
        assert self._handle is not None
        self._file.size += len(chunk)
        if self._file.size > self.max_bytes:
            raise upload_too_large(self.max_bytes)
        if len(self._file.head) < 64:
            self._file.head += chunk[: 64 - len(self._file.head)]
        self._digest.update(chunk)
        self._handle.write(chunk)

    def _part_end(self) -> None:
        if self._file is not None:
            assert self._handle is not None
            self._handle.close()
            self._handle = None
            self._file.sha256 = self._digest.hexdigest()
            self._file = None
            return
        try:
            text = bytes(self._text).decode("utf-8")
        except UnicodeDecodeError:
            raise Problem(400, f"form field {self._name!r} is not UTF-8 text") from None
        self.upload.fields.setdefault(self._name, []).append(text)

    def _end(self) -> None:
        self.finished = True

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.upload.remove()


def upload_too_large(limit: int) -> Problem:
    return Problem(
        413,
        f"the upload is over the limit of {limit:,} bytes (REDLINE_API_MAX_UPLOAD_BYTES)",
        kind="upload-too-large",
    )


async def receive_upload(
    request: Request,
    directory: Path,
    *,
    max_bytes: int,
    file_fields: frozenset[str] = frozenset({"file"}),
    max_files: int = 1,
) -> Upload:
    """Stream a ``multipart/form-data`` body into ``directory``: each file part to its
    own file (named ``.part-N``; the caller renames it), each text part into
    ``Upload.fields``. Over ``max_bytes`` (per file, or the body as a whole with some
    room for the form around it) the reading stops and nothing is kept."""
    ctype, params = parse_options_header(request.headers.get("content-type"))
    if ctype != b"multipart/form-data":
        raise Problem(
            415,
            "send the file as multipart/form-data (e.g. curl -F file=@customers.csv)",
            kind="unsupported-media-type",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise Problem(400, "the multipart/form-data content type has no boundary")
    body_limit = max_bytes * max_files + MULTIPART_OVERHEAD
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > body_limit:
        raise upload_too_large(max_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    sink = _MultipartSink(directory, file_fields, max_bytes, max_files)
    parser = MultipartParser(boundary, sink.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > body_limit:
                raise upload_too_large(max_bytes)
            parser.write(chunk)
        parser.finalize()
    except (Problem, HTTPException, ClientDisconnect):
        # Our own refusals, the server's body limit, a client gone: passed on as they are.
        sink.abort()
        raise
    except Exception as exc:  # python-multipart's own errors: a malformed body
        sink.abort()
        raise Problem(400, f"the multipart body is malformed: {exc}") from None
    if not sink.finished:
        sink.abort()
        raise Problem(400, "the multipart body ended before its closing boundary")
    return sink.upload


def customer_file_suffix(filename: str, head: bytes) -> str:
    """The extension an uploaded customer file is read by: its own when redline knows
    it, otherwise guessed from its first bytes (clients often send no file name)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls":
        raise Problem(
            400, f"{filename}: old Excel format (.xls) is not read; save it as .xlsx or CSV"
        )
    if suffix in FORMATS:
        return suffix
    if head.startswith(b"PK\x03\x04"):
        return ".xlsx"
    if head.startswith(b"PAR1"):
        return ".parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return ".jsonl"
    return ".csv"


# ---------------------------------------------------------------------------------------
# Jobs on disk


class JobRecord(BaseModel):
    """A screening job as ``job.json`` holds it."""

    id: str = Field(description="The job's id.", examples=["0193a4f1c2de8b41f0a7"])
    status: JobStatus = Field(description="queued, running, done or failed.")
    filename: str = Field(description="The uploaded file's name.", examples=["customers.csv"])
    size: int = Field(description="Bytes uploaded.", examples=[48213])
    sha256: str = Field(description="SHA-256 of the uploaded bytes.")
    suffix: str = Field(description="How the file is read, by extension.", examples=[".csv"])
    created_at: str = Field(examples=["2025-01-31T09:12:00Z"])
    created_by: str = Field(description="The name of the API key that uploaded it.")
    started_at: str | None = None
    finished_at: str | None = None
    attempts: int = Field(default=0, description="Runs started (more than 1 after a restart).")
    crashes: int = Field(default=0, description="Runs cut off by a server that died.")
    stage: str | None = Field(default=None, description="What the job is doing now.")
    rows_done: int = Field(default=0, description="Rows finished so far.")
    rows_total: int | None = Field(default=None, description="Rows in the file, once read.")
    hits: int | None = Field(default=None, description="Hits found so far.")
    error: str | None = Field(default=None, description="Why the job failed.")
    options: ScreeningOptions
    summary: dict[str, Any] | None = Field(
        default=None, description="The run summary, once done (as `redline screen --json`)."
    )


class JobStore:
    """The job directories under ``REDLINE_HOME/screenings``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def new_id() -> str:
        return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(4)}"

    def directory(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise NotFoundError(f"no screening {job_id!r}")
        return self.root / job_id

    def input_path(self, job: JobRecord) -> Path:
        return self.directory(job.id) / f"input{job.suffix}"

    def output_path(self, job: JobRecord) -> Path:
        return self.directory(job.id) / "results.jsonl"

    def report_path(self, job: JobRecord) -> Path:
        return self.directory(job.id) / "report.html"

    def save(self, job: JobRecord) -> None:
        """Replace job.json atomically: a reader sees the old state or the new one."""
        folder = self.directory(job.id)
        tmp = folder / f".job.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(job.model_dump_json(by_alias=True, indent=1), encoding="utf-8")
        os.replace(tmp, folder / "job.json")

    def load(self, job_id: str) -> JobRecord:
        path = self.directory(job_id) / "job.json"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError(f"no screening {job_id!r}") from None
        return JobRecord.model_validate_json(text)

    def ids(self) -> list[str]:
        """Every job id, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _JOB_ID.match(p.name) and p.is_dir())

    def all(self) -> list[JobRecord]:
        """Every job, newest first (directories without a readable job.json, e.g. an
        upload still arriving, are left out)."""
        jobs: list[JobRecord] = []
        for job_id in reversed(self.ids()):
            try:
                jobs.append(self.load(job_id))
            except (NotFoundError, ValueError):
                continue
        return jobs

    def discard(self, job_id: str) -> None:
        shutil.rmtree(self.directory(job_id), ignore_errors=True)

    def public(self, job: JobRecord, text: str) -> str:
        """A message or path with the server's directories taken out: the client knows
        its file by the name it uploaded, not by where the server keeps it."""
        folder = self.directory(job.id)
        text = text.replace(str(self.input_path(job)), job.filename)
        text = text.replace(str(self.output_path(job)), "results")
        return text.replace(f"{folder}{os.sep}", "").replace(str(folder), "")

    def results(self, job: JobRecord, fmt: str) -> Path:
        """The results of a finished job in ``fmt``, made from results.jsonl (once)."""
        if fmt not in MEDIA_TYPES:
            raise ConfigError(f"unknown results format {fmt!r}; use csv, jsonl or xlsx")
        source = self.output_path(job)
        if fmt == "jsonl":
            return source
        target = source.with_suffix(f".{fmt}")
        with _CONVERTING:
            if not target.exists():
                id_header = (job.summary or {}).get("input", {}).get("id_column")
                writers.write_results(target, _hits(source, id_header), id_header, job.summary, fmt)
        return target


_CONVERTING = threading.Lock()


def _hits(path: Path, id_header: str | None) -> Iterator[dict[str, Any]]:
    """The hits of a results.jsonl, in the form :func:`writers.write_results` takes, so
    that the CSV and XLSX made from it are those ``redline screen`` would write."""
    id_column = writers.header(id_header)[0]
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            yield {
                **{key: record[key] for key in ("row", *writers.HIT_COLUMNS)},
                "id": record[id_column] if id_header is not None else None,
                "programs": record["programs"],
                "explanations": record["explanations"],
            }


# ---------------------------------------------------------------------------------------
# The runner


class JobInterrupted(Exception):
    """Raised from screen_file's callbacks when the server stops: the job stays
    "running" on disk, with its checkpoint, for the next runner to resume."""


class FileLock:
    """An exclusive, non-blocking lock on a file, across processes (``flock``). The job
    runner holds ``screenings/.runner.lock`` so that one process of a home runs the
    jobs; the OS drops it when that process dies, so another can take over."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


class _Tracker:
    """screen_file's progress and log callbacks: they keep job.json current and stop
    the run when the server is shutting down."""

    def __init__(self, runner: JobRunner, job: JobRecord, part: Path) -> None:
        self.runner = runner
        self.job = job
        self.part = part
        self.saved = 0.0
        self._offset = 0
        self._hits = 0

    def _count_hits(self) -> int:
        """Hits in the checkpoint so far, reading only what was appended since the last
        look (a resumed run cuts the file back first: then count again)."""
        try:
            size = self.part.stat().st_size
        except FileNotFoundError:
            return self._hits
        if size < self._offset:
            self._offset, self._hits = 0, 0
        with self.part.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read(size - self._offset)
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        self._hits += sum(
            1 for line in complete.splitlines() if line and not line.startswith(b'{"through"')
        )
        return self._hits

    def progress(self, done: int, total: int) -> None:
        if self.runner.stopping:
            raise JobInterrupted
        self.job.rows_done, self.job.rows_total = done, total
        now = time.monotonic()
        if now - self.saved >= SAVE_SECONDS or done == total:
            self.job.hits = self._count_hits()
            self.runner.jobs.save(self.job)
            self.saved = now

    def log(self, message: str) -> None:
        if self.runner.stopping:
            raise JobInterrupted
        self.job.stage = self.runner.jobs.public(self.job, message)
        self.runner.jobs.save(self.job)


class JobRunner:
    """Runs queued screening jobs one at a time in a background thread.

    It begins with any job a previous server left "running" (resuming it), then takes
    queued jobs oldest first. A route that queues a job writes it to disk and calls
    :meth:`wake`; a job queued through another server process is found by polling.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.jobs = JobStore(settings.home / "screenings")
        self._lock = FileLock(self.jobs.root / ".runner.lock")
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._finished: set[str] = set()
        self.current: str | None = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="screening-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the chunk being screened; the job resumes at the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the screening job runner did not stop within %.0f s", timeout)
        self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        swept = False
        try:
            while not self._stop.is_set():
                if not self._lock.acquire():
                    # Another process of this home runs the jobs; take over if it dies.
                    self._wake.wait(POLL_SECONDS * 5)
                    self._wake.clear()
                    continue
                if not swept:
                    self._sweep()
                    swept = True
                self._wake.clear()
                job = self._next()
                if job is None:
                    self._wake.wait(POLL_SECONDS)
                    continue
                self._run(job)
        except Exception:
            log.exception("the screening job runner stopped on an unexpected error")
        finally:
            self._lock.release()

    def _sweep(self) -> None:
        """Remove what uploads cut off by a dying process left behind: job directories
        that never got a job.json, and request folders under ``uploads``, once they are
        a day old (an upload in progress elsewhere is younger than that)."""
        cutoff = time.time() - ORPHAN_SECONDS
        for parent in (self.jobs.root, self.settings.home / "uploads"):
            if not parent.is_dir():
                continue
            for child in parent.iterdir():
                if child.name.startswith(".") or not child.is_dir():
                    continue
                if parent == self.jobs.root and (child / "job.json").exists():
                    continue
                try:
                    if child.stat().st_mtime < cutoff:
                        shutil.rmtree(child, ignore_errors=True)
                except FileNotFoundError:
                    continue

    def _next(self) -> JobRecord | None:
        """The job to run now: one left running by a stopped server first, then the
        oldest queued one."""
        queued: JobRecord | None = None
        for job_id in self.jobs.ids():
            if job_id in self._finished:
                continue
            try:
                job = self.jobs.load(job_id)
            except (NotFoundError, ValueError):
                continue  # an upload still arriving has no job.json yet
            if job.status == "running":
                return job
            if job.status == "queued" and queued is None:
                queued = job
            elif job.status in ("done", "failed"):
                self._finished.add(job_id)
        return queued

    def _run(self, job: JobRecord) -> None:
        resuming = job.status == "running"
        if resuming and not (job.stage or "").startswith(INTERRUPTED):
            job.crashes += 1  # the server died mid-run, rather than stopping cleanly
            if job.crashes >= MAX_CRASHES:  # out of memory each time? do not loop forever
                self._finish(
                    job,
                    error=f"the server died {job.crashes} times while screening this file; "
                    "upload it again in parts, or screen it with 'redline screen'",
                )
                return
        job.status = "running"
        job.started_at = job.started_at or now_iso()
        job.attempts += 1
        job.stage = "resuming after a restart" if resuming else "starting"
        job.error = None
        self.jobs.save(job)
        self.current = job.id
        tracker = _Tracker(self, job, work_paths(self.jobs.output_path(job))[0])
        try:
            summary = self._screen(job, tracker)
        except JobInterrupted:
            job.stage = f"{INTERRUPTED} by a server stop; resumes when the server starts again"
            self.jobs.save(job)
            return
        except RedlineError as exc:
            self._finish(job, error=self.jobs.public(job, str(exc)))
        except Exception:
            log.exception("screening job %s failed", job.id)
            self._finish(
                job, error="the screening failed on an unexpected error; see the server log"
            )
        else:
            self._finish(job, summary=summary)
        finally:
            self.current = None

    def _screen(self, job: JobRecord, tracker: _Tracker) -> ScreenSummary:
        output = self.jobs.output_path(job)
        part, state = work_paths(output)
        workers = 1 if job.size <= SMALL_UPLOAD_BYTES else None
        params = job.options.params(workers=workers)

        def run() -> ScreenSummary:
            return screen_file(
                self.store,
                self.settings,
                self.jobs.input_path(job),
                output,
                params,
                report=self.jobs.report_path(job),
                resume=True,
                progress=tracker.progress,
                log=tracker.log,
            )

        try:
            return run()
        except ConfigError as exc:
            # A job interrupted before a list update cannot continue against other
            # lists; its results must come from one set of lists, so it starts over.
            if not str(exc).startswith("cannot resume"):
                raise
            part.unlink(missing_ok=True)
            state.unlink(missing_ok=True)
            log.info("screening job %s starts over: %s", job.id, exc)
            return run()

    def _finish(
        self, job: JobRecord, *, summary: ScreenSummary | None = None, error: str | None = None
    ) -> None:
        job.finished_at = now_iso()
        if summary is not None:
            data = summary.to_dict()
            data["input"]["path"] = job.filename
            data["output"] = "results"
            data["report"] = "report.html"
            job.summary = data
            job.status = "done"
            job.stage = None
            job.hits = summary.hits
            job.rows_done = job.rows_total = summary.counts["rows"]
        else:
            job.status = "failed"
            job.error = error
            job.stage = None
            for leftover in work_paths(self.jobs.output_path(job)):
                leftover.unlink(missing_ok=True)
        self.jobs.save(job)
        self._finished.add(job.id)
        entry: dict[str, Any] = {
            "job": job.id,
            "status": job.status,
            "user": job.created_by,
            "file": job.filename,
            "sha256": job.sha256,
        }
        if summary is not None:
            entry["counts"] = summary.counts
            entry["snapshots"] = [
                {"source": s["source"], "snapshot": s["snapshot_id"], "hash": s["content_hash"]}
                for s in summary.snapshots
            ]
            entry["results_sha256"] = _sha256(self.jobs.output_path(job))
        else:
            entry["error"] = error
        try:
            record(self.store, "screening.finished", entry)
        except Exception:
            log.exception("could not record the end of screening job %s", job.id)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_submission(store: Store, job: JobRecord, key_id: int) -> None:
    """Log who uploaded which file for screening, with which options, before it runs."""
    record(
        store,
        "screening.submitted",
        {
            "job": job.id,
            "user": job.created_by,
            "key": key_id,
            "file": job.filename,
            "size": job.size,
            "sha256": job.sha256,
            "options": job.options.model_dump(by_alias=True),
        },
    )


# ---------------------------------------------------------------------------------------
# Helpers for the routes that use an upload at once (portfolio import, list loads)


@contextmanager
def upload_folder(settings: Settings) -> Iterator[Path]:
    """A private directory under ``REDLINE_HOME/uploads`` for one request's files,
    removed afterwards: what they held is in the store by then, or was refused."""
    folder = settings.home / "uploads" / secrets.token_hex(8)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keep_as(uploaded: UploadedFile, folder: Path, taken: set[str] | None = None) -> Path:
    """Give an uploaded file its own (safe) name in ``folder``, so that readers that
    go by extension, and messages that name the file, see the name the client sent."""
    name = uploaded.filename
    if taken is not None:
        stem, suffix = os.path.splitext(name)
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        taken.add(name)
    target = folder / name
    os.replace(uploaded.path, target)
    return target


def public_problem(exc: RedlineError, folder: Path, status: int | None = None) -> Problem:
    """A library error as a problem, with the server's upload directory taken out of
    the message (the client knows its files by their names)."""
    text = str(exc).replace(f"{folder}{os.sep}", "").replace(str(folder), "")
    return Problem(status if status is not None else status_of(exc), text)


def record(store: Store, kind: str, payload: dict[str, Any]) -> None:
    """Append one audit record, in its own transaction."""
    with store.engine.begin() as conn:
        audit_log.append(conn, kind, payload)
