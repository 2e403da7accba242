"""``redline media classify`` and ``redline media assess``: is an article adverse media, and
if so, of what kind and how far has the matter gone.

Neither command needs the store: both read a file and a model or word lists shipped with
redline, so they run before any list is loaded.
"""

from __future__ import annotations

import dataclasses
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

from redline.cli.common import console, console_err, print_json
from redline.errors import ConfigError
from redline.media.classify import RelevanceModel, classify_file
from redline.media.risk import RiskAssessment, assess_file


def classify_cmd(
    input_csv: Annotated[
        Path, typer.Argument(metavar="IN", help="CSV with title and article columns.")
    ],
    output_csv: Annotated[
        Path,
        typer.Argument(metavar="OUT", help="CSV to write: the input plus adverse and score."),
    ],
    model: Annotated[
        Path | None,
        typer.Option(help="A relevance.json from scripts/train_relevance.py (default: shipped)."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Score from which a row is adverse (default: the model's)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Mark each article of a CSV as adverse media or not, with the model's probability.

    Columns other than title and article are kept; rows with an empty article score 0.

    Example: redline media classify articles.csv classified.csv
    """
    relevance = RelevanceModel.load(model)
    if threshold is not None:
        if not 0.0 <= threshold <= 1.0:
            raise ConfigError(f"--threshold must be between 0 and 1, not {threshold}")
        relevance = dataclasses.replace(relevance, threshold=threshold)
    columns = (
        TextColumn("classifying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console_err, transient=True) as bar:
        task = bar.add_task("classify", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = classify_file(input_csv, output_csv, relevance, progress=progress)
    if as_json:
        print_json(summary.to_dict())
        return
    table = Table("rows", "adverse", "not adverse", "empty article", "threshold", "output")
    table.add_row(
        str(summary.rows),
        str(summary.adverse),
        str(summary.not_adverse),
        str(summary.empty),
        f"{summary.threshold:.2f}",
        summary.output,
    )
    console.print(table)
    if summary.ragged:
        console_err.print(
            f"{summary.ragged} row(s) had more cells than the header; the extra cells were "
            "kept after the score column"
        )


def assess_cmd(
    file: Annotated[Path, typer.Argument(help="A UTF-8 text file (one article).")],
    about: Annotated[
        str | None,
        typer.Option(
            help="Only the sentences naming this party (exact text, any case) and their "
            "neighbours; default: the whole text."
        ),
    ] = None,
    window: Annotated[int, typer.Option(help="Neighbouring sentences read with --about.")] = 1,
    evidence: Annotated[int, typer.Option(help="Show at most this many evidence sentences.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the risk categories, legal stage and evidence sentences a text states.

    Example: redline media assess article.txt --about "Qods Aviation Industries"
    """
    result = assess_file(file, about=about, window=window)
    if as_json:
        print_json(result.to_dict())
        return
    _print_assessment(result, evidence)


def _print_assessment(result: RiskAssessment, limit: int) -> None:
    if not result.categories and result.stage is None:
        console.print("no risk category or legal stage found")
        return
    categories = Table("category", "label", "score")
    for c in result.categories:
        categories.add_row(c.code, c.label, f"{c.score:.2f}")
    console.print(categories)
    console.print(f"legal stage: {result.stage or '-'}")
    table = Table("#", "sentence", "categories", "stage", "cues", show_lines=True)
    for i, e in enumerate(result.evidence[:limit], 1):
        table.add_row(
            f"{i}{'*' if e.mention else ''}",
            e.sentence.text,
            ", ".join(e.categories),
            e.stage or "",
            "; ".join(e.cues),
        )
    console.print(table)
    if len(result.evidence) > limit:
        console.print(f"{len(result.evidence) - limit} more evidence sentence(s); see --json")
