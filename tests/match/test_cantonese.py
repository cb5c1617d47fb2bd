"""Readings beside pinyin: Cantonese for names in traditional characters as Hong Kong romanises
them, Sino-Korean for North Korean companies."""

from __future__ import annotations

import pytest

from tests.support import even_weight
from watchkeeper.match.cantonese import char_readings, word_readings, written_as_in_hong_kong
from watchkeeper.match.names import comparable
from watchkeeper.match.score import compare_names


@pytest.mark.parametrize(
    ("char", "wanted"),
    [("鴻", {"hung"}), ("祥", {"cheung"}), ("陳", {"chan"}), ("大", {"tai", "daai"}), ("國", {"kwok"})],
)
def test_characters_read_in_the_hong_kong_romanisation(char: str, wanted: set[str]) -> None:
    assert wanted <= set(char_readings(char))


def test_a_simplified_only_character_has_no_hong_kong_reading() -> None:
    assert char_readings("鸿") == ()
    assert not written_as_in_hong_kong("鸿祥")
    assert written_as_in_hong_kong("鴻祥")


def test_a_words_syllables_are_joined_as_a_listed_name_is_joined() -> None:
    assert "hungcheung" in word_readings("鴻祥")
    assert word_readings("鸿祥") == ()


@pytest.mark.parametrize(
    ("query", "listed", "schema", "low", "high"),
    [
        # Hong Kong names in traditional characters meet their Cantonese listing.
        ("陳大文", "CHAN Tai Man", "Person", 0.95, 1.0),
        ("鴻祥實業發展有限公司", "HUNG CHEUNG INDUSTRIAL DEVELOPMENT LIMITED", "Organization", 0.95, 1.0),
        # The same names in simplified characters are mainland names: pinyin only.
        ("陈大文", "CHAN Tai Man", "Person", 0.0, 0.7),
        ("鸿祥实业发展有限公司", "HUNG CHEUNG INDUSTRIAL DEVELOPMENT LIMITED", "Organization", 0.0, 0.7),
        # Characters both scripts share say nothing of Hong Kong: 佳 is not read "kai".
        ("李佳", "LI Kai", "Person", 0.0, 0.7),
        # Pinyin is still read for a traditional name.
        ("陳大文", "CHEN Dawen", "Person", 0.95, 1.0),
        # A North Korean company (朝鮮, Choson) also in its Sino-Korean reading, syllables of
        # split words joined as the listing joins them; 會社 is the Korean word for a company.
        ("朝鮮鑛業開發貿易會社", "CHOSON KWANGOP KAEBAL MUYOK", "Organization", 0.95, 1.0),
        ("朝鮮鑛業開發貿易會社", "KOREA MINING DEVELOPMENT TRADING CORPORATION", "Organization", 0.95, 1.0),
        ("朝鲜苍光信用会社", "KOREA CHANGGWANG SINYONG CORPORATION", "Organization", 0.95, 1.0),
        # Not every Chinese company is read in Korean.
        ("苍光信用有限公司", "CHANGGWANG SINYONG CORPORATION", "Organization", 0.0, 0.7),
    ],
)
def test_cantonese_and_korean_readings_where_the_name_calls_for_them(
    query: str, listed: str, schema: str, low: float, high: float
) -> None:
    score = compare_names(comparable(query, schema), comparable(listed, schema), even_weight).score
    assert low <= score <= high
