"""The browser tests' fixtures: one Chromium for the session, a home made by `watchkeeper run`
(made once, copied per test), the screenshot folder. What they do alike is in `pages.py`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.live_server import copy_home
from tests.support import wk

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium), as .ci/run does")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: $WATCHKEEPER_SCREENSHOTS (`make screenshots`), else the test's folder."""
    return Path(os.environ.get("WATCHKEEPER_SCREENSHOTS", tmp_path / "screenshots"))


@pytest.fixture(scope="session")
def run_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home as `watchkeeper run` leaves it (the bundled lists loaded); copy it before changing it."""
    home = tmp_path_factory.mktemp("ui-run") / "home"
    wk(home, "run", "--no-screen-sample")
    return home


@pytest.fixture
def ran_home(run_home: Path, tmp_path: Path) -> Path:
    """This test's own copy of the `run` home."""
    return copy_home(run_home, tmp_path / "home")
