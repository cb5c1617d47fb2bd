"""The explanation names the reading rule or dictionary entry that made each token match."""

from __future__ import annotations

import pytest

from tests.support import even_weight
from watchkeeper.match.names import comparable
from watchkeeper.match.reading import read_pairs
from watchkeeper.match.score import compare_names


def _readings(query: str, listed: str, schema: str) -> dict[str, str]:
    q, ln = comparable(query, schema), comparable(listed, schema)
    pairs = read_pairs(q, ln, compare_names(q, ln, even_weight).pairs)
    return {p.query: p.reading for p in pairs}


@pytest.mark.parametrize(
    ("query", "listed", "schema", "token", "reading"),
    [
        # Chinese company words: pinyin, a dictionary meaning and its derived noun, a house
        # convention, a Cantonese and a Sino-Korean reading.
        (
            "新疆生产建设兵团",
            "XINJIANG PRODUCTION AND CONSTRUCTION CORPS",
            "Organization",
            "新疆",
            "pinyin of 新疆",
        ),
        (
            "新疆生产建设兵团",
            "XINJIANG PRODUCTION AND CONSTRUCTION CORPS",
            "Organization",
            "生产",
            "CC-CEDICT 生产: produce → production",
        ),
        (
            "大连海博国际贸易有限公司",
            "DALIAN HAIBO INTERNATIONAL TRADING",
            "Organization",
            "贸易",
            "the lists' usual translation of 贸易",
        ),
        (
            "鴻祥實業發展有限公司",
            "HUNG CHEUNG INDUSTRIAL DEVELOPMENT",
            "Organization",
            "鴻",
            "Cantonese reading of 鴻",
        ),
        (
            "朝鮮鑛業開發貿易會社",
            "CHOSON KWANGOP KAEBAL MUYOK",
            "Organization",
            "鑛業",
            "Sino-Korean reading of 鑛業",
        ),
        # Persons in Han characters, character by character.
        ("陳大文", "CHAN Tai Man", "Person", "陳", "Cantonese reading of 陳"),
        ("王晨", "WANG Chen", "Person", "晨", "pinyin of 晨"),
        # Other scripts.
        ("김정은", "KIM Jong Un", "Person", "정", "Korean 정 romanised as jong"),
        (
            "Ротенберг Аркадий",
            "Arkady ROTENBERG",
            "Person",
            "ротенберг",
            "Cyrillic ротенберг romanised as rotenberg",
        ),
        # Latin spellings: particles, typing errors, vowel variants, a word as written.
        ("Tarak BEN TAHER", "Tariq Bin TAHIR", "Person", "ben", "ben and bin are one particle"),
        ("Oleg Deripaksa", "Oleg DERIPASKA", "Person", "deripaksa", "1 typing error"),
        ("Oleg Deripaksa", "Oleg DERIPASKA", "Person", "oleg", ""),
    ],
)
def test_each_token_says_how_its_spelling_was_read(
    query: str, listed: str, schema: str, token: str, reading: str
) -> None:
    assert _readings(query, listed, schema)[token] == reading


def test_a_vowel_variant_names_the_rule() -> None:
    reading = _readings("JAMAL HUSSEIN ZEINIYE", "Jamal Husayn ZAYNIYAH", "Person")["zeiniye"]
    assert "same Arabic vowels" in reading


def test_joined_words_say_which_side_wrote_them_together() -> None:
    readings = _readings("ABDELRAHMAN AL JAHANI", "Abd al-Rahman AL-JAHANI", "Person")
    assert readings["abdelrahman"] == "one word of the query written as two in the list"
