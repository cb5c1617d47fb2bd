"""Alerts and decisions over real list versions; the audit chain under tampering; delta = full."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.support import shared
from watchkeeper.review.jobs import rescreen
from watchkeeper.review.rescreen import CustomerIndex, delta_rescreen, full_rescreen
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.review_records import Customer, finding

FEB = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
MAR = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[SqliteStore, ReviewStore]]:
    lists = SqliteStore(store_at(tmp_path))
    review = ReviewStore(store_at(tmp_path))
    yield lists, review
    review.close()
    lists.close()


def _screen_and_record(
    lists: SqliteStore, review: ReviewStore, customers: list[Customer], run_id: str, home: Path
) -> None:
    from watchkeeper.screen.loader import screener_from_store  # noqa: PLC0415

    screener, versions = screener_from_store(lists, cache=home / "index")
    review.start_run(
        run_id, kind="batch", actor="alice", lists=[v.to_dict() for v in versions], matcher="m", threshold=0.8
    )
    review.save_customers(customers, run_id)
    review.record(run_id, "alice", [finding(c.id, m) for c in customers for m in screener.screen(c.query())])
    review.finish_run(run_id, "alice", rows=len(customers), alerts=0)


def test_false_positive_is_suppressed_until_the_entity_changes(
    stores: tuple[SqliteStore, ReviewStore], tmp_path: Path
) -> None:
    lists, review = stores
    lists.import_snapshot(parse_list(shared(FEB)))
    march = parse_list(shared(MAR))
    old = {e.id: e for e in lists.entities("ofac-sdn")}
    amended = next(
        e
        for e in march.entities
        if e.id in old and old[e.id].content_hash() != e.content_hash() and e.schema == "Person"
    )
    customer = Customer("C-77", old[amended.id].caption, "person")
    _screen_and_record(lists, review, [customer], "run-1", tmp_path)
    (alert,) = [a for a in review.alerts() if a.entity_id == amended.id]
    with pytest.raises(ValueError, match="needs a reason"):
        review.decide(alert.id, "false_positive", "  ", "alice")
    decided = review.decide(alert.id, "false_positive", "different date of birth on the passport", "alice")
    assert decided.state == "false_positive"

    _screen_and_record(lists, review, [customer], "run-2", tmp_path)  # same listing: suppressed
    assert review.alert(alert.id).state == "false_positive"

    lists.import_snapshot(march)  # the entity is amended
    report = rescreen(lists, review, home=tmp_path, actor="system")
    reopened = dict(report.outcome.reopened)
    assert alert.id in reopened
    assert review.alert(alert.id).state == "open"
    changed_fields = {c.field for c in reopened[alert.id]}
    assert changed_fields, "the reopened alert says what changed"
    entries = AuditLog(review.db).entries()
    reopen = next(e for e in entries if e.action == "alert.reopen")
    assert reopen.subject == f"alert:{alert.id}"


def test_four_eyes_needs_a_second_user(tmp_path: Path) -> None:
    lists = SqliteStore(store_at(tmp_path))
    review = ReviewStore(store_at(tmp_path), four_eyes=True)
    try:
        lists.import_snapshot(parse_list(shared(FEB)))
        _screen_and_record(lists, review, [Customer("C-1", "Kim Jong Un", "person")], "run-1", tmp_path)
        alert = next(a for a in review.alerts() if a.entity_id == "ofac-sdn:20157")
        assert (
            review.decide(alert.id, "true_match", "same DOB and nationality", "alice").state
            == "true_match_pending"
        )
        with pytest.raises(ValueError, match="a second user must confirm"):
            review.confirm(alert.id, "alice")
        assert review.confirm(alert.id, "bob").state == "true_match"
        (decision,) = review.decisions(alert.id)
        assert (decision.actor, decision.confirmed_by) == ("alice", "bob")
        with pytest.raises(ValueError, match="only open or escalated"):
            review.decide(alert.id, "false_positive", "changed my mind", "carol")
    finally:
        review.close()
        lists.close()


def test_four_eyes_covers_a_false_positive_too_and_it_suppresses_only_once_confirmed(tmp_path: Path) -> None:
    """One analyst's false positive would put the pair on the good-guy list for every later run:
    with four-eyes review it waits for a second user, and suppresses nothing until then."""
    lists = SqliteStore(store_at(tmp_path))
    review = ReviewStore(store_at(tmp_path), four_eyes=True)
    try:
        lists.import_snapshot(parse_list(shared(FEB)))
        kim = Customer("C-1", "Kim Jong Un", "person")
        _screen_and_record(lists, review, [kim], "run-1", tmp_path)
        alert = next(a for a in review.alerts() if a.entity_id == "ofac-sdn:20157")
        pending = review.decide(alert.id, "false_positive", "a namesake", "alice")
        assert pending.state == "false_positive_pending"
        assert review.db.execute("SELECT count(*) FROM good_guy").fetchone()[0] == 0
        with pytest.raises(ValueError, match="waits for a second user"):
            review.decide(alert.id, "closed", "again", "carol")
        with pytest.raises(ValueError, match="a second user must confirm"):
            review.confirm(alert.id, "alice")
        assert review.confirm(alert.id, "bob").state == "false_positive"
        assert review.db.execute("SELECT count(*) FROM good_guy").fetchone()[0] == 1
        _screen_and_record(lists, review, [kim], "run-2", tmp_path)
        assert review.alert(alert.id).state == "false_positive"  # now suppressed
        only_true = ReviewStore(store_at(tmp_path), four_eyes=["true_match"])
        try:
            assert only_true.four_eyes == {"true_match"}
        finally:
            only_true.close()
        with pytest.raises(ValueError, match="four-eyes review covers"):
            ReviewStore(store_at(tmp_path), four_eyes=["escalated"])
    finally:
        review.close()
        lists.close()


def test_delisted_entities_close_their_open_alerts_with_the_version(
    stores: tuple[SqliteStore, ReviewStore], tmp_path: Path
) -> None:
    lists, review = stores
    first = parse_list(shared("ofac/sdn-history/sdn-2021-08-18.csv.gz"))
    second = parse_list(shared("ofac/sdn-history/sdn-2021-11-08.csv.gz"))
    lists.import_snapshot(first)
    kept = {e.id for e in second.entities}
    gone = next(e for e in first.entities if e.id not in kept and e.schema == "Person")
    _screen_and_record(lists, review, [Customer("C-9", gone.caption, "person")], "run-1", tmp_path)
    alert = next(a for a in review.alerts() if a.entity_id == gone.id)
    lists.import_snapshot(second)
    report = rescreen(lists, review, home=tmp_path, actor="system")
    assert alert.id in report.delisted
    assert review.alert(alert.id).state == "delisted"
    evidence = next(e for e in AuditLog(review.db).entries() if e.action == "alert.delisted")
    assert lists.version("ofac-sdn").label in evidence.detail


def test_audit_chain_finds_edited_and_deleted_rows(tmp_path: Path) -> None:
    db = connect(store_at(tmp_path, "audit.sqlite"))  # a store file: its migrations make the audit table
    log = AuditLog(db)
    for number in range(5):
        log.append("alice", "alert.decide", f"alert:{number}", {"outcome": "false_positive"})
    assert log.verify().ok
    db.execute("UPDATE audit SET detail = ? WHERE seq = 3", ('{"outcome":"true_match"}',))
    report = log.verify()
    assert report.problems == ("entry 3: content changed after it was written (alert.decide alert:2)",)
    db.execute("UPDATE audit SET detail = ? WHERE seq = 3", ('{"outcome":"false_positive"}',))
    assert log.verify().ok
    db.execute("DELETE FROM audit WHERE seq = 2")
    problems = log.verify().problems
    assert "entries 2–2 are missing (deleted)" in problems
    assert any(p.startswith("entry 3: does not follow") for p in problems)


def test_imports_and_rule_loads_are_audited(stores: tuple[SqliteStore, ReviewStore]) -> None:
    lists, review = stores
    lists.import_snapshot(parse_list(shared(FEB)), actor="ops")
    (entry,) = AuditLog(review.db).entries()
    assert (entry.actor, entry.action, entry.subject) == ("ops", "list.import", "ofac-sdn@1 (2022-02-03)")


def test_delta_rescreen_raises_the_same_alerts_as_a_full_one() -> None:
    february = parse_list(shared(FEB))
    march = parse_list(shared(MAR))
    old = {e.id: e for e in february.entities}
    changed = [e for e in march.entities if e.id not in old or old[e.id].content_hash() != e.content_hash()]
    assert len(changed) == 182  # 173 added, 9 amended
    from faker import Faker  # noqa: PLC0415

    from watchkeeper.match.screener import Screener  # noqa: PLC0415

    rng = random.Random(5)
    fake = Faker(["en_US", "ru_RU", "de_DE", "zh_CN", "ar_AA", "ko_KR", "es_ES"])
    fake.seed_instance(5)
    customers = [
        Customer(
            f"F{i}",
            fake.name() if rng.random() < 0.6 else fake.company(),
            rng.choice(["person", "organization", ""]),
        )
        for i in range(3000)
    ]
    for number, entity in enumerate(rng.sample(changed, 120)):
        words = entity.caption.split()
        name = (
            " ".join(reversed(words)) if number % 2 else entity.caption[:-1]
        )  # reordered, or the last letter lost
        kind = {"Person": "person", "Vessel": "vessel"}.get(entity.schema, "organization")
        customers.append(Customer(f"P{number}", name, kind))
    screener = Screener(march.entities)
    delta = delta_rescreen(screener, CustomerIndex(customers), changed)
    full = full_rescreen(screener, customers)
    ids = {e.id for e in changed}
    delta_alerts = {(c, m.entity.id) for c, m in delta.results}
    full_alerts = {(c, m.entity.id) for c, m in full.results if m.entity.id in ids}
    assert len(full_alerts) >= 100
    assert delta_alerts == full_alerts
    assert delta.screened < len(customers) // 10  # only a few customers were screened in full


def test_delta_rescreen_sees_customers_added_after_an_earlier_rescreen(
    stores: tuple[SqliteStore, ReviewStore], tmp_path: Path
) -> None:
    """Customers recorded after the customers' index was first built are in the next re-screen,
    and an entity listed later is checked against them."""
    lists, review = stores
    lists.import_snapshot(parse_list(shared(FEB)))
    first = [Customer("A-1", "Acme Widgets Ltd", "organization"), Customer("A-2", "Jane Doe", "person")]
    _screen_and_record(lists, review, first, "run-1", tmp_path)
    state = review.customers_state()
    assert rescreen(lists, review, home=tmp_path, actor="system").customers == 2
    march = parse_list(shared(MAR))
    february = {e.id for e in lists.entities("ofac-sdn")}
    added = next(e for e in march.entities if e.id not in february and e.schema == "Person")
    later = [Customer("B-1", added.caption, "person"), Customer("B-2", "John Smith", "person")]
    review.start_run("run-2", kind="api", actor="bob", lists=[], matcher="m", threshold=0.8)
    review.save_customers(later, "run-2", "bob")
    assert review.customers_state() != state
    review.start_run("run-3", kind="api", actor="bob", lists=[], matcher="m", threshold=0.8)
    review.save_customers(later, "run-3", "bob")  # the same data again: nothing changed
    unchanged = review.customers_state()
    review.start_run("run-4", kind="api", actor="bob", lists=[], matcher="m", threshold=0.8)
    review.save_customers(later, "run-4", "bob")
    assert review.customers_state() == unchanged
    lists.import_snapshot(march)
    report = rescreen(lists, review, home=tmp_path, actor="system")
    assert report.customers == 4
    assert any(a.customer_id == "B-1" and a.entity_id == added.id for a in review.alerts())
