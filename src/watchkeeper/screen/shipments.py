"""Screening a shipment: its parties and vessel, its goods against the sectoral bans and caps,
its ports and countries against embargoes, and the shipping red flags its record shows.

Goods rules apply by HS code prefix, in their direction (exported from or
imported to the sanctioned country, judged from the countries of loading
and discharge and of the parties), and only between their `valid_from` and
`valid_to`. Caps are UN totals for all states together, so any cargo under a
cap bound for the capped country is held, citing the cap. A rule without HS
codes (luxury goods) raises a review flag when the goods description names
its category. Red flags (an STS transfer, AIS switched off) raise a review.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from watchkeeper.errors import InvalidInput, ListFormatError
from watchkeeper.match.countries import country_code
from watchkeeper.match.screener import Screener
from watchkeeper.rules.book import RuleBook
from watchkeeper.rules.goods import GoodsRule, normalize_hs
from watchkeeper.screen.evidence import EmbargoCheck, Hit, name_hits, verdict_of
from watchkeeper.screen.vessels import VesselQuery, VesselScreener

#: Words too general to name a goods category in a description ("and", "other", "products").
_GENERIC = frozenset(
    {"and", "or", "of", "other", "products", "goods", "including", "new", "used", "related", "the"}
)


@dataclass(frozen=True)
class Shipment:
    id: str = ""
    date: str = ""
    shipper: str = ""
    shipper_country: str = ""
    shipper_address: str = ""
    consignee: str = ""
    consignee_country: str = ""
    consignee_address: str = ""
    notify_party: str = ""
    notify_party_country: str = ""
    vessel_imo: str = ""
    vessel_name: str = ""
    port_of_loading: str = ""
    country_of_loading: str = ""
    port_of_discharge: str = ""
    country_of_discharge: str = ""
    hs_codes: tuple[str, ...] = ()
    goods_description: str = ""
    quantity: str = ""
    unit: str = ""
    sts_transfer_location: str = ""
    ais_gap_hours: str = ""

    @classmethod
    def from_mapping(cls, data: dict[str, object], where: str = "") -> Shipment:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(
                f"{where}unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        values: dict[str, object] = {}
        for key, value in data.items():
            if key == "hs_codes":
                items = value if isinstance(value, list) else re.split(r"[;,\s]+", str(value or ""))
                values[key] = tuple(str(v).strip() for v in items if str(v).strip())
            elif value is None:
                values[key] = ""
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                values[key] = str(value).strip()
            else:
                raise InvalidInput(f"{where}{key}: a text value expected")
        shipment = cls(**values)  # type: ignore[arg-type]
        shipment.check(where)
        return shipment

    def check(self, where: str = "") -> None:
        if self.date:
            try:
                dt.date.fromisoformat(self.date)
            except ValueError:
                raise InvalidInput(f"{where}date: {self.date!r} is not a date (YYYY-MM-DD)") from None
        for code in self.hs_codes:
            digits = normalize_hs(code)
            if len(digits) < 2 or len(digits) > 10 or not re.fullmatch(r"[\d.\s]+", code):
                raise InvalidInput(f"{where}hs_codes: {code!r} is not an HS code (2 to 10 digits)")
        for name in (
            "shipper_country",
            "consignee_country",
            "notify_party_country",
            "country_of_loading",
            "country_of_discharge",
        ):
            value = getattr(self, name)
            if value and country_code(value) is None:
                raise InvalidInput(f"{where}{name}: {value!r} is not a country name or ISO code")
        if self.ais_gap_hours:
            try:
                float(self.ais_gap_hours)
            except ValueError:
                raise InvalidInput(f"{where}ais_gap_hours: {self.ais_gap_hours!r} is not a number") from None

    @property
    def on(self) -> dt.date:
        return dt.date.fromisoformat(self.date) if self.date else dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class ShipmentVerdict:
    shipment: Shipment
    verdict: str  # pass | review | hold
    hits: tuple[Hit, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {"id": self.shipment.id, "verdict": self.verdict, "hits": [h.to_dict() for h in self.hits]}


def read_shipments(path: Path) -> list[Shipment]:
    """Shipments from a CSV file (one per row; `hs_codes` separated by `;`) or JSON (one or a list)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(str(path), f"byte {exc.start}", "not UTF-8 text") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ListFormatError(str(path), f"line {exc.lineno}", f"not JSON: {exc.msg}") from None
        items = data if isinstance(data, list) else [data]
        out = []
        for number, item in enumerate(items, 1):
            if not isinstance(item, dict):
                raise ListFormatError(str(path), f"shipment {number}", "each shipment is a JSON object")
            try:
                out.append(Shipment.from_mapping(item))
            except ValueError as exc:
                raise ListFormatError(str(path), f"shipment {number}", str(exc)) from None
        return out
    reader = csv.DictReader(io.StringIO(text))
    out = []
    for record in reader:
        line = reader.line_num
        if None in record:
            raise ListFormatError(str(path), f"line {line}", "more fields than the header has")
        try:
            out.append(Shipment.from_mapping({k: v for k, v in record.items() if v not in (None, "")}))
        except ValueError as exc:
            raise ListFormatError(str(path), f"line {line}", str(exc)) from None
    return out


class ShipmentScreener:
    def __init__(self, screener: Screener, rules: RuleBook, threshold: float | None = None) -> None:
        self.screener = screener
        self.rules = rules
        self.threshold = threshold
        self.vessels = VesselScreener(screener, rules, threshold)
        self.embargoes = EmbargoCheck(rules.embargoes)

    def screen(self, shipment: Shipment) -> ShipmentVerdict:
        on = shipment.on
        hits: list[Hit] = []
        for role in ("shipper", "consignee", "notify_party"):
            name = getattr(shipment, role)
            country = getattr(shipment, f"{role}_country")
            hits += name_hits(
                self.screener,
                name,
                role,
                schema="LegalEntity",
                country=country,
                threshold=self.threshold,
                what=role,
            )
            hits += self.embargoes.country_hits(country, f"{role}_country", on, role.replace("_", " "))
            address = getattr(shipment, f"{role}_address", "")
            if address:
                hits += self.embargoes.text_hits(address, f"{role}_address", on)
        for column in ("country_of_loading", "country_of_discharge"):
            hits += self.embargoes.country_hits(
                getattr(shipment, column), column, on, column.replace("_", " ")
            )
        for column in ("port_of_loading", "port_of_discharge"):
            if getattr(shipment, column):
                hits += self.embargoes.text_hits(getattr(shipment, column), column, on)
        if shipment.vessel_imo or shipment.vessel_name:
            verdict = self.vessels.screen(
                VesselQuery(imo=shipment.vessel_imo, name=shipment.vessel_name), prefix="vessel_"
            )
            hits += verdict.hits
        hits += self._goods(shipment, on)
        hits += self._red_flags(shipment)
        return ShipmentVerdict(shipment, verdict_of(hits), tuple(hits))

    def _flows(self, shipment: Shipment) -> set[tuple[str, str]]:
        """(export, KP) when the goods leave a country, (import, KP) when they go to one."""
        flows = set()
        for column in ("country_of_loading", "shipper_country"):
            code = country_code(getattr(shipment, column)) if getattr(shipment, column) else None
            if code:
                flows.add(("export", code))
        for column in ("country_of_discharge", "consignee_country", "notify_party_country"):
            code = country_code(getattr(shipment, column)) if getattr(shipment, column) else None
            if code:
                flows.add(("import", code))
        return flows

    def _goods(self, shipment: Shipment, on: dt.date) -> list[Hit]:
        flows = self._flows(shipment)
        hits = []
        description = set(re.findall(r"[a-z]+", shipment.goods_description.lower()))
        for rule in self.rules.goods:
            if not rule.in_force(on) or (rule.flow, rule.country) not in flows:
                continue
            for code in shipment.hs_codes:
                prefix = rule.matching_prefix(code)
                if prefix is not None:
                    hits.append(
                        _goods_hit(rule, f"hs_codes {code}", f"HS {code} is {rule.category} (HS {prefix})")
                    )
            if not rule.hs_prefixes and _names_category(rule, description):
                hits.append(
                    _goods_hit(
                        rule,
                        "goods_description",
                        f"the goods description names {rule.category}, which has no HS list",
                        action="review",
                    )
                )
        return hits

    def _red_flags(self, shipment: Shipment) -> list[Hit]:
        flags = self.rules.red_flags
        if flags is None:
            return []
        hits = []
        if shipment.sts_transfer_location:
            flag = flags.flag("Ship-to-ship")
            spots = [
                spot
                for spot in flags.hot_spots
                if any(p.lower() in shipment.sts_transfer_location.lower() for p in spot.place_names())
            ]
            where = (
                f"; {shipment.sts_transfer_location} is a named hot spot ({spots[0].name})" if spots else ""
            )
            hits.append(_flag_hit(flag.number, flag.title, flag.sources, "sts_transfer_location", where))
        if shipment.ais_gap_hours and float(shipment.ais_gap_hours) > 0:
            flag = flags.flag("AIS")
            hits.append(
                _flag_hit(
                    flag.number,
                    flag.title,
                    flag.sources,
                    "ais_gap_hours",
                    f"; AIS off for {shipment.ais_gap_hours} h",
                )
            )
        return hits


def _names_category(rule: GoodsRule, words: set[str]) -> bool:
    category = [w for w in re.findall(r"[a-z]+", rule.category.lower()) if w not in _GENERIC]
    return bool(category) and any(w in words for w in category)


def _goods_hit(rule: GoodsRule, where: str, what: str, action: str = "hold") -> Hit:
    measure = (
        f"capped at {rule.cap_quantity} {rule.cap_unit} for all UN member states together"
        if rule.measure == "cap"
        else "banned"
    )
    direction = f"{'exports from' if rule.flow == 'export' else 'supply to'} {rule.country}"
    caveat = (
        " (the compiler marks this rule's HS mapping or paragraph as uncertain)" if rule.uncertain else ""
    )
    return Hit(
        kind="goods",
        field=where,
        action=action,
        reason=f"{what}: {direction} {measure} by {rule.citation()}{caveat}",
        rule=rule.to_dict(),
    )


def _flag_hit(number: int, title: str, sources: tuple[str, ...], where: str, detail: str) -> Hit:
    return Hit(
        kind="red_flag",
        field=where,
        action="review",
        reason=f"red flag {number}: {title}{detail}",
        rule={"red_flag": number, "title": title, "sources": list(sources)},
    )
