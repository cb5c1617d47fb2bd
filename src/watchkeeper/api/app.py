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
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper import __version__
from watchkeeper.actions.watch import WATCH_LABEL, WATCH_SOURCE, split_watch, watch_screener, with_announced
from watchkeeper.api.actions import actions_router
from watchkeeper.api.auth import ReadCaller
from watchkeeper.api.batch_worker import BatchLeader, BatchWorker
from watchkeeper.api.batches import batches_router
from watchkeeper.api.docs import install_docs
from watchkeeper.api.headers import SecurityHeaders
from watchkeeper.api.lists import lists_router
from watchkeeper.api.models import (
    EntityExample,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    ErrorResponse,
    ScreenHit,
    ScreenRequest,
    ScreenResponse,
    StatusResponse,
    TotalSpec,
)
from watchkeeper.api.review import record_screening, review_router
from watchkeeper.api.service import LoadedLists, ScreeningService
from watchkeeper.api.shapes import parse_date_param, scored_entity
from watchkeeper.api.trade import trade_router
from watchkeeper.api.ui import install_ui
from watchkeeper.api.vessel_activity import ais_router
from watchkeeper.errors import AlreadyImported, ImportRejected, ListFormatError, NotFound, WatchkeeperError
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.screener import Screener, ScreeningMatch, ScreeningQuery
from watchkeeper.screen.example import example_queries, screen_example
from watchkeeper.settings import Settings

log = logging.getLogger("watchkeeper.api")

#: yente's defaults: 5 results per query, scores above 0.5 returned, at most 500.
MATCH_LIMIT = 5
MAX_MATCH_LIMIT = 500
MATCH_CUTOFF = 0.5
MAX_QUERIES = 100
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


# -- shapes -------------------------------------------------------------------


def _screener_for(
    service: ScreeningService, loaded: LoadedLists, as_of: date | None, lists: list[str] | None
) -> tuple[Screener, list[str], frozenset[str] | None]:
    """The screener to use and the versions it screens; past dates get their own (cached) index."""
    if as_of is None:
        wanted = frozenset(lists) if lists else None
        if wanted is not None and not wanted <= loaded.sources:
            missing = sorted(wanted - loaded.sources)
            raise NotFound(
                f"lists: {', '.join(missing)} not loaded; loaded: {', '.join(sorted(loaded.sources))}"
            )
        labels = [v.label for v in loaded.versions if wanted is None or v.source in wanted]
        return loaded.screener, labels, wanted
    screener, versions = service.past.get(
        service.stores().lists,
        lists,
        as_of,
        threshold=service.threshold,
        cache=service.settings.home / "index",
    )
    return screener, [v.label for v in versions], None


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

    # -- matching -------------------------------------------------------------

    @app.post("/match/{dataset}", tags=["Matching"], response_model=EntityMatchResponse)
    def match(
        dataset: str,
        body: EntityMatchQuery,
        caller: ReadCaller,
        limit: Annotated[int, Query(ge=1, le=MAX_MATCH_LIMIT, description="Results per query")] = MATCH_LIMIT,
        threshold: Annotated[
            float, Query(ge=0.0, le=1.0, description="Results at or above it have `match: true`")
        ] = DEFAULT_THRESHOLD,
        cutoff: Annotated[
            float, Query(ge=0.0, le=1.0, description="Results below it are not returned")
        ] = MATCH_CUTOFF,
        algorithm: Annotated[
            str, Query(max_length=40, description="Accepted for yente clients; one matcher serves all")
        ] = "best",
        include_dataset: Annotated[list[str] | None, Query(max_length=20)] = None,
        exclude_dataset: Annotated[list[str] | None, Query(max_length=20)] = None,
        exclude_schema: Annotated[list[str] | None, Query(max_length=20)] = None,
        exclude_entity_ids: Annotated[list[str] | None, Query(max_length=50)] = None,
        as_of: Annotated[str | None, Query(description="Screen the lists as they were on YYYY-MM-DD")] = None,
    ) -> EntityMatchResponse:
        """Match entity examples (yente's request shape) against `default` (all lists) or one list.

        Each query is an FtM example: `schema` and `properties` (`name`, `alias`,
        `firstName`/`lastName`, `birthDate`, `nationality`/`country`, `idNumber`,
        `passportNumber`, `imoNumber` …). Results carry yente's fields (`score`,
        `match`, `features`, `explanations`) and Watchkeeper's `explanation`.
        """
        if len(body.queries) > MAX_QUERIES:
            raise HTTPException(400, f"queries: at most {MAX_QUERIES} per request, got {len(body.queries)}")
        loaded = service.require_lists()
        if dataset == "default":
            chosen: list[str] | None = None
        elif dataset in loaded.sources:
            chosen = [dataset]
        else:
            loaded_names = ", ".join(sorted(loaded.sources))
            raise NotFound(f"dataset {dataset!r} is not loaded; use `default` or one of {loaded_names}")
        screener, versions, sources = _screener_for(service, loaded, parse_date_param(as_of, "as_of"), chosen)
        include = set(include_dataset or ()) or None
        excluded_sources = set(exclude_dataset or ())
        excluded_schemata = set(exclude_schema or ())
        excluded_ids = set(exclude_entity_ids or ())
        # Every example is checked before any is screened: one bad query fails the request, naming it.
        prepared = {}
        for key, example in body.queries.items():
            try:
                prepared[key] = example_queries(example.schema_, example.properties, example.id or key)
            except ValueError as exc:
                raise HTTPException(400, f"queries.{key}.{exc}") from None
        responses: dict[str, EntityMatches] = {}
        for key, queries in prepared.items():
            found = screen_example(
                screener,
                queries,
                cutoff=min(cutoff, threshold),
                limit=limit + len(excluded_ids) + 10,
                sources=sources,
            )
            kept = [
                m
                for m in found
                if (include is None or m.source in include)
                and m.source not in excluded_sources
                and m.entity.schema not in excluded_schemata
                and m.entity.id not in excluded_ids
            ][:limit]
            results = [scored_entity(m, threshold) for m in kept]
            example = body.queries[key]
            responses[key] = EntityMatches(
                results=results,
                total=TotalSpec(value=sum(1 for r in results if r.match)),
                query=EntityExample(id=example.id, schema_=example.schema_, properties=example.properties),
            )
        log.info("match %s by %s: %d queries", dataset, caller.name, len(body.queries))
        return EntityMatchResponse(responses=responses, limit=limit, threshold=threshold, lists=versions)

    @app.post("/screen", tags=["Matching"], response_model=ScreenResponse)
    def screen(body: ScreenRequest, caller: ReadCaller) -> ScreenResponse:
        """Screen one party given as plain fields; ranked hits with explanations."""
        loaded = service.require_lists()
        try:
            query = ScreeningQuery.from_fields(body.name, body.type, body.dob, body.country, body.identifier)
        except ValueError as exc:
            raise HTTPException(400, f"type: {exc}") from None
        listed, watch = split_watch(body.lists)
        if watch and (body.record or body.as_of):
            raise HTTPException(
                400, "lists: `announced` is screened now and never recorded (no record, as_of)"
            )
        threshold = service.threshold if body.threshold is None else body.threshold
        matches: list[ScreeningMatch] = []
        versions: list[str] = []
        if not watch or listed:
            screener, versions, sources = _screener_for(
                service, loaded, parse_date_param(body.as_of, "as_of"), listed
            )
            matches = screener.screen(query, threshold=threshold, limit=body.limit, sources=sources)
        if watch:
            watched = watch_screener(service.stores().actions, threshold)
            matches, versions = with_announced(matches, watched, query, body.limit), [*versions, WATCH_SOURCE]
        run_id: str | None = None
        raised: list[int] = []
        if body.record:
            if not body.customer_id or not body.customer_id.strip():
                raise HTTPException(
                    400, "customer_id: required to record a screening (the customer's stable id)"
                )
            if body.as_of:
                raise HTTPException(400, "as_of: a recorded run screens against the lists in force now")
            run_id, raised = record_screening(service, caller, body, matches, threshold)
        return ScreenResponse(
            query=body.model_dump(exclude={"lists", "limit", "threshold", "as_of", "record"}),
            threshold=threshold,
            lists=versions,
            run=run_id,
            alerts_raised=raised,
            results=[
                ScreenHit(
                    entity_id=m.entity.id,
                    list=m.source,
                    label=WATCH_LABEL if m.source == WATCH_SOURCE else "listed",
                    schema=m.entity.schema,
                    caption=m.entity.caption,
                    matched_name=m.explanation.listed_name,
                    score=m.score,
                    summary=m.explanation.summary(),
                    explanation=m.explanation.to_dict(),
                )
                for m in matches
            ],
        )

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
