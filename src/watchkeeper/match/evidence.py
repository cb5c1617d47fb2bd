"""Evidence beyond the name: birth dates and countries, and what each does to a score.

Each piece is a `Feature` that says what it found and its effect ("+0.06", "×0.70"), so the
explanation shows every step from the name score to the final one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from watchkeeper.match.countries import country_code, entity_countries
from watchkeeper.model import Entity, PartialDate

# A query's birth date disagreeing with every listed one by more than a year.
DOB_CONFLICT_FACTOR = 0.70
DOB_EXACT_BONUS = 0.06
DOB_YEAR_BONUS = 0.03
COUNTRY_MISMATCH_FACTOR = 0.93
COUNTRY_MATCH_BONUS = 0.02


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence beyond the name, and what it did to the score."""

    name: str  # e.g. dob_exact, dob_conflict, country_mismatch, identifier_match
    effect: str  # e.g. "+0.06", "×0.70", "=1.0"
    query: str
    listed: str

    def to_dict(self) -> dict[str, str]:
        return {"feature": self.name, "effect": self.effect, "query": self.query, "listed": self.listed}


@lru_cache(maxsize=4096)
def query_date(value: str | None) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate(value.strip()[:10])
    except ValueError:
        return None


def birth_date_feature(query: str | None, listed: tuple[PartialDate, ...]) -> Feature | None:
    wanted = query_date(query)
    if wanted is None or not listed:
        return None
    listed_text = ", ".join(str(d) for d in listed)
    best = None
    for candidate in listed:
        if candidate.end is None and candidate.start == wanted.start and len(wanted.start) == 10:
            return Feature("dob_exact", f"+{DOB_EXACT_BONUS}", wanted.start, listed_text)
        low, high = _bounds(candidate)
        wanted_low, wanted_high = _bounds(wanted)
        if wanted_low <= high and wanted_high >= low:
            best = best or Feature("dob_year", f"+{DOB_YEAR_BONUS}", wanted.start, listed_text)
        elif _years_apart(wanted, low, high) <= 1:
            best = best or Feature("dob_near", "+0", wanted.start, listed_text)
    return best or Feature("dob_conflict", f"×{DOB_CONFLICT_FACTOR}", wanted.start, listed_text)


@lru_cache(maxsize=65536)
def _bounds(value: PartialDate) -> tuple[date, date]:
    """First and last day a partial date can mean (cached: listed dates recur across queries)."""
    return value.earliest(), value.latest()


def _years_apart(wanted: PartialDate, low: date, high: date) -> int:
    if wanted.latest() < low:
        return low.year - wanted.latest().year
    return wanted.earliest().year - high.year


def country_feature(query: str | None, entity: Entity, codes: frozenset[str] | None = None) -> Feature | None:
    """Country evidence; `codes` are the entity's country codes when already known (the index keeps them)."""
    if not query:
        return None
    wanted = country_code(query)
    if codes is None:
        codes = entity_countries(entity)
    if wanted is None or not codes:
        return None
    if wanted in codes:
        return Feature("country_match", f"+{COUNTRY_MATCH_BONUS}", wanted, ", ".join(sorted(codes)))
    return Feature("country_mismatch", f"×{COUNTRY_MISMATCH_FACTOR}", wanted, ", ".join(sorted(codes)))


#: The most evidence can add to a name score (bonuses count from a score of 0.5), and a margin
#: for the rounding of the final score to 4 places: a name below the ceiling never alerts.
EVIDENCE_BONUS = DOB_EXACT_BONUS + COUNTRY_MATCH_BONUS
CEILING_MARGIN = 0.001


def apply_features(score: float, features: list[Feature]) -> float:
    for feature in features:
        if feature.effect.startswith("×"):
            score *= float(feature.effect[1:])
        elif feature.effect.startswith("+"):
            score += float(feature.effect[1:]) if score >= 0.5 else 0.0
    return min(score, 1.0)
