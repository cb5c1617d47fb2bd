"""`zone`: a vessel inside a watched area (North Korean waters or ports, an STS hot spot).

Each zone's bounding box narrows the reports in SQL; `shapely.contains_xy` then tests the few
left against the polygon in one vectorised call. A vessel's reports inside one zone form one
visit until it leaves the zone or goes quiet for `max_silence_hours`; each visit is an event
with where it was first and last seen inside, and where it was last seen before entering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import numpy as np
import shapely

from watchkeeper.ais.events import SHIP_STATIONS_SQL, EventPoint, VesselBook, VesselEvent, iso
from watchkeeper.rules.zones import WatchedZone


@dataclass(frozen=True)
class ZoneSettings:
    #: Reports inside a zone this far apart in time are two visits (it left, or went dark, between).
    max_silence_hours: float = 6.0


@dataclass
class _Visit:
    first: int
    last: int
    count: int


def detect_zone_entries(
    db: duckdb.DuckDBPyConnection, book: VesselBook, zones: tuple[WatchedZone, ...], settings: ZoneSettings
) -> list[VesselEvent]:
    events = []
    for zone in zones:
        west, south, east, north = zone.bounds
        found = db.execute(
            f"""SELECT mmsi, ts, lat, lon, lag(ts) OVER w AS before_ts, lag(lat) OVER w AS before_lat,
                    lag(lon) OVER w AS before_lon,
                    coalesce(lag(lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) OVER w, false) AS after_box
                FROM positions WHERE {SHIP_STATIONS_SQL}
                  AND mmsi IN (SELECT DISTINCT mmsi FROM positions
                               WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?)
                WINDOW w AS (PARTITION BY mmsi ORDER BY ts)
                QUALIFY lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?
                ORDER BY mmsi, ts""",
            [south, north, west, east] * 3,
        ).fetchnumpy()
        if len(found["mmsi"]) == 0:
            continue
        inside = shapely.contains_xy(zone.geometry, found["lon"], found["lat"])
        events += _visits(found, np.asarray(inside), zone, book, settings)
    return events


def _visits(
    found: dict[str, np.ndarray],
    inside: np.ndarray,
    zone: WatchedZone,
    book: VesselBook,
    settings: ZoneSettings,
) -> list[VesselEvent]:
    silence = timedelta(hours=settings.max_silence_hours)
    mmsis, times = found["mmsi"], found["ts"].astype("datetime64[s]").astype(datetime)
    visits: list[tuple[int, _Visit]] = []
    current: tuple[int, _Visit] | None = None
    for i in np.flatnonzero(inside).tolist():
        mmsi = int(mmsis[i])
        # The same visit goes on when the report before this one was the previous row, inside.
        if (
            current
            and current[0] == mmsi
            and current[1].last == i - 1
            and found["after_box"][i]
            and times[i] - times[i - 1] <= silence
        ):
            current[1].last, current[1].count = i, current[1].count + 1
            continue
        current = (mmsi, _Visit(i, i, 1))
        visits.append(current)
    return [_event(mmsi, visit, found, times, zone, book, settings) for mmsi, visit in visits]


def _event(
    mmsi: int,
    visit: _Visit,
    found: dict[str, np.ndarray],
    times: np.ndarray,
    zone: WatchedZone,
    book: VesselBook,
    settings: ZoneSettings,
) -> VesselEvent:
    first, last = visit.first, visit.last
    points = []
    before = found["before_ts"][first]
    came_from: dict[str, object] = {}
    # DuckDB gives a NULL (no report before) as masked, or NaT when the column has no NULL at all.
    if before is not np.ma.masked and not np.isnat(np.datetime64(before)):
        at = iso(before.astype("datetime64[s]").astype(datetime))
        points.append(
            EventPoint(
                at, float(found["before_lat"][first]), float(found["before_lon"][first]), "last seen outside"
            )
        )
        came_from = {"last_outside_at": at}
    points.append(
        EventPoint(iso(times[first]), float(found["lat"][first]), float(found["lon"][first]), "entered")
    )
    points.append(
        EventPoint(iso(times[last]), float(found["lat"][last]), float(found["lon"][last]), "last inside")
    )
    hours = (times[last] - times[first]).total_seconds() / 3600
    return VesselEvent(
        kind="zone",
        vessel=book[mmsi],
        start=iso(times[first]),
        end=iso(times[last]),
        summary=f"in {zone.name} for {hours:.1f} h ({visit.count} reports)",
        points=tuple(points),
        evidence={
            "finding": f"zone {zone.id}",
            "zone": zone.to_dict(),
            "reports_inside": visit.count,
            "hours": round(hours, 2),
            **came_from,
        },
        thresholds={"max_silence_hours": settings.max_silence_hours},
    )
