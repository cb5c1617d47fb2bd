"""The one interface every list store implements (SQLite now, PostgreSQL later)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from watchkeeper.model import Entity, EntityChange, ListVersion
from watchkeeper.sources.base import ListSnapshot

#: A full version may list at most this fraction fewer entities than the one
#: before unless the import is forced: a sudden drop is far more often a bad
#: download than a mass delisting.
DEFAULT_MAX_SHRINK = 0.10


@dataclass(frozen=True)
class ImportResult:
    version: ListVersion
    changes: tuple[EntityChange, ...]


@dataclass(frozen=True)
class ListingAnswer:
    """Whether an entity was listed on a date, and the version that shows it."""

    entity_id: str
    on: date
    listed: bool
    version: ListVersion | None  # the version in force on that date
    entity: Entity | None  # the entity as listed then
    first_listed: ListVersion | None  # the version that added the current listing period


@dataclass(frozen=True)
class ListDiff:
    source: str
    before: ListVersion | None
    after: ListVersion
    changes: tuple[EntityChange, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


class ListStore(Protocol):
    """Versioned storage of list publications with diffs and time travel."""

    def import_snapshot(
        self,
        snapshot: ListSnapshot,
        *,
        allow_shrink: bool = False,
        max_shrink: float = DEFAULT_MAX_SHRINK,
        actor: str = "system",
    ) -> ImportResult: ...

    def sources(self) -> list[str]: ...

    def versions(self, source: str) -> list[ListVersion]: ...

    def version(self, source: str, seq: int | None = None) -> ListVersion: ...

    def version_on(self, source: str, on: date) -> ListVersion | None: ...

    def entities(self, source: str, seq: int | None = None) -> Iterator[Entity]: ...

    def entity(self, entity_id: str, as_of: date | None = None) -> Entity: ...

    def was_listed(self, entity_id: str, on: date) -> ListingAnswer: ...

    def history(self, entity_id: str) -> list[tuple[ListVersion, ListVersion | None, Entity]]: ...

    def diff(self, source: str, before: int | None = None, after: int | None = None) -> ListDiff: ...

    def counts_by_schema(self, source: str, seq: int | None = None) -> dict[str, int]: ...

    def dump(self) -> list[str]: ...

    def close(self) -> None: ...
