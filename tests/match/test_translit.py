"""Latin spellings of Hangul, Han and Cyrillic names."""

import pytest

from watchkeeper.match.hangul import hangul_syllable
from watchkeeper.match.translit import cyrillic_word, han_person, script_of


@pytest.mark.parametrize(
    ("token", "script"),
    [("kim", "latin"), ("김정은", "hangul"), ("金正恩", "han"), ("Пригожин", "cyrillic"), ("محمد", "arabic")],
)
def test_script_of(token: str, script: str) -> None:
    assert script_of(token) == script


@pytest.mark.parametrize(
    ("syllable", "spellings"),
    [
        ("김", {"kim", "gim"}),
        ("정", {"jeong", "jong", "chong", "jung"}),  # RR, MR and the common spellings
        ("은", {"eun", "un"}),
        ("철", {"cheol", "chol", "chul"}),
        ("리", {"ri", "li", "lee", "rhee", "yi", "i"}),
        ("이", {"i", "yi", "lee", "ri"}),  # the South's 이 is the North's 리
        ("노", {"no", "ro", "roh"}),
        ("박", {"bak", "pak", "park"}),
        ("최", {"choe", "choi"}),
        ("룡", {"ryong", "yong"}),
    ],
)
def test_hangul_syllables(syllable: str, spellings: set[str]) -> None:
    assert spellings <= set(hangul_syllable(syllable))


def test_korean_name_in_han_characters_reads_both_ways() -> None:
    kim, jong, un = han_person("金正恩")
    assert "jin" in kim
    assert "kim" in kim
    assert "zheng" in jong
    assert "jong" in jong
    assert "en" in un
    assert "un" in un


@pytest.mark.parametrize(
    ("word", "spellings"),
    [
        ("Евгений", {"yevgeniy", "evgenii", "yevgeny"}),
        ("Александр", {"aleksandr", "alexandr"}),
        ("Пригожин", {"prigozhin"}),
        ("Сергій", {"sergiy", "sergii", "serhii", "serhiy"}),  # Russian and Ukrainian readings of г
    ],
)
def test_cyrillic_words(word: str, spellings: set[str]) -> None:
    assert spellings <= set(cyrillic_word(word))
