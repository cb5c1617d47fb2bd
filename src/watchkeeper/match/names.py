"""Comparable names: a name as tokens, each token as its Latin spellings.

`ComparableName` is what both sides of a comparison are turned into, once:
listed names when the index is built, the query when it arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pypinyin import Style

from watchkeeper.match.han import han_company_words
from watchkeeper.match.hangul import TokenForms
from watchkeeper.match.normalize import SERVANT_ARTICLES, name_tokens
from watchkeeper.match.phonetic import skeleton
from watchkeeper.match.translit import latin_token_forms, reads_as_person, script_of


@dataclass(frozen=True, slots=True)
class NameToken:
    """One token of a name: how it was written and the Latin spellings it stands for."""

    text: str  # as written (folded), e.g. "jong" or "정"
    forms: TokenForms  # Latin spellings, e.g. ("jong", "chong", "jung", ...)
    keys: tuple[str, ...]  # phonetic keys of the forms
    #: Written in Latin letters by the publisher or the user (not transliterated by us).
    latin: bool = True
    #: A patronymic (Romanovich, Ivanovna): often left out of listings, so its absence costs little.
    optional: bool = False

    def __reduce__(self) -> tuple[type[NameToken], tuple[object, ...]]:
        # Rebuilt through the constructor: the generic dataclass unpickling walks
        # fields() for every one of the million tokens of a large index.
        return (NameToken, (self.text, self.forms, self.keys, self.latin, self.optional))


@dataclass(frozen=True, slots=True)
class ComparableName:
    original: str
    tokens: tuple[NameToken, ...]
    script: str  # script of the name as written: latin, hangul, han, cyrillic, arabic
    schema: str | None = None
    #: The name in its first Latin spelling without spaces: "daihongdan".
    compact: str = ""
    #: Every token written in Latin letters (not transliterated by us).
    latin_written: bool = True

    def __reduce__(self) -> tuple[type[ComparableName], tuple[object, ...]]:
        return (
            ComparableName,
            (self.original, self.tokens, self.script, self.schema, self.compact, self.latin_written),
        )

    @property
    def latin(self) -> str:
        """The name in its first Latin spelling, for explanations."""
        return " ".join(t.forms[0] for t in self.tokens if t.forms)


_PATRONYMIC = re.compile(
    r"(?:ovich|evich|yevich|ievich|ovych|evych|yovych|iovych|ovna|evna|yevna|ivna|ich|oglu|ogly|kyzy|qizi)$"
)


#: Articles and particles of names: "al-" / "el-", "bin", "de la". Often dropped or varied.
PARTICLES = frozenset(
    "al el ul ad ed as ar bin ibn ben bint binti de del della da di do dos van von der den la le y".split()
)
#: Words that join the parts of an organisation's name ("Import and Export", "Bank of Kunlun"):
#: one writer spells them, another leaves them out, a translation never has them.
CONNECTORS = frozenset("and of the for und et".split())
#: Particles that are spelling variants of one another.
_PARTICLE_FORMS = {
    "al": ("al", "el"),
    "el": ("el", "al"),
    "ul": ("ul", "al"),
    "bin": ("bin", "ben", "ibn"),
    "ben": ("ben", "bin", "ibn"),
    "ibn": ("ibn", "bin", "ben"),
}


def _latin_forms(forms: TokenForms) -> TokenForms:
    """A Latin token's spellings: a particle's variants (bin, ben, ibn); "Abd" joined to its
    article (abdal, see `join_servant_names`) is also "abd", for a name that writes the
    article elsewhere or not at all (Ahmad al-Munim Abd SALIH)."""
    word = forms[0]
    if word in _PARTICLE_FORMS:
        return _PARTICLE_FORMS[word]
    if servant_article(word):
        return (word, "abd")
    return forms


def servant_article(word: str) -> str:
    """The article of "Abd" joined to it (abdal → al, abdur → ur), or ""."""
    return word[3:] if len(word) == 5 and word.startswith("abd") and word[3:] in SERVANT_ARTICLES else ""


def is_patronymic(form: str) -> bool:
    """Slavic and Turkic patronymics: Romanovich, Anatoliyovych, Ivanovna, Aliyev oglu."""
    return len(form) >= 6 and _PATRONYMIC.search(form) is not None


def _original_texts(tokens: list[str], schema: str | None) -> list[str]:
    """The written text behind each Latin token: a Hangul word or a person's name in Han
    characters gives one per syllable, a Chinese company name one per word read."""
    out: list[str] = []
    for token in tokens:
        script = script_of(token)
        if script == "han" and not reads_as_person(token, schema):
            out.extend(han_company_words(token))
        elif script in ("hangul", "han"):
            out.extend(c for c in token if c.isalpha())
        else:
            out.append(token)
    return out


def comparable(name: str, schema: str | None) -> ComparableName:
    tokens = name_tokens(name, schema)
    forms = [_latin_forms(f) if len(f) == 1 else f for f in latin_token_forms(tokens, schema)]
    texts = _original_texts(tokens, schema)
    script = "latin"
    for token in tokens:
        if script_of(token) != "latin":
            script = script_of(token)
            break
    # Tokens read from another script are transliterated ones (typing-error rules for Latin
    # input do not apply).
    latin = [script_of(text) == "latin" for text in texts]
    if len(texts) != len(forms):
        texts = [f[0] for f in forms]
        latin = [False] * len(forms)
    built = tuple(
        NameToken(
            text=text,
            forms=f,
            keys=tuple(dict.fromkeys(skeleton(x) for x in f)),
            latin=latin[position],
            optional=f[0] in PARTICLES
            or (f[0] in CONNECTORS and schema not in (None, "Person") and 0 < position < len(forms) - 1)
            # A patronymic follows a given name (Ivan Petrovich Sidorov, Sidorov Ivan Petrovich):
            # in a name of two words the second is the surname (Simon Garwich), never optional.
            or (is_patronymic(f[0]) and schema in (None, "Person") and position > 0 and len(forms) >= 3),
        )
        for position, (text, f) in enumerate(zip(texts, forms, strict=True))
        if f
    )
    return ComparableName(
        original=name,
        tokens=built,
        script=script,
        schema=schema,
        compact="".join(t.forms[0] for t in built),
        latin_written=all(t.latin for t in built),
    )


@cache
def _pinyin_syllables() -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict  # noqa: PLC0415
    from pypinyin.style import convert  # noqa: PLC0415

    return frozenset(
        convert(reading, Style.NORMAL, strict=False)
        for found in pinyin_dict.values()
        for reading in found.split(",")
    )


def chinese_syllables(name: ComparableName) -> bool:
    """A name written as Chinese syllables (Guo Ping CHEN, 梁玉): each one is part of the name."""
    syllables = _pinyin_syllables()
    return len(name.tokens) >= 2 and all(t.forms[0] in syllables for t in name.tokens)
