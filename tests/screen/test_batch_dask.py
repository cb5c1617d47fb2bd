"""Batch screening on Dask (a LocalCluster of 2 worker processes): the same output as the local
batch, byte for byte, from CSV or Parquet; a killed worker's partition re-run without duplicates
or gaps; an interrupted run resumed from its finished partitions; an unreachable scheduler named."""

from __future__ import annotations

import csv
import os
import signal
from pathlib import Path

import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.live_server import free_port
from tests.support import BUNDLED, wk
from watchkeeper.match.screener import Screener
from watchkeeper.screen.batch import run_batch
from watchkeeper.screen.batch_dask import ClusterUnreachable
from watchkeeper.sources import parse_list

SAMPLE = BUNDLED / "samples" / "customers.csv"
BAD_ROWS = [
    {"id": "BAD-1", "name": "", "type": "person", "dob": "", "country": "", "identifier": ""},
    {"id": "BAD-2", "name": "Someone", "type": "spaceship", "dob": "", "country": "", "identifier": ""},
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    entities = [
        *parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities,
        *parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz").entities,
    ]
    return Screener(entities)


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample three times over (ids made unique), two bad rows in the middle."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = [{**row, "id": f"{row['id']}-{n}"} for n in range(3) for row in rows]
    table[1500:1500] = BAD_ROWS
    path = tmp_path_factory.mktemp("dask") / "customers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(table)
    return path


@pytest.fixture(scope="module")
def local_output(screener: Screener, customers: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("local") / "alerts.csv"
    summary = run_batch(screener, customers, output, workers=1, chunk_rows=250)
    assert summary.alerts > 0
    assert summary.errors == 2
    return output


def _errors(output: Path) -> bytes:
    return output.with_name(output.stem + ".errors.csv").read_bytes()


def test_a_dask_batch_writes_the_same_files_as_the_local_batch(
    screener: Screener, customers: Path, local_output: Path, tmp_path: Path
) -> None:
    output = tmp_path / "alerts.csv"
    seen: list[int] = []
    summary = run_batch(screener, customers, output, chunk_rows=250, dask="local", on_progress=seen.append)
    assert output.read_bytes() == local_output.read_bytes()
    assert _errors(output) == _errors(local_output)
    assert summary.rows == 3002
    assert summary.errors == 2
    assert seen == sorted(seen)
    assert seen[-1] == 3002
    assert not list(tmp_path.glob("*.index.pickle*"))  # the shipped index is removed after


def test_a_parquet_input_gives_the_same_alerts_and_error_lines_as_its_csv(
    screener: Screener, customers: Path, local_output: Path, tmp_path: Path
) -> None:
    with customers.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    parquet = tmp_path / "customers.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=700)
    output = tmp_path / "alerts.csv"
    run_batch(screener, parquet, output, workers=2, chunk_rows=250)
    assert output.read_bytes() == local_output.read_bytes()
    assert _errors(output) == _errors(local_output)


def test_a_worker_killed_mid_batch_has_its_partitions_run_again_without_duplicates_or_gaps(
    screener: Screener, customers: Path, local_output: Path, tmp_path: Path
) -> None:
    output = tmp_path / "alerts.csv"
    killed: list[int] = []

    def kill_a_worker(done: int) -> None:
        if killed:
            return
        workers = [
            p
            for p in psutil.Process().children(recursive=True)
            if "resource_tracker" not in " ".join(p.cmdline())
        ]
        assert workers, "no worker process to kill"
        os.kill(workers[0].pid, signal.SIGKILL)
        killed.append(workers[0].pid)

    run_batch(screener, customers, output, chunk_rows=100, dask="local", on_progress=kill_a_worker)
    assert killed
    assert output.read_bytes() == local_output.read_bytes()


def test_an_interrupted_dask_batch_resumes_from_its_finished_partitions(
    screener: Screener, customers: Path, local_output: Path, tmp_path: Path
) -> None:
    output = tmp_path / "alerts.csv"

    def stop_after_three(done: int) -> None:
        if done >= 750:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(screener, customers, output, chunk_rows=250, dask="local", on_progress=stop_after_three)
    summary = run_batch(screener, customers, output, chunk_rows=250, dask="local")
    assert summary.resumed_from == 750
    assert output.read_bytes() == local_output.read_bytes()
    assert _errors(output) == _errors(local_output)


def test_an_unreachable_scheduler_is_one_clear_error(
    screener: Screener, customers: Path, tmp_path: Path
) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ClusterUnreachable, match=f"{address}: no Dask scheduler answers"):
        run_batch(screener, customers, tmp_path / "alerts.csv", dask=address)
    assert not list(tmp_path.glob("*.index.pickle*"))
    wk(tmp_path, "lists", "load", str(BUNDLED / "un/consolidated-2026-02-27.xml.gz"))
    cli_output = tmp_path / "cli.csv"
    result = wk(tmp_path, "batch", str(customers), "-o", str(cli_output), "--dask", address, check=False)
    assert result.returncode == 1
    assert "no Dask scheduler answers" in result.stderr
    assert "Traceback" not in result.stderr
