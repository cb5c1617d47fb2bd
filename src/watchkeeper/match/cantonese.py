"""Cantonese readings of names written as Hong Kong and Macau write them.

Hong Kong romanises names in Cantonese, syllable by syllable, in the Hong Kong Government's
own romanisation: 鴻祥 is HUNG CHEUNG, 陳大文 is CHAN Tai-man, where pinyin gives hongxiang
and Chen Dawen. A listing of a Hong Kong company or person carries that spelling, so a name
in traditional characters is read both ways.

The table of readings per character is the one the `cantonese-romanisation` package ships
(MIT licence): 13,000 traditional characters and those both scripts share, several readings
for some (大 → daai, dai, tai), none for a simplified-only character (鸿, 陈).
"""

from __future__ import annotations

import itertools
import json
from functools import cache, lru_cache
from importlib import resources

from watchkeeper.match.cedict import written_in_traditional

#: At most this many spellings of one word (each character's readings combined).
MAX_WORD_READINGS = 8


@cache
def _table() -> dict[str, tuple[str, ...]]:
    text = resources.files("cantoroman").joinpath("data/charToRoman.json").read_text(encoding="utf-8")
    return {char: tuple(found) for char, found in json.loads(text).items() if found}


def char_readings(char: str) -> tuple[str, ...]:
    """A character's Cantonese readings (大 → daai, dai, tai); () when the table has none."""
    return _table().get(char, ())


@lru_cache(maxsize=16384)
def written_as_in_hong_kong(text: str) -> bool:
    """Every character has a Hong Kong reading: the name is in traditional characters, or in
    characters both scripts share. A simplified-only character (连, 陈) means the mainland,
    where names are romanised in pinyin only."""
    return bool(text) and all(char in _table() for char in text)


def read_in_cantonese(text: str) -> bool:
    """A Han name read in Cantonese too: it has a traditional-only character and every character
    has a Hong Kong reading (李佳, in characters both scripts share, could be anyone's: a
    Cantonese 佳 "kai" would meet a listed KAI)."""
    return written_in_traditional(text) and written_as_in_hong_kong(text)


def word_readings(word: str) -> tuple[str, ...]:
    """A word's Cantonese spellings, its syllables joined as a listed HUNG CHEUNG joins
    (鴻祥 → hungcheung); the first few combinations when characters have several readings."""
    per_char = [char_readings(char) for char in word]
    if not all(per_char):
        return ()
    return tuple("".join(c) for c in itertools.islice(itertools.product(*per_char), MAX_WORD_READINGS))
