"""Matching over HTTP: yente's `POST /match/{dataset}` and the plain `POST /screen`.

Both may screen the `announced` watch source beside the lists (never by default): `/match/announced`
or `include_dataset=announced`, and `"announced"` in `/screen`'s `lists`. Its hits are labelled
`announced, not listed`, carry `listed: false`, and are never recorded as a screening run.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from watchkeeper.actions.watch import split_watch, with_announced
from watchkeeper.api.auth import Caller, ReadCaller
from watchkeeper.api.models import (
    EntityExample,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    ScreenHit,
    ScreenRequest,
    ScreenResponse,
    TotalSpec,
)
from watchkeeper.api.review import record_screening
from watchkeeper.api.service import LoadedLists, ScreeningService
from watchkeeper.api.shapes import parse_date_param, scored_entity
from watchkeeper.errors import NotFound
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.merged import PartyScreening
from watchkeeper.match.screener import Screener, ScreeningMatch, ScreeningQuery
from watchkeeper.model.actions import WATCH_SOURCE, label_of
from watchkeeper.screen.example import example_queries, screen_example

log = logging.getLogger("watchkeeper.api")

#: yente's defaults: 5 results per query, scores above 0.5 returned, at most 500.
MATCH_LIMIT = 5
MAX_MATCH_LIMIT = 500
MATCH_CUTOFF = 0.5
MAX_QUERIES = 100
_NOT_RECORDED = "`announced` is screened as it is now and never recorded (no record, as_of)"


def screener_for(
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


def _screening(
    service: ScreeningService, as_of: date | None, lists: list[str] | None, *, listed: bool, watched: bool
) -> tuple[PartyScreening, list[str], frozenset[str] | None]:
    """The lists' screener, with the announced watch beside it when `watched` (then the lists only
    when `listed`: `/match/announced` and `lists: ["announced"]` screen the watch alone)."""
    if not watched:
        return screener_for(service, service.require_lists(), as_of, lists)
    if as_of is not None:
        raise HTTPException(400, f"as_of: {_NOT_RECORDED}")
    screener: Screener | None = None
    versions: list[str] = []
    sources: frozenset[str] | None = None
    if listed:
        screener, versions, sources = screener_for(service, service.require_lists(), as_of, lists)
        if sources is not None:
            sources = sources | {WATCH_SOURCE}
    return with_announced(screener, service.announced()), [*versions, WATCH_SOURCE], sources


def matching_router(service: ScreeningService) -> APIRouter:
    router = APIRouter()

    @router.post("/match/{dataset}", tags=["Matching"], response_model=EntityMatchResponse)
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
        `announced` (as the dataset, or in `include_dataset`) adds the parties of announced
        or on-hold actions that no list names yet, labelled `announced, not listed`.
        """
        if len(body.queries) > MAX_QUERIES:
            raise HTTPException(400, f"queries: at most {MAX_QUERIES} per request, got {len(body.queries)}")
        watched = dataset == WATCH_SOURCE or WATCH_SOURCE in (include_dataset or ())
        loaded = service.require_lists()
        if dataset in ("default", WATCH_SOURCE):
            chosen: list[str] | None = None
        elif dataset in loaded.sources:
            chosen = [dataset]
        else:
            loaded_names = ", ".join(sorted(loaded.sources))
            raise NotFound(
                f"dataset {dataset!r} is not loaded; use `default`, `{WATCH_SOURCE}` or one of {loaded_names}"
            )
        screener, versions, sources = _screening(
            service,
            parse_date_param(as_of, "as_of"),
            chosen,
            listed=dataset != WATCH_SOURCE,
            watched=watched,
        )
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

    @router.post("/screen", tags=["Matching"], response_model=ScreenResponse)
    def screen(body: ScreenRequest, caller: ReadCaller) -> ScreenResponse:
        """Screen one party given as plain fields; ranked hits with explanations."""
        service.require_lists()
        try:
            query = ScreeningQuery.from_fields(body.name, body.type, body.dob, body.country, body.identifier)
        except ValueError as exc:
            raise HTTPException(400, f"type: {exc}") from None
        listed, watch = split_watch(body.lists)
        if watch and body.record:
            raise HTTPException(400, f"lists: {_NOT_RECORDED}")
        threshold = service.threshold if body.threshold is None else body.threshold
        screener, versions, sources = _screening(
            service,
            parse_date_param(body.as_of, "as_of"),
            listed,
            listed=not watch or listed is not None,
            watched=watch,
        )
        matches = screener.screen(query, threshold=threshold, limit=body.limit, sources=sources)
        return _screen_response(service, caller, body, matches, threshold, versions)

    return router


def _screen_response(
    service: ScreeningService,
    caller: Caller,
    body: ScreenRequest,
    matches: list[ScreeningMatch],
    threshold: float,
    versions: list[str],
) -> ScreenResponse:
    run_id: str | None = None
    raised: list[int] = []
    if body.record:
        if not body.customer_id or not body.customer_id.strip():
            raise HTTPException(400, "customer_id: required to record a screening (the customer's stable id)")
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
                label=label_of(m.source),
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
