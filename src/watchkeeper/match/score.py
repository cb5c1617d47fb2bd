"""Name-against-name scoring, token by token, with the alignment that explains it.

Tokens are aligned greedily by similarity (edit similarity with
transpositions, phonetic keys for transliteration variants, vowel variants
of one Arabic name (Hussein / Husayn, `phonetic.variant_pattern`), adjacent
tokens joined for split/joined names). Each side's coverage is weighted by token
rarity, so a match on "Mohammed" or "Trading" counts for little and one on
"Cifuentes" for much. The score is query coverage times listed coverage to a
small power: leaving out a listed middle name costs less than an extra query
name that the listed person does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from watchkeeper.match import _align
from watchkeeper.match._align import (
    CompiledName,
    allowed_edits,
    compact_similarity,
    could_alert,
    name_score,
    similarity,
)
from watchkeeper.match.names import ComparableName, NameToken

# The rules (token floor 0.6, phonetic 0.8, vowel variant 0.9, typing error cost 0.7, listed
# coverage to the power 0.4, joins from 0.85) are in the compiled aligner, `_align.pyx`, where they run.
__all__ = [
    "CompiledName",
    "NameComparison",
    "TokenPair",
    "allowed_edits",
    "compact_similarity",
    "compare_names",
    "compare_weighted",
    "could_alert",
    "explain_names",
    "name_score",
    "similarity",
]


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    listed: str
    similarity: float
    how: str  # exact | spelling | phonetic | joined | variant | compact
    weight: float
    #: Why the spelling that matched was there: the reading rule or dictionary entry
    #: ("Cantonese reading of 陳", "CC-CEDICT 生产: produce → production"); "" for a word as written.
    reading: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "listed": self.listed,
            "similarity": round(self.similarity, 3),
            "how": self.how,
            "weight": round(self.weight, 2),
            "reading": self.reading,
        }


@dataclass(frozen=True, slots=True)
class NameComparison:
    score: float
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_listed: tuple[str, ...]


def compare_names(
    query: ComparableName, listed: ComparableName, weight: Callable[[NameToken], float]
) -> NameComparison:
    """Score two names, weighting each token with `weight` (its rarity)."""
    return compare_weighted(
        query, listed, [weight(t) for t in query.tokens], [weight(t) for t in listed.tokens]
    )


def compare_weighted(
    query: ComparableName, listed: ComparableName, q_weights: Sequence[float], l_weights: Sequence[float]
) -> NameComparison:
    """`compare_names` with token weights already known (the screener's hot path, compiled)."""
    return _align.compare_weighted(query, listed, q_weights, l_weights, TokenPair, NameComparison)


def explain_names(query: CompiledName, listed: CompiledName) -> NameComparison:
    """The score of two compiled names with the token alignment that explains it."""
    return _align.explain(query, listed, TokenPair, NameComparison)
