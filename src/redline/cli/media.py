"""``redline media``: add news articles (pages, files, directories, feeds), look at one
extracted article, and list or show what is stored with its copies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.common import console, console_err, print_json, settings, store

if TYPE_CHECKING:
    from redline.media.article import Article, StoredArticle
    from redline.media.ingest import IngestItem

# The media modules (trafilatura, datasketch) are imported by the commands that use
# them, so that every other command starts without paying for them.

app = typer.Typer(
    help="Adverse media: add news articles, with their copies and sources.",
    no_args_is_help=True,
)

_STATUS_STYLE = {"new": "green", "copy": "cyan", "duplicate": "yellow", "error": "red"}


def _describe(item: IngestItem) -> str:
    style = _STATUS_STYLE[item.status]
    head = f"[{style}]{item.status:<9}[/]"
    if item.status == "error":
        return f"{head} {escape(item.error or '')}"
    what = escape(item.title or item.source)
    facts = ", ".join(x for x in (item.outlet, item.published, item.language) if x)
    line = f"{head} #{item.id} {what}" + (f" ({escape(facts)})" if facts else "")
    if item.status == "copy":
        similar = f"{item.similarity:.0%} similar, " if item.similarity is not None else ""
        role = (
            "now the story's original"
            if item.original_id == item.id
            else f"original #{item.original_id}"
        )
        line += f" — copy in story {item.story_id} ({similar}{role})"
    elif item.status == "duplicate":
        line += " — this exact text is already stored"
    if item.title:
        line += f"\n          from {escape(item.source)}"
    return line


@app.command("add")
def add_cmd(
    targets: Annotated[
        list[str], typer.Argument(help="URLs, HTML or text files, directories, RSS/Atom feeds.")
    ],
    fetch_links: Annotated[
        bool,
        typer.Option(
            "--fetch-links/--no-fetch-links",
            help="Fetch each feed item's page (default) or use the feed's own item text.",
        ),
    ] = True,
    link: Annotated[
        bool,
        typer.Option(
            "--link/--no-link",
            help="Find mentions of listed parties and customers in the new articles now "
            "(default), or leave it to 'redline media link'.",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add news articles: each item is reported new, copy (of a stored story),
    duplicate or error, and the batch goes on after an error. Exits 1 when every item
    failed. One audit record is written per batch. New articles are then linked to the
    listed parties and customers they mention.

    Example: redline media add https://example.org/news/story.html articles/ feed.xml
    """

    def show(item: IngestItem) -> None:
        if not as_json:
            console.print(_describe(item), soft_wrap=True, highlight=False)

    from redline.media.ingest import add_media

    with store() as (db, conf):
        report = add_media(db, conf, targets, fetch_links=fetch_links, progress=show)
        stored = [i.id for i in report.items if i.id is not None and i.status != "duplicate"]
        linked = None
        if link and stored:
            from redline.media.link import link_articles

            linked = link_articles(db, conf.home / "index", ids=stored)
    if as_json:
        print_json({**report.to_dict(), "linked": linked.to_dict() if linked else None})
    else:
        counts = report.counts()
        console.print(
            f"{counts['new']} new, {counts['copy']} copies, {counts['duplicate']} duplicates, "
            f"{counts['error']} errors (audit record {report.audit_seq})"
        )
        if linked is not None:
            console.print(
                f"{linked.mentions} mentions of listed parties or customers found in "
                f"{linked.articles} articles"
            )
    if report.all_failed:
        raise typer.Exit(1)


def _print_article(article: Article, *, copies: list[StoredArticle] | None = None) -> None:
    from redline.media.article import StoredArticle

    rows: list[tuple[str, Any]] = []
    if isinstance(article, StoredArticle):
        rows += [("id", article.id), ("story", article.story_id)]
        rows.append(("original", "yes" if article.is_original else f"#{article.original_id}"))
    rows += [
        ("title", article.title),
        ("outlet", article.outlet),
        ("author", article.author),
        ("published", article.published),
        ("language", article.language),
        ("url", article.url),
        ("canonical url", article.canonical_url),
        ("origin", article.origin),
        ("fetched", article.fetched_at),
        ("content hash", article.content_hash),
    ]
    for key, value in rows:
        if value is not None:
            console.print(f"[bold]{key:>13}[/] {escape(str(value))}", soft_wrap=True)
    if article.attributions:
        console.print("[bold]  attributed to other outlets:[/]")
        for attribution in article.attributions:
            quote = article.attributed_text(attribution)
            short = quote if len(quote) <= 160 else quote[:157] + "..."
            console.print(f"    {escape(attribution.outlet)}: “{escape(short)}”", soft_wrap=True)
    if copies is not None:
        if copies:
            table = Table("id", "role", "published", "outlet", "title", "url")
            for copy in copies:
                table.add_row(
                    str(copy.id),
                    "original" if copy.is_original else "copy",
                    copy.published or "",
                    copy.outlet or "",
                    copy.title or "",
                    copy.url or copy.origin,
                )
            console.print("[bold]copies in the same story:[/]")
            console.print(table)
        else:
            console.print("[bold]copies:[/] none stored")
    console.print()
    console.print(escape(article.text), soft_wrap=True)


@app.command("extract")
def extract_cmd(
    target: Annotated[str, typer.Argument(help="An HTML or text file, or a URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Extract one article without storing it: text without boilerplate, title,
    outlet, author, date, language, canonical URL, content hash and attributions.

    Example: redline media extract https://example.org/news/story.html --json
    """
    from redline.media.ingest import extract_target

    article = extract_target(target, settings())
    if as_json:
        print_json(article.to_dict())
        return
    _print_article(article)


@app.command("list")
def list_cmd(
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stored articles, newest first, with their story and number of copies.

    Example: redline media list --limit 20
    """
    from redline.store import media as media_store

    with store() as (db, _conf):
        articles = media_store.recent_articles(db, limit)
        sizes = media_store.story_sizes(db, [a.story_id for a in articles])
        total = media_store.count_articles(db)
    if as_json:
        print_json(
            [
                {
                    **{k: v for k, v in a.to_dict().items() if k != "text"},
                    "story_size": sizes.get(a.story_id, 1),
                }
                for a in articles
            ]
        )
        return
    if not articles:
        console.print("no articles stored; add some with 'redline media add'")
        return
    table = Table("id", "story", "copies", "published", "outlet", "lang", "title")
    for a in articles:
        role = "" if a.is_original else f" (orig. #{a.original_id})"
        table.add_row(
            str(a.id),
            f"{a.story_id}{role}",
            str(sizes.get(a.story_id, 1) - 1),
            a.published or "",
            a.outlet or "",
            a.language or "",
            a.title or a.text[:60],
        )
    console.print(table)
    if total > len(articles):
        console_err.print(f"{len(articles)} of {total} articles shown; use --limit for more")


@app.command("show")
def show_cmd(
    article_id: Annotated[int, typer.Argument(help="Article id, as 'media list' shows it.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one stored article: its facts, attributions, text and its copies.

    Example: redline media show 12
    """
    from redline.store import media as media_store

    with store() as (db, _conf):
        article = media_store.get_article(db, article_id)
        copies = media_store.copies_of(db, article_id)
    if as_json:
        print_json(
            {
                **article.to_dict(),
                "copies": [{k: v for k, v in c.to_dict().items() if k != "text"} for c in copies],
            }
        )
        return
    _print_article(article, copies=copies)
