"""The list tables: versions, entity states stored once by content hash, and listing periods."""

from __future__ import annotations

from datetime import date

from watchkeeper.model import ListVersion

SCHEMA_VERSION = 1

LIST_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS list_version (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    seq INTEGER NOT NULL,
    published TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    listed_count INTEGER NOT NULL,
    partial INTEGER NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    added INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    amended INTEGER NOT NULL,
    UNIQUE (source, seq),
    UNIQUE (source, sha256)
);
CREATE TABLE IF NOT EXISTS entity_state (
    hash TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    schema TEXT NOT NULL,
    caption TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS membership (
    source TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES entity_state (hash),
    record_key TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER,
    PRIMARY KEY (entity_id, from_seq)
);
CREATE INDEX IF NOT EXISTS membership_by_source ON membership (source, from_seq, to_seq);
CREATE TABLE IF NOT EXISTS change (
    source TEXT NOT NULL,
    seq INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    caption TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (source, seq, entity_id)
);
"""

VERSION_COLUMNS = (
    "source, seq, published, sha256, imported_at, record_count, listed_count, partial, path, format, "
    "added, removed, amended"
)


def version_from_row(row: tuple[object, ...]) -> ListVersion:
    values = tuple(row)
    return ListVersion(
        source=str(values[0]),
        seq=int(str(values[1])),
        published=date.fromisoformat(str(values[2])),
        sha256=str(values[3]),
        imported_at=str(values[4]),
        record_count=int(str(values[5])),
        listed_count=int(str(values[6])),
        partial=bool(values[7]),
        path=str(values[8]),
        format=str(values[9]),
        added=int(str(values[10])),
        removed=int(str(values[11])),
        amended=int(str(values[12])),
    )
