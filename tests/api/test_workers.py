"""`serve --workers 2`: each worker its own index; a list loaded elsewhere reaches both, no request fails."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.backend import postgres_only
from tests.live_server import LiveServer, make_keys
from tests.support import BUNDLED, shared, wk

FIRST = "ofac/sdn-history/sdn-2021-08-18.csv.gz"
UN = BUNDLED / "un" / "consolidated-2026-02-27.xml.gz"


def _health(url: str) -> dict[str, object]:
    # A new connection each time, so the kernel hands calls to either worker.
    response = httpx.get(f"{url}/healthz", headers={"Connection": "close"}, timeout=10)
    response.raise_for_status()
    found: dict[str, object] = response.json()
    return found


def _workers_showing(url: str, label: str, deadline: float) -> set[int]:
    seen: set[int] = set()
    while time.monotonic() < deadline and len(seen) < 2:
        health = _health(url)
        lists = health["lists"]
        if isinstance(lists, list) and any(str(item).startswith(label) for item in lists):
            seen.add(int(str(health["worker"])))
        time.sleep(0.05)
    return seen


def test_a_list_loaded_by_the_command_line_reaches_every_worker_while_screening_goes_on(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    wk(home, "lists", "load", str(shared(FIRST)))
    keys = make_keys(home)
    live = LiveServer(home, args=("--workers", "2"))
    live.start()
    try:
        assert len(_workers_showing(live.url, "ofac-sdn@1", time.monotonic() + 60)) == 2

        outcomes: Counter[str] = Counter()
        workers: set[int] = set()
        stop = threading.Event()

        def screen() -> None:
            while not stop.is_set():
                try:
                    response = httpx.post(
                        f"{live.url}/screen",
                        json={"name": "RI SU YONG", "type": "person"},
                        headers={"Authorization": f"ApiKey {keys.read}", "Connection": "close"},
                        timeout=30,
                    )
                    outcomes[str(response.status_code)] += 1
                except httpx.HTTPError as exc:
                    outcomes[type(exc).__name__] += 1

        traffic = [threading.Thread(target=screen) for _ in range(3)]
        for thread in traffic:
            thread.start()
        time.sleep(1)
        wk(home, "lists", "load", str(UN))  # another process: neither worker imported it
        workers = _workers_showing(live.url, "un@1", time.monotonic() + 60)
        time.sleep(1)
        stop.set()
        for thread in traffic:
            thread.join()
        # Whichever worker answers now screens against the UN list too.
        for _ in range(6):
            found = httpx.post(
                f"{live.url}/screen",
                json={"name": "RI SU YONG", "type": "person"},
                headers={"Authorization": f"ApiKey {keys.read}", "Connection": "close"},
                timeout=30,
            ).json()
            assert "un:KPi.052" in str(found)
    finally:
        live.stop()

    assert len(workers) == 2, "both workers swapped in the new index"
    assert set(outcomes) == {"200"}, outcomes
    assert outcomes["200"] > 20


@postgres_only
def test_on_postgresql_a_list_import_is_notified_to_every_worker_at_once(tmp_path: Path) -> None:
    """LISTEN/NOTIFY: with the store comparison every two minutes, the workers still swap within
    seconds of an import by another process, because the import's commit notifies them."""
    home = tmp_path / "home"
    wk(home, "lists", "load", str(shared(FIRST)))
    live = LiveServer(home, env={"WATCHKEEPER_RELOAD_POLL_SECONDS": "120"}, args=("--workers", "2"))
    live.start()
    try:
        assert len(_workers_showing(live.url, "ofac-sdn@1", time.monotonic() + 60)) == 2
        time.sleep(1)  # both watchers listening
        loaded_at = time.monotonic()
        wk(home, "lists", "load", str(UN))
        workers = _workers_showing(live.url, "un@1", loaded_at + 45)
        took = time.monotonic() - loaded_at
    finally:
        live.stop()
    assert len(workers) == 2
    assert took < 40  # far under the two-minute comparison: the notification did it
