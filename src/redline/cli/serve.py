"""``redline serve``: the HTTP API (yente-compatible routes and redline's own) on uvicorn."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from redline.cli.common import console_err, settings
from redline.errors import ConfigError


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (each holds its own screening index).")
    ] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the HTTP API: yente-compatible /match, /search, /entities and the /v1 API.

    Every route but /healthz and /readyz needs a key from `redline keys create`.

    Example: redline serve --host 0.0.0.0 --port 8000 --workers 2
    """
    import uvicorn

    from redline.matching.screener import Screener
    from redline.server.app import create_app
    from redline.store import open_store
    from redline.store.keys import any_keys

    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    if not 0 < port < 65536:
        raise ConfigError("--port must be between 1 and 65535")
    conf = settings()
    # Migrate once here rather than racing in every worker, and build the screening
    # index once so that the workers load it instead of each analysing every name.
    db = open_store(conf)
    try:
        keys = any_keys(db)
        if db.active_snapshots() and workers > 1:
            console_err.print("preparing the screening index...")
            Screener.from_store(db, cache_dir=conf.home / "index")
        elif not db.active_snapshots():
            console_err.print(
                "[yellow]no lists are loaded: /readyz answers 503 until one is "
                "(redline lists load ...)[/]"
            )
    finally:
        db.close()
    if not keys:
        warning = "no API keys exist, so every request but /healthz and /readyz gets 401"
        if not _loopback(host):
            warning = f"listening on {host} (not loopback) and " + warning
        console_err.print(
            f"[yellow]warning: {warning}; create one with: redline keys create NAME --role admin[/]"
        )
    if workers == 1:
        uvicorn.run(create_app(conf), host=host, port=port, log_level=log_level)
        return
    # Workers are separate processes that read their settings from the environment:
    # pass on the home chosen with --home.
    os.environ["REDLINE_HOME"] = str(conf.home)
    uvicorn.run(
        "redline.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )
