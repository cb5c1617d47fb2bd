"""Lists over HTTP: loaded lists and their versions, diffs, entities as of a date, and imports."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile

from watchkeeper.actions.watch import link_after_import
from watchkeeper.api.auth import AdminCaller, ReadCaller
from watchkeeper.api.models import (
    DiffResponse,
    EntityResponse,
    ImportResponse,
    ListsResponse,
    ListStatus,
)
from watchkeeper.api.service import ScreeningService
from watchkeeper.api.shapes import MAX_SEQ, entity_response, parse_date_param
from watchkeeper.api.uploads import ensure_folder, save_upload
from watchkeeper.errors import NotFound
from watchkeeper.model import ListVersion, split_entity_id
from watchkeeper.sources import KNOWN_SOURCES

log = logging.getLogger("watchkeeper.api")


def lists_router(service: ScreeningService) -> APIRouter:
    router = APIRouter()
    settings = service.settings

    @router.get("/entities/{entity_id}", tags=["Lists"], response_model=EntityResponse)
    def entity(
        entity_id: str,
        caller: ReadCaller,
        as_of: Annotated[str | None, Query(description="The entity as listed on YYYY-MM-DD")] = None,
        nested: Annotated[bool, Query(description="Accepted for yente clients")] = True,
    ) -> EntityResponse:
        """A listed entity in FtM shape (as yente serves it), now or as listed on a past date."""
        try:
            source, _ = split_entity_id(entity_id)
        except ValueError:
            raise NotFound(f"no entity {entity_id!r}: ids read `<list>:<id>`, e.g. ofac-sdn:26243") from None
        store = service.stores().lists
        on = parse_date_param(as_of, "as_of")
        found = store.entity(entity_id, on)
        history = store.history(entity_id)
        first_seen = history[0][0].published.isoformat()
        last_change = history[-1][0].published.isoformat()
        until = history[-1][1]
        listed = until is None
        last_version = store.version(source) if listed else store.version(source, until.seq - 1)  # type: ignore[union-attr]
        return entity_response(
            found,
            first_seen=first_seen,
            last_seen=last_version.published.isoformat(),
            last_change=last_change,
            listed=True if on is not None else listed,
        )

    # -- lists ------------------------------------------------------------------

    @router.get("/lists", tags=["Lists"], response_model=ListsResponse)
    def lists(caller: ReadCaller) -> ListsResponse:
        """Every loaded list: its current version, how many versions, entities by type."""
        store = service.stores().lists
        loaded = service.lists
        serving = {(v.source, v.seq) for v in loaded.versions} if loaded else set()
        statuses = []
        for source in store.sources():
            current = store.version(source)
            statuses.append(
                ListStatus(
                    source=source,
                    title=KNOWN_SOURCES.get(source, source),
                    current=current,
                    versions=len(store.versions(source)),
                    counts=store.counts_by_schema(source),
                    screening=(source, current.seq) in serving,
                )
            )
        return ListsResponse(
            lists=statuses,
            index_generation=loaded.generation if loaded else 0,
            index_loaded_at=loaded.loaded_at if loaded else None,
        )

    @router.get("/lists/{source}/versions", tags=["Lists"], response_model=list[ListVersion])
    def versions(source: str, caller: ReadCaller) -> list[ListVersion]:
        """Every imported version of one list, oldest first."""
        found = service.stores().lists.versions(source)
        if not found:
            raise NotFound(f"no list {source!r} is loaded")
        return found

    @router.get("/lists/{source}/diff", tags=["Lists"], response_model=DiffResponse)
    def diff(
        source: str,
        caller: ReadCaller,
        from_: Annotated[
            int | None, Query(alias="from", ge=0, le=MAX_SEQ, description="Version number (seq)")
        ] = None,
        to: Annotated[
            int | None, Query(ge=1, le=MAX_SEQ, description="Version number (seq); default the newest")
        ] = None,
        kind: Annotated[
            Literal["added", "removed", "amended"] | None, Query(description="Only these")
        ] = None,
        offset: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int | None, Query(ge=1, le=MAX_SEQ, description="At most this many changes")] = None,
    ) -> DiffResponse:
        """Entities added, removed and amended (field by field) between two versions.

        Without `from`, the version before `to`; `counts` always covers the whole diff.
        """
        store = service.stores().lists
        if not store.versions(source):
            raise NotFound(f"no list {source!r} is loaded")
        result = store.diff(source, from_, to)
        chosen = [c for c in result.changes if kind is None or c.kind == kind]
        end = None if limit is None else offset + limit
        return DiffResponse(
            source=source,
            before=result.before,
            after=result.after,
            counts={k: result.count(k) for k in ("added", "removed", "amended")},
            changes=list(chosen[offset:end]),
        )

    @router.post("/lists/{source}/import", tags=["Lists"], response_model=ImportResponse, status_code=201)
    def import_list(
        source: str,
        caller: AdminCaller,
        files: Annotated[list[UploadFile], File(description="The list file, or an OFAC CSV set's files")],
        published: Annotated[str | None, Query(description="Publication date when the file has none")] = None,
        partial: Annotated[
            bool | None, Query(description="A partial file adds and amends, never delists")
        ] = None,
        allow_shrink: Annotated[bool, Query(description="Import even if the list shrank a lot")] = False,
    ) -> ImportResponse:
        """Load a new version of a list (admin). The screening index is swapped once it is built:
        requests in flight finish on the old one."""
        if source not in KNOWN_SOURCES:
            raise NotFound(f"unknown list {source!r}; one of {', '.join(KNOWN_SOURCES)}")
        on = parse_date_param(published, "published")
        folder = Path(tempfile.mkdtemp(prefix="import-", dir=ensure_folder(settings.home / "uploads")))
        try:
            paths = [save_upload(upload, folder, settings.max_uncompressed_bytes) for upload in files]
            target = paths[0] if len(paths) == 1 else folder
            result = service.import_list(
                source, target, published=on, partial=partial, allow_shrink=allow_shrink, actor=caller.name
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        stores = service.stores()
        for link in link_after_import(
            stores.lists,
            stores.actions,
            threshold=service.threshold,
            cache=settings.home / "index",
        ):
            log.info("action %s is effective: %s", link.action_id, link.describe())
        loaded = service.lists
        log.info("import %s by %s: %s", source, caller.name, result.version.label)
        v = result.version
        return ImportResponse(
            version=v,
            counts={"added": v.added, "removed": v.removed, "amended": v.amended},
            index_generation=loaded.generation if loaded else 0,
        )

    return router
