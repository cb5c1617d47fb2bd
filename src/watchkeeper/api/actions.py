"""Sanctions actions over HTTP: the timeline, one action, a document read and verified (uploaded),
and actions entered by hand (admin). Routes parse, call the actions service, and answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from watchkeeper.actions.recording import find_action, manual_action, record_manual, record_reading, timeline
from watchkeeper.api.auth import AdminCaller, ReadCaller
from watchkeeper.api.service import ScreeningService
from watchkeeper.api.shapes import parse_date_param
from watchkeeper.api.uploads import upload_name
from watchkeeper.documents.text import MAX_DOCUMENT_BYTES
from watchkeeper.model.actions import SanctionsAction


class ManualActionRequest(BaseModel):
    """An action no list file shows: an announcement, a package put on hold, a withdrawal."""

    kind: str = Field(description="announcement, on-hold or withdrawal")
    authority: str = Field(description="OFAC, State, UN Security Council, EU or UK")
    date: date
    note: str = Field(description="what was announced, and where it was reported", max_length=4000)
    parties: list[str] = Field(default_factory=list, max_length=200, description="names the action names")
    title: str = Field(default="", max_length=300)
    closes: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="a withdrawal: the ids of the actions it reverses (A12); their parties leave the watch",
    )


def _summary(action: SanctionsAction) -> dict[str, Any]:
    data = action.to_dict()
    data["parties"] = len(action.parties)
    return data


def actions_router(service: ScreeningService) -> APIRouter:
    router = APIRouter()

    @router.get("/actions", tags=["Sanctions actions"], response_model=list[dict[str, Any]])
    def list_actions(
        caller: ReadCaller,
        since: Annotated[str | None, Query(description="only actions on or after this date")] = None,
        authority: Annotated[
            str | None, Query(description="OFAC, State, UN Security Council, EU, UK")
        ] = None,
        origin: Annotated[str | None, Query(description="list, document or manual")] = None,
    ) -> Any:
        """The timeline, newest first: actions list versions show (one per version and programme),
        those read from documents and those entered by hand; each with its status and party count."""
        if origin not in (None, "list", "document", "manual"):
            raise HTTPException(400, f"origin {origin!r}: one of list, document, manual")
        stores = service.stores()
        found = timeline(
            stores.lists,
            stores.actions,
            since=parse_date_param(since, "since"),
            authority=authority,
            origin=origin,
        )
        return [_summary(a) for a in found]

    @router.get("/actions/{action_id}", tags=["Sanctions actions"], response_model=dict[str, Any])
    def get_action(action_id: str, caller: ReadCaller) -> Any:
        """One action whole: documents, parties with their standing and entity, status timeline."""
        stores = service.stores()
        return find_action(stores.lists, stores.actions, action_id).to_dict()

    @router.post("/actions/read", tags=["Sanctions actions"], response_model=dict[str, Any])
    async def read_document(
        caller: ReadCaller,
        file: Annotated[UploadFile, File(description="A press release or article: HTML, PDF or text")],
        on: Annotated[
            str | None, Query(alias="date", description="the document's date, if it gives none")
        ] = None,
        record: Annotated[bool, Query(description="keep it as an action (needs an admin key)")] = False,
    ) -> Any:
        """Read a document, extract the parties it ties to its action, and check each against the
        lists today and as of its date: confirmed, formerly listed, possible misspelling, not listed."""
        if record and not caller.allows("admin"):
            raise HTTPException(403, "recording an action needs an admin key")
        day = parse_date_param(on, "date")
        data = await file.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise HTTPException(413, f"a document is at most {MAX_DOCUMENT_BYTES:,} bytes")
        name = upload_name(file.filename)

        def work() -> dict[str, Any]:
            reading = service.read_and_verify(data, name, on=day)
            recorded = record_reading(service.stores().actions, reading, caller.name, day) if record else None
            return {**reading.to_dict(), "recorded": recorded.id if recorded else None}

        return await run_in_threadpool(work)

    @router.post("/actions", tags=["Sanctions actions"], response_model=dict[str, Any], status_code=201)
    def add_action(body: ManualActionRequest, caller: AdminCaller) -> Any:
        """Record an action by hand (admin); its parties are checked against the lists."""
        checks = service.check_names([p for p in body.parties if p.strip()], body.date)
        action = manual_action(body.kind, body.authority, body.date, body.note, checks, body.title)
        return record_manual(service.stores().actions, action, caller.name, closes=body.closes).to_dict()

    return router
