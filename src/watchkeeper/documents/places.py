"""Where a text places a party: the country it is based or registered in, its nationality, an address.

Releases say it in a handful of ways, each read relative to where the party's name stands in
the sentence: `Belgium-based Wael Bazzi`, `Lebanon-based real estate firm Al-Inmaa Group`,
`Iranian national Pedram Pirouzan`, `Hungarian company I.C.I.C. KFT`, `Mohamad Noureddine, a
Lebanese money launderer`, `Iran’s National Iranian Oil Company`, `Cryptex—a virtual currency
exchange registered in St. Vincent and the Grenadines`, `a dual citizen of Russia and North
Macedonia`, `located at No. 5 Harbour Road, Dalian`; and a release may group its parties under a
country heading (`Bosnia and Herzegovina:`). Countries are ISO codes (`countrynames` reads names
and demonyms alike), so `Turkiye` and `Turkey` agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import countrynames
from babel import Locale

#: Two- and three-letter forms a release uses that `countrynames` would not take as a country.
SHORT_FORMS = {"bih": "BA", "uae": "AE", "prc": "CN", "dprk": "KP", "drc": "CD", "u.s.": "US", "us": "US"}
_PLACE = r"[A-Z][\w.\-’']*(?:\s+(?:and(?:\s+the)?|of(?:\s+the)?|[A-Z][\w.\-’']*))*"
_BASED = re.compile(
    rf"({_PLACE})-(?:based|registered|headquartered)((?:\s+(?:[a-z][\w\-]*|U\.S\.-\w+)){{0,7}})\s*$"
)
_DEMONYM_BEFORE = re.compile(r"((?:[A-Z][\w’']*\s+){1,2}?)((?:[a-z][\w\-]*\s+){0,3})$")
_POSSESSIVE = re.compile(rf"({_PLACE})[’']s\s+$")
_APPOSITIVE = re.compile(
    r"^(?:\s*\([^()]{1,60}\))?\s*[,—–-]\s*(?:a|an|the)\s+(?:[a-z][\w\-]*\s+){0,2}"
    r"((?:[A-Z][\w’']*\s+){1,2})((?:[a-z][\w\-]*\s*){1,3})"
)
_PLACED_IN = re.compile(
    r"^[^.;]{0,90}?\b(?:registered|incorporated|headquartered|based|domiciled)\b"
    rf"(?:\s+as\s+[^.;]{{0,50}}?)?\s+in\s+((?:{_PLACE},\s+)?{_PLACE})"
)
# `Misa Vacic (Vacic) is the President of the Serbian Right Party in Serbia`: a sentence that
# defines a party places it in the first country it names.
_DEFINED = re.compile(r"^\s*(?:\([^()]{1,60}\))?,?\s+(?:is|was|are|has been)\s+([^;]{0,200})")
_PREPOSITION_PLACE = re.compile(rf"\b(?:in|of|from)\s+((?:{_PLACE},\s+)?{_PLACE})")
_CITIZEN_OF = re.compile(rf"^[^.;]{{0,90}}?\b(?:citizen|national|citizenship)s?\s+of\s+({_PLACE})")
_ADDRESS = re.compile(
    r"^[^.;]{0,90}?\b(?:located at|registered address(?:\s+(?:is|at))?|address(?:ed)?\s+(?:is|at)|"
    r"offices?\s+at|at the address)\s+(.{5,160}?)"
    r"(?:(?<!\bNo)(?<!\bSt)(?<!\bRd)(?<!\bAve)(?<!\bBldg)(?<!\b[A-Z])\.(?:\s|$)|;|$)"
)
#: Nouns after a demonym that speak of a person's nationality rather than where a business is.
_NATIONALITY_NOUNS = frozenset(
    {
        "national",
        "citizen",
        "businessman",
        "businesswoman",
        "official",
        "politician",
        "dealer",
        "financier",
        "facilitator",
        "launderer",
        "businessperson",
        "oligarch",
        "general",
        "officer",
    }
)


@dataclass(frozen=True)
class PartyPlaces:
    """What one sentence says of where a party is; `origin` is a demonym whose sense (nationality
    for a person, country for a business) depends on what the party turns out to be."""

    countries: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    origin: str | None = None
    address: str | None = None

    def __bool__(self) -> bool:
        return bool(self.countries or self.nationalities or self.origin or self.address)


@lru_cache(maxsize=2048)
def country_of(text: str) -> str | None:
    """`Belgium`, `Lebanese`, `BiH`, `St. Vincent and the Grenadines` → ISO code; else None.
    Whole names, demonyms and the cities `countrynames` knows (`Dubai`) count; `RS` does not."""
    text = text.strip(" ,:;.")
    if not text or not text[0].isupper():
        return None
    if text.casefold() in SHORT_FORMS:
        return SHORT_FORMS[text.casefold()]
    if len(text) <= 3:
        return None  # `RS`, `GoB`: party short forms, not countries
    code = countrynames.to_code(text, fuzzy=False)
    return code.upper() if code else None


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """`BE` → Belgium, for tables; an unknown code is shown as it is."""
    return str(Locale("en").territories.get(code.upper(), code))


def _place(text: str) -> str | None:
    """The country a captured place names, trying `City, Country` from its end and shortening a
    greedy capture (`Belarus and Russia` → Belarus)."""
    for part in reversed([p.strip() for p in text.split(",")]):
        words = part.split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                if code := country_of(" ".join(words[start : start + size])):
                    return code
    return None


def places_in(sentence: str, name: str) -> PartyPlaces:
    """What `sentence` says of where the party called `name` is based, is from, or has an office."""
    at = sentence.find(name)
    if at < 0:
        return PartyPlaces()
    before, after = sentence[max(0, at - 90) : at], sentence[at + len(name) :]
    countries: list[str] = []
    nationalities: list[str] = []
    origin: str | None = None
    described: tuple[str, str] | None = None
    if based := _BASED.search(before):
        if code := _place(based.group(1)):
            countries.append(code)
    elif possessive := _POSSESSIVE.search(before):
        if code := _place(possessive.group(1)):
            countries.append(code)
    elif demonym := _DEMONYM_BEFORE.search(before):
        described = _described(demonym.group(1), demonym.group(2))
    if (appositive := _APPOSITIVE.match(after)) and described is None:
        described = _described(appositive.group(1), appositive.group(2))
    if described is not None:
        kind, code = described
        if kind == "nationality":
            nationalities.append(code)
        else:
            origin = code
    if (placed := _PLACED_IN.match(after)) and (code := _place(placed.group(1))):
        countries.append(code)
    if citizen := _CITIZEN_OF.match(after):
        for part in re.split(r"\s+and\s+(?=[A-Z])", citizen.group(1)):
            if code := _place(part):
                nationalities.append(code)
    if not countries and not nationalities and at == 0 and (defined := _DEFINED.match(after)):
        for place in _PREPOSITION_PLACE.finditer(defined.group(1)):
            # `the District of Columbia`, `the Central Bank of Iran`: part of another proper name.
            inside_name = re.search(r"[A-Z][\w.]*\s+of\s+$", defined.group(1)[: place.start(1)])
            if not inside_name and (code := _place(place.group(1))):
                countries.append(code)
                break
    address = _ADDRESS.match(after)
    return PartyPlaces(
        countries=tuple(dict.fromkeys(countries)),
        nationalities=tuple(dict.fromkeys(nationalities)),
        origin=origin,
        address=address.group(1).strip(" ,") if address else None,
    )


def _described(capitalised: str, nouns: str) -> tuple[str, str] | None:
    """`Iranian` + `national` → (nationality, IR); `Hungarian` + `company` → (origin, HU)."""
    words = capitalised.split()
    code = None
    for size in range(len(words), 0, -1):
        code = country_of(" ".join(words[-size:]))
        if code:
            break
    if code is None or not nouns:
        return None  # `Jordan Kamcev`: a name, not a Jordanian
    return ("nationality" if set(nouns.split()) & _NATIONALITY_NOUNS else "origin"), code


def section_country(line: str) -> str | None:
    """A line that is only a country (`Bosnia and Herzegovina:`) heads the parties that follow."""
    text = line.strip().rstrip(":").strip()
    if len(text.split()) > 6 or not text:
        return None
    return country_of(text)


def describe_places(countries: Sequence[str], nationalities: Sequence[str], address: str | None) -> str:
    """`in Belgium; national of Lebanon; at No. 5 …`, for the tables a reader forwards."""
    parts = []
    if countries:
        parts.append("in " + ", ".join(country_name(c) for c in countries))
    if nationalities:
        parts.append("national of " + ", ".join(country_name(c) for c in nationalities))
    if address:
        parts.append(f"at {address}")
    return "; ".join(parts)
