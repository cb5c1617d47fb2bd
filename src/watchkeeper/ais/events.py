"""What the behaviour detectors report: a `VesselEvent` per dark period, transfer, identity
conflict, zone entry or loiter, with the evidence and the thresholds that produced it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import duckdb

EVENT_KINDS = {
    "gap": "a vessel at sea stopped reporting and reappeared (AIS off: red flag 1)",
    "sts": "two vessels alongside each other at low speed, away from ports "
    "(ship-to-ship transfer: red flag 4)",
    "identity": "an MMSI with conflicting names, IMO numbers or call signs, "
    "or an identity that cannot be true (spoofing, false flag: red flags 1, 5, 6)",
    "zone": "a vessel inside a watched area (DPRK waters or ports, STS hot spots)",
    "loiter": "a vessel drifting or circling at sea for many hours without a port call",
}

#: Ship and service-craft types (ITU-R M.1371 "type of ship") that do at sea what the detectors
#: look for as a matter of course: tugs and pilot boats stay alongside ships, fishing vessels
#: loiter, pleasure craft switch AIS off and raft together. 30 fishing, 31-32 towing, 33 dredging,
#: 34 diving, 35 military, 36 sailing, 37 pleasure, 50 pilot, 51 search and rescue, 52 tug,
#: 53 port tender, 54 anti-pollution, 55 law enforcement, 58 medical.
FISHING = (30,)
SERVICE_CRAFT = (31, 32, 33, 34, 35, 50, 51, 52, 53, 54, 55, 58)
PLEASURE = (36, 37)

#: A ship station's MMSI is MIDxxxxxx with a MID from 201 to 775; other MMSIs are coast stations,
#: aircraft, aids to navigation and devices, which the behaviour detectors leave alone.
SHIP_STATIONS_SQL = "mmsi BETWEEN 201000000 AND 775999999"


@dataclass(frozen=True)
class Vessel:
    """What a vessel said it was (its latest static report), by MMSI."""

    mmsi: int
    imo: int | None = None
    name: str = ""
    call_sign: str = ""
    ship_type: int | None = None

    def label(self) -> str:
        parts = [self.name or "(no name)", f"MMSI {self.mmsi}"]
        if self.imo:
            parts.append(f"IMO {self.imo}")
        return ", ".join(parts)


@dataclass(frozen=True)
class EventPoint:
    at: str
    lat: float
    lon: float
    label: str


@dataclass(frozen=True)
class VesselEvent:
    kind: str
    vessel: Vessel
    start: str
    end: str
    summary: str
    points: tuple[EventPoint, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    other: Vessel | None = None

    @property
    def id(self) -> str:
        """Stable across runs over the same data: kind, vessels, start and what was found."""
        key = json.dumps(
            [
                self.kind,
                self.vessel.mmsi,
                self.other.mmsi if self.other else None,
                self.start,
                self.evidence.get("finding", ""),
            ],
            sort_keys=True,
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def involves(self, mmsi: int | None = None, imo: int | None = None) -> bool:
        vessels = [self.vessel, *([self.other] if self.other else [])]
        return any(
            (mmsi is not None and v.mmsi == mmsi) or (imo is not None and v.imo == imo) for v in vessels
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["id"] = self.id
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VesselEvent:
        other = data.get("other")
        return cls(
            kind=data["kind"],
            vessel=Vessel(**data["vessel"]),
            start=data["start"],
            end=data["end"],
            summary=data["summary"],
            points=tuple(EventPoint(**p) for p in data.get("points", ())),
            evidence=data.get("evidence", {}),
            thresholds=data.get("thresholds", {}),
            other=Vessel(**other) if other else None,
        )


def settings_dict(settings: Any) -> dict[str, Any]:
    """A detector's settings as the JSON an event keeps (tuples as lists), so a saved event reads
    back equal to the one detected."""
    return dict(json.loads(json.dumps(asdict(settings))))


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def vessels_sql() -> str:
    """A temp table of each MMSI's latest name, IMO, call sign and ship type (from its statics)."""
    return """CREATE OR REPLACE TEMP TABLE vessels AS SELECT mmsi,
        arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND trim(name) <> '') AS name,
        arg_max(imo, ts) FILTER (WHERE imo BETWEEN 1000000 AND 9999999) AS imo,
        arg_max(call_sign, ts) FILTER (WHERE call_sign IS NOT NULL AND trim(call_sign) <> '') AS call_sign,
        arg_max(ship_type, ts) FILTER (WHERE ship_type > 0) AS ship_type
        FROM statics GROUP BY mmsi"""


class VesselBook:
    """Vessel identities by MMSI, read once from the `vessels` table of a detection run."""

    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self._by_mmsi = {
            int(row[0]): Vessel(
                int(row[0]),
                int(row[2]) if row[2] else None,
                (row[1] or "").strip(),
                (row[3] or "").strip(),
                int(row[4]) if row[4] is not None else None,
            )
            for row in db.execute("SELECT mmsi, name, imo, call_sign, ship_type FROM vessels").fetchall()
        }

    def __getitem__(self, mmsi: int) -> Vessel:
        return self._by_mmsi.get(mmsi) or Vessel(mmsi)
