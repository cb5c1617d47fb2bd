"""A transliteration-blind key for a Latin name token.

Romanisation systems differ mostly in vowels and in how they spell one
sound with several letters: Mohammed / Muhammad / Mohamed, Yevgeniy /
Evgeny, Aleksandr / Alexander, Ivanov / Ivanoff. The key spells consonant
sounds one way and drops vowels after the first letter, so such spellings
share a key. It is one signal among several, never a match on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from watchkeeper.match._distance import variant_pattern, variant_patterns_agree

_REWRITES: tuple[tuple[str, str], ...] = (
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "j"),
    ("dzh", "j"),
    ("zh", "j"),
    ("ch", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("ts", "s"),
    ("tz", "s"),
    ("ck", "k"),
    ("c", "k"),
    ("ks", "x"),
    ("q", "k"),
    ("w", "v"),
    ("f", "v"),
    ("z", "s"),
    ("y", "i"),
)
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiou]")


@lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    """`mohammed` → `mhmd`; `yevgeniy` → `avgn`; `aleksandr`/`alexander` → `alxndr`."""
    text = token
    for old, new in _REWRITES:
        text = text.replace(old, new)
    if not text:
        return text
    # Any leading vowel is "a": Yevgeniy / Evgeny, Ibrahim / Ebrahim.
    first = "a" if text[0] in "aeiou" else text[0]
    return _DOUBLE.sub(r"\1", first + _VOWELS.sub("", text[1:]))


# -- spelling variants of one name -------------------------------------------------------
#
# Arabic and Persian names reach the lists through English, French and German spellings that
# differ in their vowels: Husayn / Hussein / Hossein, Zayniyah / Zeiniye, Tahir / Taher,
# Yusuf / Youssef, Auni / Ouni. Arabic has three vowels (a, i, u) and two diphthongs (ay, aw);
# each Latin vowel or vowel pair stands for the ones it is used for, and two spellings are
# variants when their consonants agree and each vowel could be the same one. Hassan (a, a)
# and Hussein (u, ay) stay apart. Compiled (`_distance.pyx`): the aligner asks it of most
# token pairs, and every listed token's pattern is made when its name is compiled.

__all__ = ["skeleton", "variant_pattern", "variant_patterns_agree"]
