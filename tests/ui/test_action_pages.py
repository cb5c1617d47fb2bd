"""The sanctions-action pages in a real browser: an admin reads a real Treasury release, sees every
party checked against the bundled lists, keeps it as an action, and follows the links to the
action, the list version and an entity's history; an analyst may read but not record."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.documents.test_text import DOCUMENTS
from tests.ui.pages import login, screenshot, serving


def test_read_a_release_record_it_and_follow_its_links(
    browser: Browser, tmp_path: Path, shots: Path, ran_home: Path
) -> None:
    home = ran_home
    with serving(home, {"ada": "admin", "alice": "analyst"}) as live:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        login(page, live.url, "ada")
        page.click("header >> text=Actions")
        page.set_input_files("#read input[name=document]", str(DOCUMENTS / "sm668.html"))
        page.check("#read input[name=record]")
        page.click("#read button[type=submit]")
        expect(page.locator("#message")).to_contain_text("Recorded as action A1")
        wael = page.locator("#parties tr", has_text="Wael Bazzi")
        expect(wael).to_contain_text("confirmed")
        expect(wael).to_contain_text("ofac-sdn@1 (2021-07-07)")
        expect(page.locator("#parties tr", has_text="Sigal Mandelker")).to_have_count(0)  # an official
        screenshot(page, "actions-read", shots)
        page.click("#timeline >> text=A1")
        expect(page.locator("#summary")).to_contain_text("effective")
        expect(page.locator("#documents")).to_contain_text("sm668.html")
        page.locator("#parties tr", has_text="Wael Bazzi").locator("a").first.click()
        expect(page.locator("#history")).to_contain_text("still listed")
        expect(page.locator("#history")).to_contain_text("BAZZI")
        page.go_back()
        page.locator("#status a").first.click()
        expect(page).to_have_url(f"{live.url}/ui/lists/ofac-sdn/diff?to=1")
        screenshot(page, "action-links", shots)

        analyst = browser.new_page(viewport={"width": 1280, "height": 900})
        login(analyst, live.url, "alice")
        analyst.goto(f"{live.url}/ui/actions")
        expect(analyst.locator("#read input[name=record]")).to_have_count(0)
        analyst.set_input_files("#read input[name=document]", str(DOCUMENTS / "sm841.html"))
        analyst.click("#read button[type=submit]")
        expect(analyst.locator("#parties tr", has_text="Caroil Transport Marine")).to_contain_text(
            "confirmed"
        )
        expect(analyst.locator("#timeline tr")).to_have_count(2)  # header and A1: nothing recorded
