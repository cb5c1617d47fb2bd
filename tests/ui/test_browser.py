"""The analysts' pages in a real browser (Playwright driving Debian's Chromium).

Log in, open an alert, decide it, re-screen and see it suppressed, change the
listed entity (the real 2022-03-01 SDN amendment) and see it reopen, tamper
with an audit row and see the chain reported broken. Screenshots go to
$WATCHKEEPER_SCREENSHOTS (`make screenshots` writes the README's).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.backend import store_at
from tests.support import shared, wk
from tests.ui.pages import login, screenshot, serving
from watchkeeper.sources import parse_list
from watchkeeper.store.database import open_database

FEB = "ofac/sdn-history/sdn-2022-02-03.csv.gz"
MAR = "ofac/sdn-history/sdn-2022-03-01.csv.gz"


def test_review_flow_in_a_browser(browser: Browser, tmp_path: Path, shots: Path) -> None:
    home = tmp_path / "home"
    wk(home, "lists", "load", str(shared(FEB)))
    february = {e.id: e for e in parse_list(shared(FEB)).entities}
    amended = next(
        e
        for e in parse_list(shared(MAR)).entities
        if e.id in february and february[e.id].content_hash() != e.content_hash() and e.schema == "Person"
    )
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,type,dob,country,identifier\n"
        f"C-1001,{february[amended.id].caption},person,,,\n"
        "C-1002,Kim Jong Un,person,1984-01-08,KP,\n"
        "C-1003,Harbour Bunkering Services Pte Ltd,organization,,SG,\n",
        encoding="utf-8",
    )
    wk(home, "batch", str(customers), "-o", str(tmp_path / "alerts.csv"), "--record", "--user", "loader")
    with serving(home, {"alice": "analyst", "bob": "supervisor"}) as live:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live.url}/ui/")
        expect(page).to_have_url(f"{live.url}/ui/login")  # no session: the login page
        page.fill("#username", "alice")
        page.fill("#password", "wrong password!")
        page.click("button[type=submit]")
        expect(page.locator("#message")).to_have_text("Wrong user name or password.")
        login(page, live.url, "alice")
        screenshot(page, "alert-queue", shots)

        row = page.locator("#alerts tr", has_text=amended.id)
        expect(row).to_have_count(1)
        row.locator("a").click()
        expect(page.locator("#state")).to_have_text("open")
        expect(page.locator("#listed mark").first).to_be_visible()  # matched tokens highlighted
        expect(page.locator("#tokens")).to_be_visible()
        screenshot(page, "alert-page", shots)
        alert_url = page.url

        page.select_option("#outcome", "false_positive")
        page.fill("#reason", "Customer born 1990 in Lima; the listed person is a different individual.")
        page.click("#decide button[type=submit]")
        expect(page.locator("#state")).to_have_text("false_positive")
        expect(page.locator("#decisions")).to_contain_text("alice")

        # The next screening of the same customers: the decided pair stays suppressed.
        again = wk(
            home, "batch", str(customers), "-o", str(tmp_path / "again.csv"), "--record", "--user", "loader"
        )
        assert "1 suppressed by the good-guy list" in again.stdout
        page.goto(alert_url)
        expect(page.locator("#state")).to_have_text("false_positive")

        # The listed entity is amended by the next SDN publication: a supervisor re-screens.
        wk(home, "lists", "load", str(shared(MAR)))
        supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
        login(supervisor, live.url, "bob")
        supervisor.goto(f"{live.url}/ui/lists")
        supervisor.click("#rescreen button")
        expect(supervisor.locator("#message")).to_contain_text("1 reopened")
        supervisor.goto(alert_url)
        expect(supervisor.locator("#state")).to_have_text("open")
        expect(supervisor.locator("#history")).to_contain_text("2022-03-01")
        screenshot(supervisor, "alert-reopened", shots)

        supervisor.goto(f"{live.url}/ui/audit")
        expect(supervisor.locator("#verify")).to_contain_text("Chain intact")
        db = open_database(store_at(home))
        db.execute(
            "UPDATE audit SET detail = replace(detail, 'different individual', 'same person') "
            "WHERE action = 'alert.decide'"
        )
        db.close()
        supervisor.reload()
        expect(supervisor.locator("#verify")).to_contain_text("Chain broken")
        expect(supervisor.locator("#verify")).to_contain_text(
            "content changed after it was written (alert.decide"
        )
        screenshot(supervisor, "audit-tampered", shots)
        verify = wk(home, "audit", "verify", check=False)
        assert verify.returncode == 4

        # A form without its CSRF token is refused.
        response = page.request.post(f"{alert_url}/decide", form={"outcome": "closed", "reason": "x"})
        assert response.status == 403
    if "WATCHKEEPER_SCREENSHOTS" not in os.environ:
        shutil.rmtree(shots, ignore_errors=True)
