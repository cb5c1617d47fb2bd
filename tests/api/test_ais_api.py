"""Vessel behaviour over HTTP, from a real server on a store whose AIS holds a real ship alongside
one broadcasting AN SAN 1's identity (`tests.ais.generate.listed_tanker_transfer`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ais import generate as g
from tests.backend import store_at
from tests.live_server import Keys, LiveServer, copy_home, make_keys
from tests.support import BUNDLED, shared
from watchkeeper.ais.detection import ReferenceData, detect, save_events
from watchkeeper.ais.store import AisStore
from watchkeeper.jobs import load_bundled_rules
from watchkeeper.store.rules import RuleStore

Server = tuple[LiveServer, Keys, int, int]


@pytest.fixture(scope="module")
def ais_server(loaded_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = copy_home(loaded_home, tmp_path_factory.mktemp("ais") / "home")
    rules = RuleStore(store_at(home))
    try:
        load_bundled_rules(rules, BUNDLED)
        zones = rules.book().zones
    finally:
        rules.close()
    transfer, ship, tanker = g.listed_tanker_transfer(shared(g.REAL), home.parent)
    store = AisStore(home / "ais")
    store.load(transfer)
    save_events(store, detect(store, ReferenceData.read(BUNDLED / "ais", zones)))
    with LiveServer(home) as live:
        yield live, make_keys(home), ship, tanker


def test_events_carry_the_screening_of_both_vessels(ais_server: Server) -> None:
    live, keys, ship, tanker = ais_server
    with live.client(keys.read) as client:
        answer = client.get("/ais/events", params={"kind": "sts"})
        unscreened = client.get("/ais/events", params={"kind": "sts", "screen": "false"})
        since_later = client.get("/ais/events", params={"since": "2022-01-04"})
    assert answer.status_code == 200
    (event,) = answer.json()["events"]
    assert {event["vessel"]["mmsi"], event["other"]["mmsi"]} == {ship, tanker}
    assert event["verdict"] == "hold"
    assert event["screening"][str(tanker)]["verdict"] == "hold"
    assert event["screening"][str(ship)]["verdict"] == "pass"
    assert answer.json()["detection"]["loads"]
    assert unscreened.json()["events"][0]["screening"] == {}
    assert since_later.json()["events"] == []


def test_a_vessels_events_track_and_screening(ais_server: Server) -> None:
    live, keys, _ship, tanker = ais_server
    with live.client(keys.read) as client:
        events = client.get("/vessels/7303803/events")
        by_mmsi = client.get(f"/vessels/{tanker}/events", params={"screen": "false"})
        track = client.get("/vessels/IMO7303803/track")
        screened = client.post("/vessels/screen", json={"imo": "IMO 7303803"})
        risk = client.get("/vessels/risk")
    assert sorted(e["kind"] for e in events.json()) == ["identity", "sts", "zone"]
    assert [e["id"] for e in by_mmsi.json()] == [e["id"] for e in events.json()]
    assert track.json()["mmsis"] == [tanker]
    times = [p["at"] for p in track.json()["positions"]]
    assert times == sorted(times)
    assert len(times) > 100
    assert screened.json()["verdict"] == "hold"
    assert sorted(e["kind"] for e in screened.json()["events"]) == ["identity", "sts", "zone"]
    first = risk.json()[0]
    assert (first["vessel"]["mmsi"], first["verdict"]) == (tanker, "hold")
    assert first["events"] == {"sts": 1, "zone": 1, "identity": 1}


def test_bad_requests_are_refused_with_the_reason(ais_server: Server) -> None:
    live, keys, _ship, _tanker = ais_server
    with live.client(keys.read) as client:
        short = client.get("/vessels/12345/track")
        unknown = client.get("/vessels/999999999/track")
        kind = client.get("/ais/events", params={"kind": "party"})
        anonymous = live.client(None).get("/ais/events")
    assert short.status_code == 400
    assert "7 digits" in short.json()["detail"]
    assert unknown.status_code == 404
    assert kind.status_code == 400
    assert "gap, sts, identity, zone, loiter" in kind.json()["detail"]
    assert anonymous.status_code == 401
