"""CSV cells an analyst can open in a spreadsheet without it running anything.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as
a formula by Excel, LibreOffice and Google Sheets: a customer named
`=HYPERLINK("http://…","click")` becomes a live link, and worse. Such a cell
is written with a leading apostrophe, which spreadsheets show as text and
hide. A cell that already starts with an apostrophe gets one more, so
`original_cell` gives back exactly what was written.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet must see it; numbers are left as they are."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]


def original_cell(value: str) -> str:
    """What `safe_cell` was given, for a program reading back a file it wrote."""
    if value.startswith("'") and value[1:].startswith((*FORMULA_STARTS, "'")):
        return value[1:]
    return value
