"""ISO 20022 customer credit transfers: pacs.008 (FI to FI) and pain.001 (customer to bank).

Read with `xml_input.parse_untrusted`: a DTD, an entity reference or a processing
instruction refuses the message, and a text field holding markup is an error
naming the field, so no part of a name can hide from the screener. The message may stand alone
(`Document`) or sit in a business envelope beside its `AppHdr`. Every party
and agent becomes a `PaymentParty` with the path where it was found; every
free-text field (remittance information, instructions, regulatory details,
purpose, unstructured address lines) becomes a `FreeText`.
"""

from __future__ import annotations

from lxml import etree

from watchkeeper.payments.message import FreeText, MessageError, PaymentMessage, PaymentParty
from watchkeeper.xml_input import XMLRefused, parse_untrusted, text_of_leaf

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
#: Message roots we read, by the message type in the namespace.
ROOTS = {"pacs.008": "FIToFICstmrCdtTrf", "pain.001": "CstmrCdtTrfInitn"}
#: Parties (PartyIdentification) of a transaction, with the role each plays.
TX_PARTIES = (
    ("UltmtDbtr", "ultimate_debtor"),
    ("InitgPty", "initiating_party"),
    ("Dbtr", "debtor"),
    ("Cdtr", "creditor"),
    ("UltmtCdtr", "ultimate_creditor"),
)
#: Agents (financial institutions) of a transaction.
TX_AGENTS = (
    ("InstgAgt", "instructing_agent"),
    ("InstdAgt", "instructed_agent"),
    ("PrvsInstgAgt1", "previous_instructing_agent"),
    ("PrvsInstgAgt2", "previous_instructing_agent"),
    ("PrvsInstgAgt3", "previous_instructing_agent"),
    ("IntrmyAgt1", "intermediary_agent"),
    ("IntrmyAgt2", "intermediary_agent"),
    ("IntrmyAgt3", "intermediary_agent"),
    ("DbtrAgt", "debtor_agent"),
    ("CdtrAgt", "creditor_agent"),
)
ACCOUNTS = {"Dbtr": "DbtrAcct", "Cdtr": "CdtrAcct"}
FREE_TEXT = (
    "RmtInf/Ustrd",
    "RmtInf/Strd/AddtlRmtInf",
    "RmtInf/Strd/CdtrRefInf/Ref",
    "InstrForCdtrAgt/InstrInf",
    "InstrForNxtAgt/InstrInf",
    "Purp/Prtry",
    "RgltryRptg/Dtls/Inf",
    "Tax/Rcrd/AddtlInf",
)
#: Mandatory in every transaction, for screening: who pays, who is paid, through which banks.
PACS008_MANDATORY = ("Dbtr", "DbtrAgt", "Cdtr", "CdtrAgt", "IntrBkSttlmAmt")
PAIN001_MANDATORY_TX = ("Cdtr", "Amt")
PAIN001_MANDATORY_PMT = ("Dbtr", "DbtrAcct", "DbtrAgt")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


class _Reader:
    """Path lookups in one namespace, with paths reported as `Root/Child[n]/…`.

    Paths are walked child by child (`iterchildren` in C) rather than given to
    ElementPath, whose cache of compiled paths holds 100 and would be
    recompiling ours on every lookup.
    """

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._tags: dict[str, list[str]] = {}

    def _steps(self, path: str) -> list[str]:
        steps = self._tags.get(path)
        if steps is None:
            steps = self._tags[path] = [f"{{{self.namespace}}}{p}" for p in path.split("/")]
        return steps

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        found = element
        for tag in self._steps(path):
            child = next(found.iterchildren(tag), None)
            if child is None:
                return None
            found = child
        return found

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        *parents, last = self._steps(path)
        level = [element]
        for tag in parents:
            level = [child for node in level for child in node.iterchildren(tag)]
        return [child for node in level for child in node.iterchildren(last)]

    def text(self, element: etree._Element, path: str) -> str:
        found = self.find(element, path)
        return text_of_leaf(found).strip() if found is not None else ""

    def texts(self, element: etree._Element, path: str) -> list[str]:
        return [value for e in self.findall(element, path) if (value := text_of_leaf(e).strip())]


def _document(root: etree._Element) -> etree._Element:
    if _local(root) == "Document":
        return root
    for element in root.iter():
        if isinstance(element.tag, str) and _local(element) == "Document":
            return element
    raise MessageError(_local(root), "no ISO 20022 Document element in the message")


def parse_iso20022(data: bytes, source: str = "") -> PaymentMessage:
    try:
        return _parse(data, source)
    except XMLRefused as exc:
        if exc.where.startswith("line "):  # a syntax error: the field is its line, the column is told
            line, _, column = exc.where.partition(", ")
            raise MessageError(line, f"{exc.problem} ({column})" if column else exc.problem) from None
        raise MessageError(_message_path(exc.where), exc.problem) from None


def _message_path(where: str) -> str:
    """An element path from the message root on, as hits name fields: `FIToFICstmrCdtTrf/…`."""
    steps = where.split("/")
    roots = [n for n, step in enumerate(steps) if step in ROOTS.values()]
    if not roots:
        return where
    # Transactions and payment blocks are numbered even when there is one.
    named = [f"{s}[1]" if s in {"CdtTrfTxInf", "PmtInf"} else s for s in steps[roots[0] :]]
    return "/".join(named)


def _parse(data: bytes, source: str) -> PaymentMessage:
    root = parse_untrusted(data)
    document = _document(root)
    namespace = etree.QName(document).namespace or ""
    if not namespace.startswith(NAMESPACE_PREFIX):
        raise MessageError("Document", f"namespace {namespace or '(none)'!r} is not an ISO 20022 message")
    message_type = namespace.removeprefix(NAMESPACE_PREFIX).rsplit(".", 2)[0]
    if message_type not in ROOTS:
        raise MessageError(
            "Document", f"{namespace.removeprefix(NAMESPACE_PREFIX)}: only pacs.008 and pain.001 are screened"
        )
    reader = _Reader(namespace)
    body = reader.find(document, ROOTS[message_type])
    if body is None:
        raise MessageError("Document", f"missing {ROOTS[message_type]}")
    if message_type == "pacs.008":
        return _pacs008(reader, body, source)
    return _pain001(reader, body, source)


def _require(reader: _Reader, element: etree._Element, path: str, where: str) -> etree._Element:
    found = reader.find(element, path)
    if found is None:
        raise MessageError(f"{where}/{path}", "mandatory element missing")
    return found


def _party(reader: _Reader, element: etree._Element, role: str, path: str) -> PaymentParty:
    address = _address(reader, element, "PstlAdr")
    identifiers = [
        *reader.texts(element, "Id/OrgId/LEI"),
        *reader.texts(element, "Id/OrgId/Othr/Id"),
        *reader.texts(element, "Id/PrvtId/Othr/Id"),
    ]
    bic = reader.text(element, "Id/OrgId/AnyBIC") or reader.text(element, "Id/OrgId/BICOrBEI")
    kind = (
        "person"
        if reader.find(element, "Id/PrvtId") is not None
        else "organization"
        if reader.find(element, "Id/OrgId") is not None
        else ""
    )
    return PaymentParty(
        role=role,
        path=path,
        name=reader.text(element, "Nm"),
        bic=bic,
        address=tuple(address),
        country=reader.text(element, "PstlAdr/Ctry") or reader.text(element, "CtryOfRes"),
        identifiers=tuple(identifiers),
        kind=kind,
        birth_date=reader.text(element, "Id/PrvtId/DtAndPlcOfBirth/BirthDt"),
    )


def _address(reader: _Reader, element: etree._Element, path: str) -> list[str]:
    address = reader.find(element, path)
    if address is None:
        return []
    parts = [
        " ".join(
            p
            for p in (
                reader.text(address, "StrtNm"),
                reader.text(address, "BldgNb"),
            )
            if p
        ),
        " ".join(p for p in (reader.text(address, "PstCd"), reader.text(address, "TwnNm")) if p),
        reader.text(address, "CtrySubDvsn"),
        *reader.texts(address, "AdrLine"),
    ]
    return [p for p in parts if p]


def _agent(reader: _Reader, element: etree._Element, role: str, path: str) -> PaymentParty:
    institution = reader.find(element, "FinInstnId")
    if institution is None:
        raise MessageError(f"{path}/FinInstnId", "mandatory element missing")
    bic = reader.text(institution, "BICFI") or reader.text(institution, "BIC")
    name = reader.text(institution, "Nm")
    member = reader.text(institution, "ClrSysMmbId/MmbId")
    if not (bic or name or member):
        raise MessageError(f"{path}/FinInstnId", "an agent needs a BIC, a name or a clearing member id")
    return PaymentParty(
        role=role,
        path=path,
        name=name,
        bic=bic,
        address=tuple(_address(reader, institution, "PstlAdr")),
        country=reader.text(institution, "PstlAdr/Ctry"),
        identifiers=tuple(i for i in (member, reader.text(institution, "LEI")) if i),
        is_agent=True,
        kind="organization",
    )


def _account(reader: _Reader, element: etree._Element | None) -> str:
    if element is None:
        return ""
    return reader.text(element, "Id/IBAN") or reader.text(element, "Id/Othr/Id")


def _transaction(
    reader: _Reader, tx: etree._Element, where: str
) -> tuple[list[PaymentParty], list[FreeText]]:
    parties: list[PaymentParty] = []
    for tag, role in TX_PARTIES:
        element = reader.find(tx, tag)
        if element is not None:
            party = _party(reader, element, role, f"{where}/{tag}")
            if tag in ACCOUNTS:
                account = _account(reader, reader.find(tx, ACCOUNTS[tag]))
                party = PaymentParty(**{**party.__dict__, "account": account})
            parties.append(party)
    for tag, role in TX_AGENTS:
        element = reader.find(tx, tag)
        if element is not None:
            parties.append(_agent(reader, element, role, f"{where}/{tag}"))
    texts = [
        FreeText(f"{where}/{path}", value) for path in FREE_TEXT for value in reader.texts(tx, path) if value
    ]
    for party in parties:
        for number, line in enumerate(party.address, 1):
            texts.append(FreeText(f"{party.path}/PstlAdr[{number}]", line))
    return parties, texts


def _amount(reader: _Reader, tx: etree._Element, path: str) -> tuple[str, str]:
    element = reader.find(tx, path)
    if element is None:
        return "", ""
    return (element.text or "").strip(), element.get("Ccy", "")


def _pacs008(reader: _Reader, body: etree._Element, source: str) -> PaymentMessage:
    root = "FIToFICstmrCdtTrf"
    header = _require(reader, body, "GrpHdr", root)
    reference = reader.text(header, "MsgId")
    if not reference:
        raise MessageError(f"{root}/GrpHdr/MsgId", "mandatory element missing")
    transactions = reader.findall(body, "CdtTrfTxInf")
    if not transactions:
        raise MessageError(f"{root}/CdtTrfTxInf", "no transaction in the message")
    parties: list[PaymentParty] = []
    texts: list[FreeText] = []
    for tag, role in (("InstgAgt", "instructing_agent"), ("InstdAgt", "instructed_agent")):
        element = reader.find(header, tag)
        if element is not None:
            parties.append(_agent(reader, element, role, f"{root}/GrpHdr/{tag}"))
    amount = currency = ""
    for number, tx in enumerate(transactions, 1):
        where = f"{root}/CdtTrfTxInf[{number}]"
        for tag in PACS008_MANDATORY:
            _require(reader, tx, tag, where)
        found, free = _transaction(reader, tx, where)
        parties += found
        texts += free
        if number == 1:
            amount, currency = _amount(reader, tx, "IntrBkSttlmAmt")
    return PaymentMessage(
        "pacs.008",
        reference,
        tuple(parties),
        tuple(texts),
        amount,
        currency,
        reader.text(transactions[0], "IntrBkSttlmDt") or reader.text(header, "SttlmInf/IntrBkSttlmDt"),
        source,
    )


def _pain001(reader: _Reader, body: etree._Element, source: str) -> PaymentMessage:
    root = "CstmrCdtTrfInitn"
    header = _require(reader, body, "GrpHdr", root)
    reference = reader.text(header, "MsgId")
    if not reference:
        raise MessageError(f"{root}/GrpHdr/MsgId", "mandatory element missing")
    initiating = _require(reader, header, "InitgPty", f"{root}/GrpHdr")
    parties = [_party(reader, initiating, "initiating_party", f"{root}/GrpHdr/InitgPty")]
    texts: list[FreeText] = []
    payments = reader.findall(body, "PmtInf")
    if not payments:
        raise MessageError(f"{root}/PmtInf", "no payment information block in the message")
    amount = currency = value_date = ""
    for p_number, payment in enumerate(payments, 1):
        where = f"{root}/PmtInf[{p_number}]"
        for tag in PAIN001_MANDATORY_PMT:
            _require(reader, payment, tag, where)
        debtor = _party(reader, _require(reader, payment, "Dbtr", where), "debtor", f"{where}/Dbtr")
        debtor = PaymentParty(
            **{**debtor.__dict__, "account": _account(reader, reader.find(payment, "DbtrAcct"))}
        )
        parties.append(debtor)
        parties.append(
            _agent(reader, _require(reader, payment, "DbtrAgt", where), "debtor_agent", f"{where}/DbtrAgt")
        )
        ultimate = reader.find(payment, "UltmtDbtr")
        if ultimate is not None:
            parties.append(_party(reader, ultimate, "ultimate_debtor", f"{where}/UltmtDbtr"))
        for number, line in enumerate(debtor.address, 1):
            texts.append(FreeText(f"{where}/Dbtr/PstlAdr[{number}]", line))
        value_date = (
            value_date or reader.text(payment, "ReqdExctnDt/Dt") or reader.text(payment, "ReqdExctnDt")
        )
        transactions = reader.findall(payment, "CdtTrfTxInf")
        if not transactions:
            raise MessageError(f"{where}/CdtTrfTxInf", "no transaction in the payment block")
        for number, tx in enumerate(transactions, 1):
            tx_where = f"{where}/CdtTrfTxInf[{number}]"
            for tag in PAIN001_MANDATORY_TX:
                _require(reader, tx, tag, tx_where)
            found, free = _transaction(reader, tx, tx_where)
            parties += found
            texts += free
            if not amount:
                amount, currency = _amount(reader, tx, "Amt/InstdAmt")
    return PaymentMessage(
        "pain.001", reference, tuple(parties), tuple(texts), amount, currency, value_date, source
    )
