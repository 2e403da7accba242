"""``redline ownership``: import ownership edges, list the entities OFAC's 50% rule
blocks, and show who owns one entity and why it is (or is not) blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from redline import lists
from redline.cli.common import console, print_json, store
from redline.screening import ownership
from redline.sources.ownership import SOURCE_ID

app = typer.Typer(
    help="OFAC's 50% rule: entities owned 50% or more by blocked parties.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ThresholdOpt = Annotated[
    float,
    typer.Option(help="Blocked when blocked parties own this percentage or more, in total."),
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help="Only parties of these lists count as blocked (repeatable; default: every "
        "official list).",
        show_default=False,
    ),
]


def _notes(notes: list[str], sample: bool) -> None:
    for note in notes:
        console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    if sample:
        console.print(f"[yellow]{lists.SAMPLE_NOTICE}[/]", soft_wrap=True)


@app.command("import")
def import_cmd(
    edges: Annotated[Path, typer.Argument(help="CSV with the columns owner, owned, share.")],
    scale: Annotated[
        str, typer.Option(help="'percent' (50, 50%) or 'fraction' (0.5 is 50%).")
    ] = "percent",
    strict: Annotated[
        bool, typer.Option(help="Fail on the first bad row (--no-strict skips and reports).")
    ] = True,
    force: Annotated[
        bool, typer.Option(help="Activate even if the edges shrank >10%, or reload identical.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Load your ownership edges as a new snapshot of the user-ownership source; a bad
    file leaves the active edges as they were.

    Example: redline ownership import edges.csv
    """
    with store() as (db, conf):
        result = lists.load(
            db, conf, SOURCE_ID, [edges], strict=strict, force=force, options={"scale": scale}
        )
    if as_json:
        print_json(result.to_dict())
        return
    console.print(escape(f"{result.status} {result.message}"), soft_wrap=True)
    if result.snapshot is not None:
        for item in result.snapshot.skipped[:10]:
            where = f"line {item.get('line')}, column {item.get('field')}"
            console.print(escape(f"  skipped {where}: {item.get('message')}"), soft_wrap=True)


@app.command("flags")
def flags_cmd(
    threshold: ThresholdOpt = 50.0,
    source: SourceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the entities blocked by the 50% rule that no list names, with the sum of
    blocked shares behind each.

    Example: redline ownership flags --threshold 50 --json
    """
    with store() as (db, _conf):
        report = ownership.flags(db, threshold=threshold, sources=source)
    if as_json:
        print_json(report.to_dict())
        return
    lists_used = ", ".join(report.sources)
    if not report.flags:
        console.print(
            f"no entity is owned {ownership.pct(report.threshold)} or more by parties of "
            f"{lists_used}"
        )
    else:
        table = Table("entity", "name", "source", "blocked share", "chain", "why")
        for flag in report.flags:
            table.add_row(
                *map(
                    escape,
                    (
                        flag.entity_id,
                        flag.caption,
                        flag.source or "-",
                        ownership.pct(flag.share),
                        " → ".join(flag.path),
                        flag.explanation,
                    ),
                )
            )
        console.print(table)
        console.print(
            f"{len(report.flags)} entities owned {ownership.pct(report.threshold)} or more by "
            f"parties of {lists_used}"
        )
    _notes(report.notes, report.sample)


@app.command("show")
def show_cmd(
    entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac-16418.")],
    threshold: ThresholdOpt = 50.0,
    source: SourceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show who owns an entity, what it owns, its blocked share and why it is or is not
    blocked; links without a share are listed as not counted.

    Example: redline ownership show ofac-16418
    """
    with store() as (db, _conf):
        view = ownership.show(db, entity_id, threshold=threshold, sources=source)
    if as_json:
        print_json(view.to_dict())
        return
    where = escape(f"({view.entity_id}, {view.source or 'no list'})")
    console.print(f"[bold]{escape(view.caption)}[/] {where}", soft_wrap=True)
    style = "red" if view.blocked else "green"
    console.print(f"[{style}]{escape(view.status)}[/]", soft_wrap=True)
    if view.share:
        console.print(escape(f"blocked share: {view.explanation}"), soft_wrap=True)
    if view.path:
        console.print(escape(f"chain: {' → '.join(view.path)}"), soft_wrap=True)
    for title, stakes in (("owners", view.owners), ("owns", view.owns)):
        if stakes:
            table = Table("party", "name", "share", "status", "from", title=title)
            for stake in stakes:
                cells = (
                    stake.party_id,
                    stake.name,
                    ownership.pct(stake.share),
                    stake.status,
                    stake.origin,
                )
                table.add_row(*map(escape, cells))
            console.print(table)
    if not view.owners and not view.owns:
        console.print("no ownership edges name this entity")
    if view.links:
        table = Table("party", "name", "link", "from", title="links without a share (not counted)")
        for link in view.links:
            table.add_row(*map(escape, (link.party_id or "-", link.name, link.role, link.origin)))
        console.print(table)
    _notes(view.notes, view.sample)
