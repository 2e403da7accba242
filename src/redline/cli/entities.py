"""``redline entities``: look up listed parties by name or id in the active lists."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from redline import lists
from redline.cli.common import console, print_json, store

app = typer.Typer(help="Look up listed parties in the active lists.", no_args_is_help=True)


@app.command("search")
def search_cmd(
    text: Annotated[str, typer.Argument(help="Words that must all appear in one of the names.")],
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find listed parties whose name or alias contains every word given (no scoring).

    Example: redline entities search "qods aviation"
    """
    with store() as (db, _conf):
        hits = lists.search(db, text, limit=limit)
        samples = {s.source for s in db.active_snapshots() if s.sample}
    if as_json:
        print_json(
            [
                {**entity.to_dict(), "source": source, "sample": source in samples}
                for entity, source in hits
            ]
        )
        return
    if not hits:
        console.print(f"no listed party has a name containing {text!r}")
        return
    table = Table("id", "schema", "name", "source", "program")
    for entity, source in hits:
        label = f"{source} (SAMPLE)" if source in samples else source
        table.add_row(
            entity.id, entity.schema, entity.caption, label, ", ".join(entity.get("program"))
        )
    console.print(table)
    if samples:
        console.print(f"[yellow]{lists.SAMPLE_NOTICE}[/]", soft_wrap=True)


@app.command("show")
def show_cmd(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac-16418.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every property of one listed party and the snapshot it comes from.

    Example: redline entities show ofac-16418
    """
    with store() as (db, _conf):
        entity, info = db.get_entity(entity_id)
    if as_json:
        print_json({**entity.to_dict(), "snapshot": info.id, "sample": info.sample})
        return
    console.print(f"[bold]{entity.caption}[/] ({entity.schema}, {entity.id})")
    console.print(
        f"source {info.source}, snapshot {info.id}" + (" — SAMPLE" if info.sample else "")
    )
    for prop, values in sorted(entity.properties.items()):
        console.print(f"  {prop}: {'; '.join(values)}", soft_wrap=True)
