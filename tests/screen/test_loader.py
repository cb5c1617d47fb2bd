"""The screener over the store, built once per set of list versions and reused."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.support import BUNDLED, shared
from watchkeeper.errors import NotFound
from watchkeeper.match.screener import ScreeningQuery
from watchkeeper.screen.loader import (
    RecentScreeners,
    chosen_versions,
    load_pickle,
    save_pickle,
    screener_from_store,
)
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore

QUERY = ScreeningQuery(name="리원호", schema="Person")


def test_index_is_built_once_and_reused(store: SqliteStore, tmp_path: Path) -> None:
    store.import_snapshot(parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz"))
    cache = tmp_path / "index"
    first, versions = screener_from_store(store, cache=cache)
    [saved] = list(cache.glob("*.pickle"))
    stamp = saved.stat().st_mtime_ns
    second, _ = screener_from_store(store, cache=cache, threshold=0.9)
    assert saved.stat().st_mtime_ns == stamp  # loaded, not rebuilt
    assert second is not first
    assert second.threshold == 0.9
    assert (
        [m.entity.id for m in second.screen(QUERY)]
        == [m.entity.id for m in first.screen(QUERY)]
        == ["un:KPi.033"]
    )
    assert [v.label for v in versions] == ["un@1 (2026-02-27)"]


def test_a_damaged_index_file_is_rebuilt(store: SqliteStore, tmp_path: Path) -> None:
    store.import_snapshot(parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz"))
    cache = tmp_path / "index"
    screener_from_store(store, cache=cache)
    [saved] = list(cache.glob("*.pickle"))
    saved.write_bytes(saved.read_bytes()[:1000])
    screener, _ = screener_from_store(store, cache=cache)
    assert [m.entity.id for m in screener.screen(QUERY)] == ["un:KPi.033"]
    assert saved.stat().st_size > 1000


def test_a_new_list_version_gets_a_new_index(store: SqliteStore, tmp_path: Path) -> None:
    cache = tmp_path / "index"
    store.import_snapshot(parse_list(shared("ofac/sdn-history/sdn-2022-02-03.csv.gz")))
    before, _ = screener_from_store(store, cache=cache)
    store.import_snapshot(parse_list(shared("ofac/sdn-history/sdn-2022-03-01.csv.gz")))
    after, _ = screener_from_store(store, cache=cache)
    assert len(list(cache.glob("*.pickle"))) == 2
    assert len(after.index.entities) - len(before.index.entities) == 173
    as_of, versions = screener_from_store(store, as_of=date(2022, 2, 10), cache=cache)
    assert [v.published for v in versions] == [date(2022, 2, 3)]
    assert len(as_of.index.entities) == len(before.index.entities)


def test_unknown_or_not_yet_published_lists(store: SqliteStore) -> None:
    store.import_snapshot(parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz"))
    with pytest.raises(NotFound, match="no list loaded for uk"):
        chosen_versions(store, ["uk"])
    with pytest.raises(NotFound, match="on 2020-01-01"):
        chosen_versions(store, None, date(2020, 1, 1))


def test_each_kind_of_saved_index_is_pruned_apart(tmp_path: Path) -> None:
    customers = tmp_path / "customers-a.pickle"
    save_pickle(customers, ["customers"], keep=1)
    for n in range(5):
        save_pickle(tmp_path / f"lists-{n}.pickle", [n], keep=3)
    assert load_pickle(customers, list) == ["customers"]  # the lists' pruning left it alone
    assert len(list(tmp_path.glob("lists-*.pickle"))) == 3
    assert load_pickle(tmp_path / "lists-4.pickle", dict) is None  # the wrong type is not trusted
    save_pickle(tmp_path / "customers-b.pickle", ["newer"], keep=1)
    assert [p.name for p in tmp_path.glob("customers-*.pickle")] == ["customers-b.pickle"]


def test_past_indexes_are_kept_in_memory_and_loaded_once_under_concurrent_requests(
    tmp_path: Path,
) -> None:
    """Six `as_of` requests at once for one date load its index once; the most recent version sets
    stay in memory (up to the bound); with a bound of none, every request loads."""
    path = store_at(tmp_path, "store.sqlite")
    first = SqliteStore(path)
    try:
        for name in ("ofac/sdn-history/sdn-2022-02-03.csv.gz", "ofac/sdn-history/sdn-2022-03-01.csv.gz"):
            first.import_snapshot(parse_list(shared(name)))
    finally:
        first.close()
    recent = RecentScreeners(size=2)
    found: list[object] = []

    def ask(on: date) -> None:
        store = SqliteStore(path, create=False)  # a connection per thread, as the server's
        try:
            found.append(recent.get(store, None, on, threshold=0.8, cache=tmp_path / "index")[0])
        finally:
            store.close()

    threads = [threading.Thread(target=ask, args=(date(2022, 2, 10),)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert recent.loads == 1
    assert len({id(s) for s in found}) == 1
    ask(date(2022, 3, 5))
    ask(date(2022, 2, 10))  # still held
    assert recent.loads == 2
    ask(date(2022, 2, 11))  # the same versions as 2022-02-10: the same index
    assert recent.loads == 2
    none = RecentScreeners(size=0)  # nothing kept: every request loads
    store = SqliteStore(path, create=False)
    try:
        for _ in range(2):
            none.get(store, None, date(2022, 2, 10), threshold=0.8, cache=tmp_path / "index")
    finally:
        store.close()
    assert none.loads == 2


def test_the_matcher_fingerprint_covers_the_compiled_sources_and_nothing_but_matching_code() -> None:
    from watchkeeper.screen.loader import matcher_sources  # noqa: PLC0415

    names = {p.name for p in matcher_sources()}
    assert {"_align.pyx", "_distance.pyx", "_distance.pxd", "_postings.pyx", "score.py", "index.py"} <= names
    assert "evaluate.py" not in names  # the evaluation harness may change without invalidating indexes
