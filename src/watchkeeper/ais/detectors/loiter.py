"""`loiter`: a vessel that stays in one small area at sea for many hours without a port call.

DPRK-linked tankers and colliers wait at sea for their counterpart, drift while transferring, and
hold off a coast until dark (ADV2019). Each vessel's reports become hourly centroids; a window of
`min_hours` whose centroids all lie within `max_radius_km` of the window's centre, far from any
port or learnt anchorage (`anchorages`), is loitering, and overlapping windows of one vessel merge
into one event. Reports of a ship at anchor or moored do not count: such a ship waits, it does not
drift; the navigational statuses it did report are given as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from watchkeeper.ais.anchorages import Anchorages
from watchkeeper.ais.events import (
    FISHING,
    PLEASURE,
    SERVICE_CRAFT,
    SHIP_STATIONS_SQL,
    EventPoint,
    VesselBook,
    VesselEvent,
    iso,
    settings_dict,
)
from watchkeeper.ais.geo import PortIndex, distance_sql

#: AIS navigational status codes given in the evidence.
NAV_STATUS = {
    0: "under way using engine",
    1: "at anchor",
    2: "not under command",
    3: "restricted manoeuvrability",
    5: "moored",
    7: "engaged in fishing",
    8: "under way sailing",
}


@dataclass(frozen=True)
class LoiterSettings:
    #: Half a day: longer than any wait for a pilot or a tide, the scale of the waits and transfers
    #: the advisories describe.
    min_hours: float = 12.0
    #: "Drifting or circling": every hourly position within 5 km of the window's centre.
    max_radius_km: float = 5.0
    #: Each window must have a position in at least this share of its hours (no loitering is seen
    #: in a window the vessel spent mostly dark; that is a `gap`).
    min_coverage: float = 0.5
    #: 20 km around a World Port Index position: the outer anchorages of large ports, where
    #: waiting for a berth is routine.
    port_radius_km: float = 20.0
    #: Reports saying "at anchor" (1) or "moored" (5) are left out: ships wait at anchorages the
    #: port list does not know, all day and lawfully.
    ignored_statuses: tuple[int, ...] = (1, 5)
    #: Fishing vessels, service craft and pleasure craft loiter for their living.
    ignored_ship_types: tuple[int, ...] = FISHING + SERVICE_CRAFT + PLEASURE


def detect_loitering(
    db: duckdb.DuckDBPyConnection,
    book: VesselBook,
    ports: PortIndex,
    anchorages: Anchorages,
    settings: LoiterSettings,
) -> list[VesselEvent]:
    ignored = ", ".join(str(t) for t in settings.ignored_ship_types) or "NULL"
    hours = settings.min_hours
    statuses = ", ".join(str(s) for s in settings.ignored_statuses) or "NULL"
    rows = db.execute(
        f"""WITH hourly AS (
                SELECT mmsi, date_trunc('hour', ts) AS hour, avg(lat) AS lat, avg(lon) AS lon,
                    mode(status) AS status, max(sog) AS sog
                FROM positions
                WHERE {SHIP_STATIONS_SQL}
                  AND mmsi NOT IN (SELECT mmsi FROM vessels WHERE ship_type IN ({ignored}))
                  AND (status IS NULL OR status NOT IN ({statuses}))
                GROUP BY mmsi, hour),
            windows AS (
                SELECT mmsi, hour, lat, lon, status, sog,
                    count(*) OVER w AS filled, max(hour) OVER w AS last_hour,
                    min(lat) OVER w AS s, max(lat) OVER w AS n, min(lon) OVER w AS west, max(lon) OVER w AS e
                FROM hourly
                WINDOW w AS (PARTITION BY mmsi ORDER BY hour
                             RANGE BETWEEN CURRENT ROW AND INTERVAL '{hours - 1:g} hours' FOLLOWING)),
            still AS (
                SELECT mmsi, hour, hour + INTERVAL '{hours:g} hours' AS until FROM windows
                WHERE date_diff('hour', hour, last_hour) >= ? AND filled >= ?
                  AND {distance_sql("s", "west", "n", "e")} <= ?),
            marked AS (
                SELECT *, CASE WHEN hour <= max(until) OVER (PARTITION BY mmsi ORDER BY hour
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS starts
                FROM still),
            spells AS (
                SELECT mmsi, hour, until, sum(starts) OVER (PARTITION BY mmsi ORDER BY hour) AS spell
                FROM marked),
            bounds AS (SELECT mmsi, spell, min(hour) AS first, max(until) AS last
                FROM spells GROUP BY mmsi, spell)
        SELECT b.mmsi, b.first, max(h.hour) AS last, avg(h.lat), avg(h.lon), count(*), max(h.sog),
            list(DISTINCT h.status) FILTER (WHERE h.status IS NOT NULL),
            arg_min(h.lat, h.hour), arg_min(h.lon, h.hour), arg_max(h.lat, h.hour), arg_max(h.lon, h.hour)
        FROM bounds b JOIN hourly h ON h.mmsi = b.mmsi AND h.hour >= b.first AND h.hour < b.last
        GROUP BY b.mmsi, b.spell, b.first ORDER BY b.first, b.mmsi""",
        [hours - 1, max(1, int(hours * settings.min_coverage)), 2 * settings.max_radius_km],
    ).fetchall()
    events = []
    for row in rows:
        lat, lon = float(row[3]), float(row[4])
        if ports.at_sea(lat, lon, settings.port_radius_km) and not anchorages.contains(lat, lon):
            events.append(_event(row, book, settings))
    return events


def _event(row: tuple[Any, ...], book: VesselBook, settings: LoiterSettings) -> VesselEvent:
    mmsi, first, last, lat, lon, filled, fastest, statuses, lat0, lon0, lat1, lon1 = row
    span = (last - first).total_seconds() / 3600 + 1
    said = [NAV_STATUS.get(int(s), f"status {s}") for s in sorted(statuses or [])]
    return VesselEvent(
        kind="loiter",
        vessel=book[int(mmsi)],
        start=iso(first),
        end=iso(last),
        summary=f"stayed within {settings.max_radius_km:g} km at sea for {span:.0f} h"
        + (f" ({', '.join(said)})" if said else ""),
        points=(
            EventPoint(iso(first), float(lat0), float(lon0), "began loitering"),
            EventPoint(iso(last), float(lat1), float(lon1), "moved on"),
        ),
        evidence={
            "finding": "loiter",
            "hours": round(span, 1),
            "hours_with_reports": int(filled),
            "centre": [round(float(lat), 5), round(float(lon), 5)],
            "max_knots": None if fastest is None else round(float(fastest), 1),
            "navigational_status": said,
        },
        thresholds=settings_dict(settings),
    )
