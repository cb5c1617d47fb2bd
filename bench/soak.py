"""Concurrency soak test: analysts, a batch job, list imports and /match traffic against one server.

    .venv/bin/python bench/soak.py [--seconds 120] [--customers 400]

Starts `watchkeeper serve` on 127.0.0.1 over a store of a real SDN publication
(2021-08-18, from ../shared/data) and the bundled UN list, with customers
named after listed parties recorded as a batch run (so there are alerts to
decide). Then, at once and for a bounded time:

- three analysts decide alerts through the web pages (false positive or close),
- `/match` traffic from a client at ~20 requests/s,
- batch jobs of the sample customers, one after the other,
- the next real SDN publications imported over HTTP, one after the other.

At the end: every response must be 2xx or 4xx (no 5xx), the decisions stored
must equal the successful decision responses, the audit chain must verify,
and a delta re-screen of the final store must raise the same alerts as a
full re-screen (both run on copies of it). Prints the figures and exits 1 if
any check fails.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from watchkeeper.review.jobs import rescreen
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.service import ServiceStore
from watchkeeper.store.users import UserStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
HISTORY = SHARED / "ofac" / "sdn-history"
FIRST = "sdn-2021-08-18.csv.gz"
LATER = ("sdn-2021-11-08.csv.gz", "sdn-2022-02-03.csv.gz", "sdn-2022-03-01.csv.gz")
SAMPLE = ROOT / "data" / "samples" / "customers.csv"
ANALYSTS = ("ann", "ben", "cat")
PASSWORD = "soak test password"


def wk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "watchkeeper", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        check=False,
    )


def prepare(home: Path, customers: int) -> tuple[str, str]:
    for path in (HISTORY / FIRST, ROOT / "data" / "un" / "consolidated-2026-02-27.xml.gz"):
        loaded = wk(home, "lists", "load", str(path))
        if loaded.returncode != 0:
            raise SystemExit(loaded.stderr)
    names = sorted({e.caption for e in parse_list(HISTORY / FIRST).entities if e.schema == "Organization"})
    people = home / "customers.csv"
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "dob", "country", "identifier"])
        for number, name in enumerate(names[:customers]):
            writer.writerow([f"S{number}", name, "organization", "", "", ""])
    recorded = wk(home, "batch", str(people), "-o", str(home / "alerts.csv"), "--record", "--user", "soak")
    if recorded.returncode not in (0, 2):
        raise SystemExit(recorded.stderr)
    users = UserStore(home / "watchkeeper.sqlite")
    keys = ServiceStore(home / "watchkeeper.sqlite")
    try:
        for name in ANALYSTS:
            users.create(name, "analyst", PASSWORD)
        return keys.create_key("read", "soak")[1], keys.create_key("admin", "soak")[1]
    finally:
        users.close()
        keys.close()


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port), "--home", str(home)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("server did not become ready")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.errors: list[str] = []

    def add(self, kind: str, response: httpx.Response) -> None:
        with self.lock:
            self.statuses[(kind, response.status_code)] += 1
            if response.status_code >= 500:
                self.errors.append(f"{kind} {response.status_code}: {response.text[:200]}")

    def failed(self, kind: str, exc: Exception) -> None:
        with self.lock:
            self.statuses[(kind, 0)] += 1
            self.errors.append(f"{kind}: {type(exc).__name__}: {exc}")

    def count(self, kind: str, status: int) -> int:
        return self.statuses[(kind, status)]


def analyst(url: str, user: str, alerts: list[int], stop: threading.Event, tally: Tally) -> None:
    with httpx.Client(base_url=url, follow_redirects=False, timeout=120) as client:
        login = client.post("/ui/login", data={"username": user, "password": PASSWORD})
        tally.add("login", login)
        found = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/").text)
        if found is None:
            tally.errors.append(f"{user}: no CSRF token after login")
            return
        for number, alert_id in enumerate(alerts):
            if stop.is_set():
                return
            outcome = "false_positive" if number % 2 else "closed"
            try:
                answer = client.post(
                    f"/ui/alerts/{alert_id}/decide",
                    data={"csrf": found.group(1), "outcome": outcome, "reason": f"soak: {user} checked"},
                )
                tally.add("decide", answer)
                tally.add("alert page", client.get(f"/ui/alerts/{alert_id}"))
            except httpx.HTTPError as exc:
                tally.failed("decide", exc)


def matcher(url: str, token: str, stop: threading.Event, tally: Tally) -> None:
    names = [row["name"] for row in csv.DictReader(SAMPLE.open(encoding="utf-8")) if row["name"]]
    with httpx.Client(base_url=url, headers={"Authorization": f"ApiKey {token}"}, timeout=120) as client:
        number = 0
        while not stop.is_set():
            name = names[number % len(names)]
            body = {"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [name]}}}}
            try:
                tally.add("match", client.post("/match/default", json=body))
            except httpx.HTTPError as exc:
                tally.failed("match", exc)
            number += 1
            stop.wait(0.05)


def batches(url: str, token: str, stop: threading.Event, tally: Tally, done: list[str]) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"ApiKey {token}"}, timeout=120) as client:
        while not stop.is_set():
            try:
                job = client.post("/batches", files={"file": ("customers.csv", SAMPLE.read_bytes())})
                tally.add("batch submit", job)
                if job.status_code != 202:
                    stop.wait(1)
                    continue
                job_id = job.json()["id"]
                while not stop.is_set():
                    state = client.get(f"/batches/{job_id}")
                    tally.add("batch poll", state)
                    if state.json().get("state") in ("done", "failed"):
                        done.append(state.json()["state"])
                        break
                    stop.wait(0.5)
            except httpx.HTTPError as exc:
                tally.failed("batch", exc)


def imports(url: str, token: str, stop: threading.Event, tally: Tally, done: list[str]) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"ApiKey {token}"}, timeout=600) as client:
        for name in LATER:
            if stop.wait(5):
                return
            try:
                answer = client.post(
                    "/lists/ofac-sdn/import",
                    files={"files": (name, (HISTORY / name).read_bytes())},
                    params={"allow_shrink": "true"},
                )
                tally.add("import", answer)
                if answer.status_code == 201:
                    done.append(name)
            except httpx.HTTPError as exc:
                tally.failed("import", exc)


def alert_set(store_path: Path) -> set[tuple[str, str, str]]:
    db = sqlite3.connect(store_path)
    try:
        return {
            (str(r[0]), str(r[1]), str(r[2]))
            for r in db.execute("SELECT customer_id, entity_id, state FROM alert")
        }
    finally:
        db.close()


def rescreened(home: Path, folder: Path, *, full: bool) -> set[tuple[str, str, str]]:
    copy = folder / ("full" if full else "delta")
    copy.mkdir()
    shutil.copy(home / "watchkeeper.sqlite", copy / "watchkeeper.sqlite")
    lists, review = SqliteStore(copy / "watchkeeper.sqlite"), ReviewStore(copy / "watchkeeper.sqlite")
    try:
        rescreen(lists, review, home=copy, actor="soak", full=full)
    finally:
        review.close()
        lists.close()
    return alert_set(copy / "watchkeeper.sqlite")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the load runs (bounded)")
    parser.add_argument("--customers", type=int, default=400, help="customers recorded before the load")
    args = parser.parse_args()
    if not HISTORY.exists():
        raise SystemExit(f"{HISTORY} is missing: the soak test loads real SDN publications from ../shared")
    console = Console(width=120)
    with tempfile.TemporaryDirectory(prefix="wk-soak-") as folder:
        home = Path(folder) / "home"
        read, admin = prepare(home, args.customers)
        review = ReviewStore(home / "watchkeeper.sqlite")
        try:
            open_alerts = [a.id for a in review.alerts()]
        finally:
            review.close()
        process, url = start_server(home)
        tally, stop = Tally(), threading.Event()
        batch_states: list[str] = []
        imported: list[str] = []
        share = len(open_alerts) // len(ANALYSTS)
        threads = [
            threading.Thread(
                target=analyst, args=(url, user, open_alerts[n * share : (n + 1) * share], stop, tally)
            )
            for n, user in enumerate(ANALYSTS)
        ]
        threads += [
            threading.Thread(target=matcher, args=(url, read, stop, tally)),
            threading.Thread(target=batches, args=(url, read, stop, tally, batch_states)),
            threading.Thread(target=imports, args=(url, admin, stop, tally, imported)),
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.monotonic() - started
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        db = sqlite3.connect(home / "watchkeeper.sqlite")
        try:
            decisions = int(db.execute("SELECT count(*) FROM decision").fetchone()[0])
        finally:
            db.close()
        review = ReviewStore(home / "watchkeeper.sqlite")
        try:
            audit = AuditLog(review.db).verify()
        finally:
            review.close()
        delta = rescreened(home, Path(folder), full=False)
        full = rescreened(home, Path(folder), full=True)

    table = Table(title=f"Soak test: {elapsed:.0f} s of concurrent load on one server")
    for column in ("requests", "2xx", "3xx", "4xx", "5xx", "no answer"):
        table.add_column(column, justify="left" if column == "requests" else "right")
    for kind in sorted({k for k, _ in tally.statuses}):
        counts: Counter[str] = Counter()
        for (k, status), n in tally.statuses.items():
            if k == kind:
                counts["none" if status == 0 else f"{status // 100}xx"] += n
        table.add_row(kind, *(str(counts[c]) for c in ("2xx", "3xx", "4xx", "5xx", "none")))
    console.print(table)
    server_errors = sum(n for (_, status), n in tally.statuses.items() if status >= 500 or status == 0)
    decided_ok = tally.count("decide", 303)
    checks = {
        "no 5xx and no dropped request": server_errors == 0,
        f"decisions stored ({decisions}) = successful decision responses ({decided_ok})": decisions
        == decided_ok,
        f"audit chain verifies ({audit.entries} entries)": audit.ok,
        f"delta re-screen = full re-screen ({len(delta)} alerts)": delta == full,
    }
    loaded = ", ".join(imported) or "none"
    console.print(
        f"batch jobs finished: {dict(Counter(batch_states))}; lists imported during the load: {loaded}"
    )
    for text, ok in checks.items():
        console.print(f"{'PASS' if ok else 'FAIL'}  {text}", highlight=False)
    for error in tally.errors[:10]:
        console.print(f"  {error}", highlight=False, markup=False)
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
