"""The stores of one store file as one unit of work: opened on first use, closed together.

A CLI command opens one `Stores` for its whole run (`with open_stores(settings) as stores:`);
the HTTP service gives each worker thread its own, so no two requests share a connection or
a half-done transaction. Each store keeps its own connection: a store's write transaction
never waits on another store's open read.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from watchkeeper.store.actions import ActionStore
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.rules import RuleStore
from watchkeeper.store.service import ServiceStore
from watchkeeper.store.sqlite import SqliteStore
from watchkeeper.store.users import SESSION_HOURS, SESSION_IDLE_SECONDS, UserStore

_Handle = SqliteStore | ServiceStore | ReviewStore | UserStore | RuleStore | ActionStore
H = TypeVar("H", SqliteStore, ServiceStore, ReviewStore, UserStore, RuleStore, ActionStore)


class Stores:
    """Lists, service (keys, jobs, audit), review, users and rules of one store file."""

    def __init__(
        self,
        path: Path | str,
        *,
        create: bool = True,
        four_eyes: bool | Iterable[str] = False,
        session_idle_seconds: int = SESSION_IDLE_SECONDS,
        session_absolute_seconds: int = SESSION_HOURS * 3600,
    ) -> None:
        self.path = str(path)
        self._create = create
        self._four_eyes = four_eyes if isinstance(four_eyes, bool) else tuple(four_eyes)
        self._idle = session_idle_seconds
        self._absolute = session_absolute_seconds
        self._opened: list[_Handle] = []

    def _keep(self, handle: H) -> H:
        self._opened.append(handle)
        return handle

    @cached_property
    def lists(self) -> SqliteStore:
        return self._keep(SqliteStore(self.path, create=self._create))

    @cached_property
    def service(self) -> ServiceStore:
        return self._keep(ServiceStore(self.path, create=self._create))

    @cached_property
    def review(self) -> ReviewStore:
        return self._keep(ReviewStore(self.path, four_eyes=self._four_eyes, create=self._create))

    @cached_property
    def users(self) -> UserStore:
        return self._keep(
            UserStore(
                self.path,
                create=self._create,
                idle_seconds=self._idle,
                absolute_seconds=self._absolute,
            )
        )

    @cached_property
    def rules(self) -> RuleStore:
        return self._keep(RuleStore(self.path, create=self._create))

    @cached_property
    def actions(self) -> ActionStore:
        return self._keep(ActionStore(self.path, create=self._create))

    def create_all(self) -> None:
        """Create every store's tables (and add columns newer code needs) once, at start-up."""
        for name in ("lists", "service", "review", "users", "rules", "actions"):
            getattr(self, name)

    def close(self) -> None:
        while self._opened:
            self._opened.pop().close()
        for name in ("lists", "service", "review", "users", "rules", "actions"):
            self.__dict__.pop(name, None)

    def __enter__(self) -> Stores:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
