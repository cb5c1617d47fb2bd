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


# -- spelling variants of one name -------------------------------------------------------
#
# Arabic and Persian names reach the lists through English, French and German spellings that
# differ in their vowels: Husayn / Hussein / Hossein, Zayniyah / Zeiniye, Tahir / Taher,
# Yusuf / Youssef, Auni / Ouni. Arabic has three vowels (a, i, u) and two diphthongs (ay, aw);
# each Latin vowel or vowel pair stands for the ones it is used for, and two spellings are
# variants when their consonants agree and each vowel could be the same one. Hassan (a, a)
# and Hussein (u, ay) stay apart.

_A, _I, _U, _AY, _AW = 1, 2, 4, 8, 16
#: The Arabic vowels each Latin spelling is used for, longest spellings first.
_VOWEL_SPELLINGS: tuple[tuple[str, int], ...] = (
    ("aa", _A),
    ("ee", _I),
    ("ii", _I),
    ("oo", _U),
    ("uu", _U),
    ("ou", _U | _AW),
    ("au", _AW),
    ("aw", _AW),
    ("ow", _AW | _U),
    ("ay", _AY),
    ("ai", _AY),
    ("ei", _AY),
    ("ey", _AY),
    ("a", _A),
    ("e", _A | _I),
    ("i", _I),
    ("o", _U),
    ("u", _U),
)
#: Consonants written with two letters in one tradition and one in another (Djamel / Jamel,
#: Othman / Otman). Letters that are other sounds in the source (k / q, h / kh) stay apart:
#: the variant rule is about vowels, typing errors and phonetic keys see the rest.
_VARIANT_REWRITES: tuple[tuple[str, str], ...] = (("dj", "j"), ("ph", "f"), ("dh", "d"), ("th", "t"))
#: A vowel is written as one character from here (its bit set added): never a letter.
VOWEL_BASE = 0x100


@lru_cache(maxsize=262144)
def variant_pattern(token: str) -> str:
    """The token's consonants, and its vowels as the Arabic vowels they may stand for: two
    spellings with compatible patterns (`variant_patterns_agree`) are variants of one name.

    A final h after a vowel is dropped (Zayniyah / Zeiniye) and doubled letters are one
    (Hussein / Husein, Habbo / Habo). "" for a token too short to tell."""
    text = token
    for old, new in _VARIANT_REWRITES:
        text = text.replace(old, new)
    if len(text) > 2 and text[-1] == "h" and text[-2] in "aeiou":
        text = text[:-1]
    text = _DOUBLE.sub(r"\1", text)
    out: list[str] = []
    consonants = 0
    i = 0
    while i < len(text):
        for spelling, vowels in _VOWEL_SPELLINGS:
            # y and w are consonants before a vowel (Ziyad, Awad), vowels after one (Zayd).
            if text.startswith(spelling, i) and not (
                spelling[-1] in "yw" and i + len(spelling) < len(text) and text[i + len(spelling)] in "aeiou"
            ):
                out.append(chr(VOWEL_BASE + vowels))
                i += len(spelling)
                break
        else:
            out.append(text[i])
            consonants += 1
            i += 1
    # Three letters are too few to tell a variant from another name (Ali / Eli, Ben / Bin are
    # particles with their own spellings); Ouni / Auni is the shortest kept.
    return "".join(out) if consonants and len(out) >= 3 and len(token) >= 4 else ""


def variant_patterns_agree(a: str, b: str) -> bool:
    """The reference for the compiled check in `_align.pyx`: same consonants in the same
    places, and each vowel of one could be the vowel of the other."""
    if not a or len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if ord(x) < VOWEL_BASE or ord(y) < VOWEL_BASE or not (ord(x) - VOWEL_BASE) & (ord(y) - VOWEL_BASE):
            return False
    return True
