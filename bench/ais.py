"""AIS at the scale of a day of US coastal traffic: load rows/s, time per detector, peak memory,
each against a plain columnar read of the same data in the same run.

    make bench-ais    # or: .venv/bin/python bench/ais.py [--rows 8000000] [--keep DIR]

The day is synthesised from the real MarineCadastre extract (`../shared/data/ais/`, 99,999 reports
of 2022-01-03): the extract replayed 40 times, 36 minutes apart (its 25 minutes each time: a whole
day), for two fleets of the same ships — the second with every MMSI's last six digits shifted and
positions moved 0.05° north, so the fleets are different vessels that never sit on one another.
That is about 20,000 vessels reporting all day, 8 million rows: the size of a real MarineCadastre
day (7–10 million rows). Written as a plain MarineCadastre CSV (no gzip: the daily files are zips
a loader streams).

Baselines, same run, same data:
- load: DuckDB reading the same CSV and writing it to one Parquet file (no checks, no partitions);
- detection: DuckDB scanning every stored position once (count, sums over lat, lon, speed).
Each step runs in a process of its own so its peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import psutil
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
REAL = ROOT.parent / "shared" / "data" / "ais" / "marinecadastre_AIS_2022-01-03_first99999.csv.gz"

from watchkeeper.ais.detection import ReferenceData, detect  # noqa: E402
from watchkeeper.ais.store import AisStore  # noqa: E402
from watchkeeper.rules.zones import parse_zones  # noqa: E402

REPLAYS, FLEETS = 40, 2


def synthesise(target: Path, rows: int) -> int:
    db = duckdb.connect()
    db.execute(f"CREATE TABLE real AS SELECT * FROM read_csv('{REAL}', header = true, all_varchar = true)")
    db.execute(
        f"""COPY (
            SELECT CASE WHEN f = 0 THEN r.MMSI
                        ELSE CAST(CAST(r.MMSI AS BIGINT) // 1000000 * 1000000
                             + (CAST(r.MMSI AS BIGINT) % 1000000 + 500009 * f) % 1000000 AS VARCHAR)
                   END AS MMSI,
                strftime(CAST(r.BaseDateTime AS TIMESTAMP) + INTERVAL 36 MINUTE * k, '%Y-%m-%dT%H:%M:%S')
                    AS BaseDateTime,
                CAST(round(CAST(r.LAT AS DOUBLE) + 0.05 * f, 5) AS VARCHAR) AS LAT,
                r.* EXCLUDE (MMSI, BaseDateTime, LAT)
            FROM real r, range({REPLAYS}) AS t(k), range({FLEETS}) AS g(f)
            WHERE CAST(r.BaseDateTime AS TIMESTAMP) + INTERVAL 36 MINUTE * k < TIMESTAMP '2022-01-04'
            LIMIT {rows}
        ) TO '{target}' (HEADER, DELIMITER ',')"""
    )
    counted = db.execute(f"SELECT count(*) FROM read_csv('{target}', header = true)").fetchone()
    return int(counted[0]) if counted else 0


class _PeakMemory:
    """The largest resident set of this process while a step runs, sampled every 50 ms (ru_maxrss
    would carry the parent's peak over into a spawned child on Linux)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, me.memory_info().rss)
            self._stop.wait(0.05)

    def mb(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 1e6


_memory: _PeakMemory | None = None


def _watch() -> None:
    global _memory  # noqa: PLW0603 - one sampler per child process
    _memory = _PeakMemory()


def _peak_mb() -> float:
    assert _memory is not None
    return _memory.mb()


def _plain_load(csv_file: str, folder: str) -> dict[str, Any]:
    _watch()
    started = time.perf_counter()
    db = duckdb.connect()
    db.execute("SET memory_limit = '4GB'")
    db.execute(
        f"COPY (SELECT * FROM read_csv('{csv_file}', header = true)) "
        f"TO '{folder}/plain.parquet' (FORMAT parquet)"
    )
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _load(csv_file: str, folder: str) -> dict[str, Any]:
    _watch()
    started = time.perf_counter()
    report = AisStore(Path(folder)).load(Path(csv_file))
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "positions": report.positions,
        "statics": report.statics,
        "vessels": report.vessels,
        "refused": sum(report.rejected.values()),
    }


def _plain_scan(folder: str) -> dict[str, Any]:
    _watch()
    started = time.perf_counter()
    db = AisStore(Path(folder)).connect()
    db.execute("SELECT count(*), sum(lat), sum(lon), sum(sog) FROM positions").fetchall()
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _detect(folder: str) -> dict[str, Any]:
    _watch()
    zones = parse_zones(
        (ROOT / "data/rules/zones/watched_zones.geojson").read_text(encoding="utf-8"), "zones"
    )
    started = time.perf_counter()
    run = detect(AisStore(Path(folder)), ReferenceData.read(ROOT / "data" / "ais", zones))
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "per_kind": run.seconds,
        "counts": run.counts(),
    }


def _in_child(function: Any, *args: str) -> dict[str, Any]:
    with mp.get_context("spawn").Pool(1) as pool:
        result: dict[str, Any] = pool.apply(function, args)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=8_000_000)
    parser.add_argument("--keep", type=Path, help="keep the synthetic day and the store here")
    args = parser.parse_args()
    if not REAL.exists():
        sys.exit(f"{REAL} is missing: the benchmark synthesises its day from it")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-ais-"))
    work.mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True)
    try:
        day = work / "day.csv"
        with console.status("synthesising a day of AIS from the real extract"):
            rows = synthesise(day, args.rows)
        console.print(f"{rows:,} rows, {day.stat().st_size / 1e6:,.0f} MB of CSV")
        (work / "plain").mkdir(exist_ok=True)
        with console.status("plain DuckDB CSV → Parquet"):
            plain_load = _in_child(_plain_load, str(day), str(work / "plain"))
        with console.status("watchkeeper ais load"):
            load = _in_child(_load, str(day), str(work / "store"))
        with console.status("plain scan of the stored positions"):
            plain_scan = _in_child(_plain_scan, str(work / "store"))
        with console.status("detectors"):
            found = _in_child(_detect, str(work / "store"))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    table = Table(
        title=f"AIS: one synthetic day, {rows:,} reports ({load['vessels']:,} vessels) on this machine"
    )
    for column in ("step", "seconds", "rows/s", "peak MB", "vs plain DuckDB", "result"):
        table.add_column(column, justify="left" if column in ("step", "result") else "right")
    table.add_row(
        "plain: DuckDB CSV → one Parquet file",
        f"{plain_load['seconds']:.1f}",
        f"{rows / plain_load['seconds']:,.0f}",
        f"{plain_load['peak_mb']:,.0f}",
        "1.00×",
        "",
    )
    table.add_row(
        "ais load (checks, statics, day partitions)",
        f"{load['seconds']:.1f}",
        f"{rows / load['seconds']:,.0f}",
        f"{load['peak_mb']:,.0f}",
        f"{load['seconds'] / plain_load['seconds']:.2f}×",
        f"{load['positions']:,} positions, {load['statics']:,} statics, {load['refused']:,} refused",
    )
    table.add_row(
        "plain: DuckDB scan of the stored positions",
        f"{plain_scan['seconds']:.2f}",
        "",
        f"{plain_scan['peak_mb']:,.0f}",
        "1.00×",
        "",
    )
    for kind, seconds in found["per_kind"].items():
        count = found["counts"].get(kind)
        table.add_row(
            f"  detect {kind}",
            f"{seconds:.2f}",
            "",
            "",
            f"{seconds / plain_scan['seconds']:.1f}×",
            "" if count is None else f"{count:,} events",
        )
    table.add_row(
        "all detectors",
        f"{found['seconds']:.1f}",
        f"{rows / found['seconds']:,.0f}",
        f"{found['peak_mb']:,.0f}",
        f"{found['seconds'] / plain_scan['seconds']:.1f}×",
        "",
    )
    total = load["seconds"] + found["seconds"]
    table.add_row(
        "load + all detectors",
        f"{total:.1f}",
        f"{rows / total:,.0f}",
        "",
        "",
        "goal ≤ 60 s: " + ("met" if total <= 60 else "missed"),
    )
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
