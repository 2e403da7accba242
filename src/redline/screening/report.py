"""The HTML report of a screening run: one self-contained file an analyst can open,
mail or archive.

It holds the counts, the hits by list and by sanctions programme, every hit with the
features that produced its score, the rows that could not be screened, the list
snapshots in force and the parameters. Styles are inline and nothing is fetched, so the
file reads the same offline and years later. Every value passes through Jinja2's
autoescaping: names in customer files and lists are data, never markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from redline import __version__
from redline.screening.writers import replacing

if TYPE_CHECKING:
    from redline.screening.media import RowNews


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("redline.screening", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(
    summary: dict[str, Any],
    hits: list[dict[str, Any]],
    news: dict[int, RowNews] | None = None,
) -> str:
    """The report as HTML text. ``hits`` may be the first of many; the summary's
    counts are always complete and the report says when hits were left out. ``news``
    (``screen --media``) adds a News section: the stories naming each row."""
    ordered = sorted(hits, key=lambda h: (int(h["row"]), -float(h["score"])))
    rows: list[dict[str, Any]] = []
    for hit in ordered:
        if rows and rows[-1]["row"] == hit["row"]:
            rows[-1]["hits"].append(hit)
        else:
            rows.append({"row": hit["row"], "id": hit["id"], "name": hit["name"], "hits": [hit]})
    template = _environment().get_template("report.html.j2")
    return template.render(
        s=summary,
        customers=rows,
        shown=len(hits),
        sample=any(snap.get("sample") for snap in summary["snapshots"]),
        version=__version__,
        news=None if news is None else list(news.values()),
    )


def write_report(
    path: str | Path,
    summary: dict[str, Any],
    hits: list[dict[str, Any]],
    news: dict[int, RowNews] | None = None,
) -> None:
    """Write the report atomically: a reader sees the old file or the whole new one."""
    html = render_report(summary, hits, news)
    with replacing(Path(path)) as tmp:
        tmp.write_text(html, encoding="utf-8")
