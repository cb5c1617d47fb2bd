"""Countries as ISO codes: what a query gives (a code or a name) and what a listed entity is tied to."""

from __future__ import annotations

from functools import lru_cache

import countrynames

from watchkeeper.model import Entity


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """`KP`, `kp`, `North Korea`, `Democratic People's Republic of Korea` → `KP`; unknown → None."""
    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    code = countrynames.to_code(value)
    return code.upper() if code else None


def entity_countries(entity: Entity) -> frozenset[str]:
    """The ISO codes of an entity's nationality, citizenship and countries."""
    values = [*entity.get("nationality"), *entity.get("citizenship"), *entity.get("country")]
    return frozenset(c for c in (country_code(v) for v in values) if c)
