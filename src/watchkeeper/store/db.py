"""The SQLite connection every store opens on the one store file, and its write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from watchkeeper.store.migrations import upgrade


def connect(path: Path | str, *, create: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread.

    With `create`, the file is put in WAL mode (readers go on while one writer writes) and the
    migrations it lacks are applied (`migrations.py`). A server's per-thread connections pass
    `create=False`: schema statements take locks that a burst of new threads would wait on.
    """
    text = str(path)
    if text != ":memory:":
        Path(text).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(text, isolation_level=None, check_same_thread=False, timeout=30)
    if create:
        if text != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
        upgrade(db, text)
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction: taken at once (no upgrade deadlock), rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
