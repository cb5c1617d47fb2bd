"""What an AIS load keeps, and the checks a report must pass to be kept.

Two kinds of rows: *positions* (where a vessel was, how fast, at what time) and *statics* (what it
said it was: name, IMO number, call sign, ship type, destination). Both carry the MMSI, the time
and the load they came from; both are stored by UTC day. A report that fails a check is counted
under the check's name in its file's `LoadReport` and never stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

POSITION_SCHEMA = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("ts", pa.timestamp("s")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog", pa.float64()),
        ("cog", pa.float64()),
        ("heading", pa.int16()),
        ("status", pa.int16()),
    ]
)
STATIC_SCHEMA = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("ts", pa.timestamp("s")),
        ("name", pa.string()),
        ("imo", pa.int64()),
        ("call_sign", pa.string()),
        ("ship_type", pa.int16()),
        ("destination", pa.string()),
    ]
)

#: AIS's "not available" values (ITU-R M.1371): latitude 91, longitude 181, speed 102.3 knots,
#: course 360, heading 511. A report saying "no position" is not a bad report, but it is not a
#: position either.
NO_LAT, NO_LON, NO_SOG, NO_COG, NO_HEADING = 91.0, 181.0, 102.3, 360.0, 511
#: The largest speed AIS can encode is 102.2 knots; anything above it, other than "not available",
#: is corrupt (no merchant ship makes 40).
MAX_SOG = 102.2

# Reasons a report is not kept, as `LoadReport.rejected` counts them.
BAD_CHECKSUM = "bad checksum"
UNMATCHED_FRAGMENT = "unmatched fragment"
UNDECODABLE = "undecodable"
UNDATED = "no timestamp"
NO_POSITION = "position not available"
IMPOSSIBLE_POSITION = "impossible position"
IMPOSSIBLE_SPEED = "impossible speed"
BAD_MMSI = "invalid MMSI"
BAD_ROW = "unreadable row"


def valid_mmsi(mmsi: int) -> bool:
    """Every station's MMSI has nine digits (ITU-R M.585, leading zeros for coast stations)."""
    return 0 < mmsi <= 999_999_999


def ship_station(mmsi: int) -> bool:
    """A ship's MMSI begins with its flag's three maritime identification digits (MID 201–775);
    coast stations (00…), aids to navigation (99…), SAR aircraft (111…) and craft of a parent
    ship (98…) are other stations: read, counted, not kept as vessels."""
    return 201_000_000 <= mmsi <= 775_999_999


def position_problem(lat: float | None, lon: float | None) -> str | None:
    if lat is None or lon is None or (lat == NO_LAT and lon == NO_LON) or lat == NO_LAT or lon == NO_LON:
        return NO_POSITION
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return IMPOSSIBLE_POSITION
    return None


def speed_problem(sog: float | None) -> str | None:
    return IMPOSSIBLE_SPEED if sog is not None and sog > MAX_SOG and sog != NO_SOG else None


def imo_check_digit_ok(imo: int) -> bool:
    """The IMO number's seventh digit checks the first six (weights 7 to 2, last digit of the sum)."""
    digits = str(imo)
    if len(digits) != 7:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


SAMPLES = 5


@dataclass
class LoadReport:
    """What one file gave: counts of what was read, kept and rejected (by reason)."""

    file: str
    layout: str
    sha256: str = ""
    lines: int = 0
    messages: int = 0
    positions: int = 0
    statics: int = 0
    vessels: int = 0
    first: str = ""
    last: str = ""
    days: list[str] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    #: Messages read that carry neither a position nor an identity (base stations, safety texts).
    other: int = 0
    already_loaded: bool = False
    #: The first few rejected lines, "line 12: bad checksum", so a user can look at them.
    samples: list[str] = field(default_factory=list)

    def reject(self, reason: str, where: str = "", count: int = 1) -> None:
        self.rejected[reason] += count
        if where and len(self.samples) < SAMPLES:
            self.samples.append(f"{where}: {reason}")

    def to_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["rejected"] = dict(sorted(self.rejected.items()))
        return data
