"""Search the stored news for a party: which stories name it, what they say about it,
and how many independent sources say so.

A search builds a gazetteer from the query alone (a free name, or every name and alias
of a listed entity or a portfolio customer) and scans every stored article with it,
so it finds articles added before the party was listed and spellings no list carries.
Articles are grouped by story: one hit per story, shown through its original (or the
copy that names the party best), with the other copies listed but not counted. For each
hit the sentences around the mentions are classified (:func:`redline.media.risk.assess`)
and the article scored by the relevance classifier.

A hit is **adverse** when the relevance classifier says so or when a sentence naming
the party states a risk category at a legal stage; adverse hits come first, then by
relevance × mention score.

**Independent sources.** A story is one source, however many sites reprinted it. An
evidence sentence inside an attribution ("according to the Wall Street Journal"), or
one that goes on "..., the newspaper said" after one, is credited to the outlet it
cites, not to the outlet that relayed it, so a report and three write-ups citing it
count as one source, and the hit says "attributed to: Wall Street Journal". A hit's
sources are those of the evidence sentences that name the party (else of any evidence,
else the article's outlet); :func:`independent_sources` counts them across all hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from redline.entities import Entity
from redline.errors import ConfigError, InputError, NotFoundError
from redline.media.article import StoredArticle
from redline.media.attribution import clean_outlet, same_outlet
from redline.media.classify import RelevanceModel
from redline.media.mentions import DEFAULT_THRESHOLD, Gazetteer, Mention, Party
from redline.media.risk import CategoryScore, Evidence, RiskAssessment, assess
from redline.store import Store
from redline.store.media import copies_of, iter_articles
from redline.store.portfolio import get_customer

#: Hits returned by default.
DEFAULT_LIMIT = 20
#: Evidence sentences kept per hit.
EVIDENCE_PER_HIT = 5
#: Mentions kept per hit.
MENTIONS_PER_HIT = 5
#: Sentences around a mention read for evidence.
WINDOW = 1

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Copy:
    """Another stored copy of a hit's story (syndicated or near-duplicate)."""

    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    original: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "original": self.original,
        }


@dataclass(frozen=True)
class EvidenceLine:
    """An evidence sentence with the source it is credited to: the cited outlet when the
    sentence attributes its facts to one, else the article's own outlet."""

    text: str
    start: int
    end: int
    categories: tuple[str, ...]
    stage: str | None
    mention: bool
    source: str
    attributed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "categories": list(self.categories),
            "stage": self.stage,
            "mention": self.mention,
            "source": self.source,
            "attributed": self.attributed,
        }


@dataclass(frozen=True)
class MediaHit:
    """One story that names the party, through one of its articles."""

    article_id: int
    story_id: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    score: float
    """The best mention's score."""
    mentions: tuple[Mention, ...]
    categories: tuple[CategoryScore, ...]
    stage: str | None
    evidence: tuple[EvidenceLine, ...]
    relevance: float | None
    """Probability that the article is adverse media (None without a model)."""
    adverse: bool
    copies: tuple[Copy, ...]
    sources: tuple[str, ...]
    """The independent sources of the evidence (copies never count)."""
    attributed_to: tuple[str, ...]
    """Outlets the article relays for its evidence."""
    in_title: bool = False

    @property
    def rank(self) -> float:
        """Relevance times mention score: how the hits are ordered (adverse first)."""
        return (self.relevance if self.relevance is not None else 0.5) * self.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "story_id": self.story_id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "url": self.url,
            "score": round(self.score, 4),
            "relevance": None if self.relevance is None else round(self.relevance, 4),
            "adverse": self.adverse,
            "rank": round(self.rank, 4),
            "categories": [c.to_dict() for c in self.categories],
            "stage": self.stage,
            "evidence": [e.to_dict() for e in self.evidence],
            "mentions": [m.to_dict() for m in self.mentions],
            "in_title": self.in_title,
            "sources": list(self.sources),
            "independent_sources": len(self.sources),
            "attributed_to": list(self.attributed_to),
            "copies": [c.to_dict() for c in self.copies],
        }


@dataclass(frozen=True)
class SourceCount:
    """One independent source across a search's hits, with the hits it stands behind."""

    source: str
    hits: tuple[int, ...]
    """Article ids of the hits whose evidence it is credited with."""

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "articles": list(self.hits)}


@dataclass
class SearchResult:
    """What :func:`search_media` found, with the query it searched for."""

    query: Party
    hits: list[MediaHit]
    articles_scanned: int
    sources: list[SourceCount] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": {
                "kind": self.query.kind,
                "id": self.query.id,
                "schema": self.query.schema,
                "caption": self.query.caption,
                "names": [n for n, _ in self.query.names],
            },
            "articles_scanned": self.articles_scanned,
            "independent_sources": len(self.sources),
            "sources": [s.to_dict() for s in self.sources],
            "hits": [h.to_dict() for h in self.hits],
        }


def query_party(
    store: Store,
    name_or_query: str | Entity | None = None,
    *,
    entity_id: str | None = None,
    customer_id: str | None = None,
) -> Party:
    """The party a search looks for: a free name, a query entity, a listed entity of the
    active lists (all its names and aliases) or a portfolio customer."""
    given = [x for x in (name_or_query, entity_id, customer_id) if x not in (None, "")]
    if len(given) != 1:
        raise ConfigError("search for one thing: a name, an --entity id or a --customer id")
    if entity_id:
        entity, _snapshot = store.get_entity(entity_id)
        if not entity.is_party:
            raise NotFoundError(f"{entity_id!r} is a relation, not a party")
        return Party.of_entity(entity, "entity")
    if customer_id:
        return Party.of_entity(get_customer(store, customer_id).entity, "customer")
    if isinstance(name_or_query, Entity):
        return Party.of_entity(name_or_query, "query")
    name = str(name_or_query).strip()
    if not name:
        raise InputError("the name is empty")
    return Party("query", "query", "LegalEntity", name, ((name, "name"),))


def search_media(
    store: Store,
    name_or_query: str | Entity | None = None,
    *,
    entity_id: str | None = None,
    customer_id: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    model: RelevanceModel | None = None,
    progress: Progress | None = None,
) -> SearchResult:
    """The stories among the stored articles that mention a party, adverse first, then
    by relevance × mention score. See the module docstring for how sources count.

    ``model`` is the relevance classifier (default: the one shipped with redline; if it
    cannot be loaded, hits carry no relevance and adverse means a risk category or legal
    stage was found).
    """
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError("--threshold must be between 0 and 1")
    if limit < 1:
        raise ConfigError("--limit must be at least 1")
    party = query_party(store, name_or_query, entity_id=entity_id, customer_id=customer_id)
    # A name the user typed is looked for as written, one-word names included; a listed
    # entity's one-word aliases ("RT", "Dover") are ordinary words and are held to the
    # stricter rule that linking uses.
    gazetteer = Gazetteer.build([party], strict=party.kind != "query")
    if not gazetteer.size:
        # Nothing comparable in the name ("0", "---"): like a match, nothing is found.
        return SearchResult(party, [], 0, [])
    if model is None:
        model = default_model()
    found: dict[int, list[Found]] = {}
    scanned = 0
    for article, mentions, in_title in scan_articles(store, gazetteer, threshold):
        scanned += 1
        if progress is not None:
            progress(scanned)
        if mentions:
            found.setdefault(article.story_id, []).append(Found(article, mentions, in_title))
    hits = rank_hits([story_hit(store, members, model) for members in found.values()])[:limit]
    return SearchResult(party, hits, scanned, independent_sources(hits))


@dataclass(frozen=True)
class Found:
    """An article with the mentions a gazetteer found in it (in its title only, when
    ``in_title``)."""

    article: StoredArticle
    mentions: list[Mention]
    in_title: bool = False


def scan_articles(
    store: Store, gazetteer: Gazetteer, threshold: float
) -> Iterator[tuple[StoredArticle, list[Mention], bool]]:
    """Every stored article with the gazetteer's mentions in its text, or in its title
    when the text has none (third item True)."""
    for article in iter_articles(store):
        mentions = gazetteer.find(article.text, threshold=threshold)
        in_title = False
        if not mentions and article.title:
            mentions = gazetteer.find(article.title, threshold=threshold)
            in_title = bool(mentions)
        yield article, mentions, in_title


def rank_hits(hits: list[MediaHit]) -> list[MediaHit]:
    """Adverse first, then by relevance × mention score, then earliest."""
    return sorted(hits, key=lambda h: (not h.adverse, -h.rank, h.published or "", h.article_id))


def default_model() -> RelevanceModel | None:
    """The shipped relevance model, or None when it cannot be loaded."""
    try:
        return RelevanceModel.load()
    except InputError:
        return None


def story_hit(store: Store, members: list[Found], model: RelevanceModel | None) -> MediaHit:
    """One story's hit, from the members of the story that mention the party: shown
    through the original when it names the party, else through the copy naming it best
    (a mention in the text beats one in the title)."""
    chosen = min(
        members,
        key=lambda f: (
            not f.article.is_original,
            f.in_title,
            -max(x.score for x in f.mentions),
            f.article.id,
        ),
    )
    article, mentions, in_title = chosen.article, chosen.mentions, chosen.in_title
    spans = [] if in_title else [(m.start, m.end) for m in mentions]
    assessment = assess(article.text, spans, window=WINDOW) if spans else RiskAssessment()
    outlet = _outlet_name(article)
    evidence = tuple(_evidence_line(article, e, outlet) for e in assessment.evidence)
    evidence = evidence[:EVIDENCE_PER_HIT]
    # The sources of what is said about the party: the sentences naming it that carry
    # a risk, else any sentence with a risk, else the article's own outlet.
    about = [e.source for e in evidence if e.mention and (e.categories or e.stage)]
    sources = _distinct(
        about or [e.source for e in evidence if e.categories or e.stage] or [outlet]
    )
    attributed = _distinct([e.source for e in evidence if e.attributed])
    relevance = model.score(article.title or "", article.text) if model is not None else None
    adverse = _adverse(assessment, relevance, model)
    copies = tuple(
        Copy(c.id, c.title, c.outlet, c.url, c.published, c.is_original)
        for c in copies_of(store, article.id)
    )
    best = sorted(mentions, key=lambda m: (-m.score, m.start))[:MENTIONS_PER_HIT]
    return MediaHit(
        article_id=article.id,
        story_id=article.story_id,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        url=article.url or article.canonical_url,
        score=max(m.score for m in mentions),
        mentions=tuple(sorted(best, key=lambda m: m.start)),
        categories=tuple(assessment.categories),
        stage=assessment.stage,
        evidence=evidence,
        relevance=relevance,
        adverse=adverse,
        copies=copies,
        sources=tuple(sources),
        attributed_to=tuple(attributed),
        in_title=in_title,
    )


def _adverse(
    assessment: RiskAssessment, relevance: float | None, model: RelevanceModel | None
) -> bool:
    """Adverse when the classifier says the article is, or when a sentence that names the
    party puts it in a risk category at a legal stage ("sanctioned", "charged"): the
    classifier reads the whole article, which may be about something else, while such a
    sentence is about the party."""
    if model is not None and relevance is not None and relevance >= model.threshold:
        return True
    return any(e.mention and e.categories and e.stage for e in assessment.evidence)


def _outlet_name(article: StoredArticle) -> str:
    """The article's own outlet, or a stand-in naming the article when it has none (an
    unnamed outlet is still one source, but not the same as another unnamed one)."""
    if article.outlet:
        return clean_outlet(article.outlet) or article.outlet
    return f"article #{article.id} (outlet unknown)"


def _evidence_line(article: StoredArticle, evidence: Evidence, outlet: str) -> EvidenceLine:
    sentence = evidence.sentence
    cited = _attribution_of(article, sentence.start, sentence.end)
    return EvidenceLine(
        text=sentence.text,
        start=sentence.start,
        end=sentence.end,
        categories=tuple(evidence.categories),
        stage=evidence.stage,
        mention=bool(evidence.mention),
        source=cited or outlet,
        attributed=cited is not None,
    )


def _attribution_of(article: StoredArticle, start: int, end: int) -> str | None:
    """The outlet a sentence's facts are attributed to: an attribution span covering at
    least half of the sentence or half of the span. When one span cites a chain ("as
    reported by European Pravda citing Reuters"), the outlet named last is the origin."""
    best: tuple[int, str] | None = None
    for attribution in article.attributions:
        overlap = min(end, attribution.end) - max(start, attribution.start)
        shorter = max(min(end - start, attribution.end - attribution.start), 1)
        if overlap < 0.5 * shorter:
            continue
        name = clean_outlet(attribution.outlet) or attribution.outlet
        where = article.text.rfind(attribution.outlet, attribution.start, attribution.end)
        if best is None or where > best[0]:
            best = (where, name)
    if best is not None:
        return best[1]
    # "..., the newspaper said": the outlet cited last before the sentence.
    if _ANAPHORA.search(article.text, start, end):
        earlier = [a for a in article.attributions if a.start < start]
        if earlier:
            cited = max(earlier, key=lambda a: a.start)
            return clean_outlet(cited.outlet) or cited.outlet
    return None


_MEDIA_NOUN = r"(?:newspaper|paper|report|outlet|agency|broadcaster|magazine|journal|daily|channel)"
_SAYS = r"(?:said|says|reported|reports|wrote|writes|added|noted)"
_ANAPHORA = re.compile(
    rf"\b(?:the|that|this)\s+{_MEDIA_NOUN}\s+{_SAYS}\b|\b{_SAYS}\s+the\s+{_MEDIA_NOUN}\b",
    re.IGNORECASE,
)


def _distinct(names: Sequence[str]) -> list[str]:
    """Outlet names with the same outlet written twice ("WSJ" and "wsj.com") kept once."""
    out: list[str] = []
    for name in names:
        if not any(same_outlet(name, kept) for kept in out):
            out.append(name)
    return out


def independent_sources(hits: Sequence[MediaHit]) -> list[SourceCount]:
    """The independent sources behind a search's hits: each story counts once (its
    copies never), and a story that relays another outlet is credited to that outlet
    for the relayed sentences."""
    order: list[str] = []
    backing: dict[str, list[int]] = {}
    for hit in hits:
        for source in hit.sources:
            key = next((k for k in order if same_outlet(k, source)), None)
            if key is None:
                key = source
                order.append(key)
                backing[key] = []
            if hit.article_id not in backing[key]:
                backing[key].append(hit.article_id)
    return [SourceCount(k, tuple(backing[k])) for k in order]
