"""The accuracy harness: the baseline comparison `make eval` prints, and the alert-set hashes."""

from __future__ import annotations

import pytest

from watchkeeper.errors import InvalidInput
from watchkeeper.match.screener import Screener, ScreeningQuery
from watchkeeper.screen.evaluate import EvalReport, KindResult, LabelledQuery, compare, evaluate


def report(**kinds: tuple[bool, float]) -> dict[str, object]:
    return {"kinds": {k: {"positive": p, "rate": r} for k, (p, r) in kinds.items()}}


@pytest.mark.parametrize(
    ("before", "after", "points", "announce"),
    [
        # recall: up is better
        ((True, 0.880), (True, 0.880), 0.0, False),
        ((True, 0.880), (True, 0.884), 0.4, False),
        ((True, 0.880), (True, 0.874), -0.6, True),
        ((True, 0.419), (True, 0.903), 48.4, True),
        # false alerts: down is better
        ((False, 0.0043), (False, 0.0030), 0.13, False),
        ((False, 0.0043), (False, 0.0100), -0.57, True),
    ],
)
def test_a_kind_that_moves_more_than_half_a_point_is_flagged(
    before: tuple[bool, float], after: tuple[bool, float], points: float, announce: bool
) -> None:
    (delta,) = compare(report(typo2=after), report(typo2=before))
    assert delta.points == pytest.approx(points, abs=1e-6)
    assert delta.announce is announce


def test_new_and_dropped_kinds_are_flagged_and_positives_come_first() -> None:
    deltas = compare(
        report(neg_org=(False, 0.0057), crosslist=(True, 0.9)),
        report(neg_org=(False, 0.0057), han_org=(True, 0.419)),
    )
    assert [(d.kind, d.before, d.after, d.announce) for d in deltas] == [
        ("crosslist", None, 0.9, True),
        ("han_org", 0.419, None, True),
        ("neg_org", 0.0057, 0.0057, False),
    ]


def test_a_file_that_is_not_a_report_is_refused() -> None:
    with pytest.raises(InvalidInput, match="kinds"):
        compare(report(exact=(True, 1.0)), {"recall": 0.97})


def test_the_alert_set_hash_ignores_scores_and_the_scores_hash_does_not() -> None:
    kinds = {"exact": KindResult("exact", True, 1, 1)}
    base = EvalReport(kinds, 0.85, [("q1", "ofac-sdn:1", 0.91), ("q2", "un:KPe.001", 0.88)])
    reordered = EvalReport(kinds, 0.85, [("q2", "un:KPe.001", 0.88), ("q1", "ofac-sdn:1", 0.91)])
    rescored = EvalReport(kinds, 0.85, [("q1", "ofac-sdn:1", 0.93), ("q2", "un:KPe.001", 0.88)])
    dropped = EvalReport(kinds, 0.85, [("q1", "ofac-sdn:1", 0.91)])
    assert base.alert_set_sha256() == reordered.alert_set_sha256() == rescored.alert_set_sha256()
    assert base.scores_sha256() == reordered.scores_sha256() != rescored.scores_sha256()
    assert dropped.alert_set_sha256() != base.alert_set_sha256()


def test_evaluate_counts_a_found_positive_a_missed_one_and_a_clean_negative(
    bundled_screener: Screener,
) -> None:
    queries = [
        LabelledQuery(
            ScreeningQuery("KOREA KWANGSON BANKING CORP", id="p1"), frozenset({"ofac-sdn:11581"}), "bank"
        ),
        # expected an entity it cannot match: a miss, named in the failures
        LabelledQuery(
            ScreeningQuery("KOREA KWANGSON BANKING CORP", id="p2"), frozenset({"ofac-sdn:1"}), "bank"
        ),
        LabelledQuery(ScreeningQuery("Quillfeather Pottery Workshop", id="n1"), frozenset(), "neg_org"),
    ]
    found = evaluate(bundled_screener, queries)
    assert (found.kinds["bank"].total, found.kinds["bank"].hits, found.kinds["bank"].misses) == (2, 1, ["p2"])
    assert (found.kinds["neg_org"].total, found.kinds["neg_org"].hits) == (1, 0)
    assert ("p1", "ofac-sdn:11581") in {(q, e) for q, e, _ in found.alerts}
    assert not [a for a in found.alerts if a[0] == "n1"]
    assert (found.recall, found.false_alert_rate) == (0.5, 0.0)
