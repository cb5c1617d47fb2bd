"""Payment messages: ISO 20022 (pacs.008, pain.001) and SWIFT MT103, parsed into parties and free text."""

from watchkeeper.payments.message import FreeText, MessageError, PaymentMessage, PaymentParty
from watchkeeper.payments.reader import parse_message

__all__ = ["FreeText", "MessageError", "PaymentMessage", "PaymentParty", "parse_message"]
