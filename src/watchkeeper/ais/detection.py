"""Running the behaviour detectors over an AIS store, and keeping what they found.

Detection reads the whole store (every loaded day) and replaces the events file whole
(`events.jsonl`, written aside and renamed), so the file always matches one run over one set of
loads: a reader never sees half a run, and a re-run with other thresholds replaces, not adds.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from watchkeeper.ais.anchorages import AnchorageSettings, learn_anchorages
from watchkeeper.ais.detectors.gap import GapSettings, detect_gaps
from watchkeeper.ais.detectors.identity import IdentitySettings, detect_identity
from watchkeeper.ais.detectors.loiter import LoiterSettings, detect_loitering
from watchkeeper.ais.detectors.sts import StsSettings, detect_sts
from watchkeeper.ais.detectors.zone import ZoneSettings, detect_zone_entries
from watchkeeper.ais.events import EVENT_KINDS, VesselBook, VesselEvent, vessels_sql
from watchkeeper.ais.flags import FlagTables
from watchkeeper.ais.geo import PortIndex, read_ports
from watchkeeper.ais.store import AisStore
from watchkeeper.errors import InvalidInput
from watchkeeper.rules.zones import WatchedZone


@dataclass(frozen=True)
class DetectorSettings:
    gap: GapSettings = field(default_factory=GapSettings)
    sts: StsSettings = field(default_factory=StsSettings)
    identity: IdentitySettings = field(default_factory=IdentitySettings)
    zone: ZoneSettings = field(default_factory=ZoneSettings)
    loiter: LoiterSettings = field(default_factory=LoiterSettings)
    anchorage: AnchorageSettings = field(default_factory=AnchorageSettings)


@dataclass(frozen=True)
class ReferenceData:
    """What the detectors compare AIS with: ports, flag tables and watched zones."""

    ports: PortIndex
    flags: FlagTables
    zones: tuple[WatchedZone, ...]

    @classmethod
    def read(cls, ais_data: Path, zones: tuple[WatchedZone, ...]) -> ReferenceData:
        """`ais_data`: the folder with ports.csv, mid.csv and call_signs.csv (`data/ais/`)."""
        return cls(
            PortIndex(read_ports(ais_data / "ports.csv")),
            FlagTables.read(ais_data / "mid.csv", ais_data / "call_signs.csv"),
            zones,
        )


@dataclass
class DetectionRun:
    events: list[VesselEvent]
    seconds: dict[str, float]
    loads: list[str]
    settings: DetectorSettings
    zones: int = 0

    def counts(self) -> dict[str, int]:
        return {kind: sum(e.kind == kind for e in self.events) for kind in EVENT_KINDS}


def detect(
    store: AisStore,
    reference: ReferenceData,
    settings: DetectorSettings | None = None,
    kinds: tuple[str, ...] = tuple(EVENT_KINDS),
    on_kind: Callable[[str], None] | None = None,
) -> DetectionRun:
    settings = settings or DetectorSettings()
    unknown = set(kinds) - set(EVENT_KINDS)
    if unknown:
        raise InvalidInput(
            f"unknown event kind {', '.join(sorted(unknown))}; one of {', '.join(EVENT_KINDS)}"
        )
    db = store.connect()
    seconds: dict[str, float] = {}
    events: list[VesselEvent] = []
    try:
        started = time.perf_counter()
        db.execute(vessels_sql())
        book = VesselBook(db)
        seconds["vessels"] = time.perf_counter() - started
        started = time.perf_counter()
        anchorages = learn_anchorages(db, reference.zones, settings.anchorage)
        seconds["anchorages"] = time.perf_counter() - started
        steps: dict[str, Callable[[], list[VesselEvent]]] = {
            "gap": lambda: detect_gaps(db, book, reference.ports, settings.gap),
            "sts": lambda: detect_sts(db, book, reference.ports, anchorages, settings.sts),
            "identity": lambda: detect_identity(db, book, reference.flags, settings.identity),
            "zone": lambda: detect_zone_entries(db, book, reference.zones, settings.zone),
            "loiter": lambda: detect_loitering(db, book, reference.ports, anchorages, settings.loiter),
        }
        for kind in kinds:
            if on_kind:
                on_kind(kind)
            started = time.perf_counter()
            events += steps[kind]()
            seconds[kind] = time.perf_counter() - started
    finally:
        db.close()
    events.sort(key=lambda e: (e.start, e.kind, e.vessel.mmsi))
    loads = [entry["load"] for entry in store.loads()]
    return DetectionRun(events, seconds, loads, settings, zones=len(reference.zones))


def events_path(store: AisStore) -> Path:
    return store.folder / "events.jsonl"


def save_events(store: AisStore, run: DetectionRun) -> None:
    path = events_path(store)
    aside = path.with_suffix(".jsonl.writing")
    header = {
        "detection": {
            "loads": run.loads,
            "settings": asdict(run.settings),
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    }
    store.folder.mkdir(parents=True, exist_ok=True)
    with aside.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(header, sort_keys=True) + "\n")
        for event in run.events:
            handle.write(json.dumps(event.to_dict(), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)


def read_events(store: AisStore) -> tuple[dict[str, Any], list[VesselEvent]]:
    """The last detection run's header and events; (empty, []) before any run."""
    path = events_path(store)
    if not path.exists():
        return {}, []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])["detection"] if lines else {}
    return header, [VesselEvent.from_dict(json.loads(line)) for line in lines[1:] if line]
