"""Name normalisation: small pure functions, each undoing one way names differ.

The output of `name_tokens` is a list of lowercase tokens in Latin letters
where the input was Latin (accents dropped), and in the original script
otherwise; `translit` turns the latter into Latin spellings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

# Legal forms and the words that only say "a company": removed from
# organisation names on both sides, as "CO., LTD." and "Company Limited" must
# not decide a match. Multi-word forms are matched as token sequences.
LEGAL_FORMS: frozenset[str] = frozenset(
    """
    co company companies compania companhia compagnie corp corporation inc incorporated incorporation
    ltd limited llc llp lp plc ld
    pte pvt private sa sas sarl srl spa sl sro as ab oy bv nv ag gmbh kg ohg ug mbh ev
    ooo zao oao pao ao tov pjsc ojsc cjsc jsc jstc ojs cjs ip fzco fze fzc fzllc dmcc wll wlll
    bsc qsc saog saoc
    kft zrt rt doo dd ad ead eood ood tic sti ltda cia eirl sac saa sab cv rl bhd sdn tbk pt cc
    establishment est limitada limitee ltee fz fzllc
    gongsi zonggongsi
    """.split()
)
# Legal forms written out in several words, folded to one token before removal.
_LEGAL_PHRASES: tuple[tuple[str, ...], ...] = (
    ("s", "a"),
    ("s", "a", "s"),
    ("s", "r", "l"),
    ("s", "de", "r", "l"),
    ("sa", "de", "cv"),
    ("s", "a", "de", "c", "v"),
    ("de", "c", "v"),
    ("c", "v"),
    ("s", "de", "rl", "de", "cv"),
    ("s", "en", "c"),
    ("y", "cia"),
    ("limited", "liability", "company"),
    ("public", "joint", "stock", "company"),
    ("open", "joint", "stock", "company"),
    ("closed", "joint", "stock", "company"),
    ("joint", "stock", "company"),
    ("limited", "liability", "partnership"),
    ("obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"),
    ("obshchestvo", "s", "ogranichennoi", "otvetstvennostiu"),
    ("aktsionernoe", "obshchestvo"),
    ("publichnoe", "aktsionernoe", "obshchestvo"),
    ("otkrytoe", "aktsionernoe", "obshchestvo"),
    ("otkrytoye", "aktsionernoye", "obschestvo"),
    ("zakrytoe", "aktsionernoe", "obshchestvo"),
    ("sociedad", "anonima"),
    ("sociedad", "limitada"),
    ("societe", "anonyme"),
    ("private", "limited"),
    ("joint", "stock"),
    # Chinese legal forms in pinyin (ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI)
    ("youxian", "gongsi"),
    ("youxian", "zeren", "gongsi"),
    ("gufen", "youxian", "gongsi"),
    ("open", "joint", "stock"),
    ("closed", "joint", "stock"),
    ("public", "joint", "stock"),
    ("private", "joint", "stock"),
    ("limited", "liability"),
    ("responsabilidad", "limitada"),
    ("sociedad", "de", "responsabilidad", "limitada"),
    ("societe", "a", "responsabilite", "limitee"),
)
_LEGAL_PHRASE_FIRST = {p[0] for p in _LEGAL_PHRASES}

# Titles and honorifics before a person's name.
HONORIFICS: frozenset[str] = frozenset(
    """
    mr mrs ms miss dr prof sir lord lady sheikh shaykh shaikh sheik hajji alhaj alhaji maulana
    maulavi maulawi mawlawi mullah mulla mufti qari hafiz sayyid sayed syed general gen col colonel
    maj major brig brigadier capt captain lt admiral adm imam ayatollah hojatoleslam
    """.split()
)
# Prefixes of vessel names: motor tanker, motor vessel...
VESSEL_PREFIXES: frozenset[str] = frozenset("mt mv m v ss ms mts mvs fv tb".split())

_APOSTROPHES = "'’‘`´ʻʼʹʾʿ"
_SPLIT_RE = re.compile(r"[^\w]+", re.UNICODE)


def is_latin(text: str) -> bool:
    """True when every letter of the text is a Latin letter (accents allowed)."""
    for char in text:
        if char.isalpha() and not ("LATIN" in unicodedata.name(char, "") or char.isascii()):
            return False
    return True


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Compatibility-normalise, case-fold, drop accents from Latin letters.

    `Ğülşən` → `gulsen`; non-Latin letters are kept (`김정은` stays `김정은`),
    so that each script can be transliterated by its own rules.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = (
        text.replace("ß", "ss")
        .replace("ø", "o")
        .replace("đ", "d")
        .replace("ł", "l")
        .replace("ı", "i")
        .replace("ə", "e")
    )
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    for char in decomposed:
        # A mark on a Latin base letter is an accent; on Hangul or Arabic it is part of the letter.
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def reorder_listed(name: str) -> str:
    """`SURNAME, Given` → `Given SURNAME` when the name has exactly one comma."""
    last, sep, first = name.partition(",")
    if not sep or "," in first or not first.strip() or not last.strip():
        return name
    return f"{first.strip()} {last.strip()}"


def raw_tokens(text: str) -> list[str]:
    """Folded tokens: apostrophes vanish inside words, other punctuation splits."""
    folded = fold(text)
    for mark in _APOSTROPHES:
        folded = folded.replace(mark, "")
    return [t for t in _SPLIT_RE.split(folded.replace("_", " ")) if t]


_LONG_LEGAL_FORMS = tuple(f for f in LEGAL_FORMS if len(f) >= 6)
# Short forms that end company names, where a mistyped "LDT" or "COPR" is still a legal form.
_FINAL_LEGAL_FORMS = tuple(f for f in LEGAL_FORMS if 3 <= len(f) <= 5)


@lru_cache(maxsize=65536)
def is_legal_form(token: str, final: bool = False) -> bool:
    """A legal form, or one with typing errors ("LIMITRD", "PRLVATE", a final "LDT").

    Long forms tolerate one error, or two from seven letters; a short form
    only as the last word of the name, where legal forms stand.
    """
    if token in LEGAL_FORMS:
        return True
    if len(token) >= 6:
        edits = 2 if len(token) >= 7 else 1
        return any(OSA.distance(token, form, score_cutoff=edits) <= edits for form in _LONG_LEGAL_FORMS)
    if final and len(token) >= 3:
        # A three-letter form only with two letters swapped ("LDT"): any other error there turns
        # names into forms ("SAMA" into SAA, "DTO" into DOO). Longer forms take one error (GBH).
        return any(
            token[0] == form[0]
            and OSA.distance(token, form, score_cutoff=1) <= 1
            and (len(form) >= 4 or (len(token) == 3 and sorted(token) == sorted(form)))
            for form in _FINAL_LEGAL_FORMS
        )
    return False


# Abbreviations of business words, written out as the lists write them.
ABBREVIATIONS: dict[str, str] = {
    "intl": "international",
    "natl": "national",
    "mfg": "manufacturing",
    "bros": "brothers",
    "assn": "association",
    "assoc": "association",
    "dept": "department",
    "svcs": "services",
    "svc": "service",
    "grp": "group",
    "hldgs": "holdings",
    "hldg": "holding",
    "mgmt": "management",
    "trdg": "trading",
    "shpg": "shipping",
    "imp": "import",
    "exp": "export",
    "indus": "industries",
    "engg": "engineering",
    "univ": "university",
}


def expand_abbreviations(tokens: list[str]) -> list[str]:
    return [ABBREVIATIONS.get(t, t) for t in tokens]


def strip_legal_forms(tokens: list[str]) -> list[str]:
    """Drop legal forms and company-only words, single or multi-word."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _LEGAL_PHRASE_FIRST:
            matched = 0
            for phrase in _LEGAL_PHRASES:
                if tuple(tokens[i : i + len(phrase)]) == phrase and len(phrase) > matched:
                    matched = len(phrase)
            if matched:
                i += matched
                continue
        final = i > 0 and _trailing_legal(tokens, i + 1)
        if not is_legal_form(token, final=final) and not (
            final and i == len(tokens) - 1 and tokens[i - 1] in LEGAL_FORMS and _clipped_form(token)
        ):
            out.append(token)
        i += 1
    # A name that is only a legal form ("Company Ltd") keeps its words.
    return out or tokens


#: Three-letter forms that end a name after another form ("COMPANY LTD", "CO. INC.").
_SECOND_FORMS = ("ltd", "llc", "inc", "plc")


def _clipped_form(token: str) -> bool:
    """A second legal form missing a letter ("COMPANY TD.", "CO LT"): after a legal form, two
    letters of LTD are LTD."""
    return len(token) == 2 and any(OSA.distance(token, form, score_cutoff=1) == 1 for form in _SECOND_FORMS)


#: Legal forms too short, or too like a word of a person's name, to tell a company by themselves.
_AMBIGUOUS_FORMS = frozenset(
    {"as", "ab", "ad", "ao", "ip", "pt", "cc", "sl", "ld", "cv", "rl", "dd", "est", "ev", "ug"}
)


@lru_cache(maxsize=65536)
def names_a_company(name: str) -> bool:
    """The name ends in a legal form (Khan PLC, Boyle Ltd, Nicolas S.A.S.): a company, whatever
    type the caller gave or left out, so a person's name is not a candidate for it."""
    tokens = raw_tokens(name)
    if len(tokens) >= 2 and tokens[-1] in LEGAL_FORMS and tokens[-1] not in _AMBIGUOUS_FORMS:
        return True
    return any(
        len(tokens) > len(phrase) and tuple(tokens[-len(phrase) :]) == phrase for phrase in _LEGAL_PHRASES
    )


def _trailing_legal(tokens: list[str], start: int) -> bool:
    """True when every token from `start` on is a legal form: the name's legal-form tail."""
    return all(t in LEGAL_FORMS for t in tokens[start:])


_LONG_HONORIFICS = tuple(h for h in HONORIFICS if len(h) >= 6)


@lru_cache(maxsize=65536)
def is_honorific(token: str) -> bool:
    """A title, or a long one with a typing error ("MAULAWY", "SHEIKHH").

    Short titles must be exact: "Hafez" is a name a letter away from the title "Hafiz".
    """
    if token in HONORIFICS:
        return True
    if len(token) >= 6:
        return any(OSA.distance(token, h, score_cutoff=1) <= 1 and token[0] == h[0] for h in _LONG_HONORIFICS)
    return False


def strip_honorifics(tokens: list[str]) -> list[str]:
    out = [t for t in tokens if not is_honorific(t)]
    return out or tokens


def strip_vessel_prefix(tokens: list[str]) -> list[str]:
    i = 0
    while i < len(tokens) - 1 and tokens[i] in VESSEL_PREFIXES:
        i += 1
    return tokens[i:]


def name_tokens(name: str, schema: str | None = None) -> list[str]:
    """The tokens a name is compared by, for the given FtM schema (or any)."""
    tokens = raw_tokens(reorder_listed(name) if schema in (None, "Person") else name)
    if schema == "Vessel":
        return strip_vessel_prefix(tokens)
    if schema == "Person":
        return join_servant_names(strip_honorifics(tokens))
    if schema in ("Organization", "Company", "LegalEntity"):
        return strip_legal_forms(expand_abbreviations(tokens))
    return join_servant_names(strip_legal_forms(strip_honorifics(tokens)))


#: The article after "Abd" (servant of): al, el, ul, or assimilated to the next consonant.
SERVANT_ARTICLES = frozenset("al el ul ar ur as us ad ud an un at ut az uz".split())


def join_servant_names(tokens: list[str]) -> list[str]:
    """ "Abd al-Rahman" is one name in three words; "Abdul Rahman" and "ABDELRAHMAN" write it in
    two and one. "Abd" and its article become one word, so that the aligner, which joins two
    adjacent words, meets every way of writing it (abdal + rahman → abdalrahman ≈ abdelrahman)."""
    if "abd" not in tokens:
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "abd" and i + 2 < len(tokens) and tokens[i + 1] in SERVANT_ARTICLES:
            out.append("abd" + tokens[i + 1])
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out
