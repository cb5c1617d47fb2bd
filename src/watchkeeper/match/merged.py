"""Several screeners as one: what batch, `/match` and `/screen` call when a second source (the
`announced` watch) is screened beside the lists. Each screener answers alone; the matches are
merged best first, so a party both listed and announced shows both entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from watchkeeper.match.screener import Screener, ScreeningMatch, ScreeningQuery


class PartyScreening(Protocol):
    """Anything that screens a query as `Screener.screen` does."""

    def screen(
        self,
        query: ScreeningQuery,
        *,
        threshold: float | None = None,
        limit: int = 10,
        sources: frozenset[str] | None = None,
    ) -> list[ScreeningMatch]: ...


@dataclass(frozen=True)
class MergedScreening:
    """Screeners that screen each query in turn; `sources` limits each of them alike (the listed
    screener's lists, and the watch source's name, are disjoint)."""

    screeners: tuple[Screener, ...]

    def screen(
        self,
        query: ScreeningQuery,
        *,
        threshold: float | None = None,
        limit: int = 10,
        sources: frozenset[str] | None = None,
    ) -> list[ScreeningMatch]:
        found = [
            match
            for screener in self.screeners
            for match in screener.screen(query, threshold=threshold, limit=limit, sources=sources)
        ]
        return sorted(found, key=lambda m: -m.score)[:limit]
