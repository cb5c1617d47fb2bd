"""A real `watchkeeper serve` on 127.0.0.1, over a store holding the bundled lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.live_server import Keys, LiveServer, copy_home, make_keys
from tests.support import BUNDLED
from watchkeeper.jobs import load_bundled
from watchkeeper.screen.loader import screener_from_store
from watchkeeper.store import SqliteStore


@pytest.fixture(scope="session")
def loaded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled OFAC and UN lists and its screening index, built once per test worker."""
    home = tmp_path_factory.mktemp("template-home")
    store = SqliteStore(store_at(home))
    try:
        load_bundled(store, BUNDLED)
        screener_from_store(store, cache=home / "index")
    finally:
        store.close()
    return home


@pytest.fixture(scope="module")
def server(loaded_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server shared by a module's read-only tests."""
    with LiveServer(copy_home(loaded_home, tmp_path_factory.mktemp("server") / "home")) as live:
        yield live


@pytest.fixture(scope="module")
def keys(server: LiveServer) -> Keys:
    return make_keys(server.home)
