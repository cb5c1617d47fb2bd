"""Latin spellings of Korean syllables: Revised Romanization, McCune-Reischauer and the surname spellings
North Korean and South Korean names are listed with.

Hangul is a small, fixed alphabet: the tables are here, where the variants users meet can be listed.
"""

from __future__ import annotations

from functools import lru_cache

TokenForms = tuple[str, ...]

_INITIAL_RR = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_INITIAL_MR = "k kk n t tt r m p pp s ss - ch tch ch k t p h".split()
_VOWEL_RR = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_VOWEL_MR = "a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i".split()
_FINAL_RR = "- k k k n n n t l k m p t t p t m p p t t ng t t k t p t".split()
_FINAL_NAME = "- g kk g n n n d l g m b s t p h m b b s ss ng j ch k t p h".split()
# Vowels that start with an i/y sound: before them a North Korean ㄹ is a South Korean ㅇ.
_Y_VOWELS = {2, 3, 6, 7, 12, 17, 20}
_IEUNG, _NIEUN, _RIEUL = 11, 2, 5

# Spellings of common surnames and syllables that no system produces but
# passports and lists use (Kim/Gim, Ri/Lee/Rhee/Yi, Pak/Park, Choe/Choi...).
_COMMON: dict[str, tuple[str, ...]] = {
    "김": ("kim", "gim"),
    "리": ("ri", "li", "lee", "rhee", "yi", "i"),
    "이": ("yi", "lee", "rhee", "ri", "li", "i"),
    "박": ("pak", "park", "bak"),
    "최": ("choe", "choi", "chwe"),
    "정": ("jong", "chong", "jung", "jeong", "chung"),
    "조": ("jo", "cho"),
    "장": ("jang", "chang"),
    "강": ("kang", "gang"),
    "윤": ("yun", "yoon"),
    "문": ("mun", "moon"),
    "류": ("ryu", "yu", "yoo", "ryoo"),
    "유": ("yu", "yoo", "ryu"),
    "신": ("sin", "shin"),
    "손": ("son", "sohn"),
    "오": ("o", "oh"),
    "백": ("paek", "baek", "paik"),
    "현": ("hyon", "hyun", "hyeon"),
    "노": ("no", "noh", "ro", "roh"),
    "로": ("ro", "roh", "no"),
    "은": ("un", "eun"),
    "철": ("chol", "chul", "cheol"),
    "성": ("song", "sung", "seong"),
    "영": ("yong", "young", "yeong", "ryong"),
    "용": ("yong", "ryong"),
    "호": ("ho",),
    "명": ("myong", "myung", "myeong"),
    "혁": ("hyok", "hyuk", "hyeok"),
    "선": ("son", "sun", "seon"),
    "석": ("sok", "suk", "seok"),
    "근": ("kun", "geun", "keun"),
    "희": ("hui", "hee", "hi"),
    "일": ("il",),
    "림": ("rim", "lim", "im"),
    "임": ("im", "lim", "rim"),
}


def _syllable_forms(code: int) -> list[str]:
    initial, rest = divmod(code, 588)
    vowel, final = divmod(rest, 28)
    forms = []
    for initials in (_INITIAL_RR, _INITIAL_MR):
        for vowels in (_VOWEL_RR, _VOWEL_MR):
            start = initials[initial].replace("-", "")
            for finals in (_FINAL_RR, _FINAL_NAME):
                forms.append(start + vowels[vowel] + finals[final].replace("-", ""))
    return forms


@lru_cache(maxsize=4096)
def hangul_syllable(syllable: str) -> TokenForms:
    """Latin spellings of one Hangul syllable, the common ones first."""
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return (syllable,)
    forms: dict[str, None] = dict.fromkeys(_COMMON.get(syllable, ()))
    forms.update(dict.fromkeys(_syllable_forms(code)))
    initial, rest = divmod(code, 588)
    vowel = rest // 28
    # The South writes 이/노 where the North writes 리/로 (initial-sound law): both ways.
    alternatives = []
    if initial == _IEUNG and vowel in _Y_VOWELS:
        alternatives.append(_RIEUL)
    if initial == _NIEUN:
        alternatives.append(_RIEUL)
    if initial == _RIEUL:
        alternatives.append(_IEUNG if vowel in _Y_VOWELS else _NIEUN)
    for other in alternatives:
        forms.update(dict.fromkeys(_syllable_forms(other * 588 + rest)))
    return tuple(f for f in forms if f)


def hangul_word(word: str) -> list[TokenForms]:
    """A Hangul word as one token per syllable (`김정은` → kim/gim, jong/chong..., un/eun)."""
    return [hangul_syllable(s) for s in word if s.isalpha()]
