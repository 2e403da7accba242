"""Uploads of customer files: the multipart form schemas and options they carry, and the
streaming parser that writes them to disk. Kept apart from :mod:`redline.server.jobs`
because the portfolio-import and list-load routes take uploads too, without any job.

Uploads are parsed here rather than by FastAPI's ``UploadFile``: that would spool the
whole body to a temporary file before the route runs, so a 2 GB upload would fill
``/tmp`` before the size limit could refuse it. :func:`receive_upload` streams the
multipart body straight into the job directory, hashing as it goes, and stops reading
as soon as the limit is passed.
"""

from __future__ import annotations

import hashlib
import re
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

from redline.screening.batch import ScreenParams
from redline.screening.readers import FIELD_ALIASES, FIELDS, FORMATS, parse_mapping
from redline.server.problems import Problem

#: Form fields are short option values; anything longer is not one.
MAX_FIELD_BYTES = 16 * 1024
MAX_PARTS = 200
#: What a multipart body may carry on top of its files (boundaries, part headers,
#: option fields) before it counts against the upload limit.
MULTIPART_OVERHEAD = 256 * 1024


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
