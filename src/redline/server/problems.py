"""Every error the server returns is an RFC 9457 problem document, never a stack trace.

Clients (yente's included) get one predictable body for every failure — ``type``,
``title``, ``status``, ``detail`` and, for a body that failed validation, the list of
``errors`` with where each is — so they can show a user what to fix. Routers raise
:class:`Problem` or a :mod:`redline.errors` class; the handlers here turn either into
``application/problem+json``. Anything unexpected is logged with its traceback on the
server and answered with a generic 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from redline.errors import ConfigError, InputError, NotFoundError, RedlineError, StoreError

log = logging.getLogger("redline.server")

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: ``type`` URIs name the kind of problem; they are stable and documented in docs/api.md.
TYPE_BASE = "https://redline.dev/problems/"


class ProblemDetail(BaseModel):
    """Where one validation error is and what it is."""

    loc: list[str | int] = Field(description="Path to the bad value, e.g. body.queries.q1.")
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="A short machine-readable code for the error.")


class ProblemModel(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": TYPE_BASE + "not-found",
                    "title": "Not Found",
                    "status": 404,
                    "detail": "no entity 'ofac-0' in the active lists",
                }
            ]
        }
    )

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, for a person.")
    errors: list[ProblemDetail] | None = Field(
        default=None, description="For validation problems: each bad value and why."
    )


class Problem(Exception):
    """Raise in a route or dependency to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors is not None else None
        super().__init__(detail)


def _kind(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    except ValueError:
        return "error"


def problem_body(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON object of a problem response."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or _kind(status)),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = list(errors)
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
) -> JSONResponse:
    """A ready ``application/problem+json`` response."""
    return JSONResponse(
        problem_body(status, detail, kind=kind, errors=errors),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def status_of(error: RedlineError) -> int:
    """The HTTP status a library error maps to."""
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, StoreError):
        return 503
    if isinstance(error, InputError | ConfigError):
        return 400
    return 400


def _clean_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        msg = str(error.get("msg", "invalid value"))
        ctx = error.get("ctx")
        if error.get("type") == "json_invalid" and isinstance(ctx, dict) and ctx.get("error"):
            msg = f"{ctx['error']} at character {loc[-1]}" if loc else str(ctx["error"])
        out.append({"loc": loc, "msg": msg, "type": str(error.get("type", "value_error"))})
    return out


def _summary(errors: list[dict[str, Any]]) -> str:
    if not errors:
        return "the request is not valid"
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(
        exc.status, exc.detail, kind=exc.kind, headers=exc.headers, errors=exc.errors
    )


async def _on_redline(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RedlineError)
    status = status_of(exc)
    if status >= 500:
        log.warning("store error on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(status, str(exc))


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_errors(exc.errors())
    # A body that is not JSON at all is a malformed request, not a wrong value.
    if any(e["type"] == "json_invalid" for e in errors):
        detail = "the request body is not valid JSON: " + errors[0]["msg"]
        return problem_response(400, detail, kind="malformed-json", errors=errors)
    return problem_response(422, _summary(errors), kind="validation-error", errors=errors)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        # FastAPI reports any body it cannot decode as a parse error; say which.
        cause = exc.__cause__
        detail = f"the request body is not valid UTF-8 (byte {cause.start}: {cause.reason})"
        return problem_response(400, detail, kind="bad-encoding")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.url.path}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    kind = getattr(exc, "kind", None)
    return problem_response(
        exc.status_code, detail, kind=kind if isinstance(kind, str) else None, headers=exc.headers
    )


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(500, "the server failed to handle the request; see its log")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RedlineError, _on_redline)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


def _response(description: str) -> dict[str, Any]:
    return {
        "model": ProblemModel,
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemModel"}}},
    }


#: Every error response a route can give, for ``APIRouter(responses=PROBLEM_RESPONSES)``
#: or a route's ``responses=``: the OpenAPI document then says what each error looks like.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _response("Malformed request (bad JSON, bad encoding) or a value redline refuses."),
    401: _response("No API key, or an unknown or revoked one."),
    403: _response("The API key's role may not do this."),
    404: _response("No such dataset, entity or resource."),
    413: _response("The request body or the number of queries is over the limit."),
    422: _response("The request is well-formed but a value in it is not valid."),
    500: _response("An unexpected server error (details are in the server log)."),
    503: _response("The store is unavailable, the lists are not ready, or it timed out."),
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The entries of :data:`PROBLEM_RESPONSES` for ``codes``, for a route's
    ``responses=`` (e.g. ``problems(404, 409)``)."""
    return {code: PROBLEM_RESPONSES[code] for code in codes}
