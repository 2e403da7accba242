"""``redline media search``, ``media link`` and ``media mentions``: find a party in the
stored news, link stored articles to listed entities and customers, and read the links."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from redline.cli.common import console, console_err, print_json, store
from redline.errors import ConfigError
from redline.media.link import CUSTOMER, LINK_THRESHOLD, link_articles, mentions_in, mentions_of
from redline.media.mentions import DEFAULT_THRESHOLD, spacy_backend
from redline.media.search import DEFAULT_LIMIT, MediaHit, SearchResult, search_media


def search_cmd(
    name: Annotated[
        str | None, typer.Argument(help="The name to look for, in any script.", show_default=False)
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option("--entity", help="A listed entity's id: search all its names and aliases."),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option("--customer", help="A portfolio customer's id: search all its names."),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="Lowest mention score (0-1) that counts.")
    ] = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="At most this many stories.")] = DEFAULT_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find the stored stories that mention a party, across spellings and scripts, \
with what they say about it: category, legal stage, evidence sentences, relevance, \
the story's copies and how many independent sources back it.

    Example: redline media search "Qods Aviation Industries"
    """
    with store() as (db, _conf):
        result = search_media(
            db, name, entity_id=entity, customer_id=customer, threshold=threshold, limit=limit
        )
    if as_json:
        print_json(result.to_dict())
        return
    _print_result(result)


def _print_result(result: SearchResult) -> None:
    q = result.query
    label = q.caption if q.kind == "query" else f"{q.caption} ({q.kind} {q.id})"
    if not result.hits:
        console.print(
            f"no stored article mentions {escape(label)!s} "
            f"({result.articles_scanned:,} articles searched)",
            soft_wrap=True,
        )
        return
    sources = ", ".join(s.source for s in result.sources)
    stories = "story" if len(result.hits) == 1 else "stories"
    console.print(
        f"[bold]{escape(label)}[/]: {len(result.hits)} {stories} in "
        f"{result.articles_scanned:,} articles; {len(result.sources)} independent "
        f"source{'s' if len(result.sources) != 1 else ''} ({escape(sources)})",
        soft_wrap=True,
    )
    for number, hit in enumerate(result.hits, 1):
        _print_hit(number, hit)


def _print_hit(number: int, hit: MediaHit) -> None:
    flag = "[bold red]adverse[/]" if hit.adverse else "[dim]not adverse[/]"
    title = escape(hit.title or "(no title)")
    console.print(f"\n[bold]{number}. {title}[/]  {flag}", soft_wrap=True)
    facts = [hit.outlet or "outlet unknown", hit.published or "date unknown"]
    if hit.url:
        facts.append(hit.url)
    facts.append(f"article #{hit.article_id}")
    console.print("   " + escape(" · ".join(facts)), soft_wrap=True, highlight=False)
    relevance = f"{hit.relevance:.2f}" if hit.relevance is not None else "n/a"
    categories = ", ".join(f"{c.label} {c.score:.2f}" for c in hit.categories) or "none found"
    console.print(
        f"   mention {hit.score:.2f} · relevance {relevance} · {escape(categories)}"
        f" · stage: {hit.stage or 'none stated'}",
        soft_wrap=True,
    )
    for m in hit.mentions:
        where = " (in the title)" if hit.in_title else ""
        console.print(
            f"   [cyan]“{escape(' '.join(m.text.split()))}”[/] {m.score:.2f}{where}: "
            f"[dim]{escape(m.explanation)}[/]",
            soft_wrap=True,
        )
    sources = f"   sources: {escape(', '.join(hit.sources))}"
    if hit.attributed_to:
        sources += f" · attributed to: {escape(', '.join(hit.attributed_to))}"
    console.print(sources, soft_wrap=True)
    for e in hit.evidence:
        tags = ", ".join([*e.categories, *([e.stage] if e.stage else [])]) or "context"
        credit = f" (attributed to: {e.source})" if e.attributed else ""
        console.print(
            f"   - {escape(f'[{tags}]')}{escape(credit)} {escape(' '.join(e.text.split()))}",
            soft_wrap=True,
            highlight=False,
        )
    for c in hit.copies:
        role = "original" if c.original else "copy"
        about = " · ".join(x for x in (c.outlet, c.published, c.url) if x)
        console.print(
            f"   {role} #{c.id}: {escape(c.title or '(no title)')} {escape(about)}",
            soft_wrap=True,
            highlight=False,
        )


def link_cmd(
    everything: Annotated[
        bool, typer.Option("--all", help="Relink every article, not only those due.")
    ] = False,
    customers: Annotated[
        bool,
        typer.Option("--customers/--no-customers", help="Link portfolio customers too."),
    ] = True,
    threshold: Annotated[
        float, typer.Option(help="Lowest mention score (0-1) stored.")
    ] = LINK_THRESHOLD,
    ner: Annotated[
        bool, typer.Option("--ner", help="Also use spaCy's named entities (if installed).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Link stored articles to the listed entities of the active lists and to the \
portfolio customers they mention. Only articles never linked, or linked before the \
lists or the portfolio changed, are read, unless --all is given.

    Example: redline lists update && redline media link
    """
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError("--threshold must be between 0 and 1")
    backend = spacy_backend() if ner else None
    if ner and backend is None:
        raise ConfigError("--ner needs spaCy and a model (en_core_web_sm or xx_ent_wiki_sm)")
    columns = (
        TextColumn("linking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeElapsedColumn(),
    )
    with store() as (db, conf), Progress(*columns, console=console_err) as bar:
        task = bar.add_task("linking", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = link_articles(
            db,
            conf.home / "index",
            everything=everything,
            threshold=threshold,
            customers=customers,
            ner=backend,
            progress=progress,
        )
    if as_json:
        print_json(summary.to_dict())
        return
    if not summary.articles:
        console.print(f"nothing to link: {summary.skipped:,} articles are up to date")
        return
    console.print(
        f"linked {summary.articles:,} articles ({summary.skipped:,} up to date): "
        f"{summary.mentions:,} mentions of {summary.parties:,} parties; "
        f"{summary.articles_per_second:,.1f} articles/s"
        + (f", gazetteer built in {summary.build_seconds:.1f} s" if summary.build_seconds else "")
    )


def mentions_cmd(
    article: Annotated[
        int | None, typer.Argument(help="A stored article's id.", show_default=False)
    ] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="The articles linked to this entity.")
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="The articles linked to this customer.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what linking stored: the parties one article mentions, or the articles \
that mention one entity or customer.

    Example: redline media mentions --entity ofac-16418
    """
    if sum(x is not None for x in (article, entity, customer)) != 1:
        raise ConfigError("give one of: an article id, --entity ID or --customer ID")
    with store() as (db, _conf):
        if article is not None:
            found = mentions_in(db, article)
        elif entity is not None:
            found = mentions_of(db, entity)
        else:
            found = mentions_of(db, str(customer), CUSTOMER)
    if as_json:
        print_json([m.to_dict() for m in found])
        return
    if not found:
        console.print("no stored mentions (run redline media link first?)")
        return
    table = Table("article", "party", "list", "text", "score", "why")
    for m in found:
        table.add_row(
            str(m.article_id),
            f"{m.party_caption}\n[dim]{m.party_kind} {m.party_id}[/]",
            m.source,
            " ".join(m.text.split()),
            f"{m.score:.2f}",
            m.explanation,
        )
    console.print(table)
