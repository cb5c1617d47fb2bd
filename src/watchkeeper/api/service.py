"""What the HTTP app holds while it runs: the loaded lists and the stores.

The screener over the loaded lists is one immutable object behind one
reference. A list import builds the new screener beside the old one and then
swaps the reference: a request takes the reference once when it starts, so
requests in flight finish on the old index and none fails during a reload.

Several worker processes (`serve --workers N`) share the store, each with its own index: a
watcher thread in each compares the newest list and rule versions in the store with those its
index was built on (`store_versions`, a cheap read every `reload_poll_seconds`) and reloads
when another process, or the command line, loaded a new one.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from watchkeeper.actions.watch import watch_screener
from watchkeeper.errors import ImportRejected, NotFound
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.screener import Screener
from watchkeeper.model import ListVersion
from watchkeeper.rules.book import RuleBook
from watchkeeper.screen.documents import DocumentReading, PartyCheck, check_names, read_and_verify
from watchkeeper.screen.loader import RecentScreeners, screener_from_store
from watchkeeper.screen.payments import PaymentScreener
from watchkeeper.screen.shipments import ShipmentScreener
from watchkeeper.screen.vessels import VesselScreener
from watchkeeper.settings import Settings, open_stores
from watchkeeper.sources import parse_list
from watchkeeper.store import ImportResult
from watchkeeper.store.database import Database, open_database
from watchkeeper.store.units import Stores

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedLists:
    """One generation of the screening index, never changed once built."""

    screener: Screener
    versions: tuple[ListVersion, ...]
    loaded_at: str
    generation: int
    rules: RuleBook = field(default_factory=RuleBook)
    #: The store's newest list and rule versions when this index was built (`store_versions`).
    built_on: tuple[tuple[str, int], ...] = ()

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(v.source for v in self.versions)


@dataclass(frozen=True)
class TradeChannels:
    payments: PaymentScreener
    vessels: VesselScreener
    shipments: ShipmentScreener


class ScreeningService:
    def __init__(self, settings: Settings, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.settings = settings
        self.threshold = threshold
        self.open_read = settings.open_read
        self._local = threading.local()
        self._opened: list[Stores] = []
        self._opened_lock = threading.Lock()
        self._import_lock = threading.Lock()
        self._lists: LoadedLists | None = None
        self._generation = 0
        self._channels: dict[int, TradeChannels] = {}
        self._channels_lock = threading.Lock()
        #: Indexes of past version sets (`as_of` requests), the most recent kept in memory.
        self.past = RecentScreeners(settings.as_of_indexes)
        self._stop_watching = threading.Event()
        #: The `announced` watch source's screener and the action-store revision it was built on.
        self._announced: tuple[str, Screener | None] | None = None
        self._announced_lock = threading.Lock()

    # Each thread gets its own stores (own connections): SQLite connections are not shared
    # across threads, and WAL lets readers go on while an import writes.
    def stores(self) -> Stores:
        found: Stores | None = getattr(self._local, "stores", None)
        if found is None:
            found = open_stores(self.settings, create=False)
            self._local.stores = found
            with self._opened_lock:
                self._opened.append(found)
        return found

    def prepare(self) -> None:
        """Create every table once, at start-up; the per-thread stores then only read and write."""
        with open_stores(self.settings) as stores:
            stores.create_all()

    def close(self) -> None:
        self._stop_watching.set()
        with self._opened_lock:
            for handle in self._opened:
                handle.close()
            self._opened.clear()
        self._local = threading.local()

    def announced(self) -> Screener | None:
        """The screener over the parties of open announced and on-hold actions, rebuilt only when
        an action was recorded or moved on since (by this process or another: one cheap read)."""
        actions = self.stores().actions
        revision = actions.revision()
        with self._announced_lock:
            if self._announced is None or self._announced[0] != revision:
                self._announced = (revision, watch_screener(actions, self.threshold))
            return self._announced[1]

    def read_and_verify(self, data: bytes, name: str, on: date | None = None) -> DocumentReading:
        """A document read and its parties checked against the loaded lists (and those of its date)."""
        loaded = self.require_lists()
        return read_and_verify(
            self.stores().lists,
            data,
            name,
            on=on,
            threshold=self.threshold,
            cache=self.settings.home / "index",
            current=(loaded.screener, list(loaded.versions)),
        )

    def check_names(self, names: Sequence[str], on: date | None) -> tuple[PartyCheck, ...]:
        """Names given by hand checked as a document's parties are (no lists needed for none)."""
        if not names:
            return ()
        loaded = self.require_lists()
        return check_names(
            self.stores().lists,
            names,
            on=on,
            threshold=self.threshold,
            cache=self.settings.home / "index",
            current=(loaded.screener, list(loaded.versions)),
        )

    @property
    def lists(self) -> LoadedLists | None:
        return self._lists

    def require_lists(self) -> LoadedLists:
        loaded = self._lists
        if loaded is None:
            raise NotFound("no lists are loaded yet; load one with POST /lists/{source}/import")
        return loaded

    def reload(self) -> LoadedLists | None:
        """Build the screener over the newest version of every source, then swap it in."""
        stores = self.stores()
        store = stores.lists
        built_on = store_versions(stores)  # read first: a version loaded meanwhile is seen next time
        if not store.sources():
            return None
        screener, versions = screener_from_store(
            store, threshold=self.threshold, cache=self.settings.home / "index"
        )
        book = stores.rules.book()
        self._generation += 1
        loaded = LoadedLists(
            screener,
            tuple(versions),
            datetime.now(UTC).isoformat(timespec="seconds"),
            self._generation,
            book,
            built_on,
        )
        self._lists = loaded  # one reference assignment: atomic for every reader
        # The index is millions of long-lived objects: left to the collector, every full
        # collection would walk them all and stall every request for a second. Frozen, they
        # are skipped (they are still freed by reference counting when a reload drops them).
        gc.collect()
        gc.freeze()
        return loaded

    def reload_if_changed(self) -> bool:
        """Reload when the store holds list or rule versions this index was not built on."""
        loaded = self._lists
        if store_versions(self.stores()) == (loaded.built_on if loaded is not None else ()):
            return False
        with self._import_lock:
            loaded = self._lists
            if store_versions(self.stores()) == (loaded.built_on if loaded is not None else ()):
                return False  # this process's own import already reloaded
            self.reload()
            return True

    def watch(self) -> None:
        """Start the watcher thread (`reload_if_changed` every `reload_poll_seconds`)."""
        self._stop_watching.clear()
        thread = threading.Thread(target=self._watch, name="list-watcher", daemon=True)
        thread.start()

    def _watch(self) -> None:
        # On PostgreSQL an import anywhere is notified at once (LISTEN/NOTIFY); on SQLite, and
        # as a safety net for a lost notification, the store is compared every poll interval.
        feed: Database | None = None
        while not self._stop_watching.is_set():
            try:
                if feed is None:
                    feed = open_database(self.settings.store_location)
                feed.wait_for_change(self.settings.reload_poll_seconds, self._stop_watching)
                if self._stop_watching.is_set():
                    break
                if self.reload_if_changed():
                    log.info("lists reloaded: %s", ", ".join(v.label for v in self.require_lists().versions))
            except Exception:  # a busy or briefly unreachable store: the next round tries again
                log.exception("list watcher: cannot compare the loaded lists with the store")
                if feed is not None:
                    feed.close()
                    feed = None
                self._stop_watching.wait(self.settings.reload_poll_seconds)
        if feed is not None:
            feed.close()

    def channels(self, loaded: LoadedLists) -> TradeChannels:
        """Payment, vessel and shipment screeners over one generation, built on first use."""
        with self._channels_lock:
            found = self._channels.get(loaded.generation)
            if found is None:
                found = TradeChannels(
                    PaymentScreener(loaded.screener, loaded.rules),
                    VesselScreener(loaded.screener, loaded.rules),
                    ShipmentScreener(loaded.screener, loaded.rules),
                )
                self._channels = {loaded.generation: found}  # older generations are dropped
            return found

    def import_list(
        self,
        source: str,
        path: Path,
        *,
        published: date | None = None,
        partial: bool | None = None,
        allow_shrink: bool = False,
        actor: str = "system",
    ) -> ImportResult:
        """Parse, store and swap in a new version of `source`; the store is unchanged on any error."""
        with self._import_lock:  # one import at a time; screening goes on meanwhile
            snapshot = parse_list(path, published=published, partial=partial)
            if snapshot.source != source:
                raise ImportRejected(f"{path.name} is a {snapshot.source} list, not {source}")
            result = self.stores().lists.import_snapshot(
                snapshot, allow_shrink=allow_shrink, max_shrink=self.settings.max_shrink, actor=actor
            )
            self.reload()
            return result


def store_versions(stores: Stores) -> tuple[tuple[str, int], ...]:
    """The newest version of every list and rule file in the store: what an index is built on."""
    lists = stores.lists
    found = [(source, lists.version(source).seq) for source in lists.sources()]
    found += [(f"rules:{kind}", seq) for kind, seq in stores.rules.newest_seqs().items()]
    return tuple(sorted(found))
