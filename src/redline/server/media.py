"""``/v1/media/search``: the stored stories that mention a party, over HTTP.

The HTTP form of ``redline media search``: the same hits (adverse first), each with its
mentions, risk categories, legal stage, evidence sentences, relevance, copies and the
independent sources behind it. ``/search?q=`` takes a name;
``/search/entity/{id}`` and ``/search/customer/{id}`` all names of a listed entity or a
portfolio customer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from redline.media.mentions import DEFAULT_THRESHOLD
from redline.media.search import DEFAULT_LIMIT, search_media
from redline.server.problems import problems
from redline.server.security import Principal, Role, require
from redline.server.state import ServerState, get_state

router = APIRouter(
    prefix="/v1/media",
    tags=["media"],
    responses=problems(400, 401, 403, 404, 422, 500, 503),
)

Viewer = Annotated[Principal, Depends(require(Role.viewer))]
State = Annotated[ServerState, Depends(get_state)]


class QueryModel(BaseModel):
    """What was searched for."""

    kind: str = Field(description="query, entity or customer.", examples=["query"])
    id: str = Field(examples=["query"])
    schema_: str = Field(alias="schema", examples=["LegalEntity"])
    caption: str = Field(examples=["Qods Aviation Industries"])
    names: list[str]


class MentionModel(BaseModel):
    """A span of the article that names the party."""

    start: int
    end: int
    text: str = Field(examples=["Quds Aviation Industry"])
    party_kind: str
    party_id: str
    party_caption: str
    schema_: str = Field(alias="schema")
    name: str = Field(description="The party's name the span matched best.")
    score: float = Field(examples=[0.9585])
    explanation: str = Field(
        examples=["quds~qods 0.92 (vowels differ); aviation~aviation 1.00 (same)"]
    )


class CategoryModel(BaseModel):
    code: str = Field(examples=["proliferation"])
    label: str
    score: float


class EvidenceModel(BaseModel):
    """A sentence around a mention, with the source it is credited to."""

    text: str
    start: int
    end: int
    categories: list[str]
    stage: str | None
    mention: bool = Field(description="Whether the sentence names the party.")
    source: str = Field(description="The cited outlet when attributed, else the article's.")
    attributed: bool


class CopyModel(BaseModel):
    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    original: bool


class HitModel(BaseModel):
    """One story that names the party, through its original or best copy."""

    article_id: int
    story_id: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    score: float = Field(description="The best mention's score.")
    relevance: float | None = Field(description="Probability that the article is adverse.")
    adverse: bool
    rank: float = Field(description="relevance × score, the order within adverse or not.")
    categories: list[CategoryModel]
    stage: str | None = Field(examples=["sanction"])
    evidence: list[EvidenceModel]
    mentions: list[MentionModel]
    in_title: bool
    sources: list[str] = Field(description="Independent sources of the evidence.")
    independent_sources: int
    attributed_to: list[str] = Field(examples=[["Wall Street Journal"]])
    copies: list[CopyModel]


class SourceModel(BaseModel):
    source: str = Field(examples=["Wall Street Journal"])
    articles: list[int]


class MediaSearchResponse(BaseModel):
    """The stories found, adverse first, and the independent sources across them."""

    query: QueryModel
    articles_scanned: int
    independent_sources: int
    sources: list[SourceModel]
    hits: list[HitModel]


Threshold = Annotated[float, Query(ge=0.0, le=1.0, description="Lowest mention score that counts.")]
Limit = Annotated[int, Query(ge=1, le=100, description="At most this many stories.")]


@router.get(
    "/search",
    response_model=MediaSearchResponse,
    response_model_by_alias=True,
    summary="Search the stored news for a name",
)
def media_search(
    principal: Viewer,
    state: State,
    q: Annotated[
        str,
        Query(
            description="A name, in any script.",
            min_length=1,
            max_length=400,
            pattern=r"\S",
            examples=["Alabuga"],
        ),
    ],
    threshold: Threshold = DEFAULT_THRESHOLD,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The stories that name ``q``, adverse first. Copies of a story are listed but never
    counted as sources; a sentence attributed to another outlet ("according to the Wall
    Street Journal") is credited to that outlet."""
    return search_media(state.store, q, threshold=threshold, limit=limit).to_dict()


@router.get(
    "/search/entity/{entity_id}",
    response_model=MediaSearchResponse,
    response_model_by_alias=True,
    summary="Search the stored news for a listed entity",
)
def media_search_entity(
    principal: Viewer,
    state: State,
    entity_id: Annotated[str, Path(description="An entity of the active lists.", max_length=128)],
    threshold: Threshold = DEFAULT_THRESHOLD,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The stories that name the entity by any of its names and aliases."""
    return search_media(
        state.store, entity_id=entity_id, threshold=threshold, limit=limit
    ).to_dict()


@router.get(
    "/search/customer/{customer_id}",
    response_model=MediaSearchResponse,
    response_model_by_alias=True,
    summary="Search the stored news for a portfolio customer",
)
def media_search_customer(
    principal: Viewer,
    state: State,
    customer_id: Annotated[str, Path(description="A portfolio customer's id.", max_length=128)],
    threshold: Threshold = DEFAULT_THRESHOLD,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The stories that name the customer by any of its names."""
    return search_media(
        state.store, customer_id=customer_id, threshold=threshold, limit=limit
    ).to_dict()
