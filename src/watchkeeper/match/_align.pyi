"""Types of the compiled token aligner (`_align.pyx`)."""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from watchkeeper.match.names import ComparableName

HOW_NAMES: tuple[str, ...]

class _PairType(Protocol):
    def __call__(self, query: str, listed: str, similarity: float, how: str, weight: float) -> object: ...

C = TypeVar("C")

class CompiledName:
    name: ComparableName
    def __init__(self, name: ComparableName, weights: Sequence[float]) -> None: ...

def allowed_edits(length: int) -> int: ...
def name_score(query: CompiledName, listed: CompiledName) -> float: ...
def could_alert(
    query: CompiledName, listed: list[CompiledName], floor: float, bonus: float, margin: float
) -> list[tuple[int, float]]: ...
def explain(
    query: CompiledName, listed: CompiledName, pair_type: _PairType, comparison_type: type[C]
) -> C: ...
def similarity(
    a_forms: tuple[str, ...],
    b_forms: tuple[str, ...],
    a_keys: tuple[str, ...],
    b_keys: tuple[str, ...],
    both_latin: bool,
) -> tuple[float, str]: ...
def compact_similarity(query: ComparableName, listed: ComparableName) -> float: ...
def compare_weighted(
    query: ComparableName,
    listed: ComparableName,
    q_weights: Sequence[float],
    l_weights: Sequence[float],
    pair_type: _PairType,
    comparison_type: type[C],
) -> C: ...
