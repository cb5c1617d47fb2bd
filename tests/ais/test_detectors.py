"""The five behaviour detectors on real AIS tracks, with behaviour written into them by
`tests.ais.generate` (see its docstring), and on the real tracks alone."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import pytest

from tests.ais import generate as g
from tests.support import BUNDLED, shared
from watchkeeper.ais.detection import DetectorSettings, ReferenceData, detect, read_events, save_events
from watchkeeper.ais.detectors.gap import GapSettings
from watchkeeper.ais.detectors.loiter import LoiterSettings
from watchkeeper.ais.events import VesselEvent
from watchkeeper.ais.store import AisStore
from watchkeeper.rules.zones import parse_zones

REAL = "ais/marinecadastre_AIS_2022-01-03_first99999.csv.gz"
AT_SEA = (36.5, -73.0)  # about 200 km off Virginia: no World Port Index port within 100 km
NORFOLK = (36.85, -76.3)  # in Hampton Roads, among the World Port Index ports of Norfolk


@pytest.fixture(scope="module")
def real() -> dict[int, list[g.Row]]:
    return g.tracks(g.real_rows(shared(REAL)))


@pytest.fixture(scope="module")
def reference() -> ReferenceData:
    zones = parse_zones((BUNDLED / "rules/zones/watched_zones.geojson").read_text(encoding="utf-8"), "zones")
    return ReferenceData.read(BUNDLED / "ais", zones)


def _run(
    tmp_path: Path,
    rows: list[g.Row],
    reference: ReferenceData,
    kinds: tuple[str, ...],
    settings: DetectorSettings | None = None,
) -> list[VesselEvent]:
    store = AisStore(tmp_path / f"ais-{len(list(tmp_path.iterdir()))}")
    report = store.load(g.write(rows, tmp_path / f"scenario-{len(list(tmp_path.iterdir()))}.csv"))
    assert report.positions == len(rows), report.to_dict()
    return detect(store, reference, settings, kinds=kinds).events


def _slow(real: dict[int, list[g.Row]], n: int = 2) -> list[list[g.Row]]:
    return [real[m] for m in g.pick(real, max_sog=1.0)[:n]]


def _fast(real: dict[int, list[g.Row]], n: int = 2) -> list[list[g.Row]]:
    return [real[m] for m in g.pick(real, min_sog=8.0)[:n]]


# -- gap ------------------------------------------------------------------------------------------


def test_a_gap_cut_out_of_a_real_track_is_reported_with_where_it_went_dark_and_came_back(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    ship = g.moved_to(_fast(real, 1)[0], *AT_SEA)
    cut = len(ship) // 2
    events = _run(tmp_path, g.cut_gap(ship, cut, hours=8), reference, ("gap",))
    assert len(events) == 1
    event = events[0]
    dark, back = ship[cut - 1], ship[cut]
    assert event.vessel.mmsi == int(dark["MMSI"])
    assert event.start == dark["BaseDateTime"] + "Z"
    assert event.points[0].lat == pytest.approx(float(dark["LAT"]))
    assert event.points[1].lon == pytest.approx(float(back["LON"]))
    assert 8 < event.evidence["hours"] < 8.1
    assert event.evidence["implied_speed_plausible"] is True
    assert event.thresholds["min_hours"] == 6.0


def test_no_gap_below_the_threshold_or_in_port(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    ship = _fast(real, 1)[0]
    shorter = g.cut_gap(g.moved_to(ship, *AT_SEA), len(ship) // 2, hours=5)
    assert _run(tmp_path, shorter, reference, ("gap",)) == []
    in_port = g.cut_gap(g.moved_to(ship, *NORFOLK), len(ship) // 2, hours=8)
    assert _run(tmp_path, in_port, reference, ("gap",)) == []
    stricter = DetectorSettings(gap=GapSettings(min_hours=9))
    assert (
        _run(tmp_path, g.cut_gap(g.moved_to(ship, *AT_SEA), 5, hours=8), reference, ("gap",), stricter) == []
    )


# -- sts ------------------------------------------------------------------------------------------


def test_two_real_vessels_moved_together_at_sea_are_a_ship_to_ship_transfer(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    first, second = _slow(real)
    ship = g.tiled(g.moved_to(first, *AT_SEA), hours=3)
    rows = ship + g.alongside(ship, second, metres=200)
    events = _run(tmp_path, rows, reference, ("sts",))
    assert len(events) == 1
    event = events[0]
    assert {event.vessel.mmsi, event.other.mmsi if event.other else 0} == {
        int(first[0]["MMSI"]),
        int(second[0]["MMSI"]),
    }
    assert event.evidence["hours"] >= 2.5
    assert 150 <= event.evidence["mean_m"] <= 250
    assert event.other is not None
    assert event.other.name == second[0]["VesselName"]


@pytest.mark.parametrize(
    ("case", "place", "metres", "hours", "other_type"),
    [
        ("too far apart", AT_SEA, 5_000, 3, None),
        ("side by side in port", NORFOLK, 200, 3, None),
        ("alongside for an hour only", AT_SEA, 200, 1, None),
        ("a tug alongside", AT_SEA, 200, 3, "52"),
    ],
)
def test_what_is_not_a_transfer(
    tmp_path: Path,
    real: dict[int, list[g.Row]],
    reference: ReferenceData,
    case: str,
    place: tuple[float, float],
    metres: float,
    hours: float,
    other_type: str | None,
) -> None:
    first, second = _slow(real)
    if other_type:
        second = [dict(r, VesselType=other_type) for r in second]
    ship = g.tiled(g.moved_to(first, *place), hours=hours)
    assert _run(tmp_path, ship + g.alongside(ship, second, metres), reference, ("sts",)) == [], case


# -- identity -------------------------------------------------------------------------------------


def test_an_mmsi_rebroadcasting_another_ships_imo_far_away_is_an_identity_conflict(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    owner, thief = _fast(real)
    imo = owner[0]["IMO"]
    rows = owner + g.claiming(thief, 0, imo=imo)
    events = [
        e for e in _run(tmp_path, rows, reference, ("identity",)) if "two MMSIs" in e.evidence["finding"]
    ]
    assert len(events) == 1
    assert events[0].evidence["imo"] == int(imo.removeprefix("IMO"))
    assert sorted(events[0].evidence["mmsis"]) == sorted([int(owner[0]["MMSI"]), int(thief[0]["MMSI"])])
    assert events[0].evidence["implied_knots"] > 50


def test_one_mmsi_with_two_names_and_a_made_up_imo_number(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    ship = _fast(real, 1)[0]
    renamed = g.claiming(ship, len(ship) // 2, name="SEA DRAGON")
    findings = {e.evidence["finding"] for e in _run(tmp_path, renamed, reference, ("identity",))}
    assert findings == {"several names"}
    good = int(ship[0]["IMO"].removeprefix("IMO"))
    bad = good - good % 10 + (good % 10 + 1) % 10  # the same number with its check digit changed
    findings = {
        e.evidence["finding"]
        for e in _run(tmp_path, g.claiming(ship, 0, imo=f"IMO{bad}"), reference, ("identity",))
    }
    assert findings == {f"invalid IMO {bad}"}
    as_tug = [dict(r, VesselType="52") for r in g.claiming(ship, 0, imo=f"IMO{bad}")]
    assert _run(tmp_path, as_tug, reference, ("identity",)) == []


def test_mid_and_call_sign_of_different_flags(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    ship = _fast(real, 1)[0]
    togo = [dict(r, MMSI="671" + r["MMSI"][3:], CallSign="3FAB5") for r in ship]  # MID 671 Togo, 3F Panama
    events = _run(tmp_path, togo, reference, ("identity",))
    assert [(e.evidence["mid_flag"], e.evidence["call_sign_flag"]) for e in events] == [("TG", "PA")]
    unallocated = [dict(r, MMSI="290" + r["MMSI"][3:]) for r in ship]  # 290: allocated to no one by ITU
    events = _run(tmp_path, unallocated, reference, ("identity",))
    assert [e.evidence["finding"] for e in events] == ["unallocated MID"]


# -- zone -----------------------------------------------------------------------------------------


def test_a_real_track_moved_into_north_korean_waters_enters_the_zone(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    ship = _fast(real, 1)[0]
    cut = len(ship) // 2
    rows = g.moved_to(ship[:cut], 40.0, 130.8) + g.moved_to(ship[cut:], 40.2, 129.0)
    events = _run(tmp_path, rows, reference, ("zone",))
    assert [e.evidence["zone"]["id"] for e in events] == ["dprk-east-sea"]
    assert events[0].start == rows[cut]["BaseDateTime"] + "Z"
    assert [p.label for p in events[0].points] == ["last seen outside", "entered", "last inside"]
    assert _run(tmp_path, g.moved_to(ship, *AT_SEA), reference, ("zone",)) == []


def test_the_claimed_eez_from_shared_data_loads_as_a_zone_file(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    eez = json.loads(shared("dprk/zones/eez_prk.json").read_text(encoding="utf-8"))
    for feature in eez["features"]:
        feature["properties"] = {
            "id": "prk-eez",
            "name": "North Korea: claimed EEZ (East Sea)",
            "kind": "waters",
            "source": "Park et al. 2020, eez_prk",
        }
    zones = parse_zones(json.dumps(eez), "eez_prk.json")  # its open ring is closed on reading
    only_eez = ReferenceData(reference.ports, reference.flags, zones)
    ship = g.moved_to(_fast(real, 1)[0], 40.5, 131.5)  # in the EEZ, beyond the bundled coastal belt
    assert zones[0].geometry.contains(__import__("shapely").Point(131.5, 40.5))
    assert [e.evidence["zone"]["id"] for e in _run(tmp_path, ship, only_eez, ("zone",))] == ["prk-eez"]
    assert _run(tmp_path, ship, reference, ("zone",)) == []


# -- loiter ---------------------------------------------------------------------------------------


def test_a_real_drifting_ship_kept_at_sea_for_fourteen_hours_loiters(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    ship = _slow(real, 1)[0]
    events = _run(tmp_path, g.tiled(g.moved_to(ship, *AT_SEA), hours=14), reference, ("loiter",))
    assert len(events) == 1
    assert events[0].evidence["hours"] >= 13
    assert events[0].vessel.mmsi == int(ship[0]["MMSI"])


@pytest.mark.parametrize(
    ("case", "place", "hours", "slow", "ship_type"),
    [
        ("eight hours only", AT_SEA, 8, True, None),
        ("waiting off a port", NORFOLK, 14, True, None),
        ("under way", AT_SEA, 14, False, None),
        ("a fishing vessel", AT_SEA, 14, True, "30"),
    ],
)
def test_what_is_not_loitering(
    tmp_path: Path,
    real: dict[int, list[g.Row]],
    reference: ReferenceData,
    case: str,
    place: tuple[float, float],
    hours: float,
    slow: bool,
    ship_type: str | None,
) -> None:
    ship = (_slow if slow else _fast)(real, 1)[0]
    if ship_type:
        ship = [dict(r, VesselType=ship_type) for r in ship]
    rows = (g.tiled if slow else g.continued)(g.moved_to(ship, *place), hours=hours)
    assert _run(tmp_path, rows, reference, ("loiter",)) == [], case
    assert LoiterSettings().min_hours == 12


# -- real traffic alone ---------------------------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_plain_real_traffic_raises_only_the_gaps_and_identities_it_holds(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    """The false-alarm figure: the defaults on the real extract alone. Its 25 minutes cannot hold a
    transfer or loitering, it has no vessel in a watched zone; its gaps are the extract's artefact
    (a vessel seen at 00:0x and again in the stray late rows), counted here independently."""
    store = AisStore(tmp_path / "ais")
    store.load(shared(REAL))
    run = detect(store, reference)
    counts = run.counts()
    assert counts["sts"] == counts["loiter"] == counts["zone"] == 0
    with (BUNDLED / "ais/ports.csv").open(encoding="utf-8", newline="") as handle:
        ports = [(float(r["lat"]), float(r["lon"])) for r in csv.DictReader(handle)]

    def at_sea(lat: float, lon: float) -> bool:
        return all(_km((lat, lon), port) > 10 for port in ports if abs(port[0] - lat) < 1)

    expected = set()
    for mmsi, reports in real.items():
        if not 201_000_000 <= mmsi <= 775_999_999 or reports[0]["VesselType"] in ("36", "37"):
            continue
        for before, after in itertools.pairwise(reports):
            hours = (g._at(after) - g._at(before)).total_seconds() / 3600
            ends = [(float(r["LAT"]), float(r["LON"])) for r in (before, after)]
            if hours >= 6 and all(at_sea(*end) for end in ends):
                expected.add((mmsi, before["BaseDateTime"] + "Z"))
    assert {(e.vessel.mmsi, e.start) for e in run.events if e.kind == "gap"} == expected
    for event in run.events:
        if "two MMSIs" in event.evidence.get("finding", ""):
            claimed = {
                int(r["MMSI"])
                for rs in real.values()
                for r in rs
                if r["IMO"] == f"IMO{event.evidence['imo']}"
            }
            assert set(event.evidence["mmsis"]) <= claimed
    print("false alarms on plain traffic:", counts)


def test_a_detection_run_is_kept_whole_and_replaced_whole(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    store = AisStore(tmp_path / "ais")
    ship = g.moved_to(_fast(real, 1)[0], *AT_SEA)
    store.load(g.write(g.cut_gap(ship, 5, hours=8), tmp_path / "gap.csv"))
    assert read_events(store) == ({}, [])
    run = detect(store, reference)
    save_events(store, run)
    header, events = read_events(store)
    assert events == run.events
    assert len(events) == 1
    assert header["loads"] == [entry["load"] for entry in store.loads()]
    save_events(store, detect(store, reference, DetectorSettings(gap=GapSettings(min_hours=12))))
    assert read_events(store)[1] == []


def test_a_crowd_of_stopped_ships_is_an_anchorage_except_in_a_watched_zone(
    tmp_path: Path, real: dict[int, list[g.Row]], reference: ReferenceData
) -> None:
    """Six real slow ships placed 200 m apart: a berth or anchorage the port list does not know,
    unless they lie in an STS hot spot (Korea Bay), where the crowd is what to see."""
    ships = _slow(real, 6)
    assert len(ships) == 6

    def crowd(lat: float, lon: float) -> list[g.Row]:
        rows: list[g.Row] = []
        for number, ship in enumerate(ships):
            rows += g.tiled(g.moved_to(ship, lat + number * 200 / 111_320, lon), hours=3)
        return rows

    assert _run(tmp_path, crowd(*AT_SEA), reference, ("sts",)) == []
    in_hot_spot = _run(tmp_path, crowd(38.0, 123.0), reference, ("sts",))
    assert len(in_hot_spot) >= 5  # each ship with its neighbour 200 m away (400 m: also within 500 m)
