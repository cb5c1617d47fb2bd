"""The write transaction every store and migration takes on its connection."""

from __future__ import annotations

from contextlib import AbstractContextManager

from watchkeeper.store.database import Database


def transaction(db: Database) -> AbstractContextManager[None]:
    """A write transaction: the store's write lock taken at once, rolled back on any error."""
    return db.transaction()
