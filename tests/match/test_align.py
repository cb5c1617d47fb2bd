"""The compiled aligner (`_align.pyx`) against independent references.

Its edit distances are checked against rapidfuzz's (a separate implementation of the same
distances) on real listed tokens and their typing errors; the letter-bucket shortcut is checked
never to refuse a pair the full table would accept; and the three ways of scoring two names
(score only, score with explanation, the one-call `compare_weighted`) must agree exactly.
"""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA, Levenshtein

from watchkeeper.match.names import comparable
from watchkeeper.match.score import (
    CompiledName,
    allowed_edits,
    compare_weighted,
    could_alert,
    explain_names,
    name_score,
    similarity,
)

# Tokens of real listed names (OFAC SDN, UN), Latin and transliterated.
LISTED_TOKENS = [
    "deripaska", "cifuentes", "villa", "prigozhin", "mohammed", "muhammad", "hernandez", "kwangson",
    "banking", "haibo", "dalian", "zhongsheng", "abdulrahman", "nasrallah", "kim", "jong", "un",
    "mirim", "daihongdan", "yevgeniy", "evgeny", "aleksandr", "alexander", "oo", "al",
]  # fmt: skip


def _typos(word: str, rng: random.Random) -> list[str]:
    """Deletions, insertions, substitutions and swaps, one and two at a time."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(12):
        chars = list(word)
        for _ in range(rng.choice((1, 2))):
            kind = rng.choice(("delete", "insert", "substitute", "swap"))
            at = rng.randrange(max(len(chars), 1))
            if kind == "delete" and chars:
                del chars[at]
            elif kind == "insert":
                chars.insert(at, rng.choice(letters))
            elif kind == "substitute" and chars:
                chars[at] = rng.choice(letters)
            elif kind == "swap" and len(chars) > 1 and at < len(chars) - 1:
                chars[at], chars[at + 1] = chars[at + 1], chars[at]
        out.append("".join(chars) or "x")
    return out


def _reference_similarity(x: str, y: str) -> float:
    """The documented rule, computed with rapidfuzz: the cost of typing errors, swaps at half."""
    if x == y:
        return 1.0
    longest = max(len(x), len(y))
    edits = allowed_edits(longest)
    if not edits or abs(len(x) - len(y)) > edits:
        return 0.0
    distance = OSA.distance(x, y)
    if distance > edits:
        return 0.0
    swaps = Levenshtein.distance(x, y) - distance
    return 1.0 - 0.7 * (distance - 0.5 * min(swaps, distance)) / longest


@pytest.mark.parametrize("word", LISTED_TOKENS)
def test_spelling_similarity_equals_the_rule_computed_with_rapidfuzz(word: str) -> None:
    rng = random.Random(word)
    for typo in [*_typos(word, rng), *LISTED_TOKENS]:
        found, how = similarity((typo,), (word,), (), (), True)
        assert found == _reference_similarity(typo, word), (typo, word, how)


def test_the_letter_shortcut_never_refuses_a_pair_within_the_allowed_edits() -> None:
    # Pairs the full table accepts (distance within the allowed edits) must all be found.
    rng = random.Random(7)
    accepted = 0
    for word in LISTED_TOKENS:
        for typo in _typos(word, rng):
            edits = allowed_edits(max(len(word), len(typo)))
            if edits and OSA.distance(word, typo) <= edits and abs(len(word) - len(typo)) <= edits:
                accepted += 1
                assert similarity((typo,), (word,), (), (), True)[0] > 0.0, (typo, word)
    assert accepted > 100  # the check saw many pairs, not a handful


@pytest.mark.parametrize(
    ("query", "listed", "schema"),
    [
        ("Oleg Deripaksa", "Oleg DERIPASKA", "Person"),
        ("Abd ul Rahman Nasrallah", "ABDULRAHMAN NASRALLAH", "Person"),
        ("김정은", "KIM Jong Un", "Person"),
        ("DAI HONG DAN", "DAIHONGDAN", "Vessel"),
        ("Korea Kwangson Banking Corp", "KOREA KWANGSON BANKING CORP.", "Organization"),
        ("John Smith", "Oleg DERIPASKA", "Person"),
    ],
)
def test_score_only_and_explained_scores_agree_exactly(query: str, listed: str, schema: str) -> None:
    q, listed_name = comparable(query, schema), comparable(listed, schema)
    q_weights = [1.0 + i / 10 for i in range(len(q.tokens))]
    l_weights = [2.0 - i / 10 for i in range(len(listed_name.tokens))]
    compiled_q, compiled_l = CompiledName(q, q_weights), CompiledName(listed_name, l_weights)
    explained = explain_names(compiled_q, compiled_l)
    assert name_score(compiled_q, compiled_l) == explained.score
    assert compare_weighted(q, listed_name, q_weights, l_weights) == explained
    (found,) = could_alert(compiled_q, [compiled_l], 0.0, 0.08, 0.001)
    assert found == (0, explained.score)


def test_could_alert_keeps_only_names_evidence_could_lift_to_the_threshold() -> None:
    q = comparable("Oleg Deripaksa", "Person")
    names = [comparable(n, "Person") for n in ("Oleg DERIPASKA", "Oleg PETROV", "Ivan PETROV")]
    compiled_q = CompiledName(q, [1.0] * len(q.tokens))
    compiled = [CompiledName(n, [1.0] * len(n.tokens)) for n in names]
    scores = [name_score(compiled_q, c) for c in compiled]
    kept = could_alert(compiled_q, compiled, 0.8, 0.08, 0.001)
    expected = [k for k, s in enumerate(scores) if min(s + (0.08 if s >= 0.5 else 0), 1) + 0.001 >= 0.8]
    assert [k for k, _ in kept] == expected
    assert len(expected) < len(names)  # one of them is refused: the test can tell
    assert kept[0][0] == 0  # the listed name itself is always kept


def test_a_compiled_name_survives_pickling_with_its_weights() -> None:
    import pickle  # noqa: PLC0415

    name = comparable("KOREA KWANGSON BANKING CORP", "Organization")
    compiled = CompiledName(name, [0.5, 2.0, 3.0, 1.5][: len(name.tokens)])
    again = pickle.loads(pickle.dumps(compiled))
    assert name_score(again, compiled) == name_score(compiled, compiled) == 1.0
    assert again.name == name


def test_weights_must_match_the_tokens() -> None:
    name = comparable("Oleg Deripaska", "Person")
    with pytest.raises(ValueError, match="weights"):
        CompiledName(name, [1.0])
