"""What the browser tests do alike: serve a home with the test's users, log in, take screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.backend import store_at
from tests.live_server import LiveServer
from watchkeeper.store.users import UserStore

PASSWORD = "correct horse battery"


@contextmanager
def serving(home: Path, users: dict[str, str]) -> Iterator[LiveServer]:
    """A live server on `home` with these users (name → role), all with PASSWORD."""
    store = UserStore(store_at(home))
    try:
        for name, role in users.items():
            store.create(name, role, PASSWORD)
    finally:
        store.close()
    with LiveServer(home) as live:
        yield live


def login(page: Page, url: str, user: str) -> None:
    page.goto(f"{url}/ui/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("header")).to_contain_text(user)


def screenshot(page: Page, name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
