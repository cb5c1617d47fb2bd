"""`gap`: a vessel at sea stops reporting for hours and reappears (AIS switched off: red flag 1).

A gap is the time between two consecutive reports of one MMSI. It is an event when it is long
(`min_hours`), when the vessel was at sea at both ends (a ship alongside a berth may switch off
lawfully), and when the vessel is not a kind that switches off as a matter of course. The implied
speed between going dark and reappearing says what the vessel could have done meanwhile: a ship
that reappears where it went dark had time for a port call or a transfer it did not show.
Terrestrial AIS also goes quiet when a ship leaves receiver range (about 40 nm from shore): the
detector cannot tell that from a transponder switched off, so both ends are given for the analyst.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from watchkeeper.ais.events import (
    PLEASURE,
    SHIP_STATIONS_SQL,
    EventPoint,
    VesselBook,
    VesselEvent,
    iso,
    settings_dict,
)
from watchkeeper.ais.geo import PortIndex, distance_km

KNOT_KMH = 1.852


@dataclass(frozen=True)
class GapSettings:
    #: 6 h: well beyond the minutes-long reporting interval of AIS (2-10 s under way, 3 min at
    #: anchor) and of a missed satellite pass, and long enough for an STS transfer or a port call.
    min_hours: float = 6.0
    #: 10 km around a World Port Index position: a port's basins and inner anchorage.
    port_radius_km: float = 10.0
    #: Pleasure craft and sailing vessels switch AIS off freely (and are not required to carry it).
    ignored_ship_types: tuple[int, ...] = PLEASURE
    #: An implied speed above this (knots) means the two ends are not one ship's track: a spoofed
    #: position or a shared MMSI; the gap is still reported, with this said.
    max_plausible_knots: float = 30.0


def detect_gaps(
    db: duckdb.DuckDBPyConnection, book: VesselBook, ports: PortIndex, settings: GapSettings
) -> list[VesselEvent]:
    ignored = ", ".join(str(t) for t in settings.ignored_ship_types) or "NULL"
    rows = db.execute(
        f"""SELECT mmsi, prev_ts, prev_lat, prev_lon, ts, lat, lon FROM (
            SELECT mmsi, ts, lat, lon,
                lag(ts) OVER w AS prev_ts, lag(lat) OVER w AS prev_lat, lag(lon) OVER w AS prev_lon
            FROM positions
            WHERE {SHIP_STATIONS_SQL}
              AND mmsi NOT IN (SELECT mmsi FROM vessels WHERE ship_type IN ({ignored}))
            WINDOW w AS (PARTITION BY mmsi ORDER BY ts))
        WHERE date_diff('second', prev_ts, ts) >= ?
        ORDER BY mmsi, ts""",
        [settings.min_hours * 3600],
    ).fetchall()
    events = []
    for mmsi, dark_at, dark_lat, dark_lon, back_at, back_lat, back_lon in rows:
        if not (
            ports.at_sea(dark_lat, dark_lon, settings.port_radius_km)
            and ports.at_sea(back_lat, back_lon, settings.port_radius_km)
        ):
            continue
        hours = (back_at - dark_at).total_seconds() / 3600
        km = distance_km(dark_lat, dark_lon, back_lat, back_lon)
        knots = km / KNOT_KMH / hours
        plausible = knots <= settings.max_plausible_knots
        events.append(
            VesselEvent(
                kind="gap",
                vessel=book[int(mmsi)],
                start=iso(dark_at),
                end=iso(back_at),
                summary=(
                    f"dark for {hours:.1f} h at sea; reappeared {km:.0f} km away "
                    f"({knots:.1f} kn implied{'' if plausible else ', more than a ship can make'})"
                ),
                points=(
                    EventPoint(iso(dark_at), dark_lat, dark_lon, "went dark"),
                    EventPoint(iso(back_at), back_lat, back_lon, "reappeared"),
                ),
                evidence={
                    "finding": "gap",
                    "hours": round(hours, 2),
                    "distance_km": round(km, 1),
                    "implied_knots": round(knots, 1),
                    "implied_speed_plausible": plausible,
                },
                thresholds=settings_dict(settings),
            )
        )
    return events
