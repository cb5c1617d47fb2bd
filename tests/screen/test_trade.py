"""Payments, vessels and shipments screened against the bundled lists and rules."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.support import BUNDLED
from watchkeeper.errors import ListFormatError
from watchkeeper.match.screener import Screener
from watchkeeper.rules.book import RuleBook
from watchkeeper.screen.payments import PaymentScreener
from watchkeeper.screen.shipments import Shipment, ShipmentScreener, read_shipments
from watchkeeper.screen.vessels import VesselQuery, VesselScreener

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments"


@pytest.fixture(scope="module")
def payments(bundled_screener: Screener, bundled_rules: RuleBook) -> PaymentScreener:
    return PaymentScreener(bundled_screener, bundled_rules)


# -- payments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "verdict", "expected"),
    [
        (
            "pacs008-forwarder.xml",
            "hold",
            {
                ("name", "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr/Nm", "ofac-sdn:26244"),
                ("free_text", "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/RmtInf/Ustrd", "ofac-sdn:23730"),
            },
        ),
        (
            "pain001-creditor.xml",
            "hold",
            {("name", "CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/Cdtr/Nm", "ofac-sdn:26243")},
        ),
        (
            "mt103-dprk-bank.txt",
            "hold",
            {
                ("bic", ":56A:", "ofac-sdn:15603"),
                ("embargo", ":56A:", ""),
                ("free_text", ":70:", "ofac-sdn:23730"),
            },
        ),
        ("mt103-person.txt", "hold", {("name", ":50F:", "ofac-sdn:24283")}),
        ("pacs008-clean.xml", "pass", set()),
        ("mt103-clean.txt", "pass", set()),
    ],
)
def test_payment_verdicts_and_where_each_hit_was_found(
    payments: PaymentScreener, fixture: str, verdict: str, expected: set[tuple[str, str, str]]
) -> None:
    result = payments.screen_bytes((FIXTURES / fixture).read_bytes(), fixture)
    assert result.verdict == verdict
    assert {(h.kind, h.field, h.entity_id) for h in result.hits} == expected


def test_an_embargo_hit_cites_its_legal_basis(payments: PaymentScreener) -> None:
    result = payments.screen_bytes((FIXTURES / "mt103-dprk-bank.txt").read_bytes())
    embargo = next(h for h in result.hits if h.kind == "embargo")
    assert embargo.rule["code"] == "KP"
    assert "31 CFR 510" in str(embargo.rule["legal_basis"])
    assert "BIC FTBDKPPY" in embargo.reason


def test_a_broken_message_is_held_with_the_field(payments: PaymentScreener) -> None:
    data = (FIXTURES / "pacs008-forwarder.xml").read_bytes()
    cut = data[: data.index(b"<Cdtr>")]
    result = payments.screen_bytes(cut)
    assert result.verdict == "hold"
    assert result.error.startswith("malformed XML")
    assert result.error_field.startswith("line ")
    missing = payments.screen_bytes(data.replace(b"<MsgId>BKCHCNBJ-20190318-000417</MsgId>", b""))
    assert (missing.verdict, missing.error_field) == ("hold", "FIToFICstmrCdtTrf/GrpHdr/MsgId")


def test_an_address_in_crimea_is_held(payments: PaymentScreener) -> None:
    data = (FIXTURES / "mt103-clean.txt").read_bytes().replace(b"3/FR/LYON", b"3/UA/SEVASTOPOL")
    result = payments.screen_bytes(data)
    assert result.verdict == "hold"
    (hit,) = result.hits
    assert (hit.kind, hit.rule["code"]) == ("embargo", "UA-40")


# -- vessels -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vessels(bundled_screener: Screener, bundled_rules: RuleBook) -> VesselScreener:
    return VesselScreener(bundled_screener, bundled_rules)


def test_a_listed_tanker_by_imo_with_its_owner_and_advisories(vessels: VesselScreener) -> None:
    result = vessels.screen(VesselQuery(imo="IMO 7303803"))
    assert result.verdict == "hold"
    kinds = {(h.kind, h.entity_id) for h in result.hits}
    assert ("vessel", "ofac-sdn:23730") in kinds
    assert ("owner", "un:KPe.062") in kinds  # KOREA ANSAN SHIPPING COMPANY, the vessel's "Linked To"
    advisory = next(h for h in result.hits if h.kind == "advisory")
    assert advisory.rule["sources"] == ["ADV2019", "ADV2018", "OFAC_SDN", "UN1718_LIST"]


def test_a_former_name_from_the_advisory_file(vessels: VesselScreener) -> None:
    result = vessels.screen(VesselQuery(name="AP ROK GANG"))  # former name of AM NOK GANG
    advisory = [h for h in result.hits if h.kind == "advisory"]
    assert [h.matched_name for h in advisory] == ["AM NOK GANG"]


def test_a_vessel_whose_given_owner_is_listed(vessels: VesselScreener) -> None:
    result = vessels.screen(
        VesselQuery(imo="9811000", name="EVER GIVEN", owner="Korea Ansan Shipping Company")
    )
    assert result.verdict == "hold"
    assert {h.field for h in result.hits} == {"owner"}


def test_a_clean_vessel_passes_and_a_bad_imo_is_refused(vessels: VesselScreener) -> None:
    assert vessels.screen(VesselQuery(imo="9811000", name="EVER GIVEN")).verdict == "pass"
    with pytest.raises(ValueError, match=r"imo: .*check digit"):
        vessels.screen(VesselQuery(imo="9811001"))
    with pytest.raises(ValueError, match="give an IMO number"):
        vessels.screen(VesselQuery())


# -- shipments -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipments(bundled_screener: Screener, bundled_rules: RuleBook) -> ShipmentScreener:
    return ShipmentScreener(bundled_screener, bundled_rules)


def _rule_row(category: str, direction: str) -> dict[str, str]:
    with (BUNDLED / "rules" / "dprk" / "banned_goods.csv").open(encoding="utf-8") as handle:
        return next(
            r for r in csv.DictReader(handle) if r["category"] == category and r["direction"] == direction
        )


def test_coal_from_north_korea_after_2371_is_held_citing_it(shipments: ShipmentScreener) -> None:
    coal = _rule_row("coal", "export_from_dprk")
    result = shipments.screen(
        Shipment(date="2018-02-01", country_of_loading="KP", country_of_discharge="VN", hs_codes=("2701.12",))
    )
    goods = [h for h in result.hits if h.kind == "goods"]
    assert [(h.rule["resolution"], h.rule["paragraph"]) for h in goods] == [
        (coal["un_resolution"], coal["paragraph"])
    ]
    assert goods[0].field == "hs_codes 2701.12"
    assert goods[0].rule["uncertain"] is True  # the file marks the paragraph number as uncertain
    assert result.verdict == "hold"


def test_rules_apply_only_while_in_force(shipments: ShipmentScreener) -> None:
    before = shipments.screen(Shipment(date="2016-01-01", country_of_loading="KP", hs_codes=("2701",)))
    assert not [h for h in before.hits if h.kind == "goods"]  # neither the cap (2016-11-30) nor the ban yet
    capped = shipments.screen(Shipment(date="2017-01-01", country_of_loading="KP", hs_codes=("2701",)))
    assert [h.rule["category"] for h in capped.hits if h.kind == "goods"] == ["coal (historical cap)"]


def test_refined_petroleum_bound_for_north_korea_is_held_citing_the_cap(shipments: ShipmentScreener) -> None:
    cap = _rule_row("refined petroleum products", "import_to_dprk")
    result = shipments.screen(
        Shipment(date="2019-06-01", country_of_loading="SG", country_of_discharge="KP", hs_codes=("2710.19",))
    )
    caps = [h for h in result.hits if h.kind == "goods" and h.rule["measure"] == "cap"]
    assert [(h.rule["resolution"], h.rule["paragraph"]) for h in caps] == [
        (cap["un_resolution"], cap["paragraph"])
    ]
    assert "for all UN member states together" in caps[0].reason


def test_the_same_goods_the_other_way_are_not_a_dprk_goods_hit(shipments: ShipmentScreener) -> None:
    result = shipments.screen(
        Shipment(date="2019-06-01", country_of_loading="KP", country_of_discharge="CN", hs_codes=("2710.19",))
    )
    assert not [h for h in result.hits if h.kind == "goods"]  # refined petroleum is capped on the way in


def test_luxury_goods_raise_a_review_by_description(shipments: ShipmentScreener) -> None:
    result = shipments.screen(
        Shipment(
            date="2019-01-01",
            country_of_loading="FR",
            consignee_country="KP",
            goods_description="Luxury watches",
        )
    )
    review = [h for h in result.hits if h.kind == "goods"]
    assert [h.action for h in review] == ["review"]
    assert review[0].rule["category"] == "luxury goods"


def test_red_flags_and_a_named_hot_spot(shipments: ShipmentScreener) -> None:
    result = shipments.screen(
        Shipment(
            date="2019-06-01",
            country_of_loading="RU",
            country_of_discharge="CN",
            hs_codes=("2710",),
            sts_transfer_location="Gulf of Tonkin",
            ais_gap_hours="18",
        )
    )
    assert result.verdict == "review"
    assert [(h.kind, h.rule["red_flag"]) for h in result.hits] == [("red_flag", 4), ("red_flag", 1)]
    assert "named hot spot" in result.hits[0].reason


def test_parties_and_vessel_of_a_shipment(shipments: ShipmentScreener) -> None:
    result = shipments.screen(
        Shipment(
            date="2019-03-10",
            shipper="Liaoning Danxing International Forwarding Co Ltd",
            consignee="Harbour Bunkering Services Pte Ltd",
            vessel_imo="IMO 7303803",
            country_of_loading="CN",
            country_of_discharge="CN",
        )
    )
    assert {(h.kind, h.field, h.entity_id) for h in result.hits if h.entity_id} >= {
        ("name", "shipper", "ofac-sdn:26244"),
        ("vessel", "vessel_imo", "ofac-sdn:23730"),
    }


def test_a_clean_shipment_passes(shipments: ShipmentScreener) -> None:
    result = shipments.screen(
        Shipment(
            date="2024-06-01",
            shipper="Northern Timber Supply Ltd",
            consignee="Kimberley Hardwoods Pty Ltd",
            country_of_loading="CA",
            country_of_discharge="AU",
            hs_codes=("4407.11",),
            goods_description="spruce lumber",
        )
    )
    assert (result.verdict, result.hits) == ("pass", ())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,date,hs_codes\n1,2019-13-01,2701\n", "line 2: date: '2019-13-01' is not a date"),
        ("id,hs_codes\n1,coal\n", "line 2: hs_codes: 'coal' is not an HS code"),
        ("id,country_of_loading\n1,Narnia\n", "line 2: country_of_loading: 'Narnia'"),
        ("id,colour\n1,red\n", "line 2: unknown field(s) colour"),
        ("id,hs_codes\n1,2701,extra\n", "line 2: more fields than the header has"),
    ],
)
def test_bad_shipment_files_name_line_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "shipments.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ListFormatError, match=re.escape(message)):
        read_shipments(path)


def test_shipments_from_json(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[{"id": "a", "hs_codes": ["2701", "2709.00"]}, {"id": "b", "hs_codes": "0306;1605"}]')
    assert [s.hs_codes for s in read_shipments(path)] == [("2701", "2709.00"), ("0306", "1605")]
    path.write_text('{"id": "a", "hs_codes": [')
    with pytest.raises(ListFormatError, match="line 1: not JSON"):
        read_shipments(path)
