"""The server-drawn track picture: every point inside the frame, north up, text escaped."""

from __future__ import annotations

import re

import pytest

from watchkeeper.api.track_svg import track_svg

TRACK = [
    {"mmsi": 413298950, "lat": 38.0, "lon": 123.0},
    {"mmsi": 413298950, "lat": 38.2, "lon": 123.3},
    {"mmsi": 316004370, "lat": 38.1, "lon": 123.1},
]
EVENT = {
    "kind": "sts",
    "summary": "alongside <AN SAN 1> & co",
    "points": [{"at": "2022-01-03T00:00:00Z", "lat": 38.05, "lon": 123.05, "label": "came alongside"}],
}


def _numbers(svg: str, attribute: str) -> list[float]:
    return [float(v) for v in re.findall(rf'{attribute}="([-\d.]+)"', svg)]


def test_no_positions_no_picture() -> None:
    assert track_svg([], []) == ""


@pytest.mark.parametrize("width", [300, 720])
def test_every_mark_lies_in_the_frame_and_north_is_up(width: int) -> None:
    svg = track_svg(TRACK, [EVENT], width=width)
    height = float(re.search(r'height="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    lines = re.findall(r'points="([^"]+)"', svg)
    assert len(lines) == 2  # one line per MMSI
    coords = [tuple(map(float, p.split(","))) for line in lines for p in line.split()]
    coords += list(zip(_numbers(svg, "cx"), _numbers(svg, "cy"), strict=True))
    assert all(0 <= x <= width and 0 <= y <= height for x, y in coords)
    own = [tuple(map(float, p.split(","))) for p in lines[1].split()]  # 413298950: sorted second
    assert own[1][1] < own[0][1]  # 38.2 N is drawn above 38.0 N
    assert own[1][0] > own[0][0]  # 123.3 E right of 123.0 E


def test_text_is_escaped() -> None:
    svg = track_svg(TRACK, [EVENT])
    assert "&lt;AN SAN 1&gt; &amp; co" in svg
    assert "<AN SAN 1>" not in svg
