"""Watched zones: the bundled file and what a bad zone file is told."""

from __future__ import annotations

import json

import pytest
import shapely

from tests.support import BUNDLED
from watchkeeper.errors import ListFormatError
from watchkeeper.rules.zones import parse_zones

ZONES = BUNDLED / "rules/zones/watched_zones.geojson"


def test_the_bundled_zones_hold_the_dprk_ports_where_the_world_port_index_puts_them() -> None:
    zones = {z.id: z for z in parse_zones(ZONES.read_text(encoding="utf-8"), "watched_zones.geojson")}
    assert {z.kind for z in zones.values()} == {"waters", "port", "sts-area"}
    # Nampo (WPI 60280) and Ch'ongjin (WPI 60500) from data/ais/ports.csv, in their port zones and waters.
    assert zones["dprk-port-60280"].geometry.contains(shapely.Point(125.4, 38.716667))
    assert zones["dprk-west-sea"].geometry.contains(shapely.Point(125.4, 38.716667))
    assert zones["dprk-east-sea"].geometry.contains(shapely.Point(129.816667, 41.766667))
    # The ROK islands south of the DPRK West Sea waters stay outside them: Baengnyeong, Yeonpyeong.
    assert not zones["dprk-west-sea"].geometry.contains(shapely.Point(124.68, 37.96))
    assert not zones["dprk-west-sea"].geometry.contains(shapely.Point(125.7, 37.67))
    assert all(z.source for z in zones.values())


def _collection(*features: dict[str, object]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _feature(ring: list[list[float]], **props: str) -> dict[str, object]:
    properties = {"id": "z1", "name": "Zone", "kind": "waters", "source": "drawn for a test", **props}
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


SQUARE = [[124.0, 38.0], [125.0, 38.0], [125.0, 39.0], [124.0, 39.0], [124.0, 38.0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "line 1: not JSON"),
        (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
        (_collection(), "no zones"),
        (_collection(_feature(SQUARE, kind="country")), "feature 1 (z1): kind 'country' is not one of"),
        (_collection(_feature(SQUARE, source="")), "feature 1: property source missing"),
        (
            _collection(
                _feature([[124.0, 38.0], [125.0, 39.0], [125.0, 38.0], [124.0, 39.0], [124.0, 38.0]])
            ),
            "feature 1 (z1): not a valid polygon (Self-intersection",
        ),
        (
            _collection(_feature([[224.0, 38.0], [225.0, 38.0], [225.0, 39.0], [224.0, 38.0]])),
            "outside longitude",
        ),
        (_collection(_feature(SQUARE), _feature(SQUARE)), "zone z1: id used twice"),
    ],
)
def test_a_bad_zone_file_is_refused_naming_the_feature(text: str, message: str) -> None:
    with pytest.raises(ListFormatError) as refused:
        parse_zones(text, "zones.geojson")
    assert message in str(refused.value)
    assert str(refused.value).startswith("zones.geojson")
