"""Request and response shapes of the HTTP API.

The `/match` and `/entities` shapes follow yente's (OpenSanctions) models
field for field, so a yente client works unchanged; Watchkeeper adds its own
`explanation` to each result. Everything else is Watchkeeper's own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.model import EntityChange, ListVersion

# -- yente-compatible ---------------------------------------------------------


class EntityExample(BaseModel):
    """A query entity: an FtM schema and properties, as yente accepts it."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["customer-1042"], max_length=200)
    schema_: str = Field(..., alias="schema", examples=["Person"], max_length=40)
    properties: dict[str, str | list[Any]] = Field(
        ..., examples=[{"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"], "nationality": ["kp"]}]
    )


class EntityMatchQuery(BaseModel):
    """yente's `/match` request body; `weights` and `config` are accepted and ignored."""

    queries: dict[str, EntityExample] = Field(
        ...,
        examples=[{"q1": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}],
    )
    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class FeatureResult(BaseModel):
    score: float
    explanation: str


class EntityResponse(BaseModel):
    """A listed entity in FtM shape, as yente serves `/entities/{id}`."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["ofac-sdn:26243"])
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = Field(default_factory=list, examples=[["ofac-sdn"]])
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    listed: bool = Field(True, description="Whether the entity is on its list now (or on `as_of`).")


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool = Field(description="Whether the score is at or above the match threshold.")
    features: dict[str, float] = Field(description="Name score and each piece of evidence, as numbers.")
    explanations: dict[str, FeatureResult] = Field(
        description="Each feature with a sentence saying how it was found (yente ≥ 4.x shape)."
    )
    explanation: dict[str, Any] = Field(
        description="Watchkeeper's explanation: query name and listed name aligned token by token."
    )
    label: str = Field(
        "listed",
        description="`listed`, or `announced, not listed` for a party of an announced or on-hold action "
        "(`/match/announced`, `include_dataset=announced`): never a designation.",
    )


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int
    threshold: float
    lists: list[str] = Field(description="The list versions screened, e.g. `ofac-sdn#3 (2026-01-08)`.")


# -- Watchkeeper's own ----------------------------------------------------------


class ScreenRequest(BaseModel):
    name: str = Field("", max_length=500, examples=["Kim Jong Un"])
    type: str | None = Field(None, max_length=20, examples=["person"])
    dob: str | None = Field(None, max_length=20, examples=["1984-01-08"])
    country: str | None = Field(None, max_length=60, examples=["kp"])
    identifier: str | None = Field(None, max_length=100, examples=["IMO 9114555"])
    lists: list[str] | None = Field(None, max_length=20, examples=[["ofac-sdn", "un"]])
    as_of: str | None = Field(None, max_length=10, examples=["2024-01-31"])
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=100)
    customer_id: str | None = Field(
        None, max_length=100, description="With `record`: the customer's stable id (kept for re-screening)"
    )
    record: bool = Field(False, description="Store this screening as a run and raise alerts for review")


class ScreenHit(BaseModel):
    entity_id: str
    list: str
    #: `listed`, or `announced, not listed` for a party of an announced or on-hold action (`announced`).
    label: str = "listed"
    schema_: str = Field(..., alias="schema")
    caption: str
    matched_name: str
    score: float
    summary: str
    explanation: dict[str, Any]


class ScreenResponse(BaseModel):
    query: dict[str, Any]
    threshold: float
    lists: list[str]
    results: list[ScreenHit]
    run: str | None = Field(None, description="The recorded run, when `record` was asked for")
    alerts_raised: list[int] = Field(default_factory=list)


class DecisionRequest(BaseModel):
    outcome: str = Field(..., description="true_match, false_positive, escalated or closed")
    reason: str = Field(..., min_length=1, max_length=2000)


# Our own records are answered in their domain shape: FastAPI reads the dataclasses (Alert,
# ListVersion, EntityChange, FieldChange) directly, so a response cannot drift from the record.


class ListStatus(BaseModel):
    source: str
    title: str
    current: ListVersion
    versions: int
    counts: dict[str, int]
    screening: bool = Field(description="Whether this version is the one the screening index serves.")


class ListsResponse(BaseModel):
    lists: list[ListStatus]
    index_generation: int
    index_loaded_at: str | None


class DiffResponse(BaseModel):
    source: str
    before: ListVersion | None
    after: ListVersion
    counts: dict[str, int]
    changes: list[EntityChange]


class ImportResponse(BaseModel):
    version: ListVersion
    counts: dict[str, int]
    index_generation: int


class BatchJobModel(BaseModel):
    id: str
    state: str = Field(description="queued, running, done or failed")
    created_at: str
    updated_at: str
    created_by: str
    lists: list[str]
    threshold: float
    total_rows: int
    done_rows: int
    alerts: int
    errors: int
    message: str
    results_url: str | None = None


class StatusResponse(BaseModel):
    status: str
    detail: str = ""
    lists: list[str] = Field(default_factory=list)
    #: The answering worker process and the generation of its index (several workers: each its own).
    worker: int | None = None
    generation: int | None = None


class ErrorResponse(BaseModel):
    detail: str = Field(..., examples=["dob: '1984-13-45' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"])


# -- trade channels ------------------------------------------------------------------


class HitModel(BaseModel):
    kind: str = Field(
        description="name, identifier, bic, free_text, embargo, vessel, owner, advisory, goods, red_flag"
    )
    field: str = Field(description="Where it was found: an XML path, an MT field, a shipment field")
    action: str = Field(description="hold or review")
    reason: str
    entity_id: str
    list: str
    matched_name: str
    score: float
    rule: dict[str, Any]
    explanation: dict[str, Any]


class PaymentVerdictModel(BaseModel):
    source: str
    verdict: str = Field(description="pass or hold")
    kind: str | None = Field(description="pacs.008, pain.001 or MT103")
    reference: str | None
    sha256: str | None = Field(None, description="Of the message as received; a recorded payment's id")
    amount: str | None
    error: str | None
    error_field: str | None
    hits: list[HitModel]
    parties: list[dict[str, Any]]
    run: str | None = None


class VesselRequest(BaseModel):
    imo: str = Field("", max_length=20, examples=["IMO 7303803"])
    name: str = Field("", max_length=200, examples=["AN SAN 1"])
    mmsi: str = Field("", max_length=20)
    call_sign: str = Field("", max_length=20)
    owner: str = Field("", max_length=200)
    operator: str = Field("", max_length=200)


class VesselVerdictModel(BaseModel):
    query: dict[str, str]
    imo: str | None
    verdict: str = Field(description="pass or hold")
    hits: list[HitModel]


class ShipmentVerdictModel(BaseModel):
    id: str
    verdict: str = Field(description="pass, review or hold")
    hits: list[HitModel]
    run: str | None = None


class RuleFileModel(BaseModel):
    kind: str
    seq: int
    name: str
    sha256: str
    loaded_at: str


class ShipmentModel(BaseModel):
    """One shipment record; every field optional, unknown fields refused."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field("", max_length=100)
    date: str = Field("", max_length=10, examples=["2019-03-10"])
    shipper: str = Field("", max_length=300)
    shipper_country: str = Field("", max_length=60)
    shipper_address: str = Field("", max_length=500)
    consignee: str = Field("", max_length=300)
    consignee_country: str = Field("", max_length=60)
    consignee_address: str = Field("", max_length=500)
    notify_party: str = Field("", max_length=300)
    notify_party_country: str = Field("", max_length=60)
    vessel_imo: str = Field("", max_length=20)
    vessel_name: str = Field("", max_length=200)
    port_of_loading: str = Field("", max_length=200)
    country_of_loading: str = Field("", max_length=60, examples=["KP"])
    port_of_discharge: str = Field("", max_length=200)
    country_of_discharge: str = Field("", max_length=60)
    hs_codes: list[str] = Field(default_factory=list, max_length=100, examples=[["2701.12"]])
    goods_description: str = Field("", max_length=1000)
    quantity: str = Field("", max_length=40)
    unit: str = Field("", max_length=40)
    sts_transfer_location: str = Field("", max_length=200)
    ais_gap_hours: str = Field("", max_length=20)
