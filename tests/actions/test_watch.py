"""The `announced` watch source on real SDN versions: a party announced before the SDN of
2022-03-01 lists it is screened as "announced, not listed"; once that version is loaded the action
links to it and turns effective, and the party leaves the watch; a withdrawal closes its action."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from tests.backend import store_at
from tests.support import shared, wk
from watchkeeper.actions.recording import close_actions, manual_action
from watchkeeper.actions.watch import link_actions, watch_entities, watch_screener
from watchkeeper.match.screener import ScreeningQuery
from watchkeeper.screen.documents import check_names
from watchkeeper.sources import parse_list
from watchkeeper.store.units import Stores

BEFORE = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
AFTER = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


def newly_listed_company() -> str:
    """An organisation the SDN of 2022-03-01 adds (read from the two files, not the store)."""
    old = {e.id for e in parse_list(shared(BEFORE)).entities}
    added = [e for e in parse_list(shared(AFTER)).entities if e.id not in old and e.schema == "Organization"]
    return sorted(e.caption for e in added if "RUSSIA-EO14024" in e.get("program"))[0]


def test_announced_party_is_watched_until_a_list_version_lists_it(tmp_path: Path) -> None:
    name = newly_listed_company()
    stores = Stores(store_at(tmp_path))
    try:
        stores.lists.import_snapshot(parse_list(shared(BEFORE)))
        (check,) = check_names(stores.lists, [name])
        assert check.status != "confirmed"
        announced = stores.actions.record(
            manual_action(
                "announcement", "OFAC", date(2022, 2, 24), "Treasury announced Russia sanctions.", [check]
            ),
            "analyst",
        )
        (watched,) = watch_entities(stores.actions.all())
        assert watched.source == "announced"
        assert watched.caption == name
        screener = watch_screener(stores.actions, threshold=0.8)
        assert screener is not None
        (hit,) = screener.screen(ScreeningQuery(name=name))
        assert hit.entity.id == watched.id
        assert hit.score >= 0.99
    finally:
        stores.close()

    # From the command line: labelled as announced, never as a designation; off unless asked for.
    labelled = json.loads(wk(tmp_path, "screen", name, "--lists", "ofac-sdn,announced", "--json").stdout)
    assert [(m["list"], m["label"]) for m in labelled["matches"]] == [("announced", "announced, not listed")]
    default = json.loads(wk(tmp_path, "screen", name, "--json").stdout)
    assert default["matches"] == []
    # A batch too: the announced party's row names the watch source; without it, no alert.
    customers = tmp_path / "customers.csv"
    customers.write_text(f"id,name,type\nc1,{name},organization\nc2,Harbour Bakery Ltd,organization\n")
    watched_out, plain_out = tmp_path / "watched.csv", tmp_path / "plain.csv"
    wk(
        tmp_path,
        "batch",
        str(customers),
        "-o",
        str(watched_out),
        "--lists",
        "ofac-sdn,announced",
        "--workers",
        "1",
    )
    wk(tmp_path, "batch", str(customers), "-o", str(plain_out), "--workers", "1")
    with watched_out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["query_id"], r["list"], r["entity_id"]) for r in rows] == [("c1", "announced", watched.id)]
    assert plain_out.read_text().count("\n") == 1  # the header alone
    refused = wk(
        tmp_path,
        "batch",
        str(customers),
        "-o",
        str(tmp_path / "r.csv"),
        "--lists",
        "announced",
        "--record",
        check=False,
    )
    assert refused.returncode != 0
    assert "never recorded" in refused.stderr

    # Loading the version that lists the party links the action to it, as the import's own step.
    loaded = json.loads(wk(tmp_path, "lists", "load", str(shared(AFTER)), "--json").stdout)
    (link,) = loaded["linked_actions"]
    assert link["action"] == announced.id
    assert link["version"] == "ofac-sdn@2 (2022-03-01)"
    stores = Stores(store_at(tmp_path))
    try:
        effective = stores.actions.get(announced.id)
        assert effective.status == "effective"
        assert effective.timeline[-1].version == link["version"]
        assert effective.timeline[-1].day == date(2022, 3, 1)
        assert watch_entities(stores.actions.all()) == []
        assert link_actions(stores.lists, stores.actions, "system", threshold=0.8) == []  # linked once
    finally:
        stores.close()


def test_a_withdrawal_closes_the_action_it_reverses(tmp_path: Path) -> None:
    stores = Stores(store_at(tmp_path))
    try:
        stores.lists.import_snapshot(parse_list(shared(BEFORE)))
        checks = check_names(stores.lists, ["Qingdao Blue Harbour Logistics Co., Ltd."])
        on_hold = stores.actions.record(
            manual_action("on-hold", "OFAC", date(2018, 11, 20), "A package put on hold.", checks), "analyst"
        )
        assert [e.caption for e in watch_entities(stores.actions.all())] == [
            "Qingdao Blue Harbour Logistics Co., Ltd."
        ]
        withdrawal = stores.actions.record(
            manual_action("withdrawal", "OFAC", date(2019, 3, 22), "The package was withdrawn."), "analyst"
        )
        close_actions(stores.actions, withdrawal, [on_hold.id], "analyst")
        closed = stores.actions.get(on_hold.id)
        assert closed.status == "withdrawn"
        assert closed.timeline[-1].note == f"withdrawn by {withdrawal.id}"
        assert watch_entities(stores.actions.all()) == []
    finally:
        stores.close()
