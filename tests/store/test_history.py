"""Thirteen real SDN versions imported in order; diffs checked against the raw files."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.support import shared
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore

pytestmark = pytest.mark.slow


def history_files() -> list[Path]:
    return sorted(shared("ofac/sdn-history").glob("sdn-*.csv.gz"))


def raw(path: Path) -> dict[str, list[str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {row[0]: row for row in csv.reader(handle) if len(row) == 12}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    store = SqliteStore(store_at(tmp_path_factory.mktemp("history"), "store.sqlite"))
    for path in history_files():
        store.import_snapshot(parse_list(path))
    yield store
    store.close()


def test_all_thirteen_versions_import_in_order(history: SqliteStore) -> None:
    versions = history.versions("ofac-sdn")
    assert [v.published.isoformat() for v in versions] == [p.name[4:14] for p in history_files()]
    for version, path in zip(versions, history_files(), strict=True):
        assert version.record_count == version.listed_count == len(raw(path))


def test_every_diff_matches_the_raw_files(history: SqliteStore) -> None:
    files = history_files()
    for seq in range(2, len(files) + 1):
        before, after = raw(files[seq - 2]), raw(files[seq - 1])
        diff = history.diff("ofac-sdn", seq - 1, seq)
        got = {
            kind: {c.entity_id for c in diff.changes if c.kind == kind}
            for kind in ("added", "removed", "amended")
        }
        assert got["added"] == {f"ofac-sdn:{i}" for i in set(after) - set(before)}
        assert got["removed"] == {f"ofac-sdn:{i}" for i in set(before) - set(after)}
        assert got["amended"] == {f"ofac-sdn:{i}" for i in set(before) & set(after) if before[i] != after[i]}


def test_march_2022_version_adds_173_and_amends_9(history: SqliteStore) -> None:
    diff = history.diff("ofac-sdn", 3, 4)
    assert (diff.count("added"), diff.count("removed"), diff.count("amended")) == (173, 0, 9)
    sechin = next(c for c in diff.changes if c.entity_id == "ofac-sdn:16692")
    fields = {f.field: f for f in sechin.fields}
    assert fields["name"].before == ("Igor SECHIN",)
    assert fields["name"].after == ("Igor Ivanovich SECHIN",)
    assert "RUSSIA-EO14024" in fields["program"].after


def test_diff_across_several_versions_equals_the_raw_difference(history: SqliteStore) -> None:
    files = history_files()
    first, last = raw(files[0]), raw(files[-1])
    diff = history.diff("ofac-sdn", 1, len(files))
    assert diff.count("added") == len(set(last) - set(first))
    assert diff.count("removed") == len(set(first) - set(last))
    assert diff.count("amended") == sum(1 for i in set(first) & set(last) if first[i] != last[i])


def test_time_travel_answers_with_the_proving_version(history: SqliteStore) -> None:
    files = history_files()
    added_in_march = sorted(set(raw(files[3])) - set(raw(files[2])))
    entity_id = f"ofac-sdn:{added_in_march[0]}"
    before = history.was_listed(entity_id, date(2022, 2, 20))
    assert not before.listed
    assert before.version is not None
    assert before.version.published == date(2022, 2, 3)
    after = history.was_listed(entity_id, date(2022, 3, 15))
    assert after.listed
    assert after.version is not None
    assert after.first_listed is not None
    assert after.version.published == date(2022, 3, 1)
    assert after.first_listed.published == date(2022, 3, 1)
    later = history.was_listed(entity_id, date(2024, 6, 1))
    assert later.listed
    assert later.first_listed is not None
    assert later.first_listed.published == date(2022, 3, 1)
    # Before the first version of the list there is nothing to prove either way.
    assert history.was_listed(entity_id, date(2020, 1, 1)).version is None


def test_removed_entity_is_not_listed_after_its_removal(history: SqliteStore) -> None:
    files = history_files()
    removed = sorted(set(raw(files[2])) - set(raw(files[3])) or set(raw(files[1])) - set(raw(files[2])))
    entity_id = f"ofac-sdn:{removed[0]}"
    assert history.was_listed(entity_id, date(2021, 12, 1)).listed
    assert not history.was_listed(entity_id, date(2022, 2, 10)).listed
    # The last state stays readable for evidence.
    assert history.entity(entity_id).id == entity_id


def test_amended_entity_as_of_each_date(history: SqliteStore) -> None:
    assert history.entity("ofac-sdn:16692", as_of=date(2022, 2, 10)).caption == "Igor SECHIN"
    assert history.entity("ofac-sdn:16692", as_of=date(2022, 3, 2)).caption == "Igor Ivanovich SECHIN"
    states = history.history("ofac-sdn:16692")
    assert states[0][0].seq == 1
    assert any(since.published == date(2022, 3, 1) for since, _, _ in states)


def test_unchanged_entities_cost_nothing_in_a_new_version(history: SqliteStore) -> None:
    rows = history.dump()
    membership = [r for r in rows if r.startswith("membership: ")]
    total_records = sum(v.record_count for v in history.versions("ofac-sdn"))
    distinct_states = sum(v.added + v.amended for v in history.versions("ofac-sdn"))
    assert len(membership) == distinct_states
    assert len(membership) < total_records / 5
