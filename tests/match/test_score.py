"""Name scoring on real listed names: typing tolerance, alignment, weights, joined and split tokens."""

from __future__ import annotations

import pytest

from tests.support import even_weight
from watchkeeper.match.names import NameToken, comparable
from watchkeeper.match.score import allowed_edits, compact_similarity, compare_names


@pytest.mark.parametrize(("length", "edits"), [(1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (12, 2)])
def test_allowed_edits_grow_with_the_token(length: int, edits: int) -> None:
    assert allowed_edits(length) == edits


@pytest.mark.parametrize(
    ("query", "listed", "schema", "low", "high"),
    [
        ("Oleg Deripaska", "Oleg DERIPASKA", "Person", 1.0, 1.0),  # the same name, case aside
        ("DERIPASKA Oleg", "Oleg DERIPASKA", "Person", 1.0, 1.0),  # order does not matter
        ("Oleg Deripaksa", "Oleg DERIPASKA", "Person", 0.85, 0.99),  # a transposition costs a little
        ("Jorge Milton CIFUENTES VILA", "Jorge Milton CIFUENTES VILLA", "Person", 0.9, 0.99),
        ("Yevgeniy Prigozhin", "Evgeny PRIGOZHIN", "Person", 0.8, 1.0),  # transliteration
        ("John Smith", "Oleg DERIPASKA", "Person", 0.0, 0.2),  # nothing in common
        # A middle name left out costs a little; so does a middle syllable of a Chinese name.
        ("John Smith", "John Henry SMITH", "Person", 0.8, 0.9),
        ("Yu PAO", "Yu Liang PAO", "Person", 0.8, 0.9),
        # Any other syllable of a Chinese name left out makes another name (Chen Ping is not
        # Chen Guoping), whichever script the query is in.
        ("Chen Ping", "Guo Ping CHEN", "Person", 0.6, 0.7),
        ("梁玉", "Yu Liang PAO", "Person", 0.6, 0.7),
        ("Li Ming", "Li Ming Hua", "Person", 0.6, 0.7),
        ("Guo Ping CHEN", "CHEN Guo Ping", "Person", 1.0, 1.0),
    ],
)
def test_compare_names(query: str, listed: str, schema: str, low: float, high: float) -> None:
    result = compare_names(comparable(query, schema), comparable(listed, schema), even_weight)
    assert low <= result.score <= high, result


def test_a_comparison_says_which_tokens_matched_and_how() -> None:
    result = compare_names(
        comparable("Oleg Deripaksa", "Person"), comparable("Oleg DERIPASKA", "Person"), even_weight
    )
    assert {(p.query, p.listed, p.how) for p in result.pairs} == {
        ("oleg", "oleg", "exact"),
        ("deripaksa", "deripaska", "spelling"),
    }
    assert result.unmatched_query == result.unmatched_listed == ()


@pytest.mark.parametrize(
    ("query", "listed", "wanted"),
    [
        # The same person in the UN's and OFAC's spellings.
        (
            "JAMAL HUSSEIN ZEINIYE",
            "Jamal Husayn ZAYNIYAH",
            {("hussein", "husayn", "variant"), ("zeiniye", "zayniyah", "variant")},
        ),
        (
            "MOHAMMAD ALI AL HABBO",
            "Muhamad Ali AL-HEBO",
            {("mohammad", "muhamad", "variant"), ("habbo", "hebo", "variant")},
        ),
        ("TARAK BEN TAHER", "Tariq Bin Tahir", {("ben", "bin", "exact"), ("taher", "tahir", "variant")}),
        # Abd al-Rahman in three words meets ABDELRAHMAN in one.
        ("ABDELRAHMAN AL JAHANI", "Abd al-Rahman AL-JAHANI", {("abdelrahman", "abdal rahman", "joined")}),
    ],
)
def test_spelling_variants_between_lists(query: str, listed: str, wanted: set[tuple[str, str, str]]) -> None:
    result = compare_names(comparable(query, "Person"), comparable(listed, "Person"), even_weight)
    assert wanted <= {(p.query, p.listed, p.how) for p in result.pairs}
    assert result.score >= 0.85


@pytest.mark.parametrize(
    ("query", "listed", "alerts"),
    [
        # A father's name one list gives and the other leaves out costs half its weight when it
        # stands between names both give, or after three or more of them.
        ("JAMAL HUSAYN HASSAN ZAYNIYAH", "Jamal Husayn ZAYNIYAH", True),
        ("AHMED SHAH NOORZAI OBAIDULLAH", "Ahmed Shah NOORZAI", True),
        # A different first name before them all is a different person; so is a second name
        # after only two matched ones (John Smith Brown is not John Smith).
        ("Omar Ahmed Shah NOORZAI", "Ahmed Shah NOORZAI", False),
        ("John Smith BROWN", "John SMITH", False),
        # Not for companies: an extra word names another company.
        ("GLOBAL SHIPPING TRADING ENERGY", "GLOBAL SHIPPING TRADING", False),
    ],
)
def test_names_a_query_adds_after_the_matched_ones(query: str, listed: str, alerts: bool) -> None:
    schema = "Organization" if "SHIPPING" in query else "Person"
    score = compare_names(comparable(query, schema), comparable(listed, schema), even_weight).score
    assert (score >= 0.8) is alerts, score


def test_hassan_is_not_a_variant_of_hussein() -> None:
    # They share consonants (a phonetic likeness, 0.8) but not vowels: the variant rule
    # does not lift them to a spelling of one name.
    result = compare_names(
        comparable("Hassan ALI", "Person"), comparable("Hussein ALI", "Person"), even_weight
    )
    assert ("hassan", "hussein", "phonetic", 0.8) in {
        (p.query, p.listed, p.how, p.similarity) for p in result.pairs
    }


def test_a_missing_token_is_left_unmatched_and_lowers_the_score() -> None:
    full = comparable("Yevgeniy Viktorovich PRIGOZHIN", "Person")
    result = compare_names(comparable("Yevgeniy Prigozhin", "Person"), full, even_weight)
    assert result.unmatched_listed == ("viktorovich",)
    assert result.score > 0.9  # a patronymic's absence costs little


def test_weights_decide_what_a_token_is_worth() -> None:
    def rare_surname(token: NameToken) -> float:
        return 5.0 if token.text == "deripaska" else 1.0

    query, listed = comparable("Ivan DERIPASKA", "Person"), comparable("Oleg DERIPASKA", "Person")
    weighted = compare_names(query, listed, rare_surname).score
    assert weighted > compare_names(query, listed, even_weight).score


@pytest.mark.parametrize(
    ("query", "listed", "expected"),
    [
        ("DALIANHAIBO", "DALIAN HAIBO", 1.0),  # run together: the same letters
        ("DALIAN HAYBO", "DALIAN HAIBO", 0.0),  # split the same way: left to the token alignment
        ("KIMBERLEY", "KIM BERLEY", 1.0),
        ("ACME", "ACME WIDGETS", 0.0),
    ],
)
def test_compact_similarity(query: str, listed: str, expected: float) -> None:
    assert compact_similarity(comparable(query, None), comparable(listed, None)) == expected
