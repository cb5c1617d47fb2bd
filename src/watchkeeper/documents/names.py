"""Small pure rules about the names a sanctions text mentions: cleaning a mention, telling a company
by its legal form, a government body or an official from a target, and a mention's key for merging."""

from __future__ import annotations

import re
import unicodedata

import countrynames

from watchkeeper.documents.places import SHORT_FORMS

#: Legal forms that make a name a company's (English and the forms OFAC texts quote as written).
LEGAL_FORMS = (
    "co",
    "co.",
    "company",
    "companies",
    "corp",
    "corp.",
    "corporation",
    "inc",
    "inc.",
    "incorporated",
    "ltd",
    "ltd.",
    "limited",
    "llc",
    "l.l.c",
    "l.l.c.",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "s.a.",
    "sarl",
    "s.a.r.l.",
    "bv",
    "b.v.",
    "bvba",
    "nv",
    "n.v.",
    "jsc",
    "ojsc",
    "pjsc",
    "cjsc",
    "ooo",
    "ao",
    "pao",
    "dooel",
    "doo",
    "d.o.o.",
    "ad",
    "kft",
    "dmcc",
    "fze",
    "fzco",
    "fzc",
    "pte",
    "pvt",
    "sdn",
    "bhd",
    "srl",
    "spa",
    "s.p.a.",
    "c.v.",
    "cv",
    "partnership",
    "group",
    "holding",
    "holdings",
    "enterprise",
    "trading",
    "shipping",
    "bank",
)
#: Chinese legal forms, for names written in Han characters.
HAN_LEGAL_FORMS = ("有限责任公司", "有限公司", "股份公司", "集团", "公司", "銀行", "银行", "有限責任公司")

#: Words that make a mention the authority, a law or a programme, not a party the text names.
_GOVERNMENT = re.compile(
    r"(?<![\w.])(government|treasury|ofac|department|departments|office|u\.s\.|united states|"
    r"executive order|e\.o\.|act|regulations?|program|programme|white house|state department|"
    r"security council|united nations|un|federal|congress|senate|embassy|mission|bureau|"
    r"fincen|fbi|justice|commerce|coalition|g7|european union|eu|interpol|federal register|"
    r"advisory|alert|annex|recommendations?|resolution|guidance|faqs?|sanctions? list|sdn list|"
    r"president|administration|specially designated|c\.f\.r|petition|initiative|licensing|policies|"
    r"enforcement network|tribunals?|high representative|implementation|steering board|industry|"
    r"balkans|caribbean|middle east|latin america|grenadines|persian gulf|horn of africa|sahel|"
    r"aml/cft|kyc|terrorist organization|global terrorist)(?!\w)",
    re.IGNORECASE,
)
#: Titles that mark a person as an official speaking for the authority.
OFFICIAL_TITLES = re.compile(
    r"\b(secretary|under secretary|deputy secretary|assistant secretary|ofac director|ambassador|"
    r"spokesperson|treasury secretary|secretary of state|attorney general)\b",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:the|a|an|and|or|of|to|by|on|for|with|through|via|from|under|since|after|during|in|"
    r"specifically|additionally|also|today|both|"
    r"today's|today’s|businessman|businesswoman|oligarch|financier|former|citizen|national|leader|"
    r"member|chairman|owner|founder|brother|sister|son|daughter|wife|husband|father|mother)\s+|[A-Z][A-Za-z\s]{2,30}-based\s+)+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"[’'‘]s?$")
_PAREN_TAIL = re.compile(r"\s*\(([^()]{1,60})\)\s*$")
_HEADING_PREFIX = re.compile(
    r"^(background on|designation of|designations of|sanctions on|about)\s+", re.IGNORECASE
)


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, blanks collapsed: the key mentions merge on."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[’'‘`]", "", plain.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def clean_mention(text: str) -> tuple[str, str | None]:
    """A mention as a name, and a short form it defines in brackets: `the Belgium-based Voltra
    Transcor Energy BVBA (Voltra)` → (`Voltra Transcor Energy BVBA`, `Voltra`)."""
    name = " ".join(text.replace("\u00a0", " ").split()).strip(' ,;:-–—"“”')
    name = re.sub(r"\s*[“\"][^”\"]{1,30}[”\"]\s*", " ", name).strip()  # Branislav “Brano” Micunovic
    for opening, closing in (("(", ")"), ("“", "”")):
        if name.count(opening) > name.count(closing):
            # The model cut a bracket or a nickname off: `Gruevski (Gruevski`, `Joaquin “El Chapo`.
            name = name[: name.rfind(opening)].strip()
    short = None
    tail = _PAREN_TAIL.search(name)
    if tail:
        inner = tail.group(1).strip()
        if not re.match(r"(?i)^(imo|e\.o\.|dob|born|a\.k\.a\.|aka)\b", inner):
            short = inner
        name = name[: tail.start()].strip()
    previous = None
    while previous != name:
        previous = name
        name = _LEADING.sub("", name).strip()
        name = _POSSESSIVE.sub("", name).strip()
        name = _HEADING_PREFIX.sub("", name).strip()
    # A full stop ends the sentence, unless it ends an abbreviated legal form (`Co.`, `S.A.`).
    while name.endswith(".") and name.split()[-1].casefold() not in LEGAL_FORMS:
        name = name[:-1].rstrip()
    return name, short


def is_place(name: str) -> bool:
    """A country or territory the model took for a party (`Belarus`, `BiH`)."""
    return countrynames.to_code(name, fuzzy=False) is not None or fold(name) in SHORT_FORMS


def is_heading(name: str) -> bool:
    """An all-capital line of words (`DESIGNATIONS BUILD ON REWARDS`) rather than a name."""
    words = name.split()
    return (
        name.isupper()
        and len(words) >= 3
        and not is_company(name)
        and any(
            w.lower() in {"on", "of", "the", "and", "for", "to", "in", "by", "with"}
            or w.startswith("DESIGNAT")
            for w in words
        )
    )


def is_company(name: str) -> bool:
    if any(name.endswith(form) for form in HAN_LEGAL_FORMS):
        return True
    words = [w.strip(",()") for w in name.casefold().split()]
    if len(words) == 1:
        return False
    return any(w in LEGAL_FORMS for w in words[1:]) or name.casefold().startswith(
        ("open joint stock company", "joint stock company", "jsc ", "ojsc ", "pjsc ")
    )


def is_government(name: str) -> bool:
    """The authority, a law, a programme or an official: `OFAC`, `E.O. 13757`, `Deputy Secretary
    Justin Muzinich`, `Government of Venezuela`."""
    if is_company(name):
        return False
    return bool(_GOVERNMENT.search(name) or OFFICIAL_TITLES.search(name))


def looks_like_name(name: str) -> bool:
    """Enough of a name to be a party: a capital, not a date or a number, not one short acronym."""
    if len(name) < 3 or len(name) > 120:
        return False
    if _has_han(name):
        return len(name) >= 2
    if not re.search(r"[A-Z]", name) or re.fullmatch(r"[\d\s,./-]+", name):
        return False
    words = name.split()
    if name.endswith("-based"):
        return False
    if len(words) == 1 and name.casefold().strip(".") in LEGAL_FORMS:
        return False  # `Holdings`, `KFT`: a legal form the model split off its name
    if words[0][0].islower():
        return False
    # All-capital headings ("THE PRICE CAP") are not names; all-capital names ("OFFISCOOP NV") are.
    return not (name.isupper() and len(words) > 4)


def _has_han(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text))


def split_companies(name: str) -> list[str]:
    """`Lumber Marine SA and Ice Pearl Navigation Corp` → both; `Travel and Tourism LLC` stays whole."""
    parts = re.split(r"\s+and\s+", name)
    if len(parts) > 1 and all(is_company(p.rstrip(".")) or re.match(r"(JSC|OJSC|PJSC)\b", p) for p in parts):
        return parts
    return [name]


def is_official(name: str, sentence: str) -> bool:
    at = sentence.find(name)
    if at < 0:
        return False
    before = sentence[max(0, at - 45) : at]
    after = sentence[at + len(name) : at + len(name) + 30]
    # `said Under Secretary of the Treasury for Terrorism and Financial Intelligence Brian E. Nelson`
    quoted = re.search(r"\bsaid\b[^.,;“”\"]{0,100},?\s*$", sentence[max(0, at - 110) : at])
    return bool(
        OFFICIAL_TITLES.search(before)
        or (quoted and OFFICIAL_TITLES.search(quoted.group(0)))
        or re.search(r"\bsaid\s*$", before)
        or re.match(r"^,?\s*(said|stated|announced)\b", after)
    )
