"""Behaviour written into real AIS tracks, for the detector tests.

The real MarineCadastre extract (`../shared/data/ais/`, US coastal AIS of 2022-01-03) holds
25 minutes of almost every vessel and no known dark period, transfer or spoofing. These
functions take real vessels' reports from it (rows of its CSV, unchanged) and change only what a
scenario needs, so every other property of a track (reporting rhythm, speed noise, static data)
stays real:

- `moved_to` translates a track so its first report is at a chosen point (at sea, in a zone, in
  a port) keeping every step between reports;
- `tiled` replays a track end to end until it spans the hours a scenario needs (25 minutes of a
  drifting ship replayed: the same drift again);
- `continued` does the same for a ship under way, each replay starting where the last ended;
- `cut_gap` shifts every report from one on by some hours: the vessel goes dark and reappears
  where its track continued;
- `alongside` gives a second real vessel's identity (MMSI, name, IMO, type) the first vessel's
  positions, a fixed distance north: two ships moved together;
- `claiming` makes a vessel broadcast another IMO number or name from some report on.

The result is written as a MarineCadastre CSV (`write`) and loaded by the real loader.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

Row = dict[str, str]
REAL = "ais/marinecadastre_AIS_2022-01-03_first99999.csv.gz"
#: AN SAN 1, a DPRK tanker on the SDN list and in the 2018 and 2019 advisories; HM is a DPRK call-sign
#: series.
AN_SAN_1 = {"VesselName": "AN SAN 1", "IMO": "IMO7303803", "CallSign": "HMYZ", "VesselType": "80"}
TIME = "%Y-%m-%dT%H:%M:%S"


def real_rows(path: Path) -> list[Row]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tracks(rows: list[Row]) -> dict[int, list[Row]]:
    by_mmsi: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_mmsi[int(row["MMSI"])].append(row)
    for reports in by_mmsi.values():
        reports.sort(key=lambda r: r["BaseDateTime"])
    return by_mmsi


def pick(
    by_mmsi: dict[int, list[Row]],
    *,
    types: range = range(70, 90),
    min_reports: int = 15,
    max_sog: float | None = None,
    min_sog: float | None = None,
) -> list[int]:
    """Real merchant vessels (cargo and tankers, with an IMO number) with many reports, busiest first,
    all slow (`max_sog`) or all fast (`min_sog`)."""
    chosen = []
    for mmsi, reports in by_mmsi.items():
        if len(reports) < min_reports or not reports[0]["IMO"].startswith("IMO"):
            continue
        if not reports[0]["VesselType"] or int(reports[0]["VesselType"]) not in types:
            continue
        speeds = [float(r["SOG"]) for r in reports]
        if (max_sog is not None and max(speeds) > max_sog) or (min_sog is not None and min(speeds) < min_sog):
            continue
        chosen.append((-len(reports), mmsi))
    return [mmsi for _, mmsi in sorted(chosen)]


def _at(row: Row) -> datetime:
    return datetime.strptime(row["BaseDateTime"], TIME)


def _with(row: Row, **changes: object) -> Row:
    out = dict(row)
    for key, value in changes.items():
        out[key] = value.strftime(TIME) if isinstance(value, datetime) else str(value)
    return out


def moved_to(track: list[Row], lat: float, lon: float) -> list[Row]:
    dlat, dlon = lat - float(track[0]["LAT"]), lon - float(track[0]["LON"])
    return [
        _with(r, LAT=round(float(r["LAT"]) + dlat, 6), LON=round(float(r["LON"]) + dlon, 6)) for r in track
    ]


def tiled(track: list[Row], hours: float) -> list[Row]:
    start, end = _at(track[0]), _at(track[-1])
    period = end - start + (_at(track[1]) - start if len(track) > 1 else timedelta(minutes=1))
    out: list[Row] = []
    shift = timedelta(0)
    while shift < timedelta(hours=hours):
        out += [_with(r, BaseDateTime=_at(r) + shift) for r in track]
        shift += period
    return out


def continued(track: list[Row], hours: float) -> list[Row]:
    """Like `tiled`, but each replay starts where the last ended: a ship under way keeps going."""
    out = tiled(track, hours)
    per = len(track)
    for start in range(per, len(out), per):
        last = out[start - 1]
        out[start : start + per] = moved_to(out[start : start + per], float(last["LAT"]), float(last["LON"]))
    return out


def cut_gap(track: list[Row], at_index: int, hours: float) -> list[Row]:
    dark = timedelta(hours=hours)
    return track[:at_index] + [_with(r, BaseDateTime=_at(r) + dark) for r in track[at_index:]]


def alongside(track: list[Row], other: list[Row], metres: float) -> list[Row]:
    """The other vessel's identity on this track's positions, `metres` to the north."""
    identity = {
        k: other[0][k] for k in ("MMSI", "VesselName", "IMO", "CallSign", "VesselType", "Length", "Width")
    }
    dlat = metres / 111_320
    return [_with(r, **identity, LAT=round(float(r["LAT"]) + dlat, 6)) for r in track]


def claiming(
    track: list[Row], from_index: int, *, imo: str | None = None, name: str | None = None
) -> list[Row]:
    changes = {k: v for k, v in (("IMO", imo), ("VesselName", name)) if v is not None}
    return track[:from_index] + [_with(r, **changes) for r in track[from_index:]]


def offset_km(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    return lat + north_km / 111.32, lon + east_km / (111.32 * math.cos(math.radians(lat)))


def write(rows: Iterable[Row], path: Path) -> Path:
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def listed_tanker_transfer(real_file: Path, folder: Path) -> tuple[Path, int, int]:
    """A real slow ship alongside (150 m) a second real ship broadcasting AN SAN 1's identity, for three
    hours in the Korea Bay STS area far from any port. The file, and the two MMSIs (ship, tanker)."""
    real = tracks(real_rows(real_file))
    first, second = (real[m] for m in pick(real, max_sog=1.0)[:2])
    ship = tiled(moved_to(first, 38.0, 123.0), hours=3)
    tanker = [dict(r, **AN_SAN_1) for r in alongside(ship, second, metres=150)]
    return write(ship + tanker, folder / "transfer.csv"), int(first[0]["MMSI"]), int(second[0]["MMSI"])
