"""The vessel pages of the analysts' UI: vessels ranked by listing and behaviour, and one page per
vessel with its events (each with the vessel screening of the ships in it) and its track drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from watchkeeper.api.service import ScreeningService
from watchkeeper.api.track_svg import KIND_COLOURS, track_svg
from watchkeeper.errors import InvalidInput
from watchkeeper.jobs import bundled_data_dir
from watchkeeper.screen.vessel_activity import VesselKey, activity_for
from watchkeeper.store.users import Session

Page = Callable[..., HTMLResponse]


def vessel_pages(
    service: ScreeningService, page: Page, session_of: Callable[[Request], Session]
) -> APIRouter:
    router = APIRouter()

    def screener() -> Any:
        loaded = service.lists
        return service.channels(loaded).vessels if loaded is not None else None

    @router.get("/vessels", response_class=HTMLResponse)
    async def vessels_page(request: Request) -> HTMLResponse:
        session = session_of(request)
        activity = activity_for(service.settings, bundled_data_dir())
        ranked = await run_in_threadpool(lambda: activity.risk_summary(screener()))
        return page(
            request,
            "vessels.html",
            session,
            nav="vessels",
            vessels=ranked,
            detection=activity.last_detection(),
        )

    @router.get("/vessels/{vessel}", response_class=HTMLResponse)
    async def vessel_page(request: Request, vessel: str) -> HTMLResponse:
        session = session_of(request)
        try:
            key = VesselKey.parse(vessel)
        except InvalidInput as exc:
            return page(
                request,
                "vessel.html",
                session,
                nav="vessels",
                vessel=vessel,
                message=str(exc),
                error=True,
                events=[],
                svg="",
                positions=0,
            )
        activity = activity_for(service.settings, bundled_data_dir())

        def gather() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            events = activity.events(vessel=key)
            return activity.track(key), [item.to_dict() for item in activity.screened(events, screener())]

        positions, events = await run_in_threadpool(gather)
        svg = Markup(track_svg(positions, events))
        return page(
            request,
            "vessel.html",
            session,
            nav="vessels",
            vessel=vessel,
            events=events,
            svg=svg,
            positions=len(positions),
            colours=KIND_COLOURS,
            message="" if positions else f"no positions of {vessel} in the AIS store",
        )

    return router
