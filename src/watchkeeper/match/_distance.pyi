"""Types of the compiled token similarity (`_distance.pyx`)."""

from watchkeeper.match.names import ComparableName

def allowed_edits(length: int) -> int: ...
def similarity(
    a_forms: tuple[str, ...],
    b_forms: tuple[str, ...],
    a_keys: tuple[str, ...],
    b_keys: tuple[str, ...],
    both_latin: bool,
) -> tuple[float, str]: ...
def compact_similarity(query: ComparableName, listed: ComparableName) -> float: ...

VOWEL_BASE: int

def variant_pattern(token: str) -> str: ...
def variant_patterns_agree(a: str, b: str) -> bool: ...
