"""The SQLite store: incremental imports, time travel boundaries, several sources."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.support import shared
from watchkeeper.errors import NotFound
from watchkeeper.sources import parse_list
from watchkeeper.sources.base import ParsedEntity
from watchkeeper.store import SqliteStore

FEB = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
MAR = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


def test_incremental_import_stores_what_a_full_parse_gives(tmp_path: Path) -> None:
    incremental = SqliteStore(store_at(tmp_path, "a.sqlite"))
    incremental.import_snapshot(parse_list(shared(FEB)))
    incremental.import_snapshot(parse_list(shared(MAR)))
    direct = SqliteStore(store_at(tmp_path, "b.sqlite"))
    direct.import_snapshot(parse_list(shared(MAR)))
    left = [e.content_hash() for e in incremental.entities("ofac-sdn")]
    right = [e.content_hash() for e in direct.entities("ofac-sdn")]
    assert left == right
    assert left == [e.content_hash() for e in sorted(parse_list(shared(MAR)).entities, key=lambda e: e.id)]


def test_new_record_keys_with_the_same_content_are_not_amendments(store: SqliteStore) -> None:
    snapshot = parse_list(shared(FEB))
    store.import_snapshot(snapshot)
    rekeyed = dataclasses.replace(
        snapshot,
        sha256="0" * 64,
        # The same entities under other record keys, as after a parser upgrade.
        pending=tuple(ParsedEntity(e, "v2:" + e.id) for e in snapshot.entities),
    )
    result = store.import_snapshot(rekeyed)
    assert (result.version.added, result.version.removed, result.version.amended) == (0, 0, 0)
    # The new keys are remembered: a third import with them builds nothing new either.
    again = dataclasses.replace(rekeyed, sha256="1" * 64)
    assert store.import_snapshot(again).version.amended == 0


def test_version_in_force_on_the_publication_day(store: SqliteStore) -> None:
    store.import_snapshot(parse_list(shared(FEB)))
    store.import_snapshot(parse_list(shared(MAR)))
    assert store.version_on("ofac-sdn", date(2022, 3, 1)).seq == 2  # type: ignore[union-attr]
    assert store.version_on("ofac-sdn", date(2022, 2, 28)).seq == 1  # type: ignore[union-attr]
    assert store.version_on("ofac-sdn", date(2022, 2, 2)) is None


def test_several_sources_side_by_side(store: SqliteStore) -> None:
    store.import_snapshot(parse_list(shared("un/consolidated-2026-02-27.xml")))
    store.import_snapshot(parse_list(shared("ofac/consolidated-2025-12-19")))
    assert store.sources() == ["ofac-cons", "un"]
    assert store.counts_by_schema("un") == {"Person": 730, "Organization": 273}
    assert store.counts_by_schema("ofac-cons") == {"Person": 79, "Organization": 363}
    entity = store.entity("un:KPe.023")
    assert entity.source == "un"
    [(since, until, state)] = store.history("un:KPe.023")
    assert (since.seq, until, state) == (1, None, entity)


def test_a_version_number_beyond_any_integer_is_not_found(store: SqliteStore) -> None:
    store.import_snapshot(parse_list(shared(FEB)))
    for seq in (2**70, -1, 2):
        with pytest.raises(NotFound, match=f"no version {seq}"):
            store.version("ofac-sdn", seq)
