"""Chinese company names: segmented into words, each read in pinyin and translated (CC-CEDICT)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from watchkeeper.match.han import action_noun, han_company, inflections, number_variant, segment


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("大连日月星国际物流贸易有限公司", ["大连", "日月星", "国际", "物流", "贸易", "有限公司"]),
        ("宁波新世纪进出口有限公司", ["宁波", "新世纪", "进出口", "有限公司"]),
        ("鴻祥實業發展有限公司", ["鸿祥", "实业", "发展", "有限公司"]),  # read in simplified
    ],
)
def test_names_are_segmented_into_words_not_characters(name: str, words: list[str]) -> None:
    assert segment(name) == words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Place names romanised whole; business words translated; the legal form dropped.
        ("丹东中盛工贸有限公司", [{"dandong"}, {"zhong"}, {"sheng"}, {"industry"}, {"trade", "trading"}]),
        ("大连海博国际货运有限公司", [{"dalian"}, {"hai", "sea"}, {"bo"}, {"international"}, {"freight"}]),
        # A word the dictionary lacks is read as its longest dictionary words: 银星 → silver, star;
        # a compound ending in a business word is cut there (网络科技 → network, technology).
        (
            "延边银星网络科技有限公司",
            [{"yanbian"}, {"yin", "silver"}, {"xing", "star"}, {"network"}, {"technology"}],
        ),
        # Two-word meanings written as one (NEW TYPE joins to it); both numbers of a meaning.
        ("新型炭材料", [{"xinxing", "newtype"}, {"tan", "coal"}, {"cailiao", "material", "materials"}]),
        # A place whose English name is its name: Hong Kong, written as one word.
        ("华信航运香港有限公司", [{"hua"}, {"xin"}, {"shipping"}, {"xianggang", "hongkong"}]),
        # Traditional characters read like simplified ones.
        ("鴻祥實業發展有限公司", [{"hong"}, {"xiang"}, {"industrial"}, {"development"}]),
        # A final word translated as a legal form is dropped as the Latin side drops CORPS;
        # a verb's noun in -ion is what the lists name (生产 "to produce" → PRODUCTION).
        ("新疆生产建设兵团", [{"xinjiang"}, {"shengchan", "production"}, {"jianshe", "construction"}]),
        (
            "中国精密机械进出口总公司",
            [{"zhongguo"}, {"jingmi", "precision"}, {"jixie"}, {"import"}, {"export"}],
        ),
    ],
)
def test_words_are_read_in_pinyin_and_translated(name: str, expected: list[set[str]]) -> None:
    tokens = han_company(name)
    assert len(tokens) == len(expected), tokens
    for forms, wanted in zip(tokens, expected, strict=True):
        assert wanted <= set(forms), (forms, wanted)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("material", "materials"),
        ("commodity", "commodities"),
        ("commodities", "commodity"),
        ("boats", "boat"),
        ("equipment", "equipments"),
        ("chinese", "chinese"),
        ("numerous", "numerous"),
        ("glass", "glass"),
    ],
)
def test_number_variant(word: str, other: str) -> None:
    assert number_variant(word) == other


@pytest.mark.parametrize(
    ("word", "others"),
    [
        ("shipping", {"ship"}),
        ("trading", {"trade"}),
        ("building", {"build"}),
        ("material", {"materials"}),
        ("logistics", {"logistic"}),
        ("produce", {"production"}),
        ("precise", {"precision"}),
        ("construct", {"construction", "constructions"}),
        ("cooperate", {"cooperation"}),
    ],
)
def test_inflections_company_names_use(word: str, others: set[str]) -> None:
    assert others <= set(inflections(word))


@pytest.mark.parametrize(
    ("word", "noun"),
    [
        ("produce", "production"),
        ("reduce", "reduction"),
        ("protect", "protection"),
        ("precise", "precision"),
        ("operate", "operation"),
        ("ship", ""),
        ("steel", ""),
        ("act", ""),
    ],
)
def test_action_noun_of_regular_endings(word: str, noun: str) -> None:
    assert action_noun(word) == noun


def test_two_word_meanings_join_as_the_aligner_joins_listed_tokens() -> None:
    # 日月 "the sun and moon": met in DALIAN SUN MOON STAR by joining SUN and MOON.
    riyue = han_company("日月星")[0]
    assert {"riyue", "sunmoon"} <= set(riyue)


def test_traditional_characters_read_as_simplified() -> None:
    # 長安 is Chang'an whichever script writes it (長 alone would be read zhang).
    traditional, simplified = han_company("長安海連技術有限公司"), han_company("长安海连技术有限公司")
    assert len(traditional) == len(simplified)
    for read_traditional, read_simplified in zip(traditional, simplified, strict=True):
        # The traditional name also has its Cantonese readings (長安 → cheungon).
        assert read_traditional[0] == read_simplified[0]
        assert set(read_simplified) <= set(read_traditional)
    assert traditional[0][0] == "changan"
    assert "cheungon" in traditional[0]


READ_TWICE = """
import json, sys
from watchkeeper.match.han import han_company
print(json.dumps([han_company("大连日月星国际物流贸易有限公司"), "jieba" in sys.modules]))
"""


def test_a_name_read_once_is_not_read_again_by_another_process(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    run = [sys.executable, "-c", READ_TWICE]
    first = json.loads(subprocess.run(run, env=env, capture_output=True, check=True, text=True).stdout)
    (memo,) = (tmp_path / "watchkeeper").glob("han-names-*.jsonl")
    # A line cut short by a process stopped mid-write is skipped, not fatal.
    with memo.open("a", encoding="utf-8") as handle:
        handle.write('["半')
    second = json.loads(subprocess.run(run, env=env, capture_output=True, check=True, text=True).stdout)
    assert first[1] is True  # the first process had to segment the name
    assert second == [first[0], False]  # the second read it back, same tokens, jieba never loaded
