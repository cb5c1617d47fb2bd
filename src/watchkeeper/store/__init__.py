"""Versioned list storage behind one interface."""

from watchkeeper.store.base import DEFAULT_MAX_SHRINK, ImportResult, ListDiff, ListingAnswer, ListStore
from watchkeeper.store.sqlite import SqliteStore

__all__ = ["DEFAULT_MAX_SHRINK", "ImportResult", "ListDiff", "ListStore", "ListingAnswer", "SqliteStore"]
