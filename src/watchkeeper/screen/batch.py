"""Batch screening of a CSV or Parquet file: streamed in chunks, on every core or a Dask cluster, resumable.

Input columns: `id,name,type,dob,country,identifier` (a header row; `id` and
one of `name`/`identifier` required per row). Output: one row per alert,
header exactly `query_id,list,entity_id,matched_name,score,explanation`.

Memory stays bounded whatever the input size: rows are read a chunk at a
time and results written as each chunk completes. After every chunk a small
progress file records how many input rows and output bytes are complete, so
an interrupted run resumes where it stopped instead of starting over.
Rows that cannot be screened (no name, an unknown type) go to
`OUTPUT.errors.csv` with their line number; they are never silently passed.
"""

from __future__ import annotations

import csv
import fcntl
import gc
import io
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TextIO

from watchkeeper.errors import WatchkeeperError
from watchkeeper.match.merged import PartyScreening
from watchkeeper.screen.batch_chunk import OUTPUT_HEADER, ChunkResult, in_input_order, screen_chunk
from watchkeeper.screen.batch_input import Record, fingerprint, records
from watchkeeper.spreadsheet import safe_row

CHUNK_ROWS = 2000

_WORKER_SCREENER: PartyScreening | None = None


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    alerts: int
    errors: int
    resumed_from: int
    output: Path
    errors_file: Path | None


def _progress_path(output: Path) -> Path:
    return output.with_name(output.name + ".progress")


def _errors_path(output: Path) -> Path:
    return output.with_name(output.stem + ".errors.csv")


def _screen_chunk(chunk: list[Record]) -> ChunkResult:
    assert _WORKER_SCREENER is not None
    return screen_chunk(_WORKER_SCREENER, chunk)


@contextmanager
def _local_results(
    screener: PartyScreening, workers: int | None, chunks: Iterator[list[Record]]
) -> Iterator[Iterator[ChunkResult]]:
    """Chunk results in input order from forked processes sharing the screener's memory."""
    global _WORKER_SCREENER  # noqa: PLW0603 - inherited by forked workers, not pickled per task
    _WORKER_SCREENER = screener
    processes = workers or os.cpu_count() or 1
    if processes > 1:
        # Keep the collector in the workers off the index's objects: walking them
        # would copy every page of the forked index into each worker. (No collection
        # first: over millions of index objects it costs more than a small batch.)
        gc.freeze()
    pool = multiprocessing.get_context("fork").Pool(processes) if processes > 1 else None
    finished = False
    try:
        if pool is None:
            yield map(_screen_chunk, chunks)
        else:
            yield in_input_order(
                chunks,
                lambda chunk: pool.apply_async(_screen_chunk, (chunk,)),
                AsyncResult.get,
                2 * processes,
            )
        finished = True
    finally:
        if pool is not None:
            if finished:
                pool.close()
                pool.join()
            else:
                pool.terminate()  # interrupted: the progress file says where to resume
            gc.unfreeze()
        _WORKER_SCREENER = None


@contextmanager
def _dask_results(
    address: str, screener: PartyScreening, output: Path, chunks: Iterator[list[Record]]
) -> Iterator[Iterator[ChunkResult]]:
    from watchkeeper.screen.batch_dask import DaskScreening  # noqa: PLC0415 - only --dask needs Dask

    with DaskScreening(address, screener, output.with_name(output.name + ".index.pickle")) as cluster:
        yield cluster.ordered_results(chunks)


def _chunks(rows: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class BatchBusy(WatchkeeperError):
    """Another process is screening into the same output (a batch left running by a server that died)."""


def _lock_path(output: Path) -> Path:
    return output.with_name(output.name + ".lock")


@contextmanager
def exclusive_output(output: Path) -> Iterator[None]:
    """Hold the output's lock while screening into it: two processes never write one batch's files.

    The lock is an OS file lock (released when the process ends, however it ends); the file holds
    the holder's pid for the error message."""
    with _lock_path(output).open("a+") as handle:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise BatchBusy(f"{output}: another process (pid {holder}) is screening into it") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def output_busy(output: Path) -> bool:
    """Whether a process holds the output's lock (an orphaned batch still running)."""
    path = _lock_path(output)
    if not path.exists():
        return False
    with path.open("a+") as handle:
        if not _try_lock(handle):
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _try_lock(handle: TextIO) -> bool:
    """Take the file's exclusive lock without waiting; False when another process holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _csv_line(cells: list[object]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue().encode()


def _write_atomically(path: Path, text: str) -> None:
    """Write to a file beside it, then rename: a reader or a resumed run never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def run_batch(
    screener: PartyScreening,
    input_path: Path,
    output: Path,
    *,
    workers: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    resume: bool = True,
    on_progress: Callable[[int], None] | None = None,
    lists: str = "",
    dask: str | None = None,
) -> BatchSummary:
    """Screen every row of `input_path` (CSV or Parquet) into `output`; returns counts.

    Chunks are screened by `workers` forked processes, or with `dask` ("local" or a scheduler's
    tcp:// address) on a Dask cluster; either way results are written in input order, so the
    output is the same file.
    """
    with exclusive_output(output):
        input_mark = fingerprint(input_path)
        progress_file = _progress_path(output)
        done_rows, done_bytes, alerts, error_count, error_bytes = 0, 0, 0, 0, 0
        errors_file = _errors_path(output)
        if resume and progress_file.exists() and output.exists():
            state = json.loads(progress_file.read_text())
            if state.get("input") == input_mark and state.get("lists") == lists and errors_file.exists():
                done_rows, done_bytes = int(state["rows"]), int(state["bytes"])
                alerts, error_count = int(state["alerts"]), int(state["errors"])
                error_bytes = int(state.get("error_bytes", errors_file.stat().st_size))
        resumed_from = done_rows
        mode = "r+b" if done_rows else "wb"
        with (
            output.open(mode) as out,
            errors_file.open("r+b" if done_rows else "wb") as err,
        ):
            if done_rows:
                # Drop what a cut-off chunk wrote after the last progress mark, in both files:
                # its rows are screened again, and neither an alert nor an error row is written twice.
                out.truncate(done_bytes)
                out.seek(done_bytes)
                err.truncate(error_bytes)
                err.seek(error_bytes)
            else:
                out.write((",".join(OUTPUT_HEADER) + "\n").encode())
                err.write(_csv_line(["line", "id", "error"]))
            rows = records(input_path)
            for _ in range(done_rows):
                next(rows, None)
            chunks = _chunks(rows, chunk_rows)
            with (
                _dask_results(dask, screener, output, chunks)
                if dask is not None
                else _local_results(screener, workers, chunks)
            ) as results:
                for text, chunk_alerts, chunk_errors, chunk_size in results:
                    data = text.encode()
                    out.write(data)
                    out.flush()
                    for row in chunk_errors:
                        err.write(_csv_line(safe_row([row.line, row.query_id, row.error])))
                    err.flush()
                    done_bytes, error_bytes = out.tell(), err.tell()
                    alerts += chunk_alerts
                    error_count += len(chunk_errors)
                    done_rows += chunk_size
                    _write_atomically(
                        progress_file,
                        json.dumps(
                            {
                                "input": input_mark,
                                "lists": lists,
                                "rows": done_rows,
                                "bytes": done_bytes,
                                "alerts": alerts,
                                "errors": error_count,
                                "error_bytes": error_bytes,
                            }
                        ),
                    )
                    if on_progress is not None:
                        on_progress(done_rows)
    progress_file.unlink(missing_ok=True)
    if not error_count:
        errors_file.unlink(missing_ok=True)
    return BatchSummary(
        done_rows, alerts, error_count, resumed_from, output, errors_file if error_count else None
    )
