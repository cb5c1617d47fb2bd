"""Delta re-screening against a full re-screen, after a real SDN change.

    .venv/bin/python bench/rescreen.py [--customers 100000]

A store of its own holds OFAC SDN 2022-02-03 and 100,000 stored customers
(Faker names in seven locales, seeded, with variants of 200 of the entities
the next version adds or amends hidden among them, reordered or misspelt).
Then SDN 2022-03-01 is imported (173 added, 9 amended) and the store is
copied: one copy is re-screened with `rescreen` (delta: the changed entities'
names looked up in the customers' index, then only the customers that could
match them screened), the other with `rescreen --full` (every customer
through the whole index), same process, same run. The new alerts of both are
compared and must be the same set. The customers' index is built when the
customers are stored, and its build time is shown on its own.
Goal (issue #7): delta ≥ 20× faster than full.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from faker import Faker
from rich.console import Console
from rich.table import Table

from watchkeeper.review.jobs import rescreen
from watchkeeper.review.rescreen import CustomerIndex
from watchkeeper.screen.loader import screener_from_store
from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.review_records import Customer

HISTORY = Path(__file__).resolve().parents[2] / "shared" / "data" / "ofac" / "sdn-history"
BEFORE, AFTER = HISTORY / "sdn-2022-02-03.csv.gz", HISTORY / "sdn-2022-03-01.csv.gz"
LOCALES = ["en_US", "ru_RU", "de_DE", "zh_CN", "ar_AA", "ko_KR", "es_ES"]


def customers(count: int) -> list[Customer]:
    rng = random.Random(20261125)
    fake = Faker(LOCALES)
    fake.seed_instance(20261125)
    out = [
        Customer(
            f"C{i:06d}",
            fake.name() if rng.random() < 0.6 else fake.company(),
            rng.choice(["person", "organization", ""]),
            fake.date_of_birth().isoformat() if rng.random() < 0.3 else "",
            rng.choice(["", "", "US", "DE", "CN", "RU", "KR"]),
        )
        for i in range(count)
    ]
    before = {e.id: e for e in parse_list(BEFORE).entities}
    changed = [
        e
        for e in parse_list(AFTER).entities
        if e.id not in before or before[e.id].content_hash() != e.content_hash()
    ]
    for number, entity in enumerate(rng.sample(changed, min(200, len(changed)))):
        words = entity.caption.split()
        name = " ".join(reversed(words)) if number % 2 else entity.caption[:-1]
        kind = {"Person": "person", "Vessel": "vessel"}.get(entity.schema, "organization")
        out.append(Customer(f"P{number:04d}", name, kind))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    console = Console(width=130)
    with tempfile.TemporaryDirectory(prefix="wk-rescreen-") as folder:
        seed = Path(folder) / "seed"
        lists = SqliteStore(seed / "watchkeeper.sqlite")
        review = ReviewStore(seed / "watchkeeper.sqlite")
        lists.import_snapshot(parse_list(BEFORE))
        stored = customers(args.customers)
        review.start_run("seed", kind="import", actor="bench", lists=[], matcher="", threshold=0.8)
        review.save_customers(stored, "seed")
        review.set_rescreen_mark("ofac-sdn", 1)  # customers re-screened up to 2022-02-03
        started = time.perf_counter()
        CustomerIndex.cached(review.customers_state(), review.customers, seed / "index")
        index_seconds = time.perf_counter() - started
        lists.import_snapshot(parse_list(AFTER))
        screener_from_store(lists, cache=seed / "index")  # the lists' index, built once for both
        review.close()
        lists.close()
        homes = {}
        for mode in ("delta", "full"):
            homes[mode] = Path(folder) / mode
            shutil.copytree(seed, homes[mode])
        reports = {}
        alerts = {}
        for mode in ("delta", "full"):
            lists = SqliteStore(homes[mode] / "watchkeeper.sqlite")
            review = ReviewStore(homes[mode] / "watchkeeper.sqlite")
            try:
                reports[mode] = rescreen(lists, review, home=homes[mode], actor="bench", full=mode == "full")
                alerts[mode] = {(a.customer_id, a.entity_id) for a in review.alerts(["open"])}
            finally:
                review.close()
                lists.close()
    delta, full = reports["delta"], reports["full"]
    table = Table(title=f"Re-screening {len(stored):,} stored customers after SDN 2022-02-03 → 2022-03-01")
    for column in ("mode", "changed entities", "customers screened", "new alerts", "seconds", "speed-up"):
        table.add_column(column, justify="right" if column != "mode" else "left")
    for name, report in (("full re-screen", full), ("delta re-screen", delta)):
        table.add_row(
            name,
            str(report.changed),
            f"{report.screened:,}",
            str(len(report.outcome.raised)),
            f"{report.seconds:.2f}",
            f"{full.seconds / report.seconds:.1f}×",
        )
    console.print(table)
    console.print(f"customers' index built once when the customers were stored: {index_seconds:.1f} s")
    same = alerts["delta"] == alerts["full"]
    console.print(
        f"same new alerts: {'yes' if same else 'NO'} ({len(alerts['delta'])} vs {len(alerts['full'])})"
    )
    console.print("Goal (issue #7): delta ≥ 20× faster than full, same new alerts.")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
