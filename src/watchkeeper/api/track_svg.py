"""A vessel's track as an SVG picture, drawn on the server: analysts look at tracks rather than
read coordinates. Plate carrée with longitude scaled by the cosine of the middle latitude (so a
few hundred kilometres look as they are), the track as one line per MMSI, each event's points
marked and titled. No coastline: no public-domain outline is bundled yet, so the frame gives the
latitudes and longitudes of its corners instead."""

from __future__ import annotations

import math
from html import escape
from typing import Any

#: Colours of event markers, by kind.
KIND_COLOURS = {
    "gap": "#b00020",
    "sts": "#d35400",
    "identity": "#6a1b9a",
    "zone": "#1565c0",
    "loiter": "#2e7d32",
}
TRACK_COLOURS = ("#37474f", "#8d6e63", "#00838f", "#5d4037")


def _frame(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(south, north, west, east) with a margin, never narrower than about 2 km."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    pad_lat = max((north - south) * 0.08, 0.01)
    pad_lon = max((east - west) * 0.08, 0.01)
    return south - pad_lat, north + pad_lat, west - pad_lon, east + pad_lon


def track_svg(positions: list[dict[str, Any]], events: list[dict[str, Any]], width: int = 720) -> str:
    points = [(p["lat"], p["lon"]) for p in positions]
    points += [(pt["lat"], pt["lon"]) for e in events for pt in e["points"]]
    if not points:
        return ""
    south, north, west, east = _frame(points)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = (east - west) * squeeze
    span_y = north - south
    height = max(200, min(720, round(width * span_y / span_x))) if span_x else width
    scale = min(width / span_x if span_x else math.inf, height / span_y)

    def xy(lat: float, lon: float) -> str:
        return f"{(lon - west) * squeeze * scale:.1f},{(north - lat) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="track" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="track">',
        f'<rect width="{width}" height="{height}" fill="#eef4f8" stroke="#90a4ae"/>',
    ]
    by_mmsi: dict[int, list[str]] = {}
    for p in positions:
        by_mmsi.setdefault(p["mmsi"], []).append(xy(p["lat"], p["lon"]))
    for number, (mmsi, line) in enumerate(sorted(by_mmsi.items())):
        colour = TRACK_COLOURS[number % len(TRACK_COLOURS)]
        parts.append(
            f'<polyline class="track-line" data-mmsi="{mmsi}" points="{" ".join(line)}" fill="none" '
            f'stroke="{colour}" stroke-width="1.5">'
            f"<title>MMSI {mmsi}: {len(line)} positions</title></polyline>"
        )
    for event in events:
        colour = KIND_COLOURS.get(event["kind"], "#000")
        for point in event["points"]:
            x, y = xy(point["lat"], point["lon"]).split(",")
            title = escape(f"{event['kind']}: {point['label']} {point['at']} — {event['summary']}")
            parts.append(
                f'<circle class="event-mark" data-kind="{escape(event["kind"])}" cx="{x}" cy="{y}" r="6" '
                f'fill="{colour}" fill-opacity="0.75" stroke="#fff"><title>{title}</title></circle>'
            )
    parts.append(
        f'<text x="4" y="14" font-size="11" fill="#455a64">{north:.3f}°, {west:.3f}°</text>'
        f'<text x="{width - 4}" y="{height - 6}" font-size="11" fill="#455a64" text-anchor="end">'
        f"{south:.3f}°, {east:.3f}°</text></svg>"
    )
    return "".join(parts)
