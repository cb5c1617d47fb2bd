"""`sts`: two vessels alongside each other, slow, for hours, away from ports (red flag 4).

Comparing every vessel with every other is O(n²) in a day of millions of reports. Instead each
vessel's reports are averaged into time slots (10 minutes), slow slots are put into H3 hexagons
(`h3`), and a slot is compared only with slots of the same time in its own and the neighbouring
hexagons: the candidates are the few pairs that share a neighbourhood, and the exact distance is
computed for them alone. Hexagons whose centre is within a port's radius, or in a berth or
anchorage learnt from the traffic (`anchorages`), are dropped before the pairing, so ships berthed
side by side never become candidates. Runs of close slots (a few
missed slots allowed) that last long enough are the events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import h3
import pyarrow as pa

from watchkeeper.ais.anchorages import Anchorages
from watchkeeper.ais.events import (
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


@dataclass(frozen=True)
class StsSettings:
    #: Transfers are made alongside (fenders touching, under 100 m between antennas); 500 m allows
    #: for antenna placement on 300 m tankers, position lag and the approach and departure.
    max_distance_m: float = 500.0
    #: Stopped, drifting or at steerage speed: no transfer is made at passage speed.
    max_speed_knots: float = 3.0
    #: Pumping oil or lifting coal takes hours; ships meeting in a channel are close for minutes.
    min_hours: float = 2.0
    #: Positions are averaged per slot: AIS reports every few seconds under way, every 3 minutes at
    #: anchor, so 10 minutes gives each slow vessel a position in nearly every slot.
    slot_minutes: int = 10
    #: A run of close slots survives this many slots without a report from one of the two.
    max_missing_slots: int = 3
    #: 10 km around a World Port Index position: ships at berths and inner anchorages.
    port_radius_km: float = 10.0
    #: Tugs, pilots and other service craft work alongside ships; pleasure craft raft together.
    ignored_ship_types: tuple[int, ...] = SERVICE_CRAFT + PLEASURE


def h3_resolution(max_distance_km: float) -> int:
    """The finest H3 resolution whose hexagon and its six neighbours hold every point within
    `max_distance_km` of a point in it: the ring reaches at least 1.5 edges from the hexagon's
    border, and edges vary to about 0.6 of the average over the globe."""
    for resolution in range(10, 2, -1):
        if 1.5 * 0.6 * h3.average_hexagon_edge_length(resolution, "km") >= max_distance_km:
            return resolution
    return 3


def _slow_slots(db: duckdb.DuckDBPyConnection, settings: StsSettings) -> dict[str, list[object]]:
    ignored = ", ".join(str(t) for t in settings.ignored_ship_types) or "NULL"
    table = db.execute(
        f"""SELECT mmsi, time_bucket(INTERVAL '{int(settings.slot_minutes)} minutes', ts) AS slot,
                avg(lat) AS lat, avg(lon) AS lon, max(sog) AS sog
            FROM positions
            WHERE {SHIP_STATIONS_SQL}
              AND mmsi NOT IN (SELECT mmsi FROM vessels WHERE ship_type IN ({ignored}))
            GROUP BY mmsi, slot HAVING max(sog) <= ?""",
        [settings.max_speed_knots],
    ).to_arrow_table()
    return {name: table.column(name).to_pylist() for name in table.column_names}


def detect_sts(
    db: duckdb.DuckDBPyConnection,
    book: VesselBook,
    ports: PortIndex,
    anchorages: Anchorages,
    settings: StsSettings,
) -> list[VesselEvent]:
    max_km = settings.max_distance_m / 1000
    resolution = h3_resolution(max_km)
    slots = _slow_slots(db, settings)
    cells = [
        h3.latlng_to_cell(lat, lon, resolution) for lat, lon in zip(slots["lat"], slots["lon"], strict=True)
    ]
    at_sea = {}
    for cell in set(cells):
        lat, lon = h3.cell_to_latlng(cell)
        at_sea[cell] = ports.at_sea(lat, lon, settings.port_radius_km) and not anchorages.contains(lat, lon)
    keep = [i for i, cell in enumerate(cells) if at_sea[cell]]
    sea_slots = pa.table(
        {
            "mmsi": pa.array([slots["mmsi"][i] for i in keep], pa.int64()),
            "slot": pa.array([slots["slot"][i] for i in keep], pa.timestamp("s")),
            "lat": pa.array([slots["lat"][i] for i in keep], pa.float64()),
            "lon": pa.array([slots["lon"][i] for i in keep], pa.float64()),
            "sog": pa.array([slots["sog"][i] for i in keep], pa.float64()),
            "cell": pa.array([cells[i] for i in keep], pa.string()),
        }
    )
    sea_cells = sorted({cells[i] for i in keep})
    pairs = [(cell, near) for cell in sea_cells for near in h3.grid_disk(cell, 1)]
    neighbours = pa.table(
        {"cell": [p[0] for p in pairs], "near": [p[1] for p in pairs]},
        schema=pa.schema([("cell", pa.string()), ("near", pa.string())]),
    )
    db.register("sts_slots", sea_slots)
    db.register("sts_neighbours", neighbours)
    slot_s = settings.slot_minutes * 60
    rows = db.execute(
        f"""WITH close AS (
                SELECT a.mmsi AS a, b.mmsi AS b, a.slot, a.lat AS alat, a.lon AS alon, b.lat AS blat,
                    b.lon AS blon, greatest(a.sog, b.sog) AS sog,
                    {distance_sql("a.lat", "a.lon", "b.lat", "b.lon")} * 1000 AS metres
                FROM sts_slots a JOIN sts_neighbours n ON n.cell = a.cell
                JOIN sts_slots b ON b.slot = a.slot AND b.cell = n.near
                WHERE a.mmsi < b.mmsi),
            near AS (SELECT * FROM close WHERE metres <= ?),
            marked AS (SELECT *, CASE WHEN date_diff('second', lag(slot) OVER w, slot) <= ? THEN 0 ELSE 1 END
                    AS starts FROM near WINDOW w AS (PARTITION BY a, b ORDER BY slot)),
            runs AS (SELECT *, sum(starts) OVER (PARTITION BY a, b ORDER BY slot) AS run FROM marked)
        SELECT a, b, min(slot), max(slot), count(*), min(metres), avg(metres), max(sog),
            arg_min(alat, slot), arg_min(alon, slot), arg_max(alat, slot), arg_max(alon, slot),
            arg_min(blat, slot), arg_min(blon, slot)
        FROM runs GROUP BY a, b, run
        HAVING date_diff('second', min(slot), max(slot)) + ? >= ?
        ORDER BY min(slot), a, b""",
        [max_km * 1000, (settings.max_missing_slots + 1) * slot_s, slot_s, settings.min_hours * 3600],
    ).fetchall()
    db.unregister("sts_slots")
    db.unregister("sts_neighbours")
    return [_event(row, book, settings, slot_s) for row in rows]


def _event(row: tuple[Any, ...], book: VesselBook, settings: StsSettings, slot_s: int) -> VesselEvent:
    a, b, first, last, close, nearest, mean, fastest, lat0, lon0, lat1, lon1, blat0, blon0 = row
    assert isinstance(first, datetime)
    assert isinstance(last, datetime)
    hours = ((last - first).total_seconds() + slot_s) / 3600
    other = book[int(b)]
    return VesselEvent(
        kind="sts",
        vessel=book[int(a)],
        other=other,
        start=iso(first),
        end=iso(last),
        summary=(
            f"alongside {other.label()} for {hours:.1f} h at sea, {float(mean):.0f} m apart on average, "
            f"at most {float(fastest):.1f} kn"
        ),
        points=(
            EventPoint(iso(first), float(lat0), float(lon0), "came alongside"),
            EventPoint(iso(first), float(blat0), float(blon0), "other vessel"),
            EventPoint(iso(last), float(lat1), float(lon1), "parted"),
        ),
        evidence={
            "finding": "sts",
            "hours": round(hours, 2),
            "close_slots": int(close),
            "nearest_m": round(float(nearest)),
            "mean_m": round(float(mean)),
            "max_knots": round(float(fastest), 1),
        },
        thresholds=settings_dict(settings),
    )
