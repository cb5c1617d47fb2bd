"""Batch jobs over HTTP: a CSV upload queued for the batch worker, its progress and its files."""

from __future__ import annotations

import csv
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import StreamingResponse

from watchkeeper.api.auth import Caller, ReadCaller
from watchkeeper.api.batch_worker import BatchWorker
from watchkeeper.api.models import BatchJobModel, ErrorResponse
from watchkeeper.api.service import ScreeningService
from watchkeeper.api.uploads import ensure_folder
from watchkeeper.errors import NotFound
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.model.actions import WATCH_SOURCE
from watchkeeper.screen.batch_input import INPUT_COLUMNS
from watchkeeper.settings import Settings
from watchkeeper.store.database import is_busy
from watchkeeper.store.service import BatchJob


def batches_router(service: ScreeningService, settings: Settings, worker: BatchWorker | None) -> APIRouter:
    router = APIRouter()

    def job_model(job: BatchJob) -> BatchJobModel:
        data = job.to_dict()
        data["results_url"] = f"/batches/{job.id}/results" if job.state == "done" else None
        return BatchJobModel.model_validate(data)

    @router.post("/batches", tags=["Batches"], response_model=BatchJobModel, status_code=202)
    def create_batch(
        caller: ReadCaller,
        file: Annotated[UploadFile, File(description="CSV with columns id,name,type,dob,country,identifier")],
        lists: Annotated[
            str | None,
            Query(
                max_length=200,
                description="Comma-separated, e.g. ofac-sdn,un; `announced` adds the parties of announced "
                "or on-hold actions that no list names yet (their rows have `list` = announced)",
            ),
        ] = None,
        threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
    ) -> BatchJobModel:
        """Queue a CSV file for screening in the background; poll `GET /batches/{id}`."""
        loaded = service.require_lists()
        chosen = [s.strip() for s in (lists or "").split(",") if s.strip()]
        missing = [s for s in chosen if s not in loaded.sources and s != WATCH_SOURCE]
        if missing:
            raise HTTPException(400, f"lists: {', '.join(missing)} not loaded")
        job_id = secrets.token_hex(8)
        folder = ensure_folder(settings.batches / job_id)
        try:
            path = folder / "input.csv"
            with path.open("wb") as out:
                shutil.copyfileobj(file.file, out)
            rows = _check_batch_csv(path)
            job = service.stores().service.add_job(
                job_id,
                created_by=caller.name,
                lists=",".join(chosen),
                threshold=threshold,
                total_rows=rows,
                folder=folder,
            )
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)  # no job: no folder left behind
            if is_busy(exc):
                raise HTTPException(
                    503,
                    "the store is busy (a list import?); send the batch again shortly",
                    headers={"Retry-After": "5"},
                ) from None
            raise
        if worker is not None:
            worker.wake()
        return job_model(job)

    def callers_job(job_id: str, caller: Caller) -> BatchJob:
        """A job of the caller's (its key's user, or its key); an admin's key sees every job.
        Another caller's job is answered as unknown: its existence is not theirs to learn."""
        job = service.stores().service.job(job_id)
        if not _visible(job, caller):
            raise NotFound(f"no batch job {job_id!r}")
        return job

    def finished_job(job_id: str, caller: Caller) -> BatchJob:
        job = callers_job(job_id, caller)
        if job.state != "done":
            raise HTTPException(409, f"batch {job_id} is {job.state}; its files are ready when it is done")
        return job

    @router.get("/batches", tags=["Batches"], response_model=list[BatchJobModel])
    def list_batches(caller: ReadCaller) -> list[BatchJobModel]:
        """The caller's batch jobs (every job for an admin key), oldest first."""
        jobs = service.stores().service.jobs()
        return [job_model(j) for j in jobs if _visible(j, caller)]

    @router.get("/batches/{job_id}", tags=["Batches"], response_model=BatchJobModel)
    def get_batch(job_id: str, caller: ReadCaller) -> BatchJobModel:
        """A job's state and progress: rows done of total, alerts so far."""
        return job_model(callers_job(job_id, caller))

    @router.get(
        "/batches/{job_id}/results",
        tags=["Batches"],
        response_class=StreamingResponse,
        responses={200: {"content": {"text/csv": {}}}, 409: {"model": ErrorResponse}},
    )
    def batch_results(job_id: str, caller: ReadCaller) -> StreamingResponse:
        """The alerts CSV (query_id,list,entity_id,matched_name,score,explanation), streamed."""
        return StreamingResponse(_stream(finished_job(job_id, caller).output_path), media_type="text/csv")

    @router.get(
        "/batches/{job_id}/errors",
        tags=["Batches"],
        response_class=StreamingResponse,
        responses={200: {"content": {"text/csv": {}}}, 409: {"model": ErrorResponse}},
    )
    def batch_errors(job_id: str, caller: ReadCaller) -> StreamingResponse:
        """Rows that could not be screened (line, id, error), as CSV."""
        path = finished_job(job_id, caller).errors_path
        return StreamingResponse(
            _stream(path) if path.exists() else iter([b"line,id,error\n"]), media_type="text/csv"
        )

    return router


def _visible(job: BatchJob, caller: Caller) -> bool:
    """A job is its caller's (the key's user, or the key); an admin's key sees every job."""
    return caller.allows("admin") or job.created_by == caller.name


def _check_batch_csv(path: Path) -> int:
    """Refuse a file that is not UTF-8 CSV with the batch columns; the number of data rows."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise HTTPException(
                    400, "file: empty; expected a header line id,name,type,dob,country,identifier"
                )
            columns = {h.strip() for h in header}
            if "id" not in columns or not ({"name", "identifier"} & columns):
                raise HTTPException(
                    400, f"file: line 1 must name columns {','.join(INPUT_COLUMNS)} (id and name required)"
                )
            rows = sum(1 for _ in reader)
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"file: not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise HTTPException(400, f"file: not CSV: {exc}") from None
    return rows


def _stream(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(1 << 16), b"")
