"""Actions in the store: list versions shown as actions (the real SDN of 2022-03-01 after that of
2022-02-03), documents recorded with their verified parties, and announced, on-hold and
withdrawn actions entered by hand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.documents.test_text import DOCUMENTS
from tests.support import shared
from watchkeeper.actions.from_lists import list_action, list_actions
from watchkeeper.actions.recording import find_action, manual_action, record_reading, timeline
from watchkeeper.errors import InvalidInput, NotFound
from watchkeeper.screen.documents import check_names, read_and_verify
from watchkeeper.sources import parse_list
from watchkeeper.store.units import Stores

BEFORE = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
AFTER = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("actions-store")
    stores = Stores(store_at(folder))
    try:
        for relative in (BEFORE, AFTER):
            stores.lists.import_snapshot(parse_list(shared(relative)))
    finally:
        stores.close()
    return folder


@pytest.fixture
def stores(home: Path) -> Iterator[Stores]:
    opened = Stores(store_at(home))
    yield opened
    opened.close()


def test_the_2022_03_01_sdn_shows_as_actions_one_per_programme(stores: Stores) -> None:
    actions = list_actions(stores.lists, since=date(2022, 3, 1))
    assert actions
    assert {a.day for a in actions} == {date(2022, 3, 1)}
    assert {a.authority for a in actions} == {"OFAC"}
    assert {a.origin for a in actions} == {"list"}
    # Independently of the store: the entities the later file adds, by the programmes they carry.
    old = {e.id for e in parse_list(shared(BEFORE)).entities}
    added = [e for e in parse_list(shared(AFTER)).entities if e.id not in old]
    expected = Counter(p for e in added for p in e.get("program"))
    shown = {a.programs[0]: a.counts["added"] for a in actions if a.counts["added"]}
    assert shown == dict(expected)
    russia = next(a for a in actions if a.programs == ("RUSSIA-EO14024",))
    assert russia.kind == "designation"
    assert russia.status == "effective"
    assert russia.timeline[0].version == "ofac-sdn@2 (2022-03-01)"
    assert {p.entity_id for p in russia.parties} >= {
        e.id for e in added if "RUSSIA-EO14024" in e.get("program")
    }
    assert list_action(stores.lists, russia.id) == russia
    assert list_actions(stores.lists, until=date(2022, 2, 28)) == []  # the first version is no action


def test_a_recorded_document_is_linked_to_the_version_that_listed_its_parties(
    stores: Stores, home: Path
) -> None:
    reading = read_and_verify(
        stores.lists, (DOCUMENTS / "sm668.html").read_bytes(), "sm668.html", cache=home / "index"
    )
    action = record_reading(stores.actions, reading, "analyst")
    assert action.id.startswith("A")
    assert action.origin == "document"
    assert [s.status for s in action.timeline] == ["announced", "effective"]
    assert action.timeline[-1].version == "ofac-sdn@1 (2022-02-03)"  # the oldest version this store holds
    wael = next(p for p in action.parties if p.name == "Wael Bazzi")
    assert wael.standing == "confirmed"
    assert wael.entity_id is not None
    assert stores.actions.document_text(action.id, reading.document.sha256) == reading.document.text
    assert find_action(stores.lists, stores.actions, action.id) == action
    entry = stores.review.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.subject) == ("analyst", "action.document", action.id)


def test_announced_on_hold_and_withdrawn_actions_entered_by_hand(stores: Stores, home: Path) -> None:
    checks = check_names(
        stores.lists, ["Qingdao Blue Harbour Logistics Co., Ltd.", "Wael Bazzi"], on=date(2018, 11, 20)
    )
    on_hold = stores.actions.record(
        manual_action(
            "on-hold", "OFAC", date(2018, 11, 20), "A package of about 30 entities put on hold.", checks
        ),
        "analyst",
    )
    assert on_hold.status == "on-hold"
    assert on_hold.kind == "on-hold"
    assert {p.name: p.standing for p in on_hold.parties} == {
        "Qingdao Blue Harbour Logistics Co., Ltd.": "not-listed",
        "Wael Bazzi": "confirmed",
    }
    withdrawal = stores.actions.record(
        manual_action(
            "withdrawal", "State", date(2019, 3, 22), "Earlier sanctions withdrawn, the President said."
        ),
        "analyst",
    )
    assert withdrawal.status == "withdrawn"
    listed = timeline(stores.lists, stores.actions, origin="manual")
    assert [a.id for a in listed][:2] == [withdrawal.id, on_hold.id]  # newest first
    assert [a.id for a in timeline(stores.lists, stores.actions, authority="state")] == [withdrawal.id]


@pytest.mark.parametrize(
    ("kind", "authority", "note", "problem"),
    [
        ("designation", "OFAC", "x", "a manual action is one of"),
        ("on-hold", "Treasury", "x", "authority 'Treasury'"),
        ("withdrawal", "OFAC", "  ", "needs a note"),
    ],
)
def test_a_bad_manual_action_is_refused_and_nothing_recorded(
    stores: Stores, kind: str, authority: str, note: str, problem: str
) -> None:
    before = stores.actions.all()
    with pytest.raises(InvalidInput, match=problem):
        manual_action(kind, authority, date(2019, 1, 1), note)
    assert stores.actions.all() == before


def test_unknown_ids_are_not_found(stores: Stores) -> None:
    for action_id in ("A999", "B1", "L:ofac-sdn@9:CUBA", "L:nothing"):
        with pytest.raises(NotFound):
            find_action(stores.lists, stores.actions, action_id)


def test_a_versions_actions_are_read_once_and_never_confused_with_another_stores(
    stores: Stores, tmp_path: Path
) -> None:
    first = list_actions(stores.lists)
    assert list_actions(stores.lists) == first  # the second reading comes from memory, the same
    # Another store holds the same 2022-03-01 file after an older version: its diff is another.
    other = Stores(store_at(tmp_path))
    try:
        for relative in ("ofac/sdn-history/sdn-2021-11-08.csv.gz", AFTER):
            other.lists.import_snapshot(parse_list(shared(relative)))
        theirs = list_actions(other.lists)
    finally:
        other.close()
    assert sum(a.counts["added"] for a in theirs) > sum(a.counts["added"] for a in first)


def test_what_later_versions_did_to_a_recorded_actions_parties_is_in_its_timeline(tmp_path: Path) -> None:
    # From the two files, not the store: persons the SDN of 2022-02-03 amends and ones it removes.
    older, newer = "ofac/sdn-history/sdn-2021-11-08.csv.gz", BEFORE
    before = {e.id: e for e in parse_list(shared(older)).entities}
    after = {e.id: e for e in parse_list(shared(newer)).entities}
    amended = {
        e.caption: i
        for i, e in sorted(before.items())
        if i in after and after[i].content_hash() != e.content_hash() and e.schema == "Person"
    }
    removed = {e.caption: i for i, e in sorted(before.items()) if i not in after and e.schema == "Person"}
    stores = Stores(store_at(tmp_path))
    try:
        for relative in (older, newer):
            stores.lists.import_snapshot(parse_list(shared(relative)))
        on = date(2021, 12, 1)
        names = [*list(amended)[:5], *list(removed)[:5]]
        checks = {c.party.name: c for c in check_names(stores.lists, names, on=on)}
        # Parties the check tied to the very entity the files say (a name shared by two is skipped).
        kept = next(c for n, c in checks.items() if c.match and c.match.entity_id == amended.get(n))
        dropped = next(c for n, c in checks.items() if c.match and c.match.entity_id == removed.get(n))
        assert (kept.status, dropped.status) == ("confirmed", "formerly-listed")
        both = stores.actions.record(
            manual_action("announcement", "OFAC", on, "Two persons named.", [kept, dropped]), "analyst"
        )
        (later,) = find_action(stores.lists, stores.actions, both.id).timeline[len(both.timeline) :]
        assert (later.status, later.version) == ("amended", "ofac-sdn@2 (2022-02-03)")
        assert later.note == f"{kept.party.name} amended; {dropped.party.name} delisted"
        # An action whose every listed party is later removed ends delisted.
        gone = stores.actions.record(
            manual_action("announcement", "OFAC", on, "One person named.", [dropped]), "analyst"
        )
        (ended,) = find_action(stores.lists, stores.actions, gone.id).timeline[len(gone.timeline) :]
        assert (ended.status, ended.note) == ("delisted", f"{dropped.party.name} delisted")
        assert next(a for a in timeline(stores.lists, stores.actions) if a.id == gone.id).status == "delisted"
        # The stored record is unchanged: what the lists did is read, not written.
        assert stores.actions.get(gone.id).status == "announced"
    finally:
        stores.close()
