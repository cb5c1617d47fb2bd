"""SWIFT MT103 (single customer credit transfer), as specified in the SWIFT MT category 1 rules.

Block 1 and 2 give the sender's and receiver's BIC; block 4 holds the fields
(`:TAG:content`, continued on following lines up to the next tag). Party
fields in option A (BIC), D/K (name and address), F (structured: `1/` name,
`2/` address, `3/` country and town) are read into `PaymentParty`; fields 70,
72 and 77B are free text.

Block 4 is written in the SWIFT X character set. A character outside it (a
Cyrillic letter that looks Latin, a zero-width space) or a field MT103 does
not define is a `FieldProblem`: the message is screened and held. A name
runs over the 35-character lines of its field, cut wherever the line ends,
so each party field and narrative is also screened as one text with its
lines joined, with and without a space.
"""

from __future__ import annotations

import re
import unicodedata

from watchkeeper.payments.message import FieldProblem, FreeText, MessageError, PaymentMessage, PaymentParty

_BLOCK4 = re.compile(r"\{4:\s*\n(.*?)\n-\}", re.DOTALL)
_FIELD = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_32A = re.compile(r"^(\d{6})([A-Z]{3})(\d{1,12},\d{0,3})$")
#: Field tag families, their role, and whether the party is a bank.
PARTY_FIELDS = {
    "50": ("ordering_customer", False),
    "52": ("ordering_institution", True),
    "53": ("senders_correspondent", True),
    "54": ("receivers_correspondent", True),
    "55": ("third_reimbursement_institution", True),
    "56": ("intermediary", True),
    "57": ("account_with_institution", True),
    "59": ("beneficiary", False),
}
#: Mandatory fields: (tags that satisfy it, as named in errors). 50a and 59a come in several options.
MANDATORY = (
    (("20",), "20"),
    (("23B",), "23B"),
    (("32A",), "32A"),
    (("50A", "50F", "50K"), "50a"),
    (("59", "59A", "59F"), "59a"),
    (("71A",), "71A"),
)
FREE_TEXT_FIELDS = ("70", "72", "77B")
#: The options each party field may take in an MT103 (SWIFT standards, category 1).
OPTIONS = {
    "50": "AFK",
    "52": "AD",
    "53": "ABD",
    "54": "ABD",
    "55": "ABD",
    "56": "ACD",
    "57": "ABCD",
    "59": "AF ",
}
#: Every other field an MT103 may carry.
OTHER_FIELDS = frozenset("20 13C 23B 23E 26T 32A 33B 36 51A 70 71A 71F 71G 72 77B 77T".split())
#: The SWIFT X character set, in which block 4 is written.
X_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ \r\n")


def _header_bic(data: str, block: str) -> str:
    found = re.search(r"\{" + block + r":([^}]*)\}", data)
    if not found:
        return ""
    body = found.group(1)
    if block == "1":  # F01 + LT address (BIC8 + terminal letter + branch)
        lt = body[3:15]
    elif body.startswith("I"):  # I103 + receiver's LT address
        lt = body[4:16]
    else:  # O103 + input time HHMM + MIR (date + sender's LT …)
        lt = body[14:26]
    if len(lt) != 12:
        return ""
    return lt[:8] + (lt[9:12] if lt[9:12] != "XXX" else "")


def _fields(block4: str) -> list[tuple[str, str]]:
    positions = list(_FIELD.finditer(block4))
    if not positions:
        raise MessageError("{4:}", "no fields (`:20:` …) in block 4")
    if block4[: positions[0].start()].strip():
        raise MessageError("{4:}", "text before the first field of block 4")
    out = []
    for index, match in enumerate(positions):
        end = positions[index + 1].start() if index + 1 < len(positions) else len(block4)
        out.append((match.group(1), block4[match.end() : end].strip("\r\n")))
    return out


def _lines(content: str) -> list[str]:
    return [line.strip() for line in content.replace("\r", "").split("\n") if line.strip()]


def _outside_x(tag: str, content: str) -> FieldProblem | None:
    for number, line in enumerate(content.split("\n"), 1):
        for char in line:
            if char not in X_CHARACTERS:
                name = unicodedata.name(char, f"U+{ord(char):04X}")
                return FieldProblem(
                    f":{tag}:",
                    f"line {number}: {char!r} ({name}) is outside the SWIFT X character set; "
                    "the field cannot be trusted as read",
                )
    return None


def _party(tag: str, content: str) -> PaymentParty:
    family, option = tag[:2], tag[2:]
    role, is_bank = PARTY_FIELDS[family]
    lines = _lines(content)
    where = f":{tag}:"
    if (option or " ") not in OPTIONS[family]:
        raise MessageError(
            where, f"option {option or '(none)'} is not defined for field {family}a in an MT103"
        )
    if option == "C":  # an account only
        if not lines or not lines[0].startswith("/"):
            raise MessageError(where, "option C needs an account `/…`")
        return PaymentParty(role, where, account=lines[0].lstrip("/"), is_agent=is_bank)
    account = ""
    if lines and lines[0].startswith("/") and option != "F":
        account = lines.pop(0).lstrip("/")
    if option == "A":
        if not lines or not _BIC.match(lines[0]):
            raise MessageError(where, f"option A needs a BIC, got {lines[0] if lines else 'nothing'!r}")
        return PaymentParty(role, where, bic=lines[0], account=account, is_agent=is_bank)
    if option == "F":
        identifier = lines.pop(0) if lines and not re.match(r"^\d/", lines[0]) else ""
        names = [line[2:] for line in lines if line.startswith("1/")]
        address = [line[2:] for line in lines if line.startswith("2/")]
        places = [line[2:] for line in lines if line.startswith("3/")]
        births = [line[2:] for line in lines if line.startswith("4/")]
        if not names:
            raise MessageError(where, "option F needs a name line `1/…`")
        country = places[0][:2] if places and re.match(r"^[A-Z]{2}(/|$)", places[0]) else ""
        return PaymentParty(
            role,
            where,
            name=" ".join(names),
            account=identifier.lstrip("/") if identifier.startswith("/") else "",
            address=tuple(address + [p[3:] if country else p for p in places]),
            country=country,
            identifiers=(identifier,) if identifier and not identifier.startswith("/") else (),
            is_agent=is_bank,
            kind="person" if births else "",
            birth_date=_iso_date(births[0]) if births else "",
        )
    if option == "B":  # a location only (branch of the sender or receiver)
        return PaymentParty(role, where, address=tuple(lines), account=account, is_agent=is_bank)
    # No letter (field 59), K or D: name on the first line, address after it.
    if not lines:
        raise MessageError(where, "no name")
    return PaymentParty(
        role, where, name=lines[0], address=tuple(lines[1:]), account=account, is_agent=is_bank
    )


def _iso_date(value: str) -> str:
    """Field 50F line `4/YYYYMMDD` → YYYY-MM-DD."""
    digits = value.strip()[:8]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if len(digits) == 8 and digits.isdigit() else ""


def parse_mt103(data: bytes, source: str = "") -> PaymentMessage:
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise MessageError(f"byte {exc.start}", "not UTF-8 / SWIFT character set text") from None
    text = text.replace("\r\n", "\n")
    if "{2:" in text:
        message_type = re.search(r"\{2:[IO](\d{3})", text)
        if message_type is None or message_type.group(1) != "103":
            raise MessageError("{2:}", "not an MT103 (message type in block 2)")
    if "{4:" in text:
        found = _BLOCK4.search(text)
        if found is None:
            raise MessageError("{4:}", "block 4 is not closed with `-}`: message truncated?")
        block4 = found.group(1)
    else:
        block4 = text.strip()
    fields = _fields(block4)
    tags = [tag for tag, _ in fields]
    for accepted, label in MANDATORY:
        if not any(tag in accepted for tag in tags):
            raise MessageError(f":{label}:", "mandatory field missing")
    values = dict(fields)
    amount_field = _32A.match(values["32A"].strip())
    if amount_field is None:
        raise MessageError(
            ":32A:", f"{values['32A']!r} is not YYMMDD + currency + amount (e.g. 190315USD125000,00)"
        )
    parties: list[PaymentParty] = []
    sender, receiver = _header_bic(text, "1"), _header_bic(text, "2")
    if sender:
        parties.append(PaymentParty("sender", "{1:}", bic=sender, is_agent=True, kind="organization"))
    if receiver:
        parties.append(PaymentParty("receiver", "{2:}", bic=receiver, is_agent=True, kind="organization"))
    texts: list[FreeText] = []
    problems: list[FieldProblem] = []
    for tag, content in fields:
        outside = _outside_x(tag, content)
        if outside is not None:
            problems.append(outside)
        if tag[:2] in PARTY_FIELDS:
            party = _party(tag, content)
            parties.append(party)
            for number, line in enumerate(party.address, 1):
                texts.append(FreeText(f":{tag}: line {number + 1}", line))
            texts += _joined(f":{tag}:", [line for line in _lines(content) if not line.startswith("/")])
        elif tag in FREE_TEXT_FIELDS:
            texts.append(FreeText(f":{tag}:", " ".join(_lines(content))))
            texts += _joined(f":{tag}:", _lines(content))[1:]
        elif tag not in OTHER_FIELDS:
            problems.append(FieldProblem(f":{tag}:", "not a field of an MT103; it was not screened"))
    date_text = amount_field.group(1)
    return PaymentMessage(
        "MT103",
        values["20"].strip(),
        tuple(parties),
        tuple(texts),
        amount_field.group(3).replace(",", "."),
        amount_field.group(2),
        f"20{date_text[:2]}-{date_text[2:4]}-{date_text[4:6]}",
        source,
        problems=tuple(problems),
    )


def _joined(path: str, lines: list[str]) -> list[FreeText]:
    """A field's lines as one text, joined with a space and (for a word cut at a line's end) without."""
    if len(lines) < 2:
        return []
    lines = [re.sub(r"^\d/", "", line) for line in lines]  # option F's line numbers
    return [FreeText(path, " ".join(lines)), FreeText(path, "".join(lines))]
