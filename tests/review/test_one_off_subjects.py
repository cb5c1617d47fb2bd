"""Payments and shipments recorded as runs are known by their content, not by the sender's reference."""

from __future__ import annotations

from pathlib import Path

from tests.backend import store_at
from watchkeeper.match.screener import Screener
from watchkeeper.review.jobs import payment_subject, record_hits, shipment_subject
from watchkeeper.rules.book import RuleBook
from watchkeeper.screen.payments import PaymentScreener
from watchkeeper.screen.shipments import Shipment, ShipmentScreener
from watchkeeper.store.review import ReviewStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments"
FORWARDER = "ofac-sdn:26244"


def _record(review: ReviewStore, screener: Screener, kind: str, subject: object) -> list[int]:
    _, outcome = record_hits(
        review,
        kind=kind,
        subjects=[subject],  # type: ignore[list-item]
        entities={e.id: e for e in screener.index.entities},
        versions=[],
        threshold=0.8,
        actor="ops",
    )
    return outcome.raised


def test_a_later_payment_reusing_a_msgid_gets_alerts_of_its_own(
    bundled_screener: Screener, bundled_rules: RuleBook, tmp_path: Path
) -> None:
    payments = PaymentScreener(bundled_screener, bundled_rules)
    review = ReviewStore(store_at(tmp_path, "store.sqlite"))
    try:
        first_message = (FIXTURES / "pacs008-forwarder.xml").read_bytes()
        first = payment_subject(payments.screen_bytes(first_message))
        assert first is not None
        (raised,) = [
            a
            for a in _record(review, bundled_screener, "payment", first)
            if review.alert(a).entity_id == FORWARDER
        ]
        review.decide(raised, "false_positive", "a namesake, checked with the bank", "ann")
        # Another payment, another amount, the same MsgId.
        second_message = first_message.replace(b'Ccy="USD">', b'Ccy="USD">9', 1)
        assert second_message != first_message
        second = payment_subject(payments.screen_bytes(second_message))
        assert second is not None
        assert second.reference == first.reference
        assert second.id != first.id
        again = [
            a
            for a in _record(review, bundled_screener, "payment", second)
            if review.alert(a).entity_id == FORWARDER
        ]
        assert again, "the new payment is in the review queue, not suppressed by the old decision"
        assert review.alert(again[0]).state == "open"
        assert review.customer(second.id).identifier == first.reference  # the MsgId is kept
        # The very same message again is the same subject.
        assert payment_subject(payments.screen_bytes(first_message)) == first
    finally:
        review.close()


def test_shipments_without_an_id_are_not_merged(bundled_screener: Screener, bundled_rules: RuleBook) -> None:
    checker = ShipmentScreener(bundled_screener, bundled_rules)
    one = shipment_subject(checker.screen(Shipment(shipper="DALIAN HAIBO INTERNATIONAL FREIGHT CO LTD")))
    other = shipment_subject(
        checker.screen(Shipment(shipper="LIAONING DANXING INTERNATIONAL FORWARDING CO LTD"))
    )
    assert one.id != other.id
    assert (
        one.id
        == shipment_subject(checker.screen(Shipment(shipper="DALIAN HAIBO INTERNATIONAL FREIGHT CO LTD"))).id
    )
