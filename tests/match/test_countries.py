"""Country names and codes read as ISO codes, and text that names no country left alone."""

from __future__ import annotations

import pytest

from watchkeeper.match.countries import country_code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("KP", "KP"),
        ("kp", "KP"),
        (" North Korea ", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("DPRK", "KP"),
        ("Korea, South", "KR"),
        ("Iran, Islamic Republic of", "IR"),
        ("IRAN", "IR"),
        ("Syrian Arab Republic", "SY"),
        ("Россия", "RU"),
        ("Crimea", "UA-CRI"),
        ("Payment for invoice 2024-118", None),
        ("Sevastopol", None),  # a city: the embargo's region words find it, not this table
        ("Dalian Haibo International Freight", None),
        ("", None),
    ],
)
def test_country_code(value: str, expected: str | None) -> None:
    assert country_code(value) == expected
