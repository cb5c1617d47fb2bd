"""The vessel pages in a real browser: the ranked vessels, then one vessel's page with its track
drawn and its events marked, on real AIS with a listed tanker's transfer written into it
(`tests.ais.generate.listed_tanker_transfer`)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.ais import generate as g
from tests.support import shared, wk
from tests.ui.pages import login, screenshot, serving


def test_vessel_pages_show_the_listed_tanker_first_and_its_track(
    browser: Browser, tmp_path: Path, shots: Path, ran_home: Path
) -> None:
    home = ran_home
    transfer, _ship, tanker = g.listed_tanker_transfer(shared(g.REAL), tmp_path)
    wk(home, "ais", "load", str(transfer))
    with serving(home, {"alice": "analyst"}) as live:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        login(page, live.url, "alice")
        page.click("header >> text=Vessels")
        first = page.locator("#vessels tr").nth(1)
        expect(first).to_contain_text("AN SAN 1")
        expect(first).to_contain_text("hold")
        screenshot(page, "vessels", shots)
        first.locator("a").click()
        expect(page).to_have_url(f"{live.url}/ui/vessels/7303803")
        expect(page.locator("svg.track polyline.track-line")).to_have_attribute("data-mmsi", str(tanker))
        expect(page.locator("svg.track circle[data-kind=sts]")).to_have_count(3)
        expect(page.locator("svg.track circle[data-kind=zone]")).to_have_count(2)  # entered, last inside
        expect(page.locator("#events")).to_contain_text("alongside")
        expect(page.locator("#events")).to_contain_text("hold")
        screenshot(page, "vessel-track", shots)
        page.goto(f"{live.url}/ui/vessels/12345")
        expect(page.locator("#message")).to_contain_text("7 digits")
