"""Response shapes of vessel behaviour from AIS (events, tracks, the risk summary)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from watchkeeper.api.models import HitModel, VesselVerdictModel


class AisVesselModel(BaseModel):
    mmsi: int
    imo: int | None = None
    name: str = ""
    call_sign: str = ""
    ship_type: int | None = Field(None, description="ITU-R M.1371 type of ship (70-79 cargo, 80-89 tanker)")


class EventPointModel(BaseModel):
    at: str
    lat: float
    lon: float
    label: str = Field(description="what happened there: went dark, reappeared, came alongside, entered…")


class EventScreeningModel(BaseModel):
    query: dict[str, str]
    imo: str | None
    verdict: str
    hits: list[HitModel]


class VesselEventModel(BaseModel):
    id: str
    kind: str = Field(description="gap, sts, identity, zone or loiter")
    vessel: AisVesselModel
    other: AisVesselModel | None = Field(None, description="the other vessel of a transfer or a shared IMO")
    start: str
    end: str
    summary: str
    points: list[EventPointModel]
    evidence: dict[str, Any]
    thresholds: dict[str, Any] = Field(description="the detector settings that produced the event")
    screening: dict[str, EventScreeningModel] = Field(
        default_factory=dict, description="vessel screening of each vessel in the event, by MMSI"
    )
    verdict: str | None = Field(None, description="the worst screening verdict of the vessels in the event")


class EventListModel(BaseModel):
    detection: dict[str, Any] = Field(description="the detection run: loads covered, settings, time")
    events: list[VesselEventModel]


class PositionModel(BaseModel):
    mmsi: int
    at: str
    lat: float
    lon: float
    sog: float | None
    cog: float | None
    status: int | None


class VesselTrackModel(BaseModel):
    vessel: str
    mmsis: list[int]
    positions: list[PositionModel]
    events: list[VesselEventModel]


class VesselRiskModel(BaseModel):
    vessel: AisVesselModel
    verdict: str
    hits: list[str]
    events: dict[str, int]
    behaviour_score: int


class VesselScreeningModel(VesselVerdictModel):
    events: list[VesselEventModel] = Field(
        default_factory=list, description="the vessel's behaviour events from AIS (by IMO number or MMSI)"
    )
