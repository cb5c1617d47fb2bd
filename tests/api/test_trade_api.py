"""POST /payments/screen, /vessels/screen, /shipments/screen and GET /rules on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.backend import store_at
from tests.live_server import Keys, LiveServer, copy_home, make_keys
from tests.support import BUNDLED
from watchkeeper.jobs import load_bundled_rules
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.rules import RuleStore
from watchkeeper.store.users import UserStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments"


@pytest.fixture(scope="module")
def trade_server(
    loaded_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Keys]]:
    home = copy_home(loaded_home, tmp_path_factory.mktemp("trade") / "home")
    rules = RuleStore(store_at(home))
    try:
        load_bundled_rules(rules, BUNDLED)
    finally:
        rules.close()
    with LiveServer(home) as live:
        yield live, make_keys(home)


def test_payments_over_http(trade_server: tuple[LiveServer, Keys]) -> None:
    live, keys = trade_server
    with live.client(keys.read) as client:
        held = client.post(
            "/payments/screen",
            content=(FIXTURES / "pacs008-forwarder.xml").read_bytes(),
            headers={"content-type": "application/xml"},
        )
        clean = client.post(
            "/payments/screen",
            content=(FIXTURES / "mt103-clean.txt").read_bytes(),
            headers={"content-type": "text/plain"},
        )
        broken = client.post(
            "/payments/screen",
            content=(FIXTURES / "mt103-clean.txt").read_bytes().replace(b":59F:", b":58F:"),
            headers={"content-type": "text/plain"},
        )
    assert held.status_code == 200
    body = held.json()
    assert (body["verdict"], body["kind"]) == ("hold", "pacs.008")
    assert {(h["kind"], h["field"]) for h in body["hits"]} == {
        ("name", "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr/Nm"),
        ("free_text", "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/RmtInf/Ustrd"),
    }
    assert clean.json()["verdict"] == "pass"
    assert broken.status_code == 422
    assert broken.json()["verdict"] == "hold"
    assert broken.json()["error_field"] == ":59a:"
    assert "the payment is held" in broken.json()["detail"]


def test_a_payment_naming_a_party_through_an_xml_entity_is_held_over_http(
    trade_server: tuple[LiveServer, Keys],
) -> None:
    """The message of issue #11: the debtor's name is an entity of the message's own DTD."""
    live, keys = trade_server
    data = (FIXTURES / "pacs008-clean.xml").read_bytes()
    data = data.replace(
        b"<Document",
        b'<!DOCTYPE x [<!ENTITY n "DALIAN HAIBO INTERNATIONAL FREIGHT CO LTD">]>\n<Document',
        1,
    ).replace(b"<Nm>Northern Timber Supply Ltd</Nm>", b"<Nm>&n;</Nm>", 1)
    with live.client(keys.read) as client:
        held = client.post("/payments/screen", content=data, headers={"content-type": "application/xml"})
    assert held.status_code == 422
    body = held.json()
    assert body["verdict"] == "hold"
    assert body["error_field"] == "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr/Nm"
    assert "entity reference &n;" in body["detail"]


def test_vessels_over_http(trade_server: tuple[LiveServer, Keys]) -> None:
    live, keys = trade_server
    with live.client(keys.read) as client:
        tanker = client.post("/vessels/screen", json={"imo": "IMO 9114555"})
        bad = client.post("/vessels/screen", json={"imo": "IMO 9114556"})
        empty = client.post("/vessels/screen", json={})
    assert tanker.status_code == 200
    assert tanker.json()["verdict"] == "hold"
    assert "ofac-sdn:23525" in {h["entity_id"] for h in tanker.json()["hits"]}  # UL JI BONG 6
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("imo: ")
    assert empty.status_code == 400


def test_shipments_over_http(trade_server: tuple[LiveServer, Keys]) -> None:
    live, keys = trade_server
    shipments = [
        {"id": "coal", "date": "2018-02-01", "country_of_loading": "KP", "hs_codes": ["2701.12"]},
        {
            "id": "timber",
            "date": "2024-06-01",
            "country_of_loading": "CA",
            "country_of_discharge": "AU",
            "hs_codes": ["4407"],
        },
    ]
    with live.client(keys.read) as client:
        answer = client.post("/shipments/screen", json=shipments)
        unknown = client.post("/shipments/screen", json=[{"id": "x", "colour": "red"}])
        bad_hs = client.post("/shipments/screen", json=[{"id": "x", "hs_codes": ["coal"]}])
        rules = client.get("/rules")
    assert answer.status_code == 200
    coal, timber = answer.json()
    assert coal["verdict"] == "hold"
    goods = [h for h in coal["hits"] if h["kind"] == "goods"]
    assert goods[0]["rule"]["resolution"] == "2371"
    assert timber == {"id": "timber", "verdict": "pass", "hits": [], "run": None}
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["detail"]
    assert bad_hs.status_code == 400
    assert bad_hs.json()["detail"] == "[0].hs_codes: 'coal' is not an HS code (2 to 10 digits)"
    assert {r["kind"] for r in rules.json()} == {
        "dprk-goods",
        "dprk-vessels",
        "dprk-red-flags",
        "embargoes",
        "watched-zones",
    }


def test_recorded_payments_and_shipments_raise_alerts(trade_server: tuple[LiveServer, Keys]) -> None:
    live, keys = trade_server
    with live.client(keys.read) as client:
        payment = client.post(
            "/payments/screen",
            params={"record": "true"},
            content=(FIXTURES / "pacs008-forwarder.xml").read_bytes(),
            headers={"content-type": "application/xml"},
        ).json()
        shipment = client.post(
            "/shipments/screen",
            params={"record": "true"},
            json=[
                {
                    "id": "BL-77",
                    "shipper": "Dalian Haibo International Freight Co Ltd",
                    "country_of_loading": "CN",
                }
            ],
        ).json()
        alerts = client.get("/alerts").json()
    assert payment["run"].startswith("payment-")
    assert shipment[0]["run"].startswith("shipment-")
    # A payment is known by its content (a later message reusing the MsgId is another subject).
    message = "pacs.008:" + payment["sha256"][:24]
    pairs = {(a["customer_id"], a["entity_id"]) for a in alerts}
    assert (message, "ofac-sdn:26244") in pairs  # the debtor
    assert (message, "ofac-sdn:23730") in pairs  # the tanker in the text
    (shipment_id,) = {a["customer_id"] for a in alerts if a["customer_id"].startswith("shipment:")}
    assert (shipment_id, "ofac-sdn:26243") in pairs
    review = ReviewStore(store_at(live.home))
    try:
        assert not [c for c in review.customers() if c.type in ("payment", "shipment")]  # never re-screened
        assert review.customer(message).identifier == "BKCHCNBJ-20190318-000417"  # the MsgId, kept
        assert review.customer(shipment_id).identifier == "BL-77"
    finally:
        review.close()
    # The alert page says in which field of the message the listed name was found.
    users = UserStore(store_at(live.home))
    try:
        users.create("pam", "analyst", "a long enough password")
    finally:
        users.close()
    tanker = next(a for a in alerts if (a["customer_id"], a["entity_id"]) == (message, "ofac-sdn:23730"))
    with httpx.Client(base_url=live.url, follow_redirects=True) as browser:
        browser.post("/ui/login", data={"username": "pam", "password": "a long enough password"})
        page = browser.get(f"/ui/alerts/{tanker['id']}").text
    assert "FIToFICstmrCdtTrf/CdtTrfTxInf[1]/RmtInf/Ustrd" in page
    assert "text names AN SAN 1" in page
