"""Scale: a million customers on the local batch and on Dask; PostgreSQL against SQLite.

    make bench-scale    # or: .venv/bin/python bench/scale.py [--rows 1000000] [--skip-batch] [--skip-store]

Batch (same run, same input, same index): `watchkeeper batch` with 2 forked processes, then
`watchkeeper batch --dask local` (a LocalCluster of 2 worker processes), each as a command of its
own. The input is synthetic customers (Faker first and last names of seven locales, seeded)
with a real listed name — the primary name of an OFAC SDN or UN entry — planted every 1,000th
row. Reported: rows/s, the peak resident memory of the command and of its largest worker
process (sampled every 0.2 s over the whole process tree), whether every planted row alerted on
its own entity, and whether the two outputs are the same bytes.

Store: one OFAC SDN import (the bundled 2021-07-07 set, 9,000+ entries) into a fresh SQLite
file and into a fresh PostgreSQL schema, then 20,000 alerts recorded and the alert queue read
page by page (50 open alerts a page, 200 pages) — what the review screens do. PostgreSQL is the
server `scripts/test-postgres` starts (or WATCHKEEPER_BENCH_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from faker import Faker
from rich.console import Console
from rich.table import Table

from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore
from watchkeeper.store.review import ReviewStore
from watchkeeper.store.review_records import Customer

ROOT = Path(__file__).resolve().parents[1]
SDN = ROOT / "data" / "ofac" / "sdn-2021-07-07"
UN = ROOT / "data" / "un" / "consolidated-2026-02-27.xml.gz"
PLANT_EVERY = 1000
LOCALES = ("en_US", "de_DE", "es_ES", "fr_FR", "ru_RU", "zh_CN", "ar_AA")


@dataclass
class BatchRun:
    method: str
    seconds: float
    peak_main_mb: float
    peak_worker_mb: float
    workers_seen: int
    output: Path


def synthetic_customers(path: Path, rows: int, listed: list[tuple[str, str, str]]) -> dict[str, str]:
    """Write the input; returns the planted rows' ids and the entity each must alert on."""
    rng = random.Random(16)
    firsts: list[str] = []
    lasts: list[str] = []
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(16)
        firsts += [fake.first_name() for _ in range(300)]
        lasts += [fake.last_name() for _ in range(300)]
    planted: dict[str, str] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "dob", "country", "identifier"])
        for n in range(rows):
            row_id = f"C{n:08d}"
            if n % PLANT_EVERY == PLANT_EVERY // 2:
                entity_id, name, schema = listed[rng.randrange(len(listed))]
                planted[row_id] = entity_id
                writer.writerow(
                    [row_id, name, "person" if schema == "Person" else "organization", "", "", ""]
                )
            else:
                writer.writerow([row_id, f"{rng.choice(firsts)} {rng.choice(lasts)}", "person", "", "", ""])
    return planted


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Seconds, peak RSS of the command and of its largest descendant (MB), descendants seen."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    main_peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal main_peak
        top = psutil.Process(process.pid)
        while not done.is_set():
            try:
                main_peak = max(main_peak, top.memory_info().rss)
                for child in top.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        peaks[child.pid] = max(peaks.get(child.pid, 0), child.memory_info().rss)
            except psutil.Error:
                pass
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, error = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{error[-2000:]}")
    seconds = time.perf_counter() - started
    # Dask's tiny helper processes (resource tracker) are not workers: count those holding an index.
    workers = [rss for rss in peaks.values() if rss > 100 << 20]
    return seconds, main_peak / 2**20, max(workers, default=0) / 2**20, len(workers)


def alerted(output: Path) -> set[tuple[str, str]]:
    with output.open(encoding="utf-8", newline="") as handle:
        return {(row["query_id"], row["entity_id"]) for row in csv.DictReader(handle)}


def bench_batch(rows: int, console: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="wk-scale-") as folder:
        home = Path(folder) / "home"
        env = {**os.environ, "WATCHKEEPER_HOME": str(home)}
        env.pop("WATCHKEEPER_DATABASE_URL", None)
        wk = [sys.executable, "-m", "watchkeeper"]
        for path in (SDN, UN):
            subprocess.run([*wk, "lists", "load", str(path)], env=env, check=True, capture_output=True)
        listed = [
            (e.id, e.caption, e.schema)
            for path in (SDN, UN)
            for e in parse_list(path).entities
            if e.schema in {"Person", "Organization", "Company"} and len(e.caption) > 8
        ]
        source = Path(folder) / "customers.csv"
        console.print(f"writing {rows:,} synthetic customers …")
        planted = synthetic_customers(source, rows, listed)
        runs: list[BatchRun] = []
        for method, extra in (
            ("local batch, 2 processes", ["--workers", "2"]),
            ("Dask LocalCluster(2)", ["--dask", "local"]),
        ):
            output = Path(folder) / f"alerts-{len(runs)}.csv"
            console.print(f"screening with {method} …")
            seconds, main_mb, worker_mb, seen = run_measured(
                [*wk, "batch", str(source), "-o", str(output), *extra, "--json"], env
            )
            runs.append(BatchRun(method, seconds, main_mb, worker_mb, seen, output))
        baseline = runs[0]
        table = Table(title=f"Batch of {rows:,} customers ({len(planted):,} listed names planted)")
        for column in (
            "method",
            "seconds",
            "rows/s",
            "vs local",
            "peak MB: command",
            "peak MB: largest worker",
            "workers",
            "planted rows alerted",
            "output equals local",
        ):
            table.add_column(column, justify="left" if column == "method" else "right")
        for run in runs:
            hits = alerted(run.output)
            caught = sum(1 for row_id, entity in planted.items() if (row_id, entity) in hits)
            table.add_row(
                run.method,
                f"{run.seconds:,.1f}",
                f"{rows / run.seconds:,.0f}",
                f"{baseline.seconds / run.seconds:.2f}×",
                f"{run.peak_main_mb:,.0f}",
                f"{run.peak_worker_mb:,.0f}",
                str(run.workers_seen),
                f"{caught:,}/{len(planted):,}",
                "yes" if run.output.read_bytes() == baseline.output.read_bytes() else "NO",
            )
        console.print(table)


def postgres_url() -> str | None:
    url = os.environ.get("WATCHKEEPER_BENCH_DATABASE_URL")
    if url:
        return url
    found = subprocess.run(
        [str(ROOT / "scripts" / "test-postgres")], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or None


def fresh_schema(url: str, schema: str) -> str:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def bench_store(console: Console) -> None:
    url = postgres_url()
    snapshot = parse_list(SDN)
    with tempfile.TemporaryDirectory(prefix="wk-store-") as folder:
        locations = [("SQLite", str(Path(folder) / "store.sqlite"))]
        if url:
            locations.append(("PostgreSQL", fresh_schema(url, "wk_bench_scale")))
        else:
            console.print("[yellow]no PostgreSQL server: only SQLite measured[/]")
        table = Table(title="The store: one SDN import and the alert queue, SQLite against PostgreSQL")
        for column in (
            "store",
            "SDN import s",
            "vs SQLite",
            "save 20,000 customers s",
            "record 20,000 alerts s",
            "alert queue page ms",
            "vs SQLite",
        ):
            table.add_column(column, justify="left" if column == "store" else "right")
        baseline: tuple[float, float] | None = None
        for name, location in locations:
            store = SqliteStore(location)
            started = time.perf_counter()
            store.import_snapshot(snapshot)
            imported = time.perf_counter() - started
            entities = list(store.entities("ofac-sdn"))
            store.close()
            review = ReviewStore(location)
            rng = random.Random(7)
            review.start_run("bench", kind="batch", actor="bench", lists=[], matcher="bench", threshold=0.8)
            customers = [Customer(f"C{n:06d}", f"Customer {n}", "person") for n in range(20_000)]
            started = time.perf_counter()
            review.save_customers(customers, "bench", "bench")
            saved = time.perf_counter() - started
            explanation: dict[str, object] = {"bench": True}
            found = [(c.id, rng.choice(entities), 0.9, explanation) for c in customers]
            started = time.perf_counter()
            review.record("bench", "bench", found)
            recorded = time.perf_counter() - started
            pages = 200
            started = time.perf_counter()
            for page in range(pages):
                assert len(review.alerts(states=("open",), limit=50, offset=page * 50)) == 50
            page_ms = (time.perf_counter() - started) / pages * 1000
            review.close()
            baseline = baseline or (imported, page_ms)
            table.add_row(
                name,
                f"{imported:.2f}",
                f"{imported / baseline[0]:.2f}×",
                f"{saved:.2f}",
                f"{recorded:.2f}",
                f"{page_ms:.2f}",
                f"{page_ms / baseline[1]:.2f}×",
            )
        console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-store", action="store_true")
    args = parser.parse_args()
    console = Console(width=160)
    if not args.skip_store:
        bench_store(console)
    if not args.skip_batch:
        bench_batch(args.rows, console)


if __name__ == "__main__":
    main()
