"""Shared fixtures: the real list files and a fresh store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.store import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data"
SHARED = ROOT.parent / "shared" / "data"


def shared(relative: str) -> Path:
    """A file of ../shared/data; CI always has it beside the clone."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the real lists from ../shared/data")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "store.sqlite")
    yield s
    s.close()
