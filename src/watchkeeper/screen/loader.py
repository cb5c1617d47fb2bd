"""A `Screener` over what the store lists: all sources or some, now or on a past date.

The screener (entities and candidate index) is built once per set of list
versions and kept in `index/` under the store's folder; a later command that
screens against the same versions with the same matching code loads it
instead of rebuilding it (under a second instead of several).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

import watchkeeper.match
from watchkeeper.errors import NotFound
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.match.screener import Screener
from watchkeeper.model import ListVersion
from watchkeeper.store.base import ListStore

T = TypeVar("T")

#: Indexes kept per folder; older ones are removed when a new one is written.
KEEP_INDEXES = 3


def chosen_versions(
    store: ListStore, sources: Sequence[str] | None = None, as_of: date | None = None
) -> list[ListVersion]:
    """The version of each chosen source (default: all) in force now or on `as_of`."""
    loaded = store.sources()
    chosen = list(sources) if sources else loaded
    unknown = [s for s in chosen if s not in loaded]
    if unknown:
        raise NotFound(f"no list loaded for {', '.join(unknown)}; loaded: {', '.join(loaded) or 'none'}")
    versions = []
    for source in chosen:
        version = store.version_on(source, as_of) if as_of else store.version(source)
        if version is not None:  # None: the source had no version yet on that date
            versions.append(version)
    if not versions:
        raise NotFound("no listed entities to screen against" + (f" on {as_of}" if as_of else ""))
    return versions


def matcher_sources() -> list[Path]:
    """The matching code: the `match` package, the compiled hot path's sources (.pyx, .pxd) included."""
    folder = Path(watchkeeper.match.__file__).parent
    return sorted(p for pattern in ("*.py", "*.pyx", "*.pxd") for p in folder.glob(pattern))


def matcher_fingerprint() -> str:
    """Hash of the matching code: an index built by other code is not reused."""
    digest = hashlib.sha256()
    for path in matcher_sources():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def index_key(versions: Sequence[ListVersion]) -> str:
    parts = sorted((v.source, v.seq, v.sha256) for v in versions)
    payload = json.dumps({"versions": parts, "code": matcher_fingerprint()})
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def load_pickle(path: Path, kind: type[T]) -> T | None:
    """A saved index of the given type, or None when it is missing, damaged or from other code."""
    if not path.exists():
        return None
    try:
        enabled = gc.isenabled()
        gc.disable()  # unpickling millions of small objects: the collector would walk them all
        try:
            with path.open("rb") as handle:
                found = pickle.load(handle)
        finally:
            if enabled:
                gc.enable()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # a damaged or outdated file is rebuilt, never trusted
    return found if isinstance(found, kind) else None


def save_pickle(path: Path, value: object, *, keep: int) -> None:
    """Save atomically; of the files sharing the name's prefix (`lists-`, `customers-`), keep the
    newest `keep`: one kind of index never removes another's."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)  # readers see the old file or the whole new one
    except OSError:
        Path(temp).unlink(missing_ok=True)
        return
    prefix = path.name.split("-", 1)[0] + "-"
    kept = sorted(folder.glob(f"{prefix}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[keep:]:
        old.unlink(missing_ok=True)


def screener_from_store(
    store: ListStore,
    sources: Sequence[str] | None = None,
    as_of: date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    cache: Path | None = None,
) -> tuple[Screener, list[ListVersion]]:
    """A screener over the chosen list versions, loaded from `cache` when one was built before."""
    return screener_for_versions(store, chosen_versions(store, sources, as_of), threshold, cache)


def screener_for_versions(
    store: ListStore,
    versions: list[ListVersion],
    threshold: float = DEFAULT_THRESHOLD,
    cache: Path | None = None,
) -> tuple[Screener, list[ListVersion]]:
    """A screener over exactly these list versions (a past run's, to reproduce it)."""
    path = cache / f"lists-{index_key(versions)}.pickle" if cache is not None else None
    screener = load_pickle(path, Screener) if path is not None else None
    if screener is None:
        entities = [e for v in versions for e in store.entities(v.source, v.seq)]
        screener = Screener(entities, threshold=threshold)
        if path is not None:
            save_pickle(path, screener, keep=KEEP_INDEXES)
    screener.threshold = threshold
    return screener, versions


class RecentScreeners:
    """Screeners over past version sets (`as_of`), kept in memory for the next request.

    Loading a saved index takes hundreds of milliseconds and as much memory as
    the index; a burst of `as_of` requests for the same date would each load
    their own. Here the `size` most recently used are kept (the bound on
    memory: each is one whole index), and requests for a set being loaded wait
    for that one load.
    """

    def __init__(self, size: int = 2) -> None:
        self.size = max(size, 0)
        self._held: OrderedDict[str, tuple[Screener, list[ListVersion]]] = OrderedDict()
        self._loading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.loads = 0  # how many times an index was loaded or built (for tests and logs)

    def get(
        self,
        store: ListStore,
        sources: Sequence[str] | None,
        as_of: date | None,
        *,
        threshold: float,
        cache: Path | None,
    ) -> tuple[Screener, list[ListVersion]]:
        versions = chosen_versions(store, sources, as_of)
        key = f"{index_key(versions)}/{threshold}"
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
                return found
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                found = self._held.get(key)
            if found is not None:
                return found
            found = screener_for_versions(store, versions, threshold, cache)
            with self._lock:
                self.loads += 1
                self._loading.pop(key, None)
                if self.size:
                    self._held[key] = found
                    while len(self._held) > self.size:
                        self._held.popitem(last=False)
            return found
