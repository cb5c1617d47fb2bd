"""Import and time-travel benchmarks, each against a plain baseline in the same run.

    make bench            # or: .venv/bin/python bench/run.py [--repeat N]

1. Import of one SDN version (parse + store + diff against the previous
   version) against a plain `csv.reader` pass over the same file(s).
2. As-of lookups across the 13 real SDN versions against re-reading one
   version's file to find the same entity.

Ratios, not seconds, are the result: these machines are noisy. Goals from
issue #3: import ≤ 10× the plain parse; an as-of lookup faster than a re-read.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from watchkeeper.sources import parse_list
from watchkeeper.store import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
HISTORY = SHARED / "ofac" / "sdn-history"
BUNDLED_SDN = ROOT / "data" / "ofac" / "sdn-2021-07-07"


def median_seconds(
    action: Callable[[], object], repeat: int, setup: Callable[[], None] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_csv_pass(paths: list[Path]) -> int:
    rows = 0
    for path in paths:
        data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        rows += sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows


def bench_import(
    label: str, previous: Path | None, current: Path, files: list[Path], repeat: int
) -> list[str]:
    workdir = Path(tempfile.mkdtemp(prefix="wk-bench-"))
    state: dict[str, SqliteStore] = {}
    counter = iter(range(10_000))

    def fresh_store() -> None:
        if "store" in state:
            state["store"].close()
        store = SqliteStore(workdir / f"s{next(counter)}.sqlite")
        if previous is not None:
            store.import_snapshot(parse_list(previous))
        state["store"] = store

    def do_import() -> None:
        state["store"].import_snapshot(parse_list(current))

    records = len(parse_list(current).entities)
    plain = median_seconds(lambda: plain_csv_pass(files), repeat)
    full = median_seconds(do_import, repeat, setup=fresh_store)
    parse_only = median_seconds(lambda: parse_list(current).entities, repeat)
    state["store"].close()
    ratio = full / plain
    return [
        label,
        f"{records:,}",
        f"{plain * 1000:.0f} ms",
        f"{parse_only * 1000:.0f} ms",
        f"{full * 1000:.0f} ms",
        f"{records / full:,.0f}",
        f"{ratio:.1f}×",
        "≤ 10×",
        "[green]met[/]" if ratio <= 10 else "[red]missed[/]",
    ]


def bench_as_of(repeat: int) -> list[str]:
    files = sorted(HISTORY.glob("sdn-*.csv.gz"))
    workdir = Path(tempfile.mkdtemp(prefix="wk-bench-asof-"))
    store = SqliteStore(workdir / "history.sqlite")
    for path in files:
        store.import_snapshot(parse_list(path))
    rng = random.Random(7)
    ids = [e.id for e in store.entities("ofac-sdn", 1)]
    days = [
        date.fromordinal(rng.randint(date(2021, 8, 18).toordinal(), date(2024, 5, 3).toordinal()))
        for _ in range(200)
    ]
    queries = [(rng.choice(ids), day) for day in days]

    def lookups() -> None:
        for entity_id, day in queries:
            store.was_listed(entity_id, day)

    def reread() -> None:
        # The baseline: open the version of the day and scan it for the entity.
        native = queries[0][0].split(":")[1]
        for row in csv.reader(io.StringIO(gzip.decompress(files[6].read_bytes()).decode(), newline="")):
            if row and row[0] == native:
                break

    per_lookup = median_seconds(lookups, repeat) / len(queries)
    per_reread = median_seconds(reread, repeat)
    store.close()
    speedup = per_reread / per_lookup
    return [
        "as-of lookup (13 versions)",
        f"{len(queries)} queries",
        f"{per_reread * 1000:.1f} ms (re-read)",
        "",
        f"{per_lookup * 1000:.2f} ms",
        f"{1 / per_lookup:,.0f}/s",
        f"{speedup:.0f}× faster",
        "faster",
        "[green]met[/]" if speedup > 1 else "[red]missed[/]",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is reported")
    args = parser.parse_args()
    if not HISTORY.is_dir():
        print(
            f"{HISTORY} is missing: the benchmark reads the real SDN history from ../shared", file=sys.stderr
        )
        return 2
    table = Table(title="Watchkeeper list import and time travel", title_justify="left")
    for column in (
        "case",
        "records",
        "plain csv.reader",
        "parse every record",
        "import (parse+store+diff)",
        "records/s",
        "ratio",
        "goal",
        "",
    ):
        table.add_column(column, justify="right" if column not in {"case", "goal", ""} else "left")
    history = sorted(HISTORY.glob("sdn-*.csv.gz"))
    table.add_row(
        *bench_import(
            "SDN 2022-03-01 after 2022-02-03 (sdn.csv)", history[2], history[3], [history[3]], args.repeat
        )
    )
    sdn_files = sorted(BUNDLED_SDN.glob("*.csv.gz"))
    table.add_row(
        *bench_import(
            "SDN 2021-07-07 full set, first import (4 files)", None, BUNDLED_SDN, sdn_files, args.repeat
        )
    )
    table.add_row(*bench_as_of(args.repeat))
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
