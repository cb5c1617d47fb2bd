"""OFAC's free-text remarks turned into fields.

OFAC's legacy CSV carries birth dates, identifiers, vessel numbers and weak
aliases only inside the remarks column, as `;`-separated phrases such as
`DOB circa 1962; Passport AL720622 (Colombia); Linked To: LAZARUS GROUP.`
Each phrase is read by one small rule; a phrase no rule knows is kept in
`notes` so nothing the publisher wrote is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from watchkeeper.model import EntityBuilder, IdentityDocument, PartialDate

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_ONE_DATE = re.compile(r"^(?:(?:(\d{1,2})\s+)?([A-Z][a-z]{2})[a-z]*\.?\s+)?(\d{4})$")


def parse_one_date(text: str) -> str | None:
    """`13 May 1965` → `1965-05-13`, `May 1965` → `1965-05`, `1965` → `1965`."""
    match = _ONE_DATE.match(text.strip())
    if not match:
        return None
    day, month_name, year = match.groups()
    if month_name is None:
        return year
    month = _MONTHS.get(month_name)
    if month is None:
        return None
    if day is None:
        return f"{year}-{month:02d}"
    try:
        datetime(int(year), month, int(day))
    except ValueError:
        return None
    return f"{year}-{month:02d}-{int(day):02d}"


def parse_ofac_date(text: str) -> PartialDate | None:
    """Every date form OFAC uses for birth dates, or None.

    `13 May 1965`, `May 1965`, `1965`, `circa 1962`, `1960 to 1962`,
    `circa 1960-1962`, `01 Jan 1960 to 31 Dec 1962`.
    """
    body = " ".join(text.split()).rstrip(".")
    if len(body) == 4 and body.isdigit():  # the common case, a bare year
        return PartialDate(body)
    circa = False
    if body.lower().startswith("circa "):
        circa, body = True, body[6:]
    range_match = re.match(r"^(\d{4})\s*-\s*(\d{4})$", body)
    parts = list(range_match.groups()) if range_match else body.split(" to ")
    if len(parts) > 2:
        return None
    values = [parse_one_date(p) for p in parts]
    if any(v is None for v in values):
        return None
    start = values[0]
    assert start is not None
    end = values[1] if len(values) == 2 else None
    return PartialDate(start=start, end=end, circa=circa)


# Identifier labels as OFAC writes them, and the FtM property each number is
# filed under. Longer labels first so "Diplomatic Passport" wins over "Passport".
_DOCUMENT_LABELS: dict[str, str] = {
    "Diplomatic Passport": "passportNumber",
    "Passport": "passportNumber",
    "National ID No.": "idNumber",
    "National Identification Number": "idNumber",
    "Cedula No.": "idNumber",
    "Identification Number": "idNumber",
    "D.N.I.": "idNumber",
    "C.U.R.P.": "idNumber",
    "Personal ID Card": "idNumber",
    "Credencial electoral": "idNumber",
    "Electoral Registry No.": "idNumber",
    "Cartilla de Servicio Militar Nacional": "idNumber",
    "Residency Number": "idNumber",
    "Public Security and Immigration No.": "idNumber",
    "Birth Certificate Number": "idNumber",
    "Driver's License No.": "idNumber",
    "I.F.E.": "idNumber",
    "LE Number": "idNumber",
    "SSN": "idNumber",
    "Tax ID No.": "taxNumber",
    "R.F.C.": "taxNumber",
    "RFC": "taxNumber",
    "RUC #": "taxNumber",
    "RIF #": "taxNumber",
    "NIT #": "taxNumber",
    "V.A.T. Number": "taxNumber",
    "Italian Fiscal Code": "taxNumber",
    "C.U.I.T.": "taxNumber",
    "C.U.I.P.": "taxNumber",
    "US FEIN": "taxNumber",
    "Registration ID": "registrationNumber",
    "Registration Number": "registrationNumber",
    "Company Number": "registrationNumber",
    "UK Company Number": "registrationNumber",
    "Commercial Registry Number": "registrationNumber",
    "Matricula Mercantil No": "registrationNumber",
    "Business Registration Document #": "registrationNumber",
    "Business Registration Number": "registrationNumber",
    "Government Gazette Number": "registrationNumber",
    "Chamber of Commerce Number": "registrationNumber",
    "Folio Mercantil No.": "registrationNumber",
    "Trade License No.": "registrationNumber",
    "C.R. No.": "registrationNumber",
    "Public Registration Number": "registrationNumber",
    "Registered Charity No.": "registrationNumber",
    "Branch Unit Number": "registrationNumber",
    "Certificate of Incorporation Number": "registrationNumber",
    "Unified Social Credit Code (USCC)": "registrationNumber",
    "Legal Entity Number": "leiCode",
    "D-U-N-S Number": "dunsCode",
    "ISIN": "isin",
    "BIK (RU)": "bikCode",
}
_DOCUMENT_RE = re.compile(
    "^(?P<label>"
    + "|".join(re.escape(k) for k in sorted(_DOCUMENT_LABELS, key=len, reverse=True))
    + r")[:\s]\s*(?P<rest>\S.*)$"
)
# Labels OFAC adds from time to time ("Kenyan ID No.", "Stateless Person ID
# Card") are still identifiers: a short label ending in No./Number/#/ID/Card.
_GENERIC_DOCUMENT_RE = re.compile(
    r"^(?P<label>(?:[A-Z][\w.'/()-]*\s){0,4}(?:ID|No\.|Number|#|Card)(?: No\.)?)\s+(?P<rest>[A-Z0-9].*)$"
)
_NUMBER_RE = re.compile(
    r"^(?P<number>.+?)(?:\s*\((?P<country>[^()]+)\))?"
    r"(?P<note>\s+(?:issued|expires|Issue Date|Expiration Date|valid)\b.*)?$"
)


def parse_document(phrase: str) -> IdentityDocument | None:
    """`Passport AL720622 (Colombia) issued 2001` → an `IdentityDocument`."""
    match = _DOCUMENT_RE.match(phrase)
    if match:
        label = match["label"]
        kind = _DOCUMENT_LABELS[label]
    else:
        match = _GENERIC_DOCUMENT_RE.match(phrase)
        if not match:
            return None
        label = match["label"]
        kind = "idNumber"
    number = _NUMBER_RE.match(match["rest"].strip())
    if not number:
        return None
    return IdentityDocument(
        kind=kind,
        number=number["number"].strip(),
        label=label,
        country=(number["country"] or "").strip(),
        note=(number["note"] or "").strip(),
    )


# A final "." that closes an abbreviation ("CO., LTD.", "S.A.") is part of a name.
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:co|ltd|inc|corp|no|jr|sr|bhd)\.$", re.I)


def split_remarks(remarks: str) -> list[str]:
    """Phrases of a remarks text, without `alt.` prefixes or the closing stop."""
    text = remarks.strip()
    # Only the tail can hold the abbreviation; searching all of a long remark is slow.
    if text.endswith(".") and not _ABBREVIATION_END.search(text[-12:]):
        text = text[:-1]
    phrases = []
    for raw in text.split(";"):
        phrase = " ".join(raw.split())
        if phrase[:5] in ("alt. ", "Alt. "):
            phrase = phrase[5:].lstrip()
        if phrase:
            phrases.append(phrase)
    return phrases


def _strip_quotes(text: str) -> str:
    text = text.strip().rstrip(".")
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1]
    return text


# A phrase rule: a prefix pattern and what to do with the text after it.
Rule = tuple[str, Callable[[EntityBuilder, str], None]]


def _prop(name: str) -> Callable[[EntityBuilder, str], None]:
    return lambda b, value: b.add(name, value)


def _birth_date(builder: EntityBuilder, value: str) -> None:
    parsed = parse_ofac_date(value)
    if parsed is None:
        builder.add("notes", f"DOB {value}")
    else:
        builder.add_date("birthDate", parsed)


def _weak_alias(builder: EntityBuilder, value: str) -> None:
    builder.add("weakAlias", _strip_quotes(value))


def _imo(builder: EntityBuilder, value: str) -> None:
    builder.add("imoNumber", re.sub(r"^IMO\s*", "", value).strip())


def _crypto(builder: EntityBuilder, value: str) -> None:
    builder.add("cryptoWallet", value)


def _registration_date(builder: EntityBuilder, value: str) -> None:
    parsed = parse_ofac_date(value)
    builder.add("incorporationDate" if parsed else "notes", str(parsed) if parsed else value)


_RULES: list[Rule] = [
    (r"DOB\s+", _birth_date),
    (r"POB:?\s+", _prop("birthPlace")),
    (r"nationality\s+", _prop("nationality")),
    (r"citizen\s+", _prop("citizenship")),
    (r"Gender\s+", _prop("gender")),
    (r"[afn]\.k\.a\.,?\s+", _weak_alias),
    (r"Linked To:\s*", _prop("linkedTo")),
    (r"Secondary sanctions risk:\s*", _prop("secondarySanctions")),
    (r"Additional Sanctions Information -\s*", _prop("secondarySanctions")),
    (r"Vessel Registration Identification\s+", _imo),
    (r"MMSI\s+", _prop("mmsi")),
    (r"Other Vessel Call Sign\s+", _prop("callSign")),
    (r"Other Vessel Flag\s+", _prop("flag")),
    (r"Former Vessel Flag\s+", _prop("pastFlags")),
    (r"Other Vessel Type\s+", _prop("type")),
    (r"Vessel Year of Build\s+", _prop("buildDate")),
    (r"Email(?: Address)?:?\s*", _prop("email")),
    (r"Website:?\s*", _prop("website")),
    (r"SWIFT/BIC\s+", _prop("swiftBic")),
    (r"(?:Phone|Telephone|Fax)(?: No\.| Number)?:?\s+", _prop("phone")),
    (r"Digital Currency Address -\s*", _crypto),
    (r"Nationality of Registration\s+", _prop("jurisdiction")),
    (r"Organization Established Date\s+", _registration_date),
    (r"Aircraft Manufacturer.s Serial Number \(MSN\)\s+", _prop("serialNumber")),
    (r"Aircraft Tail Number\s+", _prop("registrationNumber")),
    (r"Previous Aircraft Tail Number\s+", _prop("registrationNumber")),
    (r"Aircraft Model\s+", _prop("model")),
    (r"Aircraft Operator\s+", _prop("operatorName")),
]


# One alternation of every rule: a phrase is matched once, not once per rule.
_RULE_RE = re.compile("|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(_RULES)))
_ACTIONS = {f"r{i}": action for i, (_, action) in enumerate(_RULES)}


def apply_phrase(builder: EntityBuilder, phrase: str) -> None:
    """File one remarks phrase (or one XML id item written as a phrase)."""
    # The XML remarks wrap some phrases in brackets: "(Linked To: VNESHECONOMBANK)".
    if phrase.startswith("(") and phrase.endswith(")") and phrase.count("(") == 1:
        phrase = phrase[1:-1].strip()
    match = _RULE_RE.match(phrase)
    if match is not None and match.lastgroup is not None:
        value = phrase[match.end() :].strip()
        if value:
            _ACTIONS[match.lastgroup](builder, value)
        return
    doc = parse_document(phrase)
    if doc is not None:
        builder.add_document(doc)
    else:
        builder.add("notes", phrase)


def apply_remarks(builder: EntityBuilder, remarks: str) -> None:
    """File every phrase of an OFAC remarks text into the entity's fields."""
    for phrase in split_remarks(remarks):
        apply_phrase(builder, phrase)
