"""Countries as ISO codes: what a query gives (a code or a name) and what a listed entity is tied to."""

from __future__ import annotations

from functools import cache, lru_cache

import countrynames
from countrynames.util import normalize_name

from watchkeeper.model import Entity


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """`KP`, `kp`, `North Korea`, `Democratic People's Republic of Korea` → `KP`; unknown → None."""
    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    if not _may_name_a_country(value):
        return None
    code = countrynames.to_code(value)
    return code.upper() if code else None


@cache
def _known() -> tuple[frozenset[str], frozenset[str]]:
    """The codes and normalised names `countrynames` knows (its table, loaded on first use)."""
    countrynames.to_code("")
    table = countrynames.COUNTRY_NAMES
    return frozenset(table.values()), frozenset(table)


def _may_name_a_country(value: str) -> bool:
    """Whether `countrynames.to_code` could find a country in `value`.

    It answers only for a code or an exact normalised name, but first scans every one of its
    23,000 names' codes (~0.4 ms) and caches every input without bound: remittance text split
    at commas would cost more than screening the payment's parties and grow the cache forever.
    """
    codes, names = _known()
    return value.upper() in codes or normalize_name(value.upper()) in names


def entity_countries(entity: Entity) -> frozenset[str]:
    """The ISO codes of an entity's nationality, citizenship and countries."""
    values = [*entity.get("nationality"), *entity.get("citizenship"), *entity.get("country")]
    return frozenset(c for c in (country_code(v) for v in values) if c)
