"""``redline portfolio``: import customers, list them, re-screen what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from redline import lists
from redline.cli.common import console, console_err, print_json, store
from redline.screening import delta, portfolio
from redline.store import portfolio as customers_db

app = typer.Typer(
    help="Monitor a customer portfolio: import it, list it, re-screen what changed.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=not console_err.is_terminal,
    )


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, Parquet or JSON lines.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="field=COLUMN when a column is not recognised, e.g. id=Client No (repeatable).",
            show_default=False,
        ),
    ] = None,
    schema: Annotated[
        str | None,
        typer.Option(help="Schema of rows without a type column (Person, Company...)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Store customers under their own ids; importing again updates only changed records.

    Two rows with one id fail the import (naming both rows) and nothing is stored.
    Rows without a name are skipped and listed.

    Example: redline portfolio import customers.csv --map id="Client No"
    """
    with store() as (db, _conf), _progress() as bar:
        task = bar.add_task("importing", total=None)
        result = portfolio.import_file(
            db,
            file,
            mapping=mapping,
            schema=schema,
            progress=lambda n: bar.update(task, completed=n),
        )
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"[green]imported[/] {file}: {result.new:,} new, {result.changed:,} changed, "
        f"{result.unchanged:,} unchanged, {len(result.skipped):,} skipped; "
        f"portfolio holds {result.total:,} customers (revision {result.revision})",
        soft_wrap=True,
    )
    for item in result.skipped[:10]:
        console.print(f"  skipped row {item['row']} (id {item['id']}): {item['problem']}")
    if result.new or result.changed:
        console.print("run 'redline portfolio rescreen' to screen the new and changed customers")


@app.command("list")
def list_cmd(
    limit: Annotated[int, typer.Option(help="At most this many customers.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List the portfolio's customers and say whether a re-screen is due.

    Example: redline portfolio list --limit 20
    """
    with store() as (db, _conf):
        rows = customers_db.list_customers(db, limit=limit, offset=offset)
        state = delta.due(db)
    if as_json:
        print_json({"status": state.to_dict(), "customers": [c.to_dict() for c in rows]})
        return
    table = Table("id", "schema", "name", "revision", "updated")
    for c in rows:
        table.add_row(c.id, c.schema, c.caption, str(c.revision), c.updated_at)
    console.print(table)
    console.print(f"{state.customers_total:,} customers", soft_wrap=True)
    if state.baseline is None:
        console.print("never screened: run 'redline portfolio rescreen'")
    elif state.due:
        changed = ", ".join(f"{s['source']} {s['from'] or 'new'}→{s['to']}" for s in state.sources)
        console.print(
            f"re-screen due since run {state.baseline.id}: "
            f"{changed or 'no list changes'}; {state.customers_changed:,} customers changed",
            soft_wrap=True,
        )
    else:
        console.print(f"up to date with run {state.baseline.id}")


@app.command("rescreen")
def rescreen_cmd(
    threshold: Annotated[
        float | None, typer.Option(help="Lowest score that raises an alert (default 0.8).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many alerts per customer.")] = 10,
    algorithm: Annotated[str | None, typer.Option(help="Matching algorithm.")] = None,
    full: Annotated[
        bool, typer.Option(help="Screen every customer against every entity, not the delta.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Screen what changed since the last run and raise only new alerts.

    New and changed customers are screened against every active entity; new and changed
    list entries against the rest of the portfolio. Pairs already alerted on unchanged
    data stay quiet.

    Example: redline portfolio rescreen --json
    """
    with store() as (db, conf), _progress() as bar:
        tasks: dict[str, TaskID] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"screening {stage}", total=total)
            bar.update(tasks[stage], completed=done)

        result = delta.rescreen(
            db,
            conf,
            threshold=threshold,
            limit=limit,
            algorithm=algorithm,
            full=full,
            progress=tick,
        )
        samples = [s.source for s in db.active_snapshots() if s.sample]
    if as_json:
        print_json(result.to_dict())
        return
    counts = result.alerts
    console.print(
        f"run {result.run_id}"
        + (f" (since run {result.baseline_run})" if result.baseline_run else " (first run)")
        + f": {result.customers_screened:,} customers screened, "
        f"{result.entities_changed:,} changed list entries checked against the portfolio; "
        f"{counts.raised:,} new alerts ({counts.realerted:,} after a change, "
        f"{counts.discounted:,} auto-discounted), {counts.quiet:,} already alerted"
        + (
            f"; {result.alerts_delisted:,} open alerts closed as delisted"
            if result.alerts_delisted
            else ""
        ),
        soft_wrap=True,
    )
    if counts.raised:
        console.print("review them with 'redline alerts --status open'")
    if samples:
        console.print(f"[yellow]{lists.SAMPLE_NOTICE}[/]", soft_wrap=True)
