"""Comparable names: a name as tokens, each token as its Latin spellings.

`ComparableName` is what both sides of a comparison are turned into, once:
listed names when the index is built, the query when it arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


#: The syllables of Mandarin in pinyin without tones (from pypinyin's table; the
#: interjections m, n, ng, hm, hng left out): a name made only of these is read as Chinese.
PINYIN_SYLLABLES = frozenset(
    """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu
    ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou
    chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang
    dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo e ei en
    eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou
    gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai
    kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
    le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve
    ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang
    nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve
    o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang
    qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan
    rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi
    shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan
    tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei
    wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan
    yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha
    zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui
    zhun zhuo zi zong zou zu zuan zui zun zuo
    """.split()
)


def chinese_syllables(name: ComparableName) -> bool:
    """A name written as Chinese syllables (Guo Ping CHEN, 梁玉): each one is part of the name."""
    return len(name.tokens) >= 2 and all(t.forms[0] in PINYIN_SYLLABLES for t in name.tokens)
