"""Watched sea areas (`watched_zones.geojson`): North Korean waters and ports, and STS hot spots.

Zones are data, versioned like the other rule files, so an analyst can trace a `zone` event to
the polygon then in force and its source. A GeoJSON FeatureCollection (RFC 7946, lon/lat WGS 84);
every feature a Polygon or MultiPolygon with the properties `id`, `name`, `kind` and `source`.
A ring left open (as some published files are) is closed; a self-intersecting polygon is refused,
because "inside" would be undefined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from watchkeeper.errors import ListFormatError

ZONE_KINDS = {
    "waters": "a state's waters (territorial sea, coastal waters or claimed EEZ)",
    "port": "a port and its approaches",
    "sts-area": "an area named for ship-to-ship transfers",
}
_REQUIRED = ("id", "name", "kind", "source")


@dataclass(frozen=True)
class WatchedZone:
    id: str
    name: str
    kind: str
    source: str
    geometry: BaseGeometry

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat)."""
        west, south, east, north = self.geometry.bounds
        return float(west), float(south), float(east), float(north)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "source": self.source}


def _zone(number: int, feature: object, path: str) -> WatchedZone:
    where = f"feature {number}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ListFormatError(path, where, "not a GeoJSON Feature")
    props = feature.get("properties") or {}
    missing = [key for key in _REQUIRED if not str(props.get(key, "")).strip()]
    if missing:
        raise ListFormatError(
            path, where, f"property {', '.join(missing)} missing (each zone needs {_REQUIRED})"
        )
    where = f"feature {number} ({props['id']})"
    if props["kind"] not in ZONE_KINDS:
        raise ListFormatError(path, where, f"kind {props['kind']!r} is not one of {', '.join(ZONE_KINDS)}")
    raw = feature.get("geometry")
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise ListFormatError(path, where, "geometry must be a Polygon or MultiPolygon")
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise ListFormatError(path, where, f"geometry cannot be read: {exc}") from None
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ListFormatError(path, where, "coordinates outside longitude -180..180 / latitude -90..90")
    if geometry.is_empty or not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise ListFormatError(path, where, f"not a valid polygon ({reason})")
    shapely.prepare(geometry)
    return WatchedZone(
        str(props["id"]), str(props["name"]), str(props["kind"]), str(props["source"]), geometry
    )


def parse_zones(text: str, path: str) -> tuple[WatchedZone, ...]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFormatError(path, f"line {exc.lineno}", f"not JSON: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ListFormatError(path, "", "not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise ListFormatError(path, "", "no zones (features) in the collection")
    zones = tuple(_zone(number, feature, path) for number, feature in enumerate(features, 1))
    seen: set[str] = set()
    for zone in zones:
        if zone.id in seen:
            raise ListFormatError(path, f"zone {zone.id}", "id used twice")
        seen.add(zone.id)
    return zones
