"""A `Screener` over what the store lists: all sources or some, now or on a past date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from watchkeeper.errors import NotFound
from watchkeeper.match.screener import DEFAULT_THRESHOLD, Screener
from watchkeeper.model import Entity, ListVersion
from watchkeeper.store.base import ListStore


def listed_entities(
    store: ListStore, sources: Sequence[str] | None = None, as_of: date | None = None
) -> tuple[list[Entity], list[ListVersion]]:
    """Entities listed by the chosen sources (default: all), and the versions they come from."""
    chosen = list(sources) if sources else store.sources()
    unknown = [s for s in chosen if s not in store.sources()]
    if unknown:
        raise NotFound(
            f"no list loaded for {', '.join(unknown)}; loaded: {', '.join(store.sources()) or 'none'}"
        )
    entities: list[Entity] = []
    versions: list[ListVersion] = []
    for source in chosen:
        version = store.version_on(source, as_of) if as_of else store.version(source)
        if version is None:
            continue  # the source had no version yet on that date
        versions.append(version)
        entities.extend(store.entities(source, version.seq))
    if not entities:
        raise NotFound("no listed entities to screen against" + (f" on {as_of}" if as_of else ""))
    return entities, versions


def screener_from_store(
    store: ListStore,
    sources: Sequence[str] | None = None,
    as_of: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[Screener, list[ListVersion]]:
    entities, versions = listed_entities(store, sources, as_of)
    return Screener(entities, threshold=threshold), versions
