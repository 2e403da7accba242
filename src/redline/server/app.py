"""The HTTP application: ``create_app(settings)`` wires state, limits, errors and routers.

One app per process. ``redline serve`` builds it directly for one worker and through
:func:`app_from_env` (uvicorn's ``--factory``) for several, each worker then holding its
own store connection pool and screener.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redline import __version__
from redline.screening.delta import close_abandoned_runs
from redline.server import keys_api, yente
from redline.server.problems import install as install_problems
from redline.server.problems import problem_response
from redline.server.state import ServerState
from redline.settings import Settings

log = logging.getLogger("redline.server")

DESCRIPTION = """\
Sanctions screening over HTTP. The `/match`, `/search`, `/entities`, `/catalog` and
`/algorithms` routes speak yente's request and response shapes, so a yente client works
by changing its base URL; `/v1/...` is redline's own workflow API.

Every route except `/healthz` and `/readyz` needs an API key (`redline keys create`),
sent as `Authorization: Bearer <key>`, `Authorization: ApiKey <key>` or `X-API-Key`.
Every error is an RFC 9457 problem document (`application/problem+json`).
"""


class BodyTooLarge(HTTPException):
    """Raised while reading a body that has grown past the limit; an HTTPException so
    that FastAPI passes it on to the problem handler instead of calling it a parse error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit:,} bytes")
        self.kind = "content-too-large"


class BadEncoding(HTTPException):
    """Raised while reading a JSON body that is not UTF-8 (RFC 8259 allows nothing
    else); without this check a byte-order mark would make the parser guess UTF-16."""

    def __init__(self, position: int) -> None:
        super().__init__(400, f"the request body is not valid UTF-8 (near byte {position:,})")
        self.kind = "bad-encoding"


class BodyLimitMiddleware:
    """Refuses bodies over the limit: at once when ``Content-Length`` says so, or as soon
    as a streamed body passes it — a client cannot make the server buffer gigabytes.
    JSON bodies are also checked to be UTF-8 as they stream in.

    File uploads (``multipart/form-data``) have their own limit,
    ``api_max_upload_bytes``, when that setting exists; otherwise the routes that take
    them are responsible for it.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.api_max_body_bytes
        upload = getattr(settings, "api_max_upload_bytes", None)
        self.upload_limit: int | None = int(upload) if upload is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.upload_limit if multipart else self.limit
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await problem_response(400, "the Content-Length header is not a number")(
                    scope, receive, send
                )
                return
            if size > limit:
                too_large = BodyTooLarge(limit)
                await problem_response(413, str(too_large.detail), kind="content-too-large")(
                    scope, receive, send
                )
                return
        seen = 0
        is_json = "json" in headers.get("content-type", "").lower()
        decoder = codecs.getincrementaldecoder("utf-8")()

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                if seen + len(chunk) > limit:
                    raise BodyTooLarge(limit)
                if is_json:
                    try:
                        decoder.decode(chunk, final=not message.get("more_body", False))
                    except UnicodeDecodeError as exc:
                        raise BadEncoding(seen + exc.start) from None
                seen += len(chunk)
            return message

        await self.app(scope, limited, send)


class TimeoutMiddleware:
    """Answers 503 when a request has not started its response within the timeout.

    Only the wait for the response's first byte is bounded: a long download that has
    begun is not cut off. File uploads (``multipart/form-data``) are not bounded at all:
    a large file on a slow link may take minutes to arrive, and its size is limited
    separately. A timed-out screening computation finishes in its worker thread and its
    result is dropped.
    """

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.timeout <= 0:
            await self.app(scope, receive, send)
            return
        if Headers(scope=scope).get("content-type", "").lower().startswith("multipart/"):
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, watched))
        waiter = asyncio.ensure_future(started.wait())
        try:
            done, _ = await asyncio.wait(
                {task, waiter}, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waiter.cancel()
        if not done:
            task.cancel()
            log.warning("timed out: %s %s", scope.get("method"), scope.get("path"))
            await problem_response(
                503,
                f"the request took longer than {self.timeout:g} s and was abandoned",
                kind="timeout",
                headers={"Retry-After": "1"},
            )(scope, receive, send)
            return
        await task


def create_app(settings: Settings) -> FastAPI:
    """The redline HTTP application for ``settings``.

    The store is opened here; the screener is built in the background at startup, and
    ``/readyz`` answers 503 until it is ready.
    """
    state = ServerState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A re-screen this server ran when it was stopped would otherwise stay "running".
        closed = close_abandoned_runs(state.store)
        if closed:
            log.warning(
                "re-screen runs %s had stopped with their process: recorded as failed", closed
            )
        state.warm()
        yield
        state.close()

    app = FastAPI(
        title="redline",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "yente", "description": "yente-compatible screening and data routes."},
            {"name": "health", "description": "Liveness and readiness, without a key."},
            {"name": "keys", "description": "API key management (admins)."},
        ],
    )
    app.state.redline = state
    install_problems(app)

    app.include_router(yente.router)
    app.include_router(keys_api.router)
    # workflow routers (screenings, portfolio, alerts, audit, lists)
    from redline.server import alerts, audit, lists, portfolio, screenings

    for workflow in (screenings, portfolio, alerts, audit, lists):
        app.include_router(workflow.router)
    from redline.server import media as media_api  # adverse media (redline media search)

    app.include_router(media_api.router)

    # Middleware added last runs first: CORS (when on) sees every request, the timeout
    # then bounds everything below it, and the body limit guards the routes.
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(TimeoutMiddleware, timeout=settings.api_request_timeout)
    origins = [o.strip() for o in settings.api_cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    return app


def app_from_env() -> FastAPI:
    """The app for the settings in the environment (uvicorn ``--factory``)."""
    return create_app(Settings.from_env())
