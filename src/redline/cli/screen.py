"""``redline screen FILE``: screen a whole customer file, with results, report and resume."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from redline import lists
from redline.cli.common import console, console_err, print_json, store
from redline.screening.batch import ScreenParams, ScreenSummary, screen_file, work_paths
from redline.screening.readers import FIELDS, parse_mapping

_FIELDS_HELP = ", ".join(f.name for f in FIELDS)


def screen_cmd(
    file: Annotated[
        Path, typer.Argument(help="Customer file: .csv, .tsv, .xlsx, .parquet or .jsonl.")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Results: .csv, .xlsx or .jsonl, one row per hit."),
    ],
    report: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML report here.")
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help=f"field=column, overriding the detected columns (repeatable; 'field=' turns "
            f"one off). Fields: {_FIELDS_HELP}.",
        ),
    ] = None,
    schema: Annotated[
        str | None,
        typer.Option(
            help="Schema for rows without an entity type (Person, Company, Organization, "
            "Vessel, Airplane, LegalEntity); default: guessed from each row."
        ),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Lowest score reported (default: the algorithm's).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many hits per row.")] = 10,
    source: Annotated[
        list[str] | None, typer.Option(help="Only these list sources (repeatable).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: one per CPU).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue an interrupted run of the same command.")
    ] = False,
    fail_on_hit: Annotated[
        bool, typer.Option("--fail-on-hit", help="Exit with status 2 when any row has a hit.")
    ] = False,
    media: Annotated[
        bool,
        typer.Option(
            "--media", help="Also find each row in the stored news (see redline media add)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Screen every row of a customer file against the active lists.

    Columns (id, name, type, birth date, country, nationality, identifiers, aliases) \
are found by their headers: check the "columns" line, and correct it with --map. \
The results keep the input's id column (or the row number) and hold each hit with \
its score and explanation. Rows without a name are reported as skipped.

    A killed run keeps its finished rows: run the same command with --resume.

    With --media, each row is also looked for in the stored news: results gain the \
columns news_stories, news_adverse and news (rows named only in the news get a row of \
their own), and the report a News section.

    Exit status: 0 done, 1 error, 2 hits found with --fail-on-hit, 130 interrupted.

    Example: redline screen customers.csv -o hits.xlsx --report report.html --fail-on-hit
    """
    params = ScreenParams(
        threshold=threshold,
        limit=limit,
        sources=tuple(source or ()),
        schema=schema,
        mapping=parse_mapping(mapping or []),
        workers=workers,
        media=media,
    )
    columns = (
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with store() as (db, conf), Progress(*columns, console=console_err) as bar:
        task = bar.add_task("screening", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def log(message: str) -> None:
            bar.console.print(f"[dim]{message}[/]", highlight=False, soft_wrap=True)

        try:
            summary = screen_file(
                db,
                conf,
                file,
                output,
                params,
                report=report,
                resume=resume,
                progress=progress,
                log=log,
            )
        except KeyboardInterrupt:
            bar.stop()
            part, _ = work_paths(output)
            console_err.print(
                f"interrupted; finished rows are kept in {part}: run the same command with "
                "--resume to continue"
            )
            raise typer.Exit(130) from None
    if as_json:
        print_json(summary.to_dict())
    else:
        _print_summary(summary)
    if fail_on_hit and summary.hits:
        raise typer.Exit(2)


def _print_summary(summary: ScreenSummary) -> None:
    c = summary.counts
    table = Table("rows", "screened", "skipped", "with hits", "hits", "seconds")
    table.add_row(
        f"{c['rows']:,}",
        f"{c['screened']:,}",
        f"{c['skipped']:,}",
        f"{c['with_hits']:,}",
        f"{c['hits']:,}",
        f"{summary.seconds:,.1f}",
    )
    console.print(table)
    if "with_news" in c:
        console.print(f"rows named in the stored news: {c['with_news']:,}")
    if summary.by_source:
        console.print(
            "hits by list: " + ", ".join(f"{k} {v:,}" for k, v in summary.by_source.items())
        )
    for skip in summary.skipped[:10]:
        console.print(f"row {skip['row']} (id {skip['id']}): skipped: {skip['reason']}")
    if c["skipped"] > 10:
        console.print(f"... {c['skipped'] - 10:,} more skipped rows (listed in the report)")
    for note in summary.notes:
        console.print(
            f"note: {note['message']}: {note['count']:,} rows (e.g. {', '.join(note['rows'])})"
        )
    written = summary.output + (f" and {summary.report}" if summary.report else "")
    console.print(f"wrote {written}")
    if any(s["sample"] for s in summary.snapshots):
        console.print(f"[yellow]{lists.SAMPLE_NOTICE}[/]", soft_wrap=True)
