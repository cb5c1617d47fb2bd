"""`watchkeeper ais load|detect|events|track` as an analyst runs them, on real AIS with a transfer
written into it (`tests.ais.generate`): a real ship alongside one broadcasting the identity of
AN SAN 1 (IMO 7303803, a DPRK tanker on the SDN list and in the 2018 and 2019 advisories)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ais import generate as g
from tests.support import shared, wk


def test_load_detect_and_read_events_with_the_screening_of_both_vessels(tmp_path: Path) -> None:
    wk(tmp_path, "run", "--no-screen-sample")
    transfer, ship, tanker = g.listed_tanker_transfer(shared(g.REAL), tmp_path)
    loaded = json.loads(wk(tmp_path, "ais", "load", str(transfer), "--json").stdout)
    assert loaded["files"][0]["layout"] == "marinecadastre"
    assert loaded["detection"]["counts"]["sts"] == 1
    events = json.loads(wk(tmp_path, "ais", "events", "--kind", "sts", "--json").stdout)["events"]
    (event,) = events
    assert {event["vessel"]["mmsi"], event["other"]["mmsi"]} == {ship, tanker}
    assert event["verdict"] == "hold"
    listed = event["screening"][str(tanker)]
    assert listed["verdict"] == "hold"
    assert {"vessel", "advisory"} <= {hit["kind"] for hit in listed["hits"]}
    assert event["screening"][str(ship)]["verdict"] == "pass"
    zones = json.loads(
        wk(tmp_path, "ais", "events", "--kind", "zone", "--vessel", "7303803", "--json").stdout
    )
    assert [e["evidence"]["zone"]["id"] for e in zones["events"]] == ["sts-korea-bay"]
    table = wk(tmp_path, "ais", "events", "--vessel", "IMO 7303803").stdout
    assert "AN SAN 1" in table
    assert "hold" in table
    track = json.loads(wk(tmp_path, "ais", "track", "7303803", "--json").stdout)
    assert track["mmsis"] == [tanker]
    assert len(track["positions"]) == len(transfer.read_text(encoding="utf-8").splitlines()[1:]) // 2
    assert {e["kind"] for e in track["events"]} == {"sts", "zone", "identity"}
    # The real MMSI's MID names another flag than AN SAN 1's DPRK call sign: a false flag.
    (flag,) = [e["evidence"] for e in track["events"] if e["kind"] == "identity"]
    assert (flag["call_sign"], flag["call_sign_flag"]) == ("HMYZ", "KP")
    ranked = json.loads(wk(tmp_path, "ais", "risk", "--json").stdout)
    assert (ranked[0]["vessel"]["mmsi"], ranked[0]["verdict"]) == (tanker, "hold")
    assert [(r["vessel"]["mmsi"], r["verdict"]) for r in ranked[1:]] == [(ship, "pass")]
    assert ranked[0]["events"] == {"sts": 1, "zone": 1, "identity": 1}
    assert "AN SAN 1" in wk(tmp_path, "ais", "risk").stdout


def test_bad_files_and_bad_requests_say_what_is_wrong(tmp_path: Path) -> None:
    nmea = shared("ais/aisdb_nmea_2012-01-01.nmea")
    not_ais = tmp_path / "notes.csv"
    not_ais.write_text("name,country\nAN SAN 1,KP\n", encoding="utf-8")
    mixed = wk(tmp_path, "ais", "load", str(nmea), str(not_ais), "--json", check=False)
    assert mixed.returncode == 2
    files = json.loads(mixed.stdout)["files"]
    assert files[0]["positions"] > 0
    assert "not a layout Watchkeeper reads" in files[1]["error"]
    again = json.loads(wk(tmp_path, "ais", "load", str(nmea), "--json").stdout)
    assert again["files"][0]["already_loaded"] is True
    wrong_vessel = wk(tmp_path, "ais", "track", "12345", check=False)
    assert wrong_vessel.returncode == 2
    assert "IMO number (7 digits) or an MMSI (9 digits)" in wrong_vessel.stderr
    wrong_kind = wk(tmp_path, "ais", "events", "--kind", "party", check=False)
    assert wrong_kind.returncode == 2
    assert "gap, sts, identity, zone, loiter" in wrong_kind.stderr
    bad_time = wk(tmp_path, "ais", "load", str(nmea), "--at", "yesterday", check=False)
    assert bad_time.returncode == 2
    assert "--at" in bad_time.stderr
