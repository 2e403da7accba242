"""``redline audit``: check the hash-chained audit log and export it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from redline.cli.common import console, console_err, print_json, store
from redline.screening import audit

app = typer.Typer(help="Check and export the tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify_cmd(
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Check an exported JSON-lines file instead of the store."),
    ] = None,
    anchor: Annotated[
        str | None,
        typer.Option(
            help="SEQ:HASH printed by an earlier verify, kept elsewhere; must still hold."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Recompute the hash chain and name the first edited, inserted or deleted record.

    Exits 1 when the log does not verify. Keep the printed head (SEQ:HASH) somewhere
    else and pass it as --anchor later: that also catches a log rewritten end to end.

    Example: redline audit verify --anchor 41:3f5c...e9
    """
    if file is not None:
        result = audit.verify_file(file, anchor=anchor)
    else:
        with store() as (db, _conf):
            result = audit.verify(db, anchor=anchor)
    if as_json:
        print_json(result.to_dict())
    elif result.ok:
        console.print(
            f"[green]ok[/] {result.records:,} records; head {result.head_seq}:{result.head_hash}",
            soft_wrap=True,
        )
    else:
        console_err.print(
            f"[bold red]audit log does not verify[/] at record {result.bad_seq}: {result.problem}",
            soft_wrap=True,
        )
    if not result.ok:
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")
    ] = None,
) -> None:
    """Write every audit record as JSON lines (seq, time, kind, payload, prev_hash, hash).

    Example: redline audit export --output audit.jsonl
    """
    with store() as (db, _conf):
        count = audit.export(db, output, sys.stdout)
    if output is not None:
        console_err.print(f"wrote {count:,} records to {output}")
