"""Batch screening of a CSV file: streamed in chunks, on every core, resumable.

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
import hashlib
import io
import itertools
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from watchkeeper.errors import ListFormatError, WatchkeeperError
from watchkeeper.match.screener import Screener, ScreeningMatch, ScreeningQuery, check_query
from watchkeeper.spreadsheet import safe_row

if TYPE_CHECKING:
    from _csv import Writer

OUTPUT_HEADER = ["query_id", "list", "entity_id", "matched_name", "score", "explanation"]
INPUT_COLUMNS = ("id", "name", "type", "dob", "country", "identifier")
CHUNK_ROWS = 2000

_WORKER_SCREENER: Screener | None = None


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    alerts: int
    errors: int
    resumed_from: int
    output: Path
    errors_file: Path | None


@dataclass(frozen=True)
class _Row:
    line: int
    query: ScreeningQuery | None
    error: str
    query_id: str = ""


def _progress_path(output: Path) -> Path:
    return output.with_name(output.name + ".progress")


def _errors_path(output: Path) -> Path:
    return output.with_name(output.stem + ".errors.csv")


def _fingerprint(path: Path) -> str:
    """Size and hash of the first megabyte: enough to refuse resuming onto another file."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    return f"{path.stat().st_size}:{hashlib.sha256(head).hexdigest()[:16]}"


#: A row as read from the input: its first line number and its fields. Workers parse it (the
#: reading process only splits the file), so the parse runs on every core.
_Record = tuple[int, dict[str, str | None]]


def _rows(path: Path) -> Iterator[_Record]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if "id" not in columns or not ({"name", "identifier"} & columns):
            raise ListFormatError(
                str(path),
                "line 1",
                f"header must name columns {','.join(INPUT_COLUMNS)} (id and name required)",
            )
        line = 2
        for record in reader:
            start, line = line, reader.line_num + 1
            yield start, record


def _parse_row(line: int, record: dict[str, str | None]) -> _Row:
    def get(key: str) -> str:
        return (record.get(key) or "").strip()

    query_id, name, identifier = get("id"), get("name"), get("identifier")
    if None in record:
        return _Row(line, None, "more fields than the header has", query_id)
    if not query_id:
        return _Row(line, None, "empty id")
    try:
        query = ScreeningQuery.from_fields(
            name, get("type"), get("dob"), get("country"), identifier, query_id
        )
        check_query(query)
    except ValueError as exc:
        return _Row(line, None, str(exc), query_id)
    return _Row(line, query, "")


def write_alerts(writer: Writer, query_id: str, matches: list[ScreeningMatch]) -> None:
    """One output row per alert: query, list, entity, listed name, score, explanation as JSON."""
    for match in matches:
        writer.writerow(
            safe_row(
                [
                    query_id,
                    match.source,
                    match.entity.id,
                    match.explanation.listed_name,
                    f"{match.score:.4f}",
                    json.dumps(match.explanation.to_dict(), ensure_ascii=False, separators=(",", ":")),
                ]
            )
        )


def _screen_chunk(chunk: list[_Record]) -> _ChunkResult:
    screener = _WORKER_SCREENER
    assert screener is not None
    # One writer for the chunk: most rows raise no alert, and a writer per row cost more than them.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    alerts = 0
    errors: list[_Row] = []
    for line, record in chunk:
        row = _parse_row(line, record)
        if row.query is None:
            errors.append(row)
            continue
        matches = screener.screen(row.query)
        alerts += len(matches)
        write_alerts(writer, row.query.id, matches)
    return buffer.getvalue(), alerts, errors, len(chunk)


_ChunkResult = tuple[str, int, list[_Row], int]


def _bounded_map(pool: Pool, chunks: Iterator[list[_Record]], in_flight: int) -> Iterator[_ChunkResult]:
    """Results in input order with at most `in_flight` chunks read ahead.

    `Pool.imap` would read the whole input ahead of the workers; ten million
    rows must not sit in memory waiting their turn.
    """
    pending: deque[AsyncResult[_ChunkResult]] = deque()
    for chunk in itertools.islice(chunks, in_flight):
        pending.append(pool.apply_async(_screen_chunk, (chunk,)))
    while pending:
        result = pending.popleft().get()
        for chunk in itertools.islice(chunks, 1):
            pending.append(pool.apply_async(_screen_chunk, (chunk,)))
        yield result


def _chunks(rows: Iterator[_Record], size: int) -> Iterator[list[_Record]]:
    chunk: list[_Record] = []
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
    screener: Screener,
    input_path: Path,
    output: Path,
    *,
    workers: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    resume: bool = True,
    on_progress: Callable[[int], None] | None = None,
    lists: str = "",
) -> BatchSummary:
    """Screen every row of `input_path` into `output`; returns counts."""
    global _WORKER_SCREENER  # noqa: PLW0603 - inherited by forked workers, not pickled per task
    with exclusive_output(output):
        fingerprint = _fingerprint(input_path)
        progress_file = _progress_path(output)
        done_rows, done_bytes, alerts, error_count, error_bytes = 0, 0, 0, 0, 0
        errors_file = _errors_path(output)
        if resume and progress_file.exists() and output.exists():
            state = json.loads(progress_file.read_text())
            if state.get("input") == fingerprint and state.get("lists") == lists and errors_file.exists():
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
            rows = _rows(input_path)
            for _ in range(done_rows):
                next(rows, None)
            _WORKER_SCREENER = screener
            processes = workers or os.cpu_count() or 1
            context = multiprocessing.get_context("fork")
            if processes > 1:
                # Keep the collector in the workers off the index's objects: walking them
                # would copy every page of the forked index into each worker. (No collection
                # first: over millions of index objects it costs more than a small batch.)
                gc.freeze()
            pool = context.Pool(processes) if processes > 1 else None
            finished = False
            try:
                results = (
                    _bounded_map(pool, _chunks(rows, chunk_rows), in_flight=2 * processes)
                    if pool is not None
                    else map(_screen_chunk, _chunks(rows, chunk_rows))
                )
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
                                "input": fingerprint,
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
    progress_file.unlink(missing_ok=True)
    if not error_count:
        errors_file.unlink(missing_ok=True)
    return BatchSummary(
        done_rows, alerts, error_count, resumed_from, output, errors_file if error_count else None
    )
