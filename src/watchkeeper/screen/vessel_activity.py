"""What vessels did, read from AIS, and who they are on the lists: one service for the command
line, the API and the UI.

It loads AIS files into the store under `$WATCHKEEPER_HOME/ais`, runs the detectors (after every
load, so the events always cover what is loaded), and answers for a vessel by IMO number or MMSI:
its track, its events, and each event with the screening of every vessel in it (listed vessel,
listed owner, DPRK advisory), so an analyst sees "dark for 9 h, then alongside a listed tanker"
in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from watchkeeper.ais.detection import (
    DetectionRun,
    DetectorSettings,
    ReferenceData,
    detect,
    read_events,
    save_events,
)
from watchkeeper.ais.events import EVENT_KINDS, Vessel, VesselEvent
from watchkeeper.ais.records import LoadReport
from watchkeeper.ais.store import AisStore
from watchkeeper.errors import InvalidInput, WatchkeeperError
from watchkeeper.rules.vessels import imo_check_digit_ok
from watchkeeper.screen.vessels import VesselQuery, VesselScreener, VesselVerdict
from watchkeeper.settings import Settings, open_stores

#: How much a behaviour counts towards a vessel's risk, beside its listing (which outranks all).
BEHAVIOUR_WEIGHT = {"sts": 3, "gap": 2, "identity": 2, "zone": 3, "loiter": 1}


@dataclass(frozen=True)
class VesselKey:
    """A vessel as an analyst names it: an IMO number (seven digits) or an MMSI (nine)."""

    imo: int | None = None
    mmsi: int | None = None

    @classmethod
    def parse(cls, text: str) -> VesselKey:
        digits = text.strip().upper().removeprefix("IMO").strip()
        if digits.isdigit() and len(digits) == 7:
            return cls(imo=int(digits))
        if digits.isdigit() and len(digits) == 9:
            return cls(mmsi=int(digits))
        raise InvalidInput(f"vessel {text!r}: an IMO number (7 digits) or an MMSI (9 digits) expected")


@dataclass(frozen=True)
class FileOutcome:
    path: str
    report: LoadReport | None
    error: str = ""


@dataclass
class ScreenedEvent:
    event: VesselEvent
    screening: dict[int, VesselVerdict] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = self.event.to_dict()
        out["screening"] = {str(mmsi): verdict.to_dict() for mmsi, verdict in self.screening.items()}
        out["verdict"] = _worst(v.verdict for v in self.screening.values())
        return out


def _worst(verdicts: Iterable[str]) -> str:
    order = {"hold": 2, "review": 1, "pass": 0}
    return max(verdicts, key=lambda v: order.get(v, 0), default="not screened")


class VesselActivity:
    def __init__(self, folder: Path, reference: Callable[[], ReferenceData]) -> None:
        self.store = AisStore(folder)
        self._reference = reference

    # -- loading and detection --------------------------------------------------------------------

    def load(
        self,
        paths: list[Path],
        undated_at: datetime | None = None,
        on_file: Callable[[Path], None] | None = None,
    ) -> list[FileOutcome]:
        """Each file all or nothing; a file that cannot be read is reported and the others load."""
        outcomes = []
        for path in paths:
            if on_file:
                on_file(path)
            try:
                outcomes.append(FileOutcome(str(path), self.store.load(path, undated_at=undated_at)))
            except WatchkeeperError as exc:
                outcomes.append(FileOutcome(str(path), None, str(exc)))
        return outcomes

    def detect(
        self, settings: DetectorSettings | None = None, on_kind: Callable[[str], None] | None = None
    ) -> DetectionRun:
        run = detect(self.store, self._reference(), settings, on_kind=on_kind)
        save_events(self.store, run)
        return run

    # -- reading ----------------------------------------------------------------------------------

    def last_detection(self) -> dict[str, Any]:
        return read_events(self.store)[0]

    def events(
        self, kind: str | None = None, vessel: VesselKey | None = None, since: date | None = None
    ) -> list[VesselEvent]:
        if kind is not None and kind not in EVENT_KINDS:
            raise InvalidInput(f"--kind {kind!r}: one of {', '.join(EVENT_KINDS)}")
        chosen = []
        for event in read_events(self.store)[1]:
            if kind and event.kind != kind:
                continue
            if vessel and not event.involves(vessel.mmsi, vessel.imo):
                continue
            if since and event.end[:10] < since.isoformat():
                continue
            chosen.append(event)
        return chosen

    def events_of(self, query: VesselQuery) -> list[VesselEvent]:
        """The events of the vessel a screening query names by IMO number or MMSI (none for a name
        alone: names are not identities in AIS)."""
        keys = []
        if query.imo.strip():
            keys.append(VesselKey.parse(query.imo))
        if query.mmsi.strip():
            keys.append(VesselKey.parse(query.mmsi))
        if not keys or not self.store.manifest.exists():
            return []
        return [e for e in read_events(self.store)[1] if any(e.involves(k.mmsi, k.imo) for k in keys)]

    def mmsis_of(self, vessel: VesselKey) -> list[int]:
        if vessel.mmsi is not None:
            return [vessel.mmsi]
        db = self.store.connect()
        try:
            rows = db.execute(
                "SELECT DISTINCT mmsi FROM statics WHERE imo = ? ORDER BY mmsi", [vessel.imo]
            ).fetchall()
        finally:
            db.close()
        return [int(r[0]) for r in rows]

    def track(self, vessel: VesselKey, since: date | None = None) -> list[dict[str, Any]]:
        """Every kept position of the vessel (all its MMSIs, for an IMO number), oldest first."""
        mmsis = self.mmsis_of(vessel)
        if not mmsis:
            return []
        db = self.store.connect()
        try:
            rows = db.execute(
                "SELECT mmsi, ts, lat, lon, sog, cog, status FROM positions "
                "WHERE mmsi IN (SELECT unnest(?)) AND ts >= ? ORDER BY ts, mmsi",
                [mmsis, datetime.combine(since or date(1970, 1, 1), datetime.min.time())],
            ).fetchall()
        finally:
            db.close()
        return [
            {
                "mmsi": int(m),
                "at": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "lat": lat,
                "lon": lon,
                "sog": sog,
                "cog": cog,
                "status": status,
            }
            for m, t, lat, lon, sog, cog, status in rows
        ]

    # -- screening --------------------------------------------------------------------------------

    def screened(self, events: list[VesselEvent], screener: VesselScreener | None) -> list[ScreenedEvent]:
        """Each event with the screening of every vessel in it (each vessel screened once)."""
        verdicts: dict[int, VesselVerdict] = {}
        out = []
        for event in events:
            item = ScreenedEvent(event)
            for vessel in (event.vessel, *([event.other] if event.other else [])):
                if screener is None:
                    continue
                if vessel.mmsi not in verdicts:
                    verdicts[vessel.mmsi] = screen_vessel(screener, vessel)
                item.screening[vessel.mmsi] = verdicts[vessel.mmsi]
            out.append(item)
        return out

    def risk_summary(
        self, screener: VesselScreener | None, since: date | None = None
    ) -> list[dict[str, Any]]:
        """Vessels with events, riskiest first: listed (hold) before review before pass, then by the
        weighted count of their behaviour."""
        per_vessel: dict[int, dict[str, Any]] = {}
        for item in self.screened(self.events(since=since), screener):
            for vessel in (item.event.vessel, *([item.event.other] if item.event.other else [])):
                entry = per_vessel.setdefault(
                    vessel.mmsi,
                    {
                        "vessel": vessel.__dict__,
                        "events": {},
                        "behaviour_score": 0,
                        "verdict": item.screening[vessel.mmsi].verdict
                        if vessel.mmsi in item.screening
                        else "not screened",
                        "hits": [h.reason for h in item.screening[vessel.mmsi].hits]
                        if vessel.mmsi in item.screening
                        else [],
                    },
                )
                entry["events"][item.event.kind] = entry["events"].get(item.event.kind, 0) + 1
                entry["behaviour_score"] += BEHAVIOUR_WEIGHT[item.event.kind]
        order = {"hold": 0, "review": 1, "pass": 2, "not screened": 3}
        return sorted(
            per_vessel.values(),
            key=lambda e: (order[e["verdict"]], -e["behaviour_score"], e["vessel"]["mmsi"]),
        )


def screen_vessel(screener: VesselScreener, vessel: Vessel) -> VesselVerdict:
    """A vessel as AIS names it. An IMO number whose check digit is wrong is not screened as an IMO
    number (that is an `identity` event of its own); its name, MMSI and call sign still are."""
    imo = f"{vessel.imo:07d}" if vessel.imo and imo_check_digit_ok(f"{vessel.imo:07d}") else ""
    query = VesselQuery(imo=imo, name=vessel.name, mmsi=f"{vessel.mmsi:09d}", call_sign=vessel.call_sign)
    return screener.screen(query)


def activity_for(settings: Settings, data_dir: Path) -> VesselActivity:
    """The AIS store under the settings' home, compared with the bundled ports and flag tables
    (`data_dir/ais`) and the watched zones in force in the rule store."""

    def reference() -> ReferenceData:
        with open_stores(settings) as stores:
            zones = stores.rules.book().zones
        return ReferenceData.read(data_dir / "ais", zones)

    return VesselActivity(settings.ais, reference)
