"""News for a screened file (``redline screen FILE --media``): the stored stories that
mention each row's names, next to its list hits.

One gazetteer is built over every screened row (names and aliases) and every stored
article is read once, so the cost grows with rows plus articles, not their product.
Rows are many parties at once, as in linking, so the mention threshold and the rules for
one-word names are linking's (:data:`redline.media.link.LINK_THRESHOLD`).

In the results, each hit row gets three more fields (``news_stories``, ``news_adverse``
and ``news``, a one-line summary of the best stories); a row named in the news but on no
list gets a row of its own with the list fields empty, so that nobody has to join two
files to see it. The JSON lines carry the stories in full, the XLSX file a "news"
sheet, the HTML report a "News" section.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from redline.media.link import LINK_THRESHOLD
from redline.media.mentions import Gazetteer, Party
from redline.media.search import (
    Found,
    MediaHit,
    default_model,
    rank_hits,
    scan_articles,
    story_hit,
)
from redline.screening.readers import Row
from redline.store import Store

#: Stories kept per row.
STORIES_PER_ROW = 5
#: Stories summarised in the one-line ``news`` field.
SUMMARISED = 3


@dataclass(frozen=True)
class RowNews:
    """The stories that mention one row of the screened file."""

    row: int
    id: str
    name: str
    stories: tuple[MediaHit, ...]

    @property
    def adverse(self) -> int:
        return sum(1 for s in self.stories if s.adverse)

    def summary(self) -> str:
        """The best stories on one line: title, outlet, date, stage, categories."""
        parts = []
        for story in self.stories[:SUMMARISED]:
            facts = ", ".join(x for x in (story.outlet, story.published) if x)
            risk = "; ".join(
                x
                for x in (
                    "adverse" if story.adverse else "",
                    story.stage or "",
                    "/".join(c.code for c in story.categories[:2]),
                )
                if x
            )
            parts.append(
                f"{story.title or f'article #{story.article_id}'}"
                + (f" ({facts})" if facts else "")
                + (f" [{risk}]" if risk else "")
                + (f" {story.url}" if story.url else "")
            )
        more = len(self.stories) - SUMMARISED
        return " | ".join(parts) + (f" | +{more} more" if more > 0 else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "id": self.id,
            "name": self.name,
            "stories": [story_dict(s) for s in self.stories],
        }


def story_dict(hit: MediaHit) -> dict[str, Any]:
    """A story as screening results hold it: the search hit without the article text
    offsets a results file has no use for."""
    data = hit.to_dict()
    data["mentions"] = [
        {"text": m["text"], "score": m["score"], "explanation": m["explanation"]}
        for m in data["mentions"]
    ]
    data["evidence"] = [
        {k: e[k] for k in ("text", "categories", "stage", "source", "attributed")}
        for e in data["evidence"]
    ]
    return data


def _party(row: Row) -> Party | None:
    if row.name is None:
        return None
    names = [(row.name, "name"), *((a, "alias") for a in row.aliases if a != row.name)]
    return Party("row", str(row.number), row.schema, row.name, tuple(names))


def news_for_rows(
    store: Store, rows: Iterable[Row], *, threshold: float = LINK_THRESHOLD
) -> dict[int, RowNews]:
    """The stories mentioning each row, by row number (rows the news does not name are
    left out)."""
    by_number: dict[int, Row] = {}
    parties: list[Party] = []
    for row in rows:
        party = _party(row)
        if party is not None:
            by_number[row.number] = row
            parties.append(party)
    if not parties:
        return {}
    gazetteer = Gazetteer.build(parties, strict=True)
    found: dict[int, dict[int, list[Found]]] = {}
    for article, mentions, in_title in scan_articles(store, gazetteer, threshold):
        by_row: dict[int, list[Any]] = {}
        for m in mentions:
            by_row.setdefault(int(m.party_id), []).append(m)
        for number, own in by_row.items():
            stories = found.setdefault(number, {})
            stories.setdefault(article.story_id, []).append(Found(article, own, in_title))
    if not found:
        return {}
    model = default_model()
    out: dict[int, RowNews] = {}
    for number, stories in sorted(found.items()):
        row = by_number[number]
        hits = rank_hits([story_hit(store, members, model) for members in stories.values()])
        out[number] = RowNews(number, row.id, row.name or "", tuple(hits[:STORIES_PER_ROW]))
    return out


def with_news(hits: Iterable[dict[str, Any]], news: dict[int, RowNews]) -> Iterator[dict[str, Any]]:
    """The list hits (in row order) with each row's news added, and a news-only record
    for each row the news names but no list does, in its place in row order."""
    pending = sorted(news)
    position = 0
    for hit in hits:
        row = int(hit["row"])
        while position < len(pending) and pending[position] < row:
            yield news_only(news[pending[position]])
            position += 1
        if position < len(pending) and pending[position] == row:
            position += 1  # the row has list hits: its news rides on them
        yield {**hit, **news_fields(news.get(row))}
    for number in pending[position:]:
        yield news_only(news[number])


def news_fields(item: RowNews | None) -> dict[str, Any]:
    """The news fields of one result record."""
    if item is None:
        return {"news_stories": 0, "news_adverse": 0, "news": "", "news_detail": []}
    return {
        "news_stories": len(item.stories),
        "news_adverse": item.adverse,
        "news": item.summary(),
        "news_detail": [story_dict(s) for s in item.stories],
    }


def news_only(item: RowNews) -> dict[str, Any]:
    """A result record for a row named in the news but on no list."""
    return {
        "row": item.row,
        "id": item.id,
        "name": item.name,
        "query_name": item.name,
        "entity_id": "",
        "source": "",
        "schema": "",
        "caption": "",
        "matched_name": "",
        "score": "",
        "programs": [],
        "explanations": [],
        **news_fields(item),
    }
