"""Batch screening: exact output format, all cores, resume after an interruption, bad rows."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.backend import store_env
from tests.support import BUNDLED, wk
from watchkeeper.match.screener import Screener
from watchkeeper.screen.batch import BatchBusy, exclusive_output, output_busy, run_batch
from watchkeeper.screen.batch_chunk import OUTPUT_HEADER
from watchkeeper.sources import parse_list

SAMPLE = BUNDLED / "samples" / "customers.csv"


@pytest.fixture(scope="module")
def screener() -> Screener:
    entities = [
        *parse_list(BUNDLED / "ofac/sdn-2021-07-07").entities,
        *parse_list(BUNDLED / "un/consolidated-2026-02-27.xml.gz").entities,
    ]
    return Screener(entities)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sample_customers_alerts_on_the_hidden_listed_parties(screener: Screener, tmp_path: Path) -> None:
    output = tmp_path / "alerts.csv"
    summary = run_batch(screener, SAMPLE, output, workers=2, chunk_rows=150)
    assert summary.rows == 1000
    assert summary.errors == 0
    assert output.read_text(encoding="utf-8").splitlines()[0] == ",".join(OUTPUT_HEADER)
    alerts = read(output)
    assert summary.alerts == len(alerts)
    hits = {(a["query_id"], a["entity_id"]) for a in alerts}
    customers = {row["id"]: row for row in read(SAMPLE)}
    hidden = {
        "Jorge Milton CIFUENTES VILA": "ofac-sdn:12300",
        "김정은": "ofac-sdn:20157",
        "Дерипаска Олег Владимирович": "ofac-sdn:24283",
        "Dalian Haibo Intl Freight Co Ltd": "ofac-sdn:26243",
        "LIAONING DANXING INTERNATIONAL FORWARDING COMPANY LIMITED": "ofac-sdn:26244",
        "Yevgeniy Prigozhin": "ofac-sdn:21171",
        "Korea Kwangson Banking Corp.": "ofac-sdn:11581",
    }
    planted = {query_id: hidden[row["name"]] for query_id, row in customers.items() if row["name"] in hidden}
    assert sorted(planted.values()) == sorted(hidden.values())  # every hidden party is in the file
    assert set(planted.items()) <= hits
    (tanker,) = [q for q, row in customers.items() if row["identifier"] == "IMO 9114555"]
    assert (tanker, "ofac-sdn:23525") in hits
    for alert in alerts:
        explanation = json.loads(alert["explanation"])
        assert explanation["listed_name"] == alert["matched_name"]
        assert float(alert["score"]) >= screener.threshold
        assert alert["list"] == alert["entity_id"].split(":")[0]
    # Invented customers rarely collide with listed names: a handful of alerts, not a flood.
    assert len({a["query_id"] for a in alerts}) < 20


def _interrupt_after_three_chunks(screener: Screener, source: Path, output: Path) -> None:
    """Run a batch of 100-row chunks and stop it, as a Ctrl-C would, after its third chunk."""
    seen: list[int] = []

    def stop_after_three_chunks(done: int) -> None:
        seen.append(done)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(screener, source, output, workers=1, chunk_rows=100, on_progress=stop_after_three_chunks)


def test_interrupted_batch_resumes_to_the_same_output(screener: Screener, tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    run_batch(screener, SAMPLE, clean, workers=1, chunk_rows=100)
    output = tmp_path / "resumed.csv"
    _interrupt_after_three_chunks(screener, SAMPLE, output)
    # A half-written chunk after the last checkpoint must not survive the resume.
    with output.open("a", encoding="utf-8") as handle:
        handle.write("C99999,ofac-sdn,ofac-sdn:1,TORN,0.9")
    summary = run_batch(screener, SAMPLE, output, workers=1, chunk_rows=100)
    assert summary.resumed_from == 300
    assert output.read_bytes() == clean.read_bytes()
    assert not output.with_name(output.name + ".progress").exists()


def test_rows_that_cannot_be_screened_are_reported_with_their_line(
    screener: Screener, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,name,type,dob,country,identifier\n"
        "A1,Jorge Milton CIFUENTES VILLA,person,,,\n"
        "A2,,person,,,\n"
        "A3,Someone,spaceship,,,\n"
        ",Nameless id,person,,,\n"
        "A5,Someone,person,1990-13-01,,\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    summary = run_batch(screener, source, output, workers=1)
    assert (summary.rows, summary.errors) == (5, 4)
    assert summary.errors_file is not None
    errors = read(summary.errors_file)
    assert [(e["line"], e["id"]) for e in errors] == [("3", "A2"), ("4", "A3"), ("5", ""), ("6", "A5")]
    assert "nothing to screen" in errors[0]["error"]
    assert "unknown type 'spaceship'" in errors[1]["error"]
    assert "dob '1990-13-01' is not a date" in errors[3]["error"]
    assert [a["query_id"] for a in read(output)] == ["A1"]


def test_batch_and_eval_from_the_command_line(tmp_path: Path) -> None:
    wk(tmp_path, "run", "--no-screen-sample")
    source = tmp_path / "in.csv"
    source.write_text(
        "id,name,type,dob,country,identifier\nQ1,김정은,person,,,\nQ2,,vessel,,,IMO 9114555\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    result = wk(tmp_path, "batch", str(source), "-o", str(output), "--lists", "ofac-sdn,un", "--json")
    assert json.loads(result.stdout)["alerts"] >= 2
    assert {(a["query_id"], a["entity_id"]) for a in read(output)} >= {
        ("Q1", "ofac-sdn:20157"),
        ("Q2", "ofac-sdn:23525"),
    }
    labelled = tmp_path / "labelled.csv"
    labelled.write_text(
        "query_id,schema,name,birth_date,country,expected,kind\n"
        "t1,Person,Kim Jong Un,,,ofac-sdn:20157,exact\n"
        "t2,Person,Hans-Josef Klemt,,,,neg_common\n",
        encoding="utf-8",
    )
    report = json.loads(wk(tmp_path, "eval", str(labelled), "--lists", "ofac-sdn,un", "--json").stdout)
    assert report["recall"] == 1.0
    assert report["false_alert_rate"] == 0.0
    screen = json.loads(wk(tmp_path, "screen", "Дерипаска Олег", "--json").stdout)
    assert screen["matches"][0]["entity_id"] == "ofac-sdn:24283"
    # A blank name or a bad birth date is refused, never reported as "no match".
    blank = wk(tmp_path, "screen", "  ", check=False)
    assert blank.returncode == 2
    assert "nothing to screen" in blank.stderr
    bad_dob = wk(tmp_path, "screen", "Kim Jong Un", "--dob", "1984-02-30", check=False)
    assert bad_dob.returncode == 2
    assert "dob '1984-02-30' is not a date" in bad_dob.stderr


def _with_bad_rows(tmp_path: Path) -> Path:
    """The sample customers with every tenth row unscreenable (no name)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    out = [lines[0]] + [
        (f"{line.split(',', 1)[0]},,person,,," if n % 10 == 0 else line) for n, line in enumerate(lines[1:])
    ]
    path = tmp_path / "with-errors.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_a_resumed_batch_never_writes_an_error_row_twice(screener: Screener, tmp_path: Path) -> None:
    source = _with_bad_rows(tmp_path)
    clean = tmp_path / "clean.csv"
    run_batch(screener, source, clean, workers=1, chunk_rows=100)
    output = tmp_path / "resumed.csv"
    _interrupt_after_three_chunks(screener, source, output)
    # The process died after writing a chunk's error rows but before marking its progress.
    with output.with_name("resumed.errors.csv").open("a", encoding="utf-8") as handle:
        handle.write("351,C00350,torn error row\n")
    summary = run_batch(screener, source, output, workers=1, chunk_rows=100)
    assert summary.resumed_from == 300
    assert summary.errors == 100
    assert (tmp_path / "resumed.errors.csv").read_bytes() == (tmp_path / "clean.errors.csv").read_bytes()
    assert not output.with_name(output.name + ".progress.partial").exists()


def test_two_processes_never_screen_into_one_output(screener: Screener, tmp_path: Path) -> None:
    output = tmp_path / "alerts.csv"
    with exclusive_output(output):
        assert output_busy(output)
        with pytest.raises(BatchBusy, match=rf"another process \(pid {os.getpid()}\)"):
            run_batch(screener, SAMPLE, output, workers=1)
    assert not output_busy(output)
    assert run_batch(screener, SAMPLE, output, workers=1).rows == 1000


def test_an_orphaned_batch_process_holds_its_output(tmp_path: Path) -> None:
    """A `watchkeeper batch` left running (its server was killed) is seen, and not run over."""
    wk(tmp_path, "run", "--no-screen-sample")
    big = tmp_path / "big.csv"
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    big.write_text("\n".join([rows[0]] + rows[1:] * 20) + "\n", encoding="utf-8")
    output = tmp_path / "alerts.csv"
    env = {**os.environ, "WATCHKEEPER_HOME": str(tmp_path), **store_env(tmp_path)}
    orphan = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "batch", str(big), "-o", str(output), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not output_busy(output) and time.monotonic() < deadline and orphan.poll() is None:
            time.sleep(0.05)
        assert output_busy(output)
        second = wk(tmp_path, "batch", str(big), "-o", str(output), "--workers", "1", check=False)
        assert second.returncode == 1  # cannot run now (2 is for input that cannot be screened)
        assert f"another process (pid {orphan.pid})" in second.stderr
    finally:
        orphan.kill()
        orphan.wait()
    assert not output_busy(output)  # the lock goes with the process, however it ends
