"""``redline keys``: create, list and revoke the API keys of the HTTP server."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table

from redline.cli.common import console, console_err, print_json, store
from redline.store.keys import ROLES, create_key, list_keys, revoke_key

app = typer.Typer(help="API keys for the HTTP server (redline serve).", no_args_is_help=True)


def _who(by: str | None) -> str:
    """The user to record: --by, else the login name, so the audit log names someone."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@app.command("create")
def create_cmd(
    name: Annotated[str, typer.Argument(help="Who or what will use the key.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "viewer",
    by: Annotated[
        str | None, typer.Option("--by", help="Who creates it (default: your login).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a key and print it once: it is stored only as a digest.

    Example: redline keys create kyc-service --role analyst --by alice
    """
    with store() as (db, _conf):
        record, key = create_key(db, name, role.strip().lower(), created_by=_who(by))
    if as_json:
        print_json({**record.to_dict(), "key": key})
        return
    console.print(key, soft_wrap=True)
    console_err.print(
        f"created {record.role} key {record.prefix} for {record.name!r}; copy it now, "
        "it cannot be shown again"
    )


@app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every key (prefix, name, role, who created it, revoked or not).

    Example: redline keys list --json
    """
    with store() as (db, _conf):
        keys = list_keys(db)
    if as_json:
        print_json([k.to_dict() for k in keys])
        return
    if not keys:
        console.print("no API keys; create one with: redline keys create NAME --role viewer")
        return
    table = Table("prefix", "name", "role", "created", "by", "revoked")
    for k in keys:
        table.add_row(k.prefix, k.name, k.role, k.created_at, k.created_by, k.revoked_at or "")
    console.print(table)


@app.command("revoke")
def revoke_cmd(
    prefix: Annotated[str, typer.Argument(help="The key's prefix, as `keys list` shows it.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who revokes it (default: your login).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Revoke a key. Running servers stop accepting it within 5 seconds.

    Example: redline keys revoke 3f9a0c1d
    """
    with store() as (db, _conf):
        record = revoke_key(db, prefix, revoked_by=_who(by))
    if as_json:
        print_json(record.to_dict())
        return
    console.print(
        f"revoked key {record.prefix} ({record.name}, {record.role}) at {record.revoked_at}"
    )
