"""Writes data/rules/zones/watched_zones.geojson: the watched areas, drawn by hand from published
coordinates (see data/rules/zones/SOURCES.md). Run it again after changing a coordinate below;
the GeoJSON is the data Watchkeeper loads, this script only says how it was drawn.

Usage: python scripts/draw_zones.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "rules" / "zones" / "watched_zones.geojson"
PORT_RADIUS_KM = 10.0

# (lon, lat) vertices, anticlockwise; land inside a polygon is harmless (no ship reports there).
WEST_SEA = [
    (124.15, 39.90),
    (123.90, 39.00),
    (124.00, 38.30),
    (124.40, 38.10),
    (125.00, 38.00),
    (125.65, 37.80),
    (126.30, 37.85),
    (126.20, 38.40),
    (125.90, 38.80),
    (125.60, 39.90),
    (124.15, 39.90),
]
EAST_SEA = [
    (130.69, 42.29),
    (130.90, 41.90),
    (130.30, 41.40),
    (129.70, 40.50),
    (129.00, 39.90),
    (128.10, 39.60),
    (128.00, 39.20),
    (128.70, 38.62),
    (128.36, 38.61),
    (127.50, 38.60),
    (127.00, 39.50),
    (128.50, 41.00),
    (129.50, 42.30),
    (130.50, 42.50),
    (130.69, 42.29),
]
GULF_OF_TONKIN = [
    (106.50, 17.95),
    (108.68, 18.50),
    (108.60, 19.20),
    (109.10, 19.90),
    (109.90, 20.25),
    (109.70, 21.50),
    (108.00, 21.60),
    (107.00, 21.20),
    (106.60, 20.40),
    (105.90, 19.50),
    (106.50, 17.95),
]
EAST_CHINA_SEA = [(123.0, 29.5), (126.5, 29.5), (126.5, 33.0), (123.0, 33.0), (123.0, 29.5)]
KOREA_BAY = [(122.5, 36.5), (124.2, 36.5), (124.2, 39.0), (122.5, 39.0), (122.5, 36.5)]

# World Port Index number, name, lat, lon (data/ais/ports.csv).
DPRK_PORTS = [
    ("60280", "Nampo", 38.716667, 125.4),
    ("60290", "Kyomip'o (Songnim)", 38.733333, 125.616667),
    ("60310", "Haeju", 38.0, 125.7),
    ("60440", "Wonsan", 39.166667, 127.45),
    ("60450", "Hungnam", 39.833333, 127.616667),
    ("60470", "Ch'aho", 40.2, 128.65),
    ("60480", "Kimch'aek", 40.666667, 129.2),
    ("60500", "Ch'ongjin", 41.766667, 129.816667),
    ("60510", "Najin (Rason)", 42.233333, 130.3),
    ("60520", "Senbong (Sonbong)", 42.333333, 130.4),
]

DRAWN = "Drawn by Watchkeeper (approximate, not a legal boundary)"


def circle(lat: float, lon: float, km: float, points: int = 32) -> list[tuple[float, float]]:
    ring = []
    for i in range(points + 1):
        angle = 2 * math.pi * (i % points) / points
        dlat = km / 111.32 * math.sin(angle)
        dlon = km / (111.32 * math.cos(math.radians(lat))) * math.cos(angle)
        ring.append((round(lon + dlon, 5), round(lat + dlat, 5)))
    return ring


def feature(
    zone_id: str, name: str, kind: str, source: str, ring: list[tuple[float, float]]
) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"id": zone_id, "name": name, "kind": kind, "source": source},
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
    }


def main() -> None:
    features = [
        feature(
            "dprk-west-sea",
            "North Korea: West Sea (Yellow Sea) coastal waters",
            "waters",
            f"{DRAWN}: DPRK coast from the Yalu estuary to the Han estuary, about 25-40 nm out; the southern "
            "edge kept north of the ROK islands (Baengnyeong, Yeonpyeong). Coastline points from NGA World "
            "Port Index positions (Nampo, Haeju) and charted headlands.",
            WEST_SEA,
        ),
        feature(
            "dprk-east-sea",
            "North Korea: East Sea (Sea of Japan) coastal waters",
            "waters",
            f"{DRAWN}: DPRK coast from the Tumen estuary to the military demarcation line, 25-50 nm out. "
            "The claimed EEZ reaches farther (Park et al., Science Advances 6(30), 2020, eez_prk).",
            EAST_SEA,
        ),
        *[
            feature(
                f"dprk-port-{wpi}",
                f"North Korean port: {name}",
                "port",
                f"{PORT_RADIUS_KM:g} km around the World Port Index position (NGA Pub. 150, WPI {wpi}: "
                f"{lat:.4f}N {lon:.4f}E); UNSCR 2397 para 9 and the 2019 advisory (ADV2019) on port calls",
                circle(lat, lon, PORT_RADIUS_KM),
            )
            for wpi, name, lat, lon in DPRK_PORTS
        ],
        feature(
            "sts-gulf-of-tonkin",
            "STS hot spot: Gulf of Tonkin",
            "sts-area",
            f"{DRAWN}: the gulf within the IHO limits (a line from the Song Giang mouth to the south-west "
            "point of Hainan). Named in ADV2019 for DPRK coal exports by STS transfer (red_flags.md).",
            GULF_OF_TONKIN,
        ),
        feature(
            "sts-east-china-sea",
            "STS hot spot: East China Sea (reported transfers)",
            "sts-area",
            f"{DRAWN}: box around high-seas STS transfers reported by Japan's Ministry of Foreign Affairs "
            "2018-2019 (about 250 km east of Shanghai). UNCERTAIN: not named in ADV2019 (red_flags.md).",
            EAST_CHINA_SEA,
        ),
        feature(
            "sts-korea-bay",
            "STS hot spot: Korea Bay and northern Yellow Sea (reported transfers)",
            "sts-area",
            f"{DRAWN}: box over the northern Yellow Sea west of the DPRK West Sea waters, where transfers "
            "of ships were reported 2018-2019. UNCERTAIN: not named in ADV2019 itself (red_flags.md).",
            KOREA_BAY,
        ),
    ]
    collection = {"type": "FeatureCollection", "name": "watchkeeper-watched-zones", "features": features}
    OUT.write_text(json.dumps(collection, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} zones")


if __name__ == "__main__":
    main()
