"""Shared fixtures: the real list files and a fresh store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import created_schemas, drop_created_schemas, store_at
from tests.support import BUNDLED
from watchkeeper.match.screener import Screener
from watchkeeper.rules.book import RuleBook
from watchkeeper.store import SqliteStore


@pytest.fixture(autouse=True, scope="session")
def _drop_session_schemas() -> Iterator[None]:
    yield
    drop_created_schemas()


@pytest.fixture(autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    """On PostgreSQL, the schemas a test's stores were made in are dropped after it."""
    before = created_schemas()
    yield
    drop_created_schemas(keep=before)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(store_at(tmp_path, "store.sqlite"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def bundled_screener() -> Screener:
    """A screener over the bundled lists (OFAC SDN 2021-07-07, consolidated, UN), built once per worker."""
    from watchkeeper.jobs import BUNDLED as BUNDLED_LISTS  # noqa: PLC0415
    from watchkeeper.sources import parse_list  # noqa: PLC0415

    entities = [e for relative in BUNDLED_LISTS for e in parse_list(BUNDLED / relative).entities]
    return Screener(entities)


@pytest.fixture(scope="session")
def bundled_rules() -> RuleBook:
    """The rule files bundled in data/rules, parsed as the store would hold them."""
    from watchkeeper.jobs import BUNDLED_RULES  # noqa: PLC0415
    from watchkeeper.rules.book import RuleFile, read_rule_text, sha256_text  # noqa: PLC0415

    files = {}
    for kind, relative in BUNDLED_RULES:
        text = read_rule_text(BUNDLED / relative)
        files[kind] = RuleFile(kind, 1, Path(relative).name, sha256_text(text), "", text)
    return RuleBook.from_files(files)
