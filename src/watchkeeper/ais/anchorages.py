"""Anchorages and berths learnt from the traffic itself.

The World Port Index gives one point per port, but a river port or a roadstead stretches tens of
kilometres from it (the Mississippi below New Orleans, the Savannah and Delaware rivers, Long
Island Sound's harbours): ships lie there side by side all day, and a point-and-radius test calls
that "at sea". Where many different ships lie still in the same place, that place is a berth or
an anchorage, whatever the port list says: an H3 hexagon in which at least `min_vessels`
different ships were stopped is taken for one. A rendezvous at sea brings two or three ships
together, not six. Inside a watched zone (DPRK waters, STS hot spots) nothing is learnt: a crowd
of ships there is what an analyst must see, not a reason to look away.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import h3
import shapely

from watchkeeper.ais.events import SHIP_STATIONS_SQL
from watchkeeper.rules.zones import WatchedZone


@dataclass(frozen=True)
class AnchorageSettings:
    #: Different ships stopped in one hexagon (about 5 km², H3 resolution 7) that make it a berth or
    #: anchorage: more than the two or three ships of a transfer.
    min_vessels: int = 6
    #: Stopped: at most this speed (knots).
    max_knots: float = 1.0
    resolution: int = 7


class Anchorages:
    def __init__(self, cells: set[str], zones: tuple[WatchedZone, ...], resolution: int) -> None:
        self.cells = cells
        self.zones = zones
        self.resolution = resolution

    def contains(self, lat: float, lon: float) -> bool:
        if h3.latlng_to_cell(lat, lon, self.resolution) not in self.cells:
            return False
        return not any(shapely.contains_xy(z.geometry, lon, lat) for z in self.zones)


def learn_anchorages(
    db: duckdb.DuckDBPyConnection, zones: tuple[WatchedZone, ...], settings: AnchorageSettings
) -> Anchorages:
    # A stopped ship reports the same place all day: rounding to about 100 m leaves a few rows each.
    rows = db.execute(
        f"""SELECT DISTINCT mmsi, round(lat, 3), round(lon, 3) FROM positions
            WHERE {SHIP_STATIONS_SQL} AND sog <= ?""",
        [settings.max_knots],
    ).fetchall()
    vessels: dict[str, set[int]] = defaultdict(set)
    for mmsi, lat, lon in rows:
        vessels[h3.latlng_to_cell(lat, lon, settings.resolution)].add(int(mmsi))
    cells = {cell for cell, found in vessels.items() if len(found) >= settings.min_vessels}
    return Anchorages(cells, zones, settings.resolution)
