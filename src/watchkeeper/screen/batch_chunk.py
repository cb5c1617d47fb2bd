"""One chunk of a batch screened: its alerts as output rows, its unreadable rows kept apart.
Run by the local batch's forked workers and by Dask workers alike, so both write the same bytes."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from watchkeeper.match.merged import PartyScreening
from watchkeeper.match.screener import ScreeningMatch
from watchkeeper.screen.batch_input import ParsedRow, Record, parse_row
from watchkeeper.spreadsheet import safe_row

if TYPE_CHECKING:
    from _csv import Writer

OUTPUT_HEADER = ["query_id", "list", "entity_id", "matched_name", "score", "explanation"]
#: A chunk's alerts as CSV text, its alert count, its unreadable rows and its size in rows.
ChunkResult = tuple[str, int, list[ParsedRow], int]
T = TypeVar("T")


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


def screen_chunk(screener: PartyScreening, chunk: list[Record]) -> ChunkResult:
    """One chunk's alerts as CSV text, its alert count, its unreadable rows and its size."""
    # One writer for the chunk: most rows raise no alert, and a writer per row cost more than them.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    alerts = 0
    errors: list[ParsedRow] = []
    for line, record in chunk:
        row = parse_row(line, record)
        if row.query is None:
            errors.append(row)
            continue
        matches = screener.screen(row.query)
        alerts += len(matches)
        write_alerts(writer, row.query.id, matches)
    return buffer.getvalue(), alerts, errors, len(chunk)


def in_input_order(
    chunks: Iterator[list[Record]],
    submit: Callable[[list[Record]], T],
    collect: Callable[[T], ChunkResult],
    in_flight: int,
) -> Iterator[ChunkResult]:
    """Each chunk's result in input order, at most `in_flight` chunks read ahead of the one being
    collected: `submit` hands a chunk to a worker (a pool's or a cluster's), `collect` waits for it.
    Reading the whole input ahead (`Pool.imap`, `Client.map`) would hold ten million rows in memory."""
    pending: deque[T] = deque(submit(chunk) for chunk in itertools.islice(chunks, in_flight))
    while pending:
        result = collect(pending.popleft())
        pending.extend(submit(chunk) for chunk in itertools.islice(chunks, 1))
        yield result
