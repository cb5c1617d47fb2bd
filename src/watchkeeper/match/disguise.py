"""Undoing the ways a name is disguised in payment text, each a small pure function.

Evaders write a listed name so that a person reads it and a filter does not:
invisible characters inside words, Cyrillic or Greek letters that look Latin,
letters spaced out or separated by dots and dashes. `undisguise` returns the
text with every such disguise undone and says which ones it found, so the
screening channels can screen both the text as written and as meant. Plain
text comes back unchanged, at the cost of one scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Characters with no visible form that are not format characters (category Cf) themselves:
#: the combining grapheme joiner, Hangul fillers, the Mongolian vowel separator, variation selectors.
_INVISIBLE_EXTRA = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0\u180e" + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)

#: Cyrillic and Greek letters drawn like Latin ones, capital and small (from Unicode's
#: confusables data, kept to letters that are indistinguishable in common fonts).
_LOOKALIKE_PAIRS = (
    ("АВЕЅІЇЈКМНОРСТХУҮҺԚԜ", "ABESIIJKMHOPCTXYYHQW"),  # Cyrillic capitals
    ("аеѕіїјорсхуԁһԛԝүɡӏ", "aesiijopcxydhqwygl"),  # Cyrillic small
    ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿ", "ABEZHIKMNOPTYXCJ"),  # Greek capitals
    ("αιορυχνκϲϳ", "aioruxvkcj"),  # Greek small
)
_LOOKALIKES = str.maketrans("".join(a for a, _ in _LOOKALIKE_PAIRS), "".join(b for _, b in _LOOKALIKE_PAIRS))
_LOOKALIKE_LETTERS = frozenset("".join(a for a, _ in _LOOKALIKE_PAIRS))
#: Separators put between the letters of one word: D.A.L.I.A.N, D-A-L-I-A-N, D_A_L_I_A_N.
_DOTTED_WORD = re.compile(r"(?<!\w)(?:[^\W\d_][.\-_·•*/+]){1,}[^\W\d_](?!\w)[.\-_·•*/+]?")
#: Three or more single letters in a row, separated by spaces: D A L I A N.
_SPACED_RUN = re.compile(r"(?<!\w)\w(?:[ \t]+\w(?!\w)){2,}")


@dataclass(frozen=True)
class Undisguised:
    text: str
    undone: tuple[str, ...]  # which disguises were found: "invisible characters", …

    @property
    def changed(self) -> bool:
        return bool(self.undone)


def strip_invisible(text: str) -> str:
    """Drop zero-width characters, soft hyphens, joiners, bidi controls and other invisible ones."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in _INVISIBLE_EXTRA)


def _is_lookalike_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    if not any(c in _LOOKALIKE_LETTERS for c in letters):
        return False
    # A word mixing Latin letters with look-alikes, or made of look-alikes only
    # ("АЕО" in Cyrillic capitals): a genuine Cyrillic or Greek word has other letters too.
    return any(c.isascii() for c in letters) or all(c in _LOOKALIKE_LETTERS for c in letters)


def latin_lookalikes(text: str) -> str:
    """Cyrillic and Greek look-alike letters inside Latin-looking words, as the Latin letters they mimic."""
    words = re.split(r"(\s+)", text)
    return "".join(w.translate(_LOOKALIKES) if _is_lookalike_word(w) else w for w in words)


def join_spelled_out(text: str) -> str:
    """Letters spelled out one by one — `D.A.L.I.A.N`, `D-A-L-I-A-N`, `D A L I A N` — joined up.

    Runs of spaced letters become one word per run: where the gaps between
    words are wider than between letters (`D A L I A N   H A I B O`) each word
    is kept; otherwise the run is one long word, split again by the reader
    that knows the listed names.
    """
    text = _DOTTED_WORD.sub(lambda m: re.sub(r"[.\-_·•*/+]", "", m.group()), text)

    def run(match: re.Match[str]) -> str:
        chunk = match.group()
        gaps = [len(g) for g in re.findall(r"[ \t]+", chunk)]
        narrow = min(gaps)
        if max(gaps) > narrow:  # wider gaps separate words
            return " ".join(
                w.replace(" ", "").replace("\t", "") for w in re.split(rf"[ \t]{{{narrow + 1},}}", chunk)
            )
        return re.sub(r"[ \t]+", "", chunk)

    return _SPACED_RUN.sub(run, text)


@lru_cache(maxsize=65536)
def undisguise(text: str) -> Undisguised:
    """The text with each disguise undone, and which were found."""
    undone = []
    out = strip_invisible(text)
    if out != text:
        undone.append("invisible characters")
    folded = unicodedata.normalize("NFKC", out)
    if folded != out:
        if any(0xFF01 <= ord(c) <= 0xFF5E or c == "\u3000" for c in out):
            undone.append("full-width letters")
        if any(unicodedata.combining(c) for c in out):
            undone.append("combining marks")
        out = folded
    mimicked = latin_lookalikes(out)
    if mimicked != out:
        undone.append("look-alike letters")
        out = mimicked
    joined = join_spelled_out(out)
    if joined != out:
        undone.append("letters spelled out")
        out = joined
    return Undisguised(out, tuple(undone))
