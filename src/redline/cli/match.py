"""``redline match`` and ``redline pairs``: screen one party, or score name pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from redline import lists
from redline.cli.common import console, console_err, print_json, store
from redline.entities import Entity
from redline.errors import ConfigError, InputError
from redline.matching.algorithms import ALGORITHMS, get_algorithm
from redline.matching.pairs import FALLBACK_SCHEMA, score_pairs_file
from redline.matching.screener import Screener
from redline.schema import PARTY_SCHEMATA

pairs_app = typer.Typer(help="Score name pairs from a file (for evaluation).", no_args_is_help=True)

_ID_PROPS = {
    "Person": "idNumber",
    "Vessel": "imoNumber",
    "Airplane": "registrationNumber",
}


def build_query(
    name: str,
    schema: str,
    aliases: list[str],
    birth_date: str | None,
    countries: list[str],
    identifiers: list[str],
    gender: str | None,
) -> Entity:
    """A query entity from command-line values; properties the schema lacks are refused."""
    if schema not in PARTY_SCHEMATA:
        known = ", ".join(sorted(PARTY_SCHEMATA))
        raise ConfigError(f"unknown schema {schema!r}; use one of: {known}")
    if not name.strip():
        raise InputError("the name is empty")
    entity = Entity("query", schema)
    entity.add("name", name)
    entity.add("alias", aliases)
    try:
        if birth_date:
            entity.add("birthDate", birth_date)
        if gender:
            entity.add("gender", gender)
    except ValueError:
        raise ConfigError(f"a {schema} has no birth date or gender; use --schema Person") from None
    country_prop = "nationality" if schema == "Person" else "country"
    entity.add(country_prop, countries)
    entity.add(_ID_PROPS.get(schema, "registrationNumber"), identifiers)
    return entity


def match_cmd(
    name: Annotated[str, typer.Argument(help="The name to screen, in any script.")],
    schema: Annotated[
        str, typer.Option(help="Person, Company, Organization, Vessel, Airplane or LegalEntity.")
    ] = "LegalEntity",
    alias: Annotated[list[str] | None, typer.Option(help="Another name (repeatable).")] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    country: Annotated[
        list[str] | None, typer.Option(help="Country or nationality (repeatable).")
    ] = None,
    identifier: Annotated[
        list[str] | None,
        typer.Option("--id", help="Passport, national id, IMO, registration... (repeatable)."),
    ] = None,
    gender: Annotated[str | None, typer.Option(help="male or female.")] = None,
    source: Annotated[
        list[str] | None, typer.Option(help="Only these list sources (repeatable).")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Lowest score shown (default: the algorithm's).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many matches.")] = 10,
    algorithm: Annotated[
        str, typer.Option(help=f"One of: {', '.join(sorted(ALGORITHMS))}.")
    ] = "redline-v1",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Screen one party against the active lists and explain every match.

    Example: redline match "Ghassem Damavandian" --schema Person --country Iran
    """
    query = build_query(
        name, schema, alias or [], birth_date, country or [], identifier or [], gender
    )
    algo = get_algorithm(algorithm)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError("--threshold must be between 0 and 1")
    with store() as (db, conf):
        active = db.active_snapshots()
        if not active:
            raise ConfigError(
                "no active lists: load one first, e.g. redline lists load us-ofac-sdn --sample"
            )
        cache = conf.home / "index"
        console_err.print(f"screening against {sum(s.entity_count for s in active):,} entities")
        screener = Screener.from_store(db, algo.name, cache_dir=cache)
        matches = screener.match(query, threshold=threshold, limit=limit, sources=source or None)
        samples = {s.source for s in active if s.sample}
    if as_json:
        print_json(
            {
                "query": query.to_dict(),
                "algorithm": {"name": algo.name, "version": algo.version},
                "threshold": algo.threshold if threshold is None else threshold,
                "results": [{**m.to_dict(), "sample": m.source in samples} for m in matches],
            }
        )
        return
    if not matches:
        cut = algo.threshold if threshold is None else threshold
        console.print(f"no match for {name!r} at or above {cut:.2f} ({algo.name})")
        return
    for m in matches:
        label = f"{m.source} (SAMPLE)" if m.source in samples else m.source
        console.print(
            f"[bold]{m.score:.2f}[/] {m.caption}  [dim]{m.entity_id} · {m.schema} · {label}[/]"
        )
        table = Table("feature", "effect", "why", show_header=False, box=None, padding=(0, 2))
        for e in m.explanations:
            table.add_row(
                e.feature,
                f"{e.score:+.2f}" if e.feature != "name_match" else f"{e.score:.2f}",
                e.detail,
            )
        if m.matched_name and m.matched_name != m.caption:
            table.add_row("matched", "", m.matched_name)
        console.print(table)
    if samples:
        console.print(f"[yellow]{lists.SAMPLE_NOTICE}[/]", soft_wrap=True)


@pairs_app.command("score")
def pairs_score_cmd(
    source: Annotated[Path, typer.Argument(help="CSV with columns schema,name1,name2.")],
    target: Annotated[Path, typer.Argument(help="Where to write the scored CSV.")],
    algorithm: Annotated[
        str, typer.Option(help=f"One of: {', '.join(sorted(ALGORITHMS))}.")
    ] = "redline-v1",
) -> None:
    """Score name pairs: adds `score` (0-1) and `match` (at the default threshold).

    Other columns are kept. The scores are those screening would give.

    Example: redline pairs score pairs.csv scored.csv
    """
    summary = score_pairs_file(source, target, algorithm)
    console.print(
        f"{summary.rows:,} pairs scored with {summary.algorithm} "
        f"(threshold {summary.threshold:.2f}): {summary.matches:,} match; wrote {target}"
    )
    if summary.unknown_schemata:
        where = ", ".join(f"{k!r} (line {n})" for k, n in summary.unknown_schemata.items())
        console_err.print(
            f"[yellow]warning:[/yellow] unknown schema {where}: those rows were scored as "
            f"{FALLBACK_SCHEMA}; use Person, Company, Organization, Vessel or Airplane"
        )
