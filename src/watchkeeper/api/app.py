"""The FastAPI application: screening, lists and batch jobs over HTTP.

`create_app(settings)` builds the app; `watchkeeper serve` runs it under
uvicorn. Handlers stay thin: they turn requests into calls on the store, the
screener and the batch queue, and their results into the shapes of
`models.py`. Every error a client can cause is a 4xx naming the field; no
traceback ever reaches a client.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper import __version__
from watchkeeper.api.actions import actions_router
from watchkeeper.api.batch_worker import BatchLeader, BatchWorker
from watchkeeper.api.batches import batches_router
from watchkeeper.api.docs import install_docs
from watchkeeper.api.headers import SecurityHeaders
from watchkeeper.api.lists import lists_router
from watchkeeper.api.matching import matching_router
from watchkeeper.api.models import (
    ErrorResponse,
    StatusResponse,
)
from watchkeeper.api.review import review_router
from watchkeeper.api.service import ScreeningService
from watchkeeper.api.trade import trade_router
from watchkeeper.api.ui import install_ui
from watchkeeper.api.vessel_activity import ais_router
from watchkeeper.errors import AlreadyImported, ImportRejected, ListFormatError, NotFound, WatchkeeperError
from watchkeeper.settings import Settings

log = logging.getLogger("watchkeeper.api")

UPLOAD_PATHS = ("/batches", "/lists/")

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The request cannot be carried out as given"},
    401: {"model": ErrorResponse, "description": "No valid API key"},
    403: {"model": ErrorResponse, "description": "The key's scope does not allow this call"},
    404: {"model": ErrorResponse, "description": "No such list, version, entity or job"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ErrorResponse, "description": "A field is missing or malformed"},
}


# -- request size ---------------------------------------------------------------


class BodyLimit:
    """Refuse bodies over the limit with 413, whether or not Content-Length says so."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_limit if path.startswith(UPLOAD_PATHS) else self.json_limit
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await _send_error(send, 413, f"request body over the limit of {limit:,} bytes")
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"request body over the limit of {limit:,} bytes")
            return message

        await self.app(scope, counted, send)


async def _send_error(send: Send, status: int, detail: str) -> None:
    response = JSONResponse({"detail": detail}, status_code=status)
    body = response.body
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- the app --------------------------------------------------------------------


def create_app(settings: Settings, *, run_batches: bool = True) -> FastAPI:
    service = ScreeningService(settings)
    worker = BatchWorker(settings) if run_batches else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.prepare()
        service.reload()
        service.watch()
        # With several worker processes one runs the batch jobs: whichever holds the lock.
        leader = BatchLeader(settings.home / "batch-worker.lock", worker) if worker is not None else None
        if leader is not None:
            leader.start()
        yield
        if leader is not None:
            leader.stop()
        service.close()

    app = FastAPI(
        title="Watchkeeper",
        version=__version__,
        summary="Sanctions screening over versioned official lists, with explained alerts.",
        description=(
            "Screen people, companies and vessels against OFAC, UN and other loaded lists. "
            "`POST /match/{dataset}` speaks yente's (OpenSanctions) API; `POST /screen` is a simple form. "
            "Send `Authorization: ApiKey <token>` (create keys with `watchkeeper keys create`)."
        ),
        lifespan=lifespan,
        responses=ERRORS,
        docs_url=None,  # served from the package by install_docs, not from a CDN
        redoc_url=None,
    )
    install_docs(app)
    app.state.service = service
    app.state.worker = worker
    app.add_middleware(BodyLimit, json_limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)
    install_ui(app, service)

    # -- health ---------------------------------------------------------------

    @app.get("/healthz", tags=["System"], response_model=StatusResponse)
    def healthz() -> StatusResponse:
        """The process is up and answering (`worker`: its process id, `generation`: its index's)."""
        loaded = service.lists
        return StatusResponse(
            status="ok",
            worker=os.getpid(),
            generation=loaded.generation if loaded is not None else 0,
            lists=[v.label for v in loaded.versions] if loaded is not None else [],
        )

    @app.get(
        "/readyz",
        tags=["System"],
        response_model=StatusResponse,
        responses={503: {"model": StatusResponse, "description": "No lists loaded yet"}},
    )
    def readyz() -> Any:
        """Ready only when lists are loaded and the screening index is built."""
        loaded = service.lists
        if loaded is None:
            return JSONResponse(
                StatusResponse(status="not ready", detail="no lists loaded").model_dump(), status_code=503
            )
        return StatusResponse(
            status="ready",
            lists=[v.label for v in loaded.versions],
            worker=os.getpid(),
            generation=loaded.generation,
        )

    app.include_router(matching_router(service))
    app.include_router(review_router(service))
    app.include_router(lists_router(service))
    app.include_router(trade_router(service))
    app.include_router(ais_router(service))
    app.include_router(actions_router(service))
    app.include_router(batches_router(service, settings, worker))
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        return JSONResponse({"detail": "; ".join(problems)}, status_code=422)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(ListFormatError)
    async def bad_file(request: Request, exc: ListFormatError) -> JSONResponse:
        where = f"{Path(exc.path).name}, {exc.where}" if exc.where else Path(exc.path).name
        return JSONResponse({"detail": f"{where}: {exc.problem}; nothing was imported"}, status_code=400)

    @app.exception_handler(AlreadyImported)
    async def duplicate(request: Request, exc: AlreadyImported) -> JSONResponse:
        return JSONResponse({"detail": _plain(exc)}, status_code=409)

    @app.exception_handler(ImportRejected)
    async def rejected(request: Request, exc: ImportRejected) -> JSONResponse:
        return JSONResponse({"detail": _plain(exc)}, status_code=409)

    @app.exception_handler(WatchkeeperError)
    async def other(request: Request, exc: WatchkeeperError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    # No handler for ValueError at large: a user's bad value is an InvalidInput (a WatchkeeperError,
    # 400 above); any other ValueError is our fault, answered 500 with a reference below.

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        reference = secrets.token_hex(4)
        log.exception("internal error %s on %s %s", reference, request.method, request.url.path)
        return JSONResponse(
            {"detail": f"internal error (reference {reference}); the server log has the details"},
            status_code=500,
        )


def _plain(exc: Exception) -> str:
    """The message without the server's upload folder in it."""
    text = str(exc)
    marker = "/uploads/import-"
    if marker in text:
        _, _, tail = text.partition(marker)
        text = tail.split("/", 1)[-1] if "/" in tail else tail
    return text


def app_from_env() -> FastAPI:
    """The app of one worker process of `serve --workers N` (settings from the environment)."""
    return create_app(Settings.from_env())
