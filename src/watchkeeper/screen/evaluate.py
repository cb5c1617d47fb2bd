"""Accuracy on a labelled query file: recall per kind, false-alert rate on negatives.

The rules are those of issue #4: an alert is any result at or above the
threshold, at most 10 per query; a positive is found when one of its
expected entities is among its alerts; a negative raises a false alert when
it has any alert.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from watchkeeper.errors import InvalidInput, ListFormatError
from watchkeeper.match.screener import Screener, ScreeningQuery

EVAL_COLUMNS = ("query_id", "schema", "name", "birth_date", "country", "expected", "kind")
ALERTS_PER_QUERY = 10


@dataclass(frozen=True)
class LabelledQuery:
    query: ScreeningQuery
    expected: frozenset[str]
    kind: str

    @property
    def positive(self) -> bool:
        return bool(self.expected)


def read_labelled(path: Path) -> list[LabelledQuery]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(EVAL_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ListFormatError(str(path), "line 1", f"missing columns: {', '.join(sorted(missing))}")
        out = []
        for row in reader:
            out.append(
                LabelledQuery(
                    query=ScreeningQuery(
                        name=row["name"],
                        schema=row["schema"] or None,
                        birth_date=row["birth_date"] or None,
                        country=row["country"] or None,
                        id=row["query_id"],
                    ),
                    expected=frozenset(e for e in row["expected"].split(";") if e),
                    kind=row["kind"],
                )
            )
        return out


@dataclass
class KindResult:
    kind: str
    positive: bool
    total: int = 0
    hits: int = 0  # positives found, or negatives with a false alert
    misses: list[str] = field(default_factory=list)  # query ids, for inspection

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass
class EvalReport:
    kinds: dict[str, KindResult]
    threshold: float
    #: Every alert raised, (query id, entity id, score to 4 places): what the hashes are taken over.
    alerts: list[tuple[str, str, float]] = field(default_factory=list)

    def alert_set_sha256(self) -> str:
        """Which (query, entity) pairs alerted: changes only when an alert comes or goes."""
        pairs = sorted({(q, e) for q, e, _ in self.alerts})
        return hashlib.sha256("\n".join(f"{q}\t{e}" for q, e in pairs).encode()).hexdigest()

    def scores_sha256(self) -> str:
        """The alerts with their scores: changes when any alert's score moves by 0.0001 or more."""
        rows = sorted(self.alerts)
        return hashlib.sha256("\n".join(f"{q}\t{e}\t{s:.4f}" for q, e, s in rows).encode()).hexdigest()

    def overall(self, positive: bool) -> tuple[int, int]:
        rows = [k for k in self.kinds.values() if k.positive == positive]
        return sum(k.hits for k in rows), sum(k.total for k in rows)

    @property
    def recall(self) -> float:
        hits, total = self.overall(True)
        return hits / total if total else 0.0

    @property
    def false_alert_rate(self) -> float:
        hits, total = self.overall(False)
        return hits / total if total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "recall": round(self.recall, 4),
            "false_alert_rate": round(self.false_alert_rate, 4),
            "alerts": len(self.alerts),
            "alert_set_sha256": self.alert_set_sha256(),
            "scores_sha256": self.scores_sha256(),
            "kinds": {
                k.kind: {
                    "positive": k.positive,
                    "queries": k.total,
                    "rate": round(k.rate, 4),
                    "failures": k.misses[:50],
                }
                for k in sorted(self.kinds.values(), key=lambda k: (not k.positive, k.kind))
            },
        }


def evaluate(
    screener: Screener,
    queries: Iterable[LabelledQuery],
    *,
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> EvalReport:
    kinds: dict[str, KindResult] = {}
    alerts: list[tuple[str, str, float]] = []
    for done, labelled in enumerate(queries, 1):
        result = kinds.get(labelled.kind)
        if result is None:
            result = kinds[labelled.kind] = KindResult(labelled.kind, labelled.positive)
        matches = screener.screen(labelled.query, threshold=threshold, limit=ALERTS_PER_QUERY)
        alerted = {m.entity.id for m in matches}
        alerts += [(labelled.query.id, m.entity.id, round(m.score, 4)) for m in matches]
        result.total += 1
        if labelled.positive:
            if alerted & labelled.expected:
                result.hits += 1
            else:
                result.misses.append(labelled.query.id)
        elif alerted:
            result.hits += 1
            result.misses.append(labelled.query.id)
        if progress is not None:
            progress(done)
    return EvalReport(kinds, screener.threshold if threshold is None else threshold, alerts)


#: A kind whose rate moves by more than this many points (0.5 = half a percentage point) must be
#: announced: `make eval` flags it against the committed baseline.
ANNOUNCE_POINTS = 0.5


@dataclass(frozen=True)
class KindDelta:
    """One kind's rate now against the baseline's, in percentage points (+ is better)."""

    kind: str
    positive: bool
    before: float | None  # None: the kind is new
    after: float | None  # None: the kind is gone

    @property
    def points(self) -> float:
        if self.before is None or self.after is None:
            return 0.0
        change = (self.after - self.before) * 100
        return change if self.positive else -change  # fewer false alerts is better

    @property
    def announce(self) -> bool:
        return self.before is None or self.after is None or abs(self.points) > ANNOUNCE_POINTS


def compare(now: dict[str, object], baseline: dict[str, object]) -> list[KindDelta]:
    """Per kind, the rate of `now` (an `EvalReport.to_dict()`) against a saved baseline of the same shape."""

    def rates(report: dict[str, object]) -> dict[str, tuple[bool, float]]:
        kinds = report.get("kinds")
        if not isinstance(kinds, dict):
            raise InvalidInput("not an evaluation report: it has no 'kinds' object")
        return {str(k): (bool(v["positive"]), float(v["rate"])) for k, v in kinds.items()}

    before, after = rates(baseline), rates(now)
    deltas = []
    for kind in sorted(before.keys() | after.keys(), key=lambda k: (not (after.get(k) or before[k])[0], k)):
        positive = (after.get(kind) or before[kind])[0]
        old, new = before.get(kind), after.get(kind)
        deltas.append(KindDelta(kind, positive, old[1] if old else None, new[1] if new else None))
    return deltas
