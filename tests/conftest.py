"""Shared fixtures: the real list files and a fresh store per test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import ON_POSTGRES, created_schemas, drop_created_schemas, store_at
from tests.support import BUNDLED
from watchkeeper.match.screener import Screener
from watchkeeper.rules.book import RuleBook
from watchkeeper.store import SqliteStore

#: What a test module does to open a store (directly, or through a command or a server).
_USES_A_STORE = re.compile(r"store_at\(|\bwk\(|\bLiveServer\b|loaded_home|open_stores\(|\bstore\b")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only the tests that open a store run again: the others (matching, parsing)
    do not touch it and have passed on the SQLite run."""
    if not ON_POSTGRES:
        return
    uses: dict[Path, bool] = {}
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        path = Path(str(item.fspath))
        if path not in uses:
            uses[path] = bool(_USES_A_STORE.search(path.read_text(encoding="utf-8")))
        (kept if uses[path] else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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
