"""Request and response models of the yente-compatible routes and of key management.

Field names and nesting follow yente (OpenSanctions' screening API), so a yente client
parses redline's answers unchanged; where redline knows more (the matched name, the
algorithm) it adds fields rather than changing any.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

QUERY_EXAMPLE: dict[str, Any] = {
    "schema": "Person",
    "properties": {
        "name": ["Ghassem Damavandian"],
        "birthDate": ["1960"],
        "nationality": ["ir"],
    },
}


class EntityExample(BaseModel):
    """One party to screen: a schema and FtM properties (each a string or a list)."""

    model_config = ConfigDict(
        populate_by_name=True, json_schema_extra={"examples": [QUERY_EXAMPLE]}
    )

    id: str | None = Field(default=None, description="The caller's own id for the party.")
    schema_: str = Field(
        alias="schema",
        description="FtM schema: Person, Company, Organization, LegalEntity, Vessel, "
        "Airplane (or Thing, Vehicle, PublicBody).",
    )
    properties: dict[str, str | list[str]] = Field(
        default_factory=dict, description="FtM property name to value(s), e.g. name, birthDate."
    )


class MatchRequest(BaseModel):
    """A ``POST /match`` body: named queries plus yente's optional tuning maps."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"queries": {"q1": QUERY_EXAMPLE}}]})

    queries: dict[str, EntityExample] = Field(
        description="Query name (chosen by the caller) to the party to screen."
    )
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="Accepted for yente compatibility; redline's algorithms are versioned "
        "and do not take per-request weights, so these are ignored.",
    )
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="Accepted for yente compatibility and ignored (see weights).",
    )


class TotalSpec(BaseModel):
    """How many results there are (``relation`` ``eq``: exactly ``value``)."""

    value: int
    relation: Literal["eq", "gte"] = "eq"


class FeatureExplanation(BaseModel):
    """One feature's part in a score."""

    score: float
    detail: str
    query: str = ""
    candidate: str = ""


class EntityResponse(BaseModel):
    """A listed entity, as yente returns it. ``properties`` values are strings, or
    nested entities for the relations of ``GET /entities/{id}``."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]] = Field(default_factory=dict)
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: str | None = Field(
        default=None, description="When the store first showed the entity (UTC)."
    )
    last_seen: str | None = Field(
        default=None, description="When the list version holding it was fetched or loaded."
    )
    last_change: str | None = Field(
        default=None, description="When its current version first became active."
    )


class ScoredEntityResponse(EntityResponse):
    """A match: the entity, its score and why."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "ofac-16418",
                    "caption": "DAMAVANDIAN, Ghassem",
                    "schema": "Person",
                    "properties": {"name": ["DAMAVANDIAN, Ghassem"]},
                    "datasets": ["us-ofac-sdn"],
                    "referents": [],
                    "target": True,
                    "first_seen": "2026-01-02T10:00:00Z",
                    "last_seen": "2026-01-02T10:00:00Z",
                    "last_change": "2026-01-02T10:00:00Z",
                    "score": 0.97,
                    "match": True,
                    "features": {"name_match": 0.97},
                    "explanations": {
                        "name_match": {
                            "score": 0.97,
                            "detail": "same tokens",
                            "query": "ghassem damavandian",
                            "candidate": "damavandian ghassem",
                        }
                    },
                    "matched_name": "DAMAVANDIAN, Ghassem",
                    "algorithm": "redline-v1",
                }
            ]
        },
    )

    score: float
    match: bool
    features: dict[str, float] = Field(
        default_factory=dict, description="Feature name to its part in the score (yente v3)."
    )
    explanations: dict[str, FeatureExplanation] = Field(default_factory=dict)
    matched_name: str = ""
    algorithm: str = ""


class EntityMatchResponse(BaseModel):
    """The answer to one query of a ``POST /match``."""

    status: int = Field(default=200, description="200, or 400 when the query is invalid.")
    detail: str | None = Field(default=None, description="Why the query was refused.")
    results: list[ScoredEntityResponse] = Field(default_factory=list)
    total: TotalSpec = Field(default_factory=lambda: TotalSpec(value=0))
    query: dict[str, Any] = Field(default_factory=dict, description="The query as read.")


class MatchResponse(BaseModel):
    """The answer to a ``POST /match``: one response per query name."""

    responses: dict[str, EntityMatchResponse]
    limit: int
    algorithm: str = Field(default="", description="The algorithm that scored the queries.")


class FacetValue(BaseModel):
    name: str
    label: str
    count: int


class SearchFacet(BaseModel):
    label: str
    values: list[FacetValue]


class SearchResponse(BaseModel):
    """A page of search results, best first."""

    limit: int
    offset: int
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet] = Field(default_factory=dict)


class Dataset(BaseModel):
    """One loaded source (or ``default``, every source)."""

    name: str
    title: str
    type: Literal["source", "collection"]
    entity_count: int
    last_change: str | None = None
    last_export: str | None = Field(default=None, description="When it was loaded.")
    version: str | None = Field(default=None, description="The active snapshot's id.")
    content_hash: str | None = None
    sample: bool = False
    children: list[str] = Field(default_factory=list)
    load: bool = True


class CatalogResponse(BaseModel):
    datasets: list[Dataset]
    current: list[str]
    outdated: list[str] = Field(default_factory=list)
    index_stale: bool = False


class AlgorithmFeature(BaseModel):
    """A feature of an algorithm, as yente documents them."""

    description: str
    coefficient: float | None = Field(
        default=None, description="Its largest effect on a score, when it has a fixed one."
    )


class AlgorithmDescription(BaseModel):
    name: str
    version: str
    description: str
    threshold: float = Field(description="Scores at or above this are a match by default.")
    aliases: list[str] = Field(default_factory=list, description="Names accepted for it.")
    features: dict[str, AlgorithmFeature] = Field(default_factory=dict)


class AlgorithmsResponse(BaseModel):
    algorithms: list[AlgorithmDescription]
    default: str
    best: str


class HealthResponse(BaseModel):
    status: str = Field(examples=["ok"])
    detail: str | None = None


class KeyCreate(BaseModel):
    """A new key's name and role."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "kyc-service", "role": "viewer"}]}
    )

    name: str = Field(min_length=1, max_length=128, description="Who or what uses the key.")
    role: Literal["viewer", "analyst", "admin"] = "viewer"


class KeyInfo(BaseModel):
    """A key as listed (never the key itself)."""

    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None
    active: bool


class KeyCreated(KeyInfo):
    """A new key: ``key`` is shown this once and stored nowhere."""

    key: str
