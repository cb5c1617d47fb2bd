"""Distances on the earth, and ports.

Ports are what tell a ship at sea from one in harbour: two ships side by side at a berth are not a
ship-to-ship transfer, and a ship silent at anchor in port has not gone dark at sea. They come from
the World Port Index (`data/ais/ports.csv`); an index of grid cells answers "the nearest port within
R km" without comparing every position with every port.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

EARTH_KM = 6371.0088
#: Port cells are this many degrees; a port is filed under its own cell and the eight around it,
#: so any position within one cell's height (about 55 km of latitude) of a port finds it.
CELL_DEG = 0.5


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


#: The same in DuckDB SQL, for columns `{a}lat, {a}lon, {b}lat, {b}lon`.
def distance_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    return (
        f"2 * {EARTH_KM} * asin(least(1, sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )


@dataclass(frozen=True)
class Port:
    wpi: str
    name: str
    unlocode: str
    country: str
    lat: float
    lon: float


def read_ports(path: Path) -> list[Port]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Port(r["wpi"], r["name"], r["unlocode"], r["country"], float(r["lat"]), float(r["lon"]))
            for r in csv.DictReader(handle)
        ]


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


class PortIndex:
    def __init__(self, ports: list[Port]) -> None:
        self.ports = ports
        self._cells: dict[tuple[int, int], list[Port]] = defaultdict(list)
        for port in ports:
            row, column = _cell(port.lat, port.lon)
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    self._cells[(row + dr, column + dc)].append(port)

    def nearest(self, lat: float, lon: float, within_km: float) -> tuple[Port, float] | None:
        """The nearest port no farther than `within_km` (at most about 55 km), or None."""
        best: tuple[Port, float] | None = None
        for port in self._cells.get(_cell(lat, lon), ()):
            km = distance_km(lat, lon, port.lat, port.lon)
            if km <= within_km and (best is None or km < best[1]):
                best = (port, km)
        return best

    def at_sea(self, lat: float, lon: float, port_radius_km: float) -> bool:
        return self.nearest(lat, lon, port_radius_km) is None
