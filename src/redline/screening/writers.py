"""Screening results written as CSV, XLSX or JSON lines: one row per hit.

The results go to analysts who open them in a spreadsheet, so every text cell of a CSV
or XLSX file that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading apostrophe: a customer named
``=HYPERLINK(...)`` in a bank's own data, or a list entry crafted that way, must not
execute on a reviewer's machine. Files are written under a temporary name and renamed
into place, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.errors import ConfigError

if TYPE_CHECKING:
    from redline.screening.media import RowNews

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl"}
#: Rows an XLSX sheet holds, header included.
XLSX_MAX_ROWS = 1_048_576
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Result columns after the id (and row number): the hit and why it is one.
HIT_COLUMNS = (
    "query_name",
    "entity_id",
    "source",
    "schema",
    "caption",
    "matched_name",
    "score",
    "programs",
    "explanation",
)
#: Columns added by ``screen --media``: how many stories name the row, how many of them
#: are adverse, and the best of them on one line.
NEWS_COLUMNS = ("news_stories", "news_adverse", "news")


def output_format(path: Path) -> str:
    """The format to write, by the output's extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"cannot write {path.name}: the output must end in {', '.join(FORMATS)}")
    return fmt


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will evaluate: text that starts like a formula
    gets a leading apostrophe; numbers and other text are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def explanation_text(explanations: Iterable[dict[str, Any]]) -> str:
    """The features behind a score on one line, as ``redline match`` shows them."""
    parts = []
    for e in explanations:
        score = float(e["score"])
        effect = f"{score:.2f}" if e["feature"] == "name_match" else f"{score:+.2f}"
        parts.append(f"{e['feature']} {effect}: {e['detail']}")
    return "; ".join(parts)


def header(id_header: str | None, news: bool = False) -> list[str]:
    """The result columns: the input's id column (keeping its name) and the row number,
    or the row number alone when the input has no id column (plus the news columns)."""
    extra = list(NEWS_COLUMNS) if news else []
    if id_header is None:
        return ["row", *HIT_COLUMNS, *extra]
    taken = ("row", *HIT_COLUMNS, *extra)
    name = id_header if id_header not in taken else f"input {id_header}"
    return [name, "row", *HIT_COLUMNS, *extra]


def flat(hit: dict[str, Any], id_header: str | None, news: bool = False) -> list[object]:
    """One hit as the values of :func:`header`."""
    values: list[object] = [] if id_header is None else [hit["id"]]
    values += [
        hit["row"],
        hit["query_name"],
        hit["entity_id"],
        hit["source"],
        hit["schema"],
        hit["caption"],
        hit["matched_name"],
        hit["score"],
        "; ".join(hit["programs"]),
        explanation_text(hit["explanations"]),
    ]
    if news:
        values += [hit.get(column, "") for column in NEWS_COLUMNS]
    return values


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path`` that replaces it only when the block succeeds.

    The temporary file is created with the user's usual permissions (not ``mkstemp``'s
    owner-only ones), since results are meant to be shared.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_results(
    path: Path,
    hits: Iterable[dict[str, Any]],
    id_header: str | None,
    summary: dict[str, Any] | None = None,
    fmt: str | None = None,
    news: dict[int, RowNews] | None = None,
) -> int:
    """Write every hit to ``path`` in its format; returns the number of hits written.

    ``summary`` (the run's parameters, lists and counts) becomes a second sheet of an
    XLSX file; CSV and JSON lines hold hits only. With ``news`` (``screen --media``) the
    records carry the news fields of :mod:`redline.screening.media`, JSON lines the
    stories in full and XLSX a "news" sheet.
    """
    fmt = fmt or output_format(path)
    with_news = news is not None
    if fmt == "xlsx":
        return _write_xlsx(path, hits, id_header, summary, news)
    columns = header(id_header, with_news)
    count = 0
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        if fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(columns)
            for hit in hits:
                writer.writerow([neutralise(v) for v in flat(hit, id_header, with_news)])
                count += 1
        else:
            for hit in hits:
                record = dict(zip(columns, flat(hit, id_header, with_news), strict=True))
                record["programs"] = hit["programs"]
                record["explanations"] = hit["explanations"]
                if with_news:
                    record["news_detail"] = hit.get("news_detail", [])
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def _write_xlsx(
    path: Path,
    hits: Iterable[dict[str, Any]],
    id_header: str | None,
    summary: dict[str, Any] | None,
    news: dict[int, RowNews] | None = None,
) -> int:
    # openpyxl ships no type information; imported here so CSV runs never load it.
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("hits")
    sheet.append(header(id_header, news is not None))
    count = 0
    with replacing(path) as tmp:
        try:
            for hit in hits:
                count += 1
                if count >= XLSX_MAX_ROWS:
                    raise ConfigError(
                        f"more hits than an XLSX sheet holds ({XLSX_MAX_ROWS - 1:,}); write "
                        ".csv or .jsonl instead, or raise --threshold"
                    )
                sheet.append([neutralise(v) for v in flat(hit, id_header, news is not None)])
            if news is not None:
                stories = book.create_sheet("news")
                stories.append(NEWS_SHEET)
                for row in news_rows(news):
                    stories.append([neutralise(v) for v in row])
            if summary is not None:
                about = book.create_sheet("summary")
                about.append(["item", "value"])
                for key, value in summary_rows(summary):
                    about.append([neutralise(key), neutralise(value)])
        finally:
            # A write-only sheet is a stream that only saving closes; on failure it is
            # saved too, to the temporary file that is then thrown away.
            book.save(tmp)
    return count


#: The "news" sheet of an XLSX result: one line per (row, story).
NEWS_SHEET = [
    *("row", "id", "name", "title", "outlet", "published", "url", "mention"),
    *("relevance", "adverse", "categories", "stage", "sources", "attributed to"),
    *("evidence", "copies", "article"),
]


def news_rows(news: dict[int, RowNews]) -> Iterator[list[object]]:
    """The values of the news sheet, row by row and best story first."""
    for item in news.values():
        for story in item.stories:
            first = story.evidence[0].text if story.evidence else ""
            yield [
                item.row,
                item.id,
                item.name,
                story.title or "",
                story.outlet or "",
                story.published or "",
                story.url or "",
                round(story.score, 4),
                "" if story.relevance is None else round(story.relevance, 4),
                "yes" if story.adverse else "no",
                ", ".join(c.code for c in story.categories),
                story.stage or "",
                ", ".join(story.sources),
                ", ".join(story.attributed_to),
                " ".join(first.split()),
                len(story.copies),
                story.article_id,
            ]


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, object]]:
    """A run summary as (item, value) pairs for a two-column sheet."""
    rows: list[tuple[str, object]] = []
    for key in ("started_at", "finished_at", "output", "report", "resumed_from_row"):
        rows.append((key, summary.get(key)))
    for key, value in summary.get("input", {}).items():
        rows.append((f"input.{key}", _plain(value)))
    for key, value in summary.get("counts", {}).items():
        rows.append((f"count.{key}", value))
    for key, value in summary.get("parameters", {}).items():
        rows.append((f"parameter.{key}", _plain(value)))
    for snap in summary.get("snapshots", []):
        rows.append(
            (
                f"list.{snap['source']}",
                f"snapshot {snap['snapshot_id']}, sha256 {snap['content_hash']}"
                + (", SAMPLE" if snap.get("sample") else ""),
            )
        )
    for key, value in summary.get("by_source", {}).items():
        rows.append((f"hits.source.{key}", value))
    for key, value in summary.get("by_program", {}).items():
        rows.append((f"hits.program.{key}", value))
    for skip in summary.get("skipped", []):
        rows.append((f"skipped.row {skip['row']}", f"{skip['id']}: {skip['reason']}"))
    return rows


def _plain(value: object) -> object:
    """Spreadsheet cells hold scalars; lists and mappings become JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)
