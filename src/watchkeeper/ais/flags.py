"""The flag a vessel claims twice over: by its MMSI's maritime identification digits (MID) and by
its call sign's prefix. Both are allocated by the ITU to administrations (`data/ais/mid.csv`,
`data/ais/call_signs.csv`); both tables give the administration's ISO 3166 code, so the two
claims can be compared. A ship re-flagged from Panama to Togo should change both; one that
broadcasts a Togo MMSI with a Panama call sign has changed one and not the other, or invented one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Administration:
    """An entry of an ITU allocation table: what it is allocated to, and that one's country code."""

    allocated_to: str
    country: str  # ISO 3166 alpha-2; empty for international organisations


def mid_of(mmsi: int) -> int:
    """A ship's MMSI is MIDxxxxxx: its first three digits."""
    return mmsi // 1_000_000


class FlagTables:
    def __init__(self, mids: dict[int, Administration], call_signs: dict[str, Administration]) -> None:
        self.mids = mids
        self.call_signs = call_signs

    @classmethod
    def read(cls, mid_csv: Path, call_sign_csv: Path) -> FlagTables:
        with mid_csv.open(encoding="utf-8", newline="") as handle:
            mids = {
                int(r["mid"]): Administration(r["allocated_to"], r["country"]) for r in csv.DictReader(handle)
            }
        with call_sign_csv.open(encoding="utf-8", newline="") as handle:
            series = {
                r["prefix"]: Administration(r["allocated_to"], r["country"]) for r in csv.DictReader(handle)
            }
        return cls(mids, series)

    def by_mmsi(self, mmsi: int) -> Administration | None:
        return self.mids.get(mid_of(mmsi))

    def by_call_sign(self, call_sign: str) -> Administration | None:
        """Three-character series first (where ITU splits a two-character one), then two."""
        sign = "".join(call_sign.split()).upper()
        if len(sign) < 3:  # "0", "NA", "X": placeholders, not call signs
            return None
        return self.call_signs.get(sign[:3]) or self.call_signs.get(sign[:2])
