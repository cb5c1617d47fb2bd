"""The rows of a batch input: a CSV file or a Parquet file (data teams keep customer extracts in
Parquet), read a chunk at a time, each row parsed into a query or an error naming its line.

A CSV row's line is its line in the file (the header is line 1); a Parquet row's "line" is
its position counted the same way (the first row is 2), so error files read alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.errors import ListFormatError
from watchkeeper.match.screener import ScreeningQuery, check_query

INPUT_COLUMNS = ("id", "name", "type", "dob", "country", "identifier")
PARQUET_MAGIC = b"PAR1"

#: A row as read from the input: its first line number and its fields. Workers parse it (the
#: reading process only splits the file), so the parse runs on every core.
Record = tuple[int, dict[str, str | None]]


@dataclass(frozen=True)
class ParsedRow:
    line: int
    query: ScreeningQuery | None
    error: str
    query_id: str = ""


def fingerprint(path: Path) -> str:
    """Size and hash of the first megabyte: enough to refuse resuming onto another file."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    return f"{path.stat().st_size}:{hashlib.sha256(head).hexdigest()[:16]}"


def is_parquet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def records(path: Path) -> Iterator[Record]:
    """Every row of the input in order, CSV or Parquet (told by the file's first bytes)."""
    return _parquet_records(path) if is_parquet(path) else _csv_records(path)


def count_rows(path: Path) -> int:
    """Rows of the input (for a progress bar): Parquet's footer says; a CSV's lines are counted."""
    if is_parquet(path):
        import pyarrow.parquet as pq  # noqa: PLC0415 - only Parquet input needs it

        return int(pq.ParquetFile(path).metadata.num_rows)
    with path.open("rb") as handle:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


def _check_columns(path: Path, columns: set[str]) -> None:
    if "id" not in columns or not ({"name", "identifier"} & columns):
        raise ListFormatError(
            str(path),
            "line 1",
            f"header must name columns {','.join(INPUT_COLUMNS)} (id and name required)",
        )


def _csv_records(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        _check_columns(path, set(reader.fieldnames or ()))
        line = 2
        for record in reader:
            start, line = line, reader.line_num + 1
            yield start, record


def _parquet_records(path: Path) -> Iterator[Record]:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ListFormatError(str(path), "footer", f"not a readable Parquet file ({exc})") from exc
    present = set(parquet.schema_arrow.names)
    _check_columns(path, present)
    wanted = [c for c in INPUT_COLUMNS if c in present]
    line = 2
    try:
        for batch in parquet.iter_batches(batch_size=4096, columns=wanted):
            for row in batch.to_pylist():
                yield line, {key: _text(value) for key, value in row.items()}
                line += 1
    except (pa.ArrowException, OSError) as exc:
        raise ListFormatError(str(path), f"row {line - 1}", f"cannot be read ({exc})") from exc


def _text(value: object) -> str | None:
    # Typed Parquet columns (an integer id, a date of birth) read as the CSV would have them.
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_row(line: int, record: dict[str, str | None]) -> ParsedRow:
    def get(key: str) -> str:
        return (record.get(key) or "").strip()

    query_id, name, identifier = get("id"), get("name"), get("identifier")
    if None in record:
        return ParsedRow(line, None, "more fields than the header has", query_id)
    if not query_id:
        return ParsedRow(line, None, "empty id")
    try:
        query = ScreeningQuery.from_fields(
            name, get("type"), get("dob"), get("country"), identifier, query_id
        )
        check_query(query)
    except ValueError as exc:
        return ParsedRow(line, None, str(exc), query_id)
    return ParsedRow(line, query, "")
