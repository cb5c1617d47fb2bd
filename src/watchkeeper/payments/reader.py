"""Reading a payment message of either family, told apart by its first bytes."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.payments.iso20022 import parse_iso20022
from watchkeeper.payments.message import MessageError, PaymentMessage
from watchkeeper.payments.mt103 import parse_mt103


def parse_message(data: bytes, source: str = "") -> PaymentMessage:
    """An ISO 20022 XML or an MT103 message, told apart by its first bytes."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if not head:
        raise MessageError("", "empty message")
    if head.startswith(b"<"):
        return parse_iso20022(data, source)
    if head.startswith(b"{1:") or head.startswith(b":20:") or b"{4:" in data[:400]:
        return parse_mt103(data, source)
    raise MessageError("", "neither ISO 20022 XML nor a SWIFT MT message")


def read_message(path: Path) -> PaymentMessage:
    return parse_message(path.read_bytes(), str(path))
