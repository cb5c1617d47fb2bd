"""Concurrent requests on a real server never share a connection or a half-done transaction."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import httpx

from tests.backend import store_at
from tests.live_server import LiveServer, copy_home, make_keys
from tests.support import BUNDLED
from watchkeeper.sources import parse_list
from watchkeeper.store.database import open_database
from watchkeeper.store.users import UserStore

PASSWORD = "correct horse battery"
ANALYSTS = ("ann", "ben", "cat")
PER_ANALYST = 40


def _session(live: LiveServer, user: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=live.url, follow_redirects=False, timeout=60)
    login = client.post("/ui/login", data={"username": user, "password": PASSWORD})
    assert login.status_code == 303
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/").text)
    assert found
    return client, found.group(1)


def test_analysts_deciding_at_once_get_no_errors_and_every_decision_is_kept(
    loaded_home: Path, tmp_path: Path
) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    users = UserStore(store_at(home))
    try:
        for name in ANALYSTS:
            users.create(name, "analyst", PASSWORD)
    finally:
        users.close()
    keys = make_keys(home)
    names = sorted(
        {
            e.caption
            for e in parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities
            if e.schema == "Organization"
        }
    )[: len(ANALYSTS) * PER_ANALYST]
    live = LiveServer(home)
    live.start()
    try:
        with live.client(keys.read) as client:
            for number, name in enumerate(names):
                answer = client.post(
                    "/screen",
                    json={"name": name, "customer_id": f"C{number}", "record": True, "lists": ["ofac-sdn"]},
                )
                assert answer.status_code == 200
            alerts = [a["id"] for a in client.get("/alerts", params={"limit": 5000}).json()]
        assert len(alerts) >= len(ANALYSTS) * PER_ANALYST
        statuses: list[int] = []
        lock = threading.Lock()

        def decide(user: str, mine: list[int]) -> None:
            client, csrf = _session(live, user)
            try:
                for alert_id in mine:
                    answer = client.post(
                        f"/ui/alerts/{alert_id}/decide",
                        data={"csrf": csrf, "outcome": "false_positive", "reason": f"checked by {user}"},
                    )
                    with lock:
                        statuses.append(answer.status_code)
            finally:
                client.close()

        threads = [
            threading.Thread(target=decide, args=(user, alerts[n * PER_ANALYST : (n + 1) * PER_ANALYST]))
            for n, user in enumerate(ANALYSTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        forged = _session(live, "ann")[0].post(
            f"/ui/alerts/{alerts[0]}/decide", data={"csrf": "ünïcödé", "outcome": "closed", "reason": "x"}
        )
    finally:
        live.stop()
    assert len(statuses) == len(ANALYSTS) * PER_ANALYST
    assert [s for s in statuses if s >= 500] == []
    db = open_database(store_at(home))
    try:
        stored = db.execute("SELECT count(*) FROM decision").fetchone()[0]
    finally:
        db.close()
    assert stored == statuses.count(303)
    assert forged.status_code == 403  # a non-ASCII CSRF value is a wrong one, not a crash
