"""All rules in force, from the stored rule files: what shipments and payments are checked against."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from watchkeeper.errors import InvalidInput, ListFormatError
from watchkeeper.rules.embargoes import Embargo, parse_embargoes
from watchkeeper.rules.goods import GoodsRule, parse_goods
from watchkeeper.rules.red_flags import RedFlags, parse_red_flags
from watchkeeper.rules.vessels import AdvisoryVessel, parse_advisory_vessels
from watchkeeper.rules.zones import WatchedZone, parse_zones

#: Rule kinds, and the file each is read from.
RULE_KINDS: dict[str, str] = {
    "dprk-goods": "banned goods by HS code with UN resolution and paragraph (banned_goods.csv)",
    "dprk-vessels": "vessels named in advisories and designations, by IMO (advisory_vessels.csv)",
    "dprk-red-flags": "shipping red flags and STS hot spots (red_flags.md)",
    "embargoes": "comprehensively embargoed countries and regions (comprehensive.csv)",
    "watched-zones": "watched sea areas: DPRK waters and ports, STS hot spots (watched_zones.geojson)",
}


@dataclass(frozen=True)
class RuleFile:
    """One version of one kind of rule file, as stored."""

    kind: str
    seq: int
    name: str
    sha256: str
    loaded_at: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.kind}@{self.seq} ({self.name})"


def parse_rule_file(kind: str, text: str, path: str) -> object:
    """Parse a rule file of a kind completely; ListFormatError names the line at fault."""
    if kind == "dprk-goods":
        return parse_goods(text, path)
    if kind == "dprk-vessels":
        return parse_advisory_vessels(text, path)
    if kind == "dprk-red-flags":
        return parse_red_flags(text, path)
    if kind == "embargoes":
        return parse_embargoes(text, path)
    if kind == "watched-zones":
        return parse_zones(text, path)
    raise InvalidInput(f"unknown rule kind {kind!r}; one of {', '.join(RULE_KINDS)}")


def read_rule_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ListFormatError(str(path), f"byte {exc.start}", "not UTF-8 text") from None
    except OSError as exc:
        raise ListFormatError(str(path), "", f"cannot read: {exc.strerror}") from None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RuleBook:
    goods: tuple[GoodsRule, ...] = ()
    vessels: tuple[AdvisoryVessel, ...] = ()
    red_flags: RedFlags | None = None
    embargoes: tuple[Embargo, ...] = ()
    zones: tuple[WatchedZone, ...] = ()
    versions: tuple[str, ...] = field(default=())

    @classmethod
    def from_files(cls, files: dict[str, RuleFile]) -> RuleBook:
        parsed = {kind: parse_rule_file(kind, f.text, f.name) for kind, f in files.items()}
        goods = parsed.get("dprk-goods", ())
        vessels = parsed.get("dprk-vessels", ())
        embargoes = parsed.get("embargoes", ())
        flags = parsed.get("dprk-red-flags")
        zones = parsed.get("watched-zones", ())
        assert isinstance(zones, tuple)
        assert isinstance(goods, tuple)
        assert isinstance(vessels, tuple)
        assert isinstance(embargoes, tuple)
        assert flags is None or isinstance(flags, RedFlags)
        return cls(
            goods=goods,
            vessels=vessels,
            red_flags=flags,
            embargoes=embargoes,
            zones=zones,
            versions=tuple(sorted(f.label for f in files.values())),
        )

    def vessel_by_imo(self, imo: str) -> AdvisoryVessel | None:
        return next((v for v in self.vessels if v.imo == imo), None)
