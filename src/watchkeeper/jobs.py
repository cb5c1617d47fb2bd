"""The main job: load the lists bundled with Watchkeeper, then report on the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from watchkeeper.errors import AlreadyImported, ImportRejected
from watchkeeper.model import ListVersion
from watchkeeper.sources import parse_list
from watchkeeper.store.base import ImportResult, ListStore
from watchkeeper.store.rules import RuleStore

#: Rule files shipped in `data/rules/` (UN and US rules as data), loaded by `make run`.
BUNDLED_RULES = (
    ("dprk-goods", "rules/dprk/banned_goods.csv"),
    ("dprk-vessels", "rules/dprk/advisory_vessels.csv"),
    ("dprk-red-flags", "rules/dprk/red_flags.md"),
    ("embargoes", "rules/embargoes/comprehensive.csv"),
    ("watched-zones", "rules/zones/watched_zones.geojson"),
)
#: The sample customer file `make run` screens: invented parties with real listed ones hidden in it.
SAMPLE_CUSTOMERS = "samples/customers.csv"
#: Lists shipped in `data/` (public domain), loaded by `make run`.
BUNDLED = (
    "ofac/sdn-2021-07-07",
    "ofac/consolidated-2025-12-19",
    "un/consolidated-2026-02-27.xml.gz",
)


def bundled_data_dir() -> Path:
    """`data/` of the checkout (the package is installed in place from it)."""
    for candidate in (Path.cwd() / "data", Path(__file__).resolve().parents[2] / "data"):
        if (candidate / "ofac").is_dir():
            return candidate
    raise FileNotFoundError("bundled data/ folder not found; run from the Watchkeeper checkout")


@dataclass(frozen=True)
class LoadOutcome:
    path: str
    status: str  # imported | already-loaded | skipped
    detail: str
    result: ImportResult | None = None


def load_bundled(store: ListStore, data_dir: Path) -> list[LoadOutcome]:
    """Import each bundled list unless the store already holds it (or something newer)."""
    outcomes = []
    for relative in BUNDLED:
        path = data_dir / relative
        snapshot = parse_list(path)
        try:
            result = store.import_snapshot(snapshot)
        except AlreadyImported as exc:
            outcomes.append(LoadOutcome(str(path), "already-loaded", str(exc)))
            continue
        except ImportRejected as exc:  # e.g. the store holds a newer version
            outcomes.append(LoadOutcome(str(path), "skipped", str(exc)))
            continue
        outcomes.append(LoadOutcome(str(path), "imported", result.version.label, result))
    return outcomes


def load_bundled_rules(rules: RuleStore, data_dir: Path) -> list[LoadOutcome]:
    """Store each bundled rule file unless the store already holds that very file."""
    outcomes = []
    for kind, relative in BUNDLED_RULES:
        path = data_dir / relative
        try:
            loaded = rules.import_file(kind, path)
        except AlreadyImported as exc:
            outcomes.append(LoadOutcome(str(path), "already-loaded", str(exc)))
            continue
        outcomes.append(LoadOutcome(str(path), "imported", loaded.label))
    return outcomes


@dataclass(frozen=True)
class SourceSummary:
    source: str
    versions: int
    latest: ListVersion
    counts: dict[str, int]
    age_days: int
    stale: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "versions": self.versions,
            "latest": self.latest.to_dict(),
            "listed_by_schema": self.counts,
            "age_days": self.age_days,
            "stale": self.stale,
        }


def summarise(store: ListStore, max_age_days: int, today: date | None = None) -> list[SourceSummary]:
    today = today or datetime.now(UTC).date()
    out = []
    for source in store.sources():
        versions = store.versions(source)
        latest = versions[-1]
        age = (today - latest.published).days
        out.append(
            SourceSummary(
                source=source,
                versions=len(versions),
                latest=latest,
                counts=store.counts_by_schema(source),
                age_days=age,
                stale=age > max_age_days,
            )
        )
    return out
