"""Latin spellings of names written in Hangul, Han characters or Cyrillic.

A name in another script becomes a list of *token alternatives*: each token
is a tuple of Latin spellings it may be written as. Korean syllables get the
Revised Romanization, McCune-Reischauer and the common surname spellings;
Han characters get pinyin, for Korean names the Sino-Korean reading and for names in
traditional characters the Cantonese one, as Hong Kong romanises (company names are read
word by word in `han.py`);
Cyrillic words get the spellings of the usual romanization systems.

Libraries: `pypinyin` (offline pinyin with phrase-aware readings) and `hanja`
(Hanja → Hangul readings). Hangul and Cyrillic are small, fixed alphabets:
their tables are here, where the variants users meet can be listed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import hanja
from pypinyin import Style, lazy_pinyin

from watchkeeper.match.cantonese import char_readings, read_in_cantonese
from watchkeeper.match.han import han_company
from watchkeeper.match.hangul import TokenForms, hangul_syllable, hangul_word

# -- scripts -----------------------------------------------------------------


@lru_cache(maxsize=65536)  # a query asks for each token's script several times; names recur
def script_of(token: str) -> str:
    """`hangul`, `han`, `cyrillic`, `arabic`, `latin` or `other` for a token."""
    for char in token:
        if not char.isalpha():
            continue
        code = ord(char)
        if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "hangul"
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
            return "han"
        if 0x0400 <= code <= 0x052F:
            return "cyrillic"
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            return "arabic"
        if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
            return "latin"
        return "other"
    return "latin"


# -- Han ---------------------------------------------------------------------

# Surnames whose Korean reading as a surname differs from the character's usual reading.
_KOREAN_SURNAMES = {
    "金": "김",
    "李": "리",
    "柳": "류",
    "盧": "로",
    "羅": "라",
    "林": "림",
    "梁": "량",
    "呂": "려",
}


def han_person(text: str) -> list[TokenForms]:
    """A person's name in Han characters: pinyin per character, the Korean reading for
    three-character names (the usual Korean shape; most two-character names are Chinese), and
    the Cantonese readings when it is in traditional characters, as Hong Kong writes
    (陳大文 → CHAN Tai-man; 李佳 could be anyone's, and a Cantonese 佳 "kai" would meet KAI).
    """
    korean = ""
    if len(text) == 3:
        korean = _KOREAN_SURNAMES.get(text[0], "")
        korean += hanja.translate(text[1:] if korean else text, "substitution")
    pinyin = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    hong_kong = read_in_cantonese(text)
    tokens: list[TokenForms] = []
    for i, char in enumerate(text):
        forms: dict[str, None] = {}
        if i < len(pinyin):
            forms[pinyin[i]] = None
        if i < len(korean) and script_of(korean[i]) == "hangul":
            forms.update(dict.fromkeys(hangul_syllable(korean[i])))
        if hong_kong:
            forms.update(dict.fromkeys(char_readings(char)))
        tokens.append(tuple(forms) or (char,))
    return tokens


# -- Cyrillic ----------------------------------------------------------------

# Romanization systems, letter by letter: BGN/PCGN (the lists' usual one),
# the ICAO passport system, and the common English spelling. Ukrainian г is
# also read as h (Serhii), its usual romanization.
_BGN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "ў": "u",
}
_ICAO = {**_BGN, "й": "i", "ю": "iu", "я": "ia", "ъ": "ie", "ї": "i", "є": "ie"}
_ENGLISH = {**_BGN, "х": "h", "ё": "yo", "ю": "yu", "я": "ya"}
# Ukrainian: и is y, г is h (Serhii Anatoliyovych).
_UKRAINIAN = {**_BGN, "и": "y", "г": "h", "й": "i", "ю": "iu", "я": "ia", "є": "ie", "ї": "i"}
_VOWELS = set("аеёиоуыэюяіїє")


def _romanize(word: str, table: dict[str, str], *, ye: bool, final_iy: str) -> str:
    out = []
    for i, char in enumerate(word):
        if char == "е" and ye and (i == 0 or word[i - 1] in _VOWELS or word[i - 1] in "ъь"):
            out.append("ye")  # Yevgeny, Dmitriyev
        elif char == "й" and i == len(word) - 1 and i > 0 and word[i - 1] in "иі":
            out[-1] = final_iy  # -ий / -ій endings: Yevgeniy, Evgenii, Yevgeny
        else:
            out.append(table.get(char, char))
    return "".join(out)


def cyrillic_word(word: str) -> TokenForms:
    """Spellings of a Cyrillic word in the usual romanization systems."""
    word = word.lower()
    variants = [
        _romanize(word, _BGN, ye=True, final_iy="iy"),
        _romanize(word, _ICAO, ye=False, final_iy="ii"),
        _romanize(word, _ENGLISH, ye=True, final_iy="y"),
        _romanize(word, _BGN, ye=False, final_iy="iy"),
    ]
    if "г" in word or set(word) & set("іїєґ"):
        variants += [_romanize(word, _UKRAINIAN, ye=False, final_iy=x) for x in ("ii", "iy")]
    # Aleksandr / Alexander: the x spelling of кс.
    variants += [v.replace("ks", "x") for v in variants if "ks" in v]
    return tuple(dict.fromkeys(v for v in variants if v))


# -- Arabic ------------------------------------------------------------------

_ARABIC: dict[str, str] = {
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ک": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "و": "w",
    "ي": "y",
    "ى": "a",
    "ی": "i",
    "ئ": "",
    "ؤ": "",
    "ء": "",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
}


def arabic_word(word: str) -> TokenForms:
    """A consonantal Latin rendering of an Arabic or Persian word (vowels are unwritten)."""
    letters = [_ARABIC.get(c, "") for c in unicodedata.normalize("NFC", word) if not unicodedata.combining(c)]
    text = "".join(letters)
    return (text,) if text else ()


# -- everything --------------------------------------------------------------


def reads_as_person(han: str, schema: str | None) -> bool:
    """A name in Han characters read character by character as a person's (陳大文), not word by
    word as a company's: a person, or an untyped name of up to four characters."""
    return schema == "Person" or (schema is None and len(han) <= 4)


def latin_token_forms(tokens: list[str], schema: str | None) -> list[TokenForms]:
    """Each folded token as its Latin spellings; non-Latin tokens transliterated."""
    out: list[TokenForms] = []
    for token in tokens:
        script = script_of(token)
        if script == "latin":
            out.append((token,))
        elif script == "hangul":
            out.extend(hangul_word(token))
        elif script == "han":
            if reads_as_person(token, schema):
                out.extend(han_person(token))
            else:
                out.extend(han_company(token))
        elif script == "cyrillic":
            out.append(cyrillic_word(token))
        elif script == "arabic":
            forms = arabic_word(token)
            if forms:
                out.append(forms)
        else:
            out.append((token,))
    return out
