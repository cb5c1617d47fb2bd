"""Vessel behaviour from AIS over HTTP: events (with the screening of their vessels), a vessel's
track and events, and vessels ranked by listing and behaviour. Reads what `watchkeeper ais load`
and `ais detect` wrote under the store's home."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from watchkeeper.api.auth import ReadCaller
from watchkeeper.api.service import ScreeningService
from watchkeeper.api.vessel_models import EventListModel, VesselEventModel, VesselRiskModel, VesselTrackModel
from watchkeeper.errors import InvalidInput
from watchkeeper.jobs import bundled_data_dir
from watchkeeper.screen.vessel_activity import VesselActivity, VesselKey, activity_for

KindParam = Annotated[str | None, Query(description="gap, sts, identity, zone or loiter")]
SinceParam = Annotated[date | None, Query(description="only events ending on or after this date")]
ScreenParam = Annotated[bool, Query(description="screen the vessels of each event against the lists")]


def _key(vessel: str) -> VesselKey:
    try:
        return VesselKey.parse(vessel)
    except InvalidInput as exc:
        raise HTTPException(400, str(exc)) from None


def ais_router(service: ScreeningService) -> APIRouter:
    router = APIRouter()

    def activity() -> VesselActivity:
        return activity_for(service.settings, bundled_data_dir())

    def screened(events: list[Any], screen: bool) -> list[dict[str, Any]]:
        screener = service.channels(service.require_lists()).vessels if screen and events else None
        return [item.to_dict() for item in activity().screened(events, screener)]

    @router.get("/ais/events", tags=["Vessel behaviour"], response_model=EventListModel)
    async def ais_events(
        caller: ReadCaller,
        kind: KindParam = None,
        vessel: Annotated[str | None, Query(description="IMO number (7 digits) or MMSI (9 digits)")] = None,
        since: SinceParam = None,
        screen: ScreenParam = True,
    ) -> Any:
        """The events of the last detection run, each with the vessel screening of its vessels."""
        key = _key(vessel) if vessel else None
        try:
            events = await run_in_threadpool(activity().events, kind, key, since)
        except InvalidInput as exc:
            raise HTTPException(400, str(exc).replace("--kind", "kind")) from None
        items = await run_in_threadpool(screened, events, screen)
        return {"detection": activity().last_detection(), "events": items}

    @router.get("/vessels/risk", tags=["Vessel behaviour"], response_model=list[VesselRiskModel])
    async def vessels_risk(caller: ReadCaller, since: SinceParam = None) -> Any:
        """Vessels with events, riskiest first: listed (hold), then review, then pass; within each,
        by the weighted count of their behaviour (transfers and zone entries weigh most)."""
        screener = service.channels(service.require_lists()).vessels
        return await run_in_threadpool(activity().risk_summary, screener, since)

    @router.get("/vessels/{vessel}/events", tags=["Vessel behaviour"], response_model=list[VesselEventModel])
    async def vessel_events(
        vessel: str, caller: ReadCaller, since: SinceParam = None, screen: ScreenParam = True
    ) -> Any:
        """One vessel's events, by IMO number (every MMSI that broadcast it) or MMSI."""
        events = await run_in_threadpool(activity().events, None, _key(vessel), since)
        return await run_in_threadpool(screened, events, screen)

    @router.get("/vessels/{vessel}/track", tags=["Vessel behaviour"], response_model=VesselTrackModel)
    async def vessel_track(vessel: str, caller: ReadCaller, since: SinceParam = None) -> Any:
        """One vessel's positions, oldest first, and its events (not screened: see /events)."""
        key = _key(vessel)
        found = activity()
        positions = await run_in_threadpool(found.track, key, since)
        if not positions:
            raise HTTPException(404, f"no positions of {vessel} in the AIS store")
        events = await run_in_threadpool(found.events, None, key, since)
        return {
            "vessel": vessel,
            "mmsis": found.mmsis_of(key),
            "positions": positions,
            "events": [e.to_dict() for e in events],
        }

    return router
