"""The sanctions-action pages of the analysts' UI: the timeline, a page per action (documents,
status timeline linked to the list changes, parties linked to their entity histories), a form to
read a document and see its parties verified (kept as an action by an admin who asks), and an
entity's listing history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from watchkeeper.actions.recording import find_action, record_reading, timeline
from watchkeeper.api.service import ScreeningService
from watchkeeper.documents.places import describe_places
from watchkeeper.documents.text import MAX_DOCUMENT_BYTES
from watchkeeper.errors import WatchkeeperError
from watchkeeper.store.users import Session

Page = Callable[..., HTMLResponse]
CsrfCheck = Callable[[str, Session], None]


def version_link(label: str | None) -> str:
    """`ofac-sdn@2 (2022-03-01)` → the UI page of that version's changes."""
    if not label or "@" not in label:
        return ""
    source, _, rest = label.partition("@")
    return f"/ui/lists/{source}/diff?to={rest.split(' ', 1)[0]}"


def action_pages(
    service: ScreeningService, page: Page, session_of: Callable[[Request], Session], csrf: CsrfCheck
) -> APIRouter:
    router = APIRouter()

    def timeline_page(request: Request, session: Session, **extra: Any) -> HTMLResponse:
        stores = service.stores()
        actions = timeline(stores.lists, stores.actions)
        return page(request, "actions.html", session, nav="actions", actions=actions, **extra)

    @router.get("/actions", response_class=HTMLResponse)
    def actions_page(request: Request) -> HTMLResponse:
        return timeline_page(request, session_of(request), reading=None)

    @router.post("/actions/read", response_class=HTMLResponse)
    async def read_page(request: Request) -> HTMLResponse:
        session = session_of(request)
        form = await request.form()
        csrf(str(form.get("csrf", "")), session)
        upload = form.get("document")
        record = form.get("record") == "on"

        def work() -> HTMLResponse:
            try:
                if not isinstance(upload, UploadFile) or not upload.filename:
                    raise WatchkeeperError("choose a document to read")
                data = upload.file.read(MAX_DOCUMENT_BYTES + 1)
                if len(data) > MAX_DOCUMENT_BYTES:
                    raise WatchkeeperError(f"a document is at most {MAX_DOCUMENT_BYTES:,} bytes")
                if record and not session.user.may("admin"):
                    raise WatchkeeperError("only an admin records actions; read it without recording")
                reading = service.read_and_verify(data, upload.filename)
                actions = service.stores().actions
                recorded = record_reading(actions, reading, session.user.username) if record else None
            except WatchkeeperError as exc:
                return timeline_page(request, session, reading=None, message=str(exc), error=True)
            message = f"Recorded as action {recorded.id}." if recorded else ""
            return timeline_page(
                request,
                session,
                reading=reading,
                message=message,
                version_link=version_link,
                places=describe_places,
            )

        return await run_in_threadpool(work)

    @router.get("/actions/{action_id}", response_class=HTMLResponse)
    def action_page(request: Request, action_id: str) -> HTMLResponse:
        session = session_of(request)
        stores = service.stores()
        action = find_action(stores.lists, stores.actions, action_id)
        return page(
            request,
            "action.html",
            session,
            nav="actions",
            action=action,
            version_link=version_link,
            places=describe_places,
        )

    @router.get("/entities/{entity_id}", response_class=HTMLResponse)
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        session = session_of(request)
        history = service.stores().lists.history(entity_id)
        return page(
            request,
            "entity.html",
            session,
            nav="lists",
            entity_id=entity_id,
            history=history,
            version_link=version_link,
            places=describe_places,
        )

    return router
