"""``redline lists``: sources, loading, updating, status, history, diffs and export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from redline import lists
from redline.cli.common import console, console_err, print_json, store
from redline.errors import ConfigError
from redline.sources import source_class, source_ids

app = typer.Typer(help="Load, update, inspect and export sanctions lists.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _options(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--option expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} entities"),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=not console_err.is_terminal,
    )


def _show_result(result: lists.LoadResult) -> None:
    style = {"active": "green", "unchanged": "cyan", "held": "yellow"}.get(result.status, "red")
    console.print(f"[{style}]{result.status}[/] {result.message}", soft_wrap=True)
    if result.snapshot and result.snapshot.skipped:
        console.print(f"  first skipped records ({result.snapshot.skipped_count} in all):")
        for item in result.snapshot.skipped[:5]:
            console.print(f"  - {_skip_line(item)}", soft_wrap=True)


def _skip_line(item: dict[str, object]) -> str:
    where = [str(item.get("path") or "")]
    if item.get("line"):
        where.append(f"line {item['line']}")
    if item.get("element"):
        where.append(str(item["element"]))
    extra = [f"{k} {item[k]}" for k in ("record", "field") if item.get(k)]
    return f"{', '.join(w for w in where if w)}: {item.get('message')}" + (
        f" [{', '.join(extra)}]" if extra else ""
    )


@app.command("sources")
def sources_cmd(as_json: JsonOpt = False) -> None:
    """List every source redline can load, with its formats and official URLs.

    Example: redline lists sources --json
    """
    described = [source_class(sid).describe() for sid in source_ids()]
    if as_json:
        print_json(described)
        return
    table = Table("id", "title", "formats", "official URL(s)")
    for d in described:
        urls = d["urls"]
        assert isinstance(urls, list) and isinstance(d["formats"], list)
        table.add_row(
            str(d["id"]), str(d["title"]), "\n".join(d["formats"]), "\n".join(urls) or "-"
        )
    console.print(table)


@app.command("load")
def load_cmd(
    source: Annotated[
        str, typer.Argument(help="Source id, e.g. us-ofac-sdn (see 'lists sources').")
    ],
    files: Annotated[
        list[Path] | None, typer.Argument(help="The list file(s) of one version.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail on the first malformed record.")] = False,
    force: Annotated[
        bool, typer.Option(help="Activate even if the list shrank >10%, or reload identical files.")
    ] = False,
    activate: Annotated[bool, typer.Option(help="Activate the new snapshot.")] = True,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-O",
            help="Source option KEY=VALUE (CSV column mapping).",
            show_default=False,
        ),
    ] = None,
    sample: Annotated[
        bool, typer.Option(help="Load the bundled OFAC SDN sample (demo only, not for compliance).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Parse list files into a new snapshot, validate it and activate it atomically.

    Example: redline lists load us-ofac-sdn sdn.csv add.csv alt.csv sdn_comments.csv
    """
    with store() as (db, conf), _progress() as bar:
        task = bar.add_task(f"loading {source}", total=None)

        def tick(n: int) -> None:
            bar.update(task, completed=n)

        if sample:
            if files or source != lists.SAMPLE_SOURCE:
                raise ConfigError(
                    f"--sample loads the bundled {lists.SAMPLE_SOURCE} excerpt and takes no files"
                )
            result = lists.load_sample(db, conf, force=force)
        else:
            if not files:
                raise ConfigError(
                    f"give the file(s) to load for {source}, or --sample for the demo list"
                )
            result = lists.load(
                db,
                conf,
                source,
                files,
                strict=strict,
                force=force,
                activate=activate,
                options=_options(option),
                progress=tick,
            )
    if as_json:
        print_json(result.to_dict())
    else:
        _show_result(result)


@app.command("update")
def update_cmd(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Source ids; default: every source with an official URL."),
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option(
            "--url",
            help="Download from this address instead (one source; a mirror).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail on the first malformed record.")] = False,
    force: Annotated[bool, typer.Option(help="Activate even if a list shrank >10%.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Download lists from the publishers' official URLs and load the ones that changed.

    Example: redline lists update us-ofac-sdn un-sc
    """
    wanted = sources or [sid for sid in source_ids() if source_class(sid).urls]
    with store() as (db, conf):
        results = lists.update(db, conf, wanted, urls=url, strict=strict, force=force)
    if as_json:
        print_json([r.to_dict() for r in results])
    else:
        for r in results:
            _show_result(r)
    if any(r.status in ("failed", "held") for r in results):
        raise typer.Exit(1)


@app.command("status")
def status_cmd(as_json: JsonOpt = False) -> None:
    """Show the active snapshot of each source: entities, hash, dates, skipped records.

    Example: redline lists status --json
    """
    with store() as (db, _conf):
        active = lists.status(db)
    if as_json:
        print_json(
            [{**s.to_dict(), "notice": lists.SAMPLE_NOTICE if s.sample else None} for s in active]
        )
        return
    if not active:
        console.print(
            "no lists loaded: run 'redline lists update' or 'redline lists load SOURCE FILE...'"
        )
        return
    table = Table(
        "source", "snapshot", "entities", "relations", "skipped", "published", "loaded", "sha256"
    )
    for s in active:
        name = f"{s.source} [yellow](SAMPLE)[/]" if s.sample else s.source
        table.add_row(
            name,
            str(s.id),
            f"{s.entity_count:,}",
            f"{s.relation_count:,}",
            f"{s.skipped_count:,}",
            s.published_at or "-",
            s.loaded_at,
            s.content_hash[:12],
        )
    console.print(table)
    if any(s.sample for s in active):
        console.print(f"[yellow]{lists.SAMPLE_NOTICE}[/]", soft_wrap=True)
    for s in active:
        for item in s.skipped[:3]:
            console.print(f"{s.source} skipped: {_skip_line(item)}", soft_wrap=True)


@app.command("history")
def history_cmd(
    source: Annotated[str | None, typer.Argument(help="Only this source.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List every stored snapshot, newest first, with its status.

    Example: redline lists history us-ofac-sdn
    """
    if source:
        source_class(source)
    with store() as (db, _conf):
        snaps = db.snapshots(source)
    if as_json:
        print_json([s.to_dict() for s in snaps])
        return
    table = Table("snapshot", "source", "status", "entities", "skipped", "loaded", "origin")
    for s in snaps:
        table.add_row(
            str(s.id),
            s.source,
            s.status,
            f"{s.entity_count:,}",
            f"{s.skipped_count:,}",
            s.loaded_at,
            s.origin or "",
        )
    console.print(table)


@app.command("activate")
def activate_cmd(
    snapshot: Annotated[int, typer.Argument(help="Snapshot id (see 'lists history').")],
    force: Annotated[
        bool, typer.Option(help="Activate even if it has >10% fewer entities.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Make a stored snapshot active: a held one after checking it, or an older one to roll back.

    Example: redline lists activate 3 --force
    """
    from redline.screening.audit import sync_activations

    with store() as (db, conf):
        info = db.activate(snapshot, force=force, shrink_limit=conf.shrink_limit)
        # Logged now, not at the next re-screen: the log says when the lists changed.
        sync_activations(db)
    if as_json:
        print_json(info.to_dict())
    else:
        console.print(
            f"[green]active[/] {info.source}: snapshot {info.id} ({info.entity_count:,} entities)"
        )


@app.command("diff")
def diff_cmd(
    source: Annotated[str, typer.Argument(help="Source id.")],
    from_id: Annotated[
        int | None, typer.Option("--from", help="Older snapshot id (default: the one before).")
    ] = None,
    to_id: Annotated[
        int | None, typer.Option("--to", help="Newer snapshot id (default: the active one).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show entities added, removed and changed between two snapshots, and which properties changed.

    Example: redline lists diff us-ofac-sdn --from 1 --to 2 --json
    """
    with store() as (db, _conf):
        result = lists.diff(db, source, from_id, to_id)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(
        f"{source}: snapshot {result.from_id} → {result.to_id}: {len(result.added)} added, "
        f"{len(result.removed)} removed, {len(result.changed)} changed"
    )
    for item in result.added:
        console.print(
            f"[green]+ {item['id']}[/] {item['schema']} {item['caption']}", soft_wrap=True
        )
    for item in result.removed:
        console.print(f"[red]- {item['id']}[/] {item['schema']} {item['caption']}", soft_wrap=True)
    for changed in result.changed:
        console.print(f"[yellow]~ {changed['id']}[/] {changed['caption']}", soft_wrap=True)
        for prop, change in changed["properties"].items():
            for value in change["removed"]:
                console.print(f"    {prop}: [red]- {value}[/]", soft_wrap=True)
            for value in change["added"]:
                console.print(f"    {prop}: [green]+ {value}[/]", soft_wrap=True)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="Output format.")] = "ftm",
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only these sources (repeatable).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write; default stdout.")
    ] = None,
) -> None:
    """Export the active entities as FollowTheMoney JSON lines.

    Example: redline lists export --format ftm --source un-sc -o un.jsonl
    """
    for sid in source or []:
        source_class(sid)
    with store() as (db, _conf):
        if output is None:
            count = lists.export(db, sys.stdout, sources=source, fmt=fmt)
        else:
            tmp = output.with_name(output.name + ".part")
            with open(tmp, "w", encoding="utf-8") as fh:
                count = lists.export(db, fh, sources=source, fmt=fmt)
            tmp.replace(output)
    console_err.print(f"exported {count:,} entities")
