"""The ``redline`` command: thin shells over the library, one module per command group.

Each command opens the store, calls one public function and formats its result, as a
table for people or as JSON (``--json``) for machines. A :class:`RedlineError` is caught
here, once, and printed as one line; the exit status is 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from redline.cli import alerts as alerts_cli
from redline.cli import audit as audit_cli
from redline.cli import entities as entities_cli
from redline.cli import keys as keys_cli
from redline.cli import lists as lists_cli
from redline.cli import match as match_cli
from redline.cli import media as media_cli
from redline.cli import media_classify as media_classify_cli
from redline.cli import media_search as media_search_cli
from redline.cli import ownership as ownership_cli
from redline.cli import portfolio as portfolio_cli
from redline.cli import screen as screen_cli
from redline.cli import serve as serve_cli
from redline.cli.common import console_err, state
from redline.errors import RedlineError

app = typer.Typer(
    name="redline",
    help="Screen people, companies, vessels and aircraft against sanctions lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(lists_cli.app, name="lists")
app.add_typer(entities_cli.app, name="entities")
app.add_typer(match_cli.pairs_app, name="pairs")
app.command("match")(match_cli.match_cmd)
app.command("screen")(screen_cli.screen_cmd)
app.add_typer(ownership_cli.app, name="ownership")
app.add_typer(portfolio_cli.app, name="portfolio")
app.command("alerts")(alerts_cli.alerts_cmd)
app.command("decide")(alerts_cli.decide_cmd)
app.add_typer(audit_cli.app, name="audit")
app.add_typer(media_cli.app, name="media")
media_cli.app.command("classify")(media_classify_cli.classify_cmd)
media_cli.app.command("assess")(media_classify_cli.assess_cmd)
media_cli.app.command("search")(media_search_cli.search_cmd)
media_cli.app.command("link")(media_search_cli.link_cmd)
media_cli.app.command("mentions")(media_search_cli.mentions_cmd)
app.add_typer(keys_cli.app, name="keys")
app.command("serve")(serve_cli.serve_cmd)


@app.callback()
def _root(
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Data directory (overrides REDLINE_HOME).", show_default=False),
    ] = None,
) -> None:
    """redline: sanctions screening with explained matches and an auditable record.

    Example: redline lists load us-ofac-sdn sdn.csv add.csv alt.csv sdn_comments.csv
    """
    state.home = home


@app.command("settings")
def settings_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every setting: its environment variable, the value in force and what it does.

    Example: REDLINE_HOME=/srv/redline redline settings
    """
    from dataclasses import asdict

    from rich.table import Table

    from redline.cli.common import console, print_json, settings
    from redline.settings import Settings

    current = asdict(settings())
    rows = [{**item, "value": str(current[item["name"]])} for item in Settings.describe()]
    if as_json:
        print_json(rows)
        return
    table = Table("variable", "value", "help")
    for row in rows:
        table.add_row(row["env"], row["value"], row["help"])
    console.print(table)


def main() -> None:
    """Entry point of the ``redline`` script."""
    try:
        app()
    except RedlineError as exc:
        # The message is text, not markup: "[field name]" in it must print as written.
        console_err.print(
            f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        console_err.print("interrupted; nothing was changed by the unfinished step")
        sys.exit(130)
