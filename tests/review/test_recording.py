"""Recording a run's findings in one batch does exactly what recording them one at a time does."""

from __future__ import annotations

from pathlib import Path

from tests.backend import store_at
from tests.support import shared
from watchkeeper.model import Entity
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.review_records import Customer, Finding, RecordOutcome

FEB = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
MAR = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


def _entities() -> tuple[list[Entity], list[Entity]]:
    """Four unchanged entities and two amended between February and March 2022 (before, after)."""
    february = {e.id: e for e in parse_list(shared(FEB)).entities}
    march = {e.id: e for e in parse_list(shared(MAR)).entities}
    same = [february[i] for i in sorted(february) if i in march and march[i] == february[i]][:4]
    amended = [
        i for i in sorted(february) if i in march and march[i].content_hash() != february[i].content_hash()
    ]
    return same, [february[amended[0]], february[amended[1]], march[amended[0]], march[amended[1]]]


def _record(folder: Path, one_at_a_time: bool) -> tuple[ReviewStore, RecordOutcome]:
    lists = SqliteStore(store_at(folder))
    lists.import_snapshot(parse_list(shared(FEB)))
    lists.close()
    review = ReviewStore(store_at(folder))
    (a, b, c, d), (e_before, f_before, e_after, f_after) = _entities()
    explanation: dict[str, object] = {"why": "test"}
    first: list[Finding] = [
        ("C1", a, 0.91, explanation),
        ("C2", e_before, 0.92, explanation),
        ("C3", b, 0.93, explanation),
        ("C4", c, 0.94, explanation),
        ("C6", f_before, 0.95, explanation),
    ]
    review.start_run("run-1", kind="batch", actor="alice", lists=[], matcher="m", threshold=0.8)
    review.record("run-1", "alice", first)
    ids = {x.customer_id: x.id for x in review.alerts()}
    review.decide(ids["C1"], "false_positive", "a namesake", "alice")  # same listing later: suppressed
    review.decide(ids["C2"], "true_match", "same passport", "alice")  # amended later: reopened
    review.decide(ids["C6"], "false_positive", "another person", "alice")  # amended later: reopened
    second: list[Finding] = [
        ("C7", d, 0.80, explanation),
        ("C1", a, 0.91, explanation),
        ("C2", e_after, 0.97, explanation),
        ("C4", c, 0.85, explanation),
        ("C7", d, 0.88, explanation),  # the same pair twice in one run: the later score stands
        ("C6", f_after, 0.96, explanation),
        ("C8", a, 0.83, explanation),
    ]
    review.start_run("run-2", kind="batch", actor="bob", lists=[], matcher="m", threshold=0.8)
    if not one_at_a_time:
        return review, review.record("run-2", "bob", second)
    total = RecordOutcome([], [], 0, 0)
    for one in second:
        outcome = review.record("run-2", "bob", [one])
        total.raised += outcome.raised
        total.reopened += outcome.reopened
        total.suppressed += outcome.suppressed
        total.updated += outcome.updated
    return review, total


def _state(review: ReviewStore) -> tuple[object, ...]:
    alerts = [
        (a.id, a.customer_id, a.entity_id, a.state, a.score, a.entity_hash, a.raised_run, a.last_run)
        for a in review.alerts()
    ]
    audit = [(e.seq, e.actor, e.action, e.subject, e.detail) for e in review.audit.entries()]
    results = sorted(review.results("run-2"))
    good_guys = review.db.execute("SELECT customer_id, entity_id FROM good_guy ORDER BY 1, 2").fetchall()
    return alerts, audit, results, [tuple(g) for g in good_guys]


def test_a_batch_records_what_one_finding_at_a_time_records(tmp_path: Path) -> None:
    batched, outcome = _record(tmp_path / "batch", one_at_a_time=False)
    single, expected = _record(tmp_path / "single", one_at_a_time=True)
    try:
        assert _state(batched) == _state(single)
        assert outcome.raised == expected.raised
        assert len(outcome.raised) == 2
        assert [i for i, _ in outcome.reopened] == [i for i, _ in expected.reopened]
        assert len(outcome.reopened) == 2  # C2's closed true match and C6's good guy, both amended
        assert all(changes for _, changes in outcome.reopened), "a reopened alert says what changed"
        assert (outcome.suppressed, outcome.updated) == (expected.suppressed, expected.updated) == (1, 2)
        alerts = {a.customer_id: a for a in batched.alerts()}
        assert alerts["C7"].score == 0.88
        assert alerts["C1"].state == "false_positive"
        assert alerts["C2"].state == alerts["C6"].state == "open"
        assert batched.audit.verify().ok
        actions = [e.action for e in batched.audit.entries()][-4:]
        assert actions == ["alert.raise", "alert.reopen", "alert.reopen", "alert.raise"]
    finally:
        batched.close()
        single.close()


Saved = tuple[
    list[Customer], list[Customer], list[tuple[str, list[object]]], list[tuple[int, str, str, str, str]]
]


def _saved(folder: Path, one_at_a_time: bool) -> Saved:
    review = ReviewStore(store_at(folder))
    try:
        review.start_run("run-1", kind="batch", actor="alice", lists=[], matcher="m", threshold=0.8)
        review.save_customers(
            [Customer("C1", "Kim Jong Un", "person"), Customer("C2", "Dalian Haibo")], "run-1"
        )
        before = review.customers_state()
        review.start_run("run-2", kind="batch", actor="bob", lists=[], matcher="m", threshold=0.8)
        second = [
            Customer("C1", "Kim Jong Un", "person", "1984-01-08"),  # amended: history and audit
            Customer("C2", "Dalian Haibo"),  # unchanged
            Customer("C3", "Liaoning Danxing"),  # new
            Customer("C3", "Liaoning Danxing International Forwarding"),  # new, then amended at once
        ]
        for group in [[c] for c in second] if one_at_a_time else [second]:
            review.save_customers(group, "run-2", "bob")
        assert review.customers_state() != before
        history = [(c.id, review.customer_history(c.id)) for c in review.customers()]
        audit = [(e.seq, e.actor, e.action, e.subject, e.detail) for e in review.audit.entries()]
        return (
            review.customers(),
            review.run_inputs("run-2"),
            [(i, [h["after"] for h in hs]) for i, hs in history],
            audit,
        )
    finally:
        review.close()


def test_saving_customers_in_one_batch_equals_one_at_a_time(tmp_path: Path) -> None:
    batched = _saved(tmp_path / "batch", one_at_a_time=False)
    assert batched == _saved(tmp_path / "single", one_at_a_time=True)
    customers, inputs, history, audit = batched
    assert [c.name for c in customers] == [
        "Kim Jong Un",
        "Dalian Haibo",
        "Liaoning Danxing International Forwarding",
    ]
    assert dict(history)["C1"] == [Customer("C1", "Kim Jong Un", "person", "1984-01-08").__dict__]
    assert [a[3] for a in audit if a[2] == "customer.change"] == ["customer:C1", "customer:C3"]
    assert len(inputs) == 3
