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
