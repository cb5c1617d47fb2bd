"""Batch jobs over HTTP: upload, progress, results, bad files, and surviving a restart."""

from __future__ import annotations

import csv
import io
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.backend import ON_POSTGRES, store_at
from tests.live_server import Keys, LiveServer, copy_home, make_keys
from tests.support import BUNDLED
from watchkeeper.screen.batch import output_busy, run_batch
from watchkeeper.screen.batch_chunk import OUTPUT_HEADER
from watchkeeper.screen.loader import screener_from_store
from watchkeeper.store import SqliteStore
from watchkeeper.store.database import open_database
from watchkeeper.store.service import ServiceStore

CUSTOMERS = BUNDLED / "samples" / "customers.csv"


@pytest.fixture(scope="module")
def batch_server(
    loaded_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Keys]]:
    with LiveServer(copy_home(loaded_home, tmp_path_factory.mktemp("batches") / "home")) as live:
        yield live, make_keys(live.home)


def _wait_for(client: httpx.Client, job_id: str, state: str, timeout: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/batches/{job_id}").json()
        if job["state"] == state:
            return job
        assert job["state"] != "failed", job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not {state} in {timeout}s")


def _reference_alerts(home: Path, input_csv: Path, tmp_path: Path) -> list[list[str]]:
    """The same file screened in process, as `watchkeeper batch` does."""
    store = SqliteStore(store_at(home))
    try:
        screener, _ = screener_from_store(store, cache=home / "index")
    finally:
        store.close()
    output = tmp_path / "reference.csv"
    run_batch(screener, input_csv, output, workers=1)
    return list(csv.reader(output.open(encoding="utf-8")))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_batch_job_runs_and_streams_the_alerts(batch_server: tuple[LiveServer, Keys], tmp_path: Path) -> None:
    live, keys = batch_server
    data = CUSTOMERS.read_bytes() + b"bad-1,Someone,person,1984-13-45,,\n"
    upload = tmp_path / "customers.csv"
    upload.write_bytes(data)
    with live.client(keys.read) as client:
        created = client.post("/batches", files={"file": ("customers.csv", data, "text/csv")})
        assert created.status_code == 202, created.text
        job = created.json()
        assert job["state"] in {"queued", "running"}
        assert job["total_rows"] == data.count(b"\n") - 1
        assert job["results_url"] is None
        done = _wait_for(client, job["id"], "done")
        results = client.get(f"/batches/{job['id']}/results")
        errors = client.get(f"/batches/{job['id']}/errors")
        listed = client.get("/batches").json()
    assert done["done_rows"] == job["total_rows"]
    assert done["errors"] == 1
    assert done["results_url"] == f"/batches/{job['id']}/results"
    assert results.headers["content-type"].startswith("text/csv")
    rows = _rows(results.text)
    assert rows[0] == OUTPUT_HEADER
    assert done["alerts"] == len(rows) - 1 > 0
    assert rows == _reference_alerts(live.home, upload, tmp_path)
    error_rows = _rows(errors.text)
    assert error_rows[0] == ["line", "id", "error"]
    assert error_rows[1][1] == "bad-1"
    assert "dob" in error_rows[1][2]
    assert job["id"] in {j["id"] for j in listed}


@pytest.mark.parametrize(
    ("content", "params", "status", "message"),
    [
        (b"\xff\xfe\x00garbage", {}, 400, "not UTF-8"),
        (b"", {}, 400, "empty"),
        (b"name,dob\nKim,1984\n", {}, 400, "line 1 must name columns"),
        (b"id,name\n1,Kim\n", {"lists": "eu"}, 400, "lists: eu not loaded"),
        (b"id,name\n1,Kim\n", {"threshold": "2"}, 422, "threshold"),
    ],
)
def test_bad_batch_uploads_are_refused(
    batch_server: tuple[LiveServer, Keys], content: bytes, params: dict[str, str], status: int, message: str
) -> None:
    live, keys = batch_server
    with live.client(keys.read) as client:
        response = client.post("/batches", files={"file": ("in.csv", content)}, params=params)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_unknown_and_unfinished_jobs(batch_server: tuple[LiveServer, Keys]) -> None:
    live, keys = batch_server
    with live.client(keys.read) as client:
        assert client.get("/batches/nope").status_code == 404
        assert client.get("/batches/nope/results").status_code == 404
        anonymous = httpx.get(f"{live.url}/batches")
    assert anonymous.status_code == 401


def _many(tmp_path: Path, copies: int) -> tuple[Path, list[str]]:
    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines()
    rows = [f"{copy}-{line}" for copy in range(copies) for line in lines[1:]]
    upload = tmp_path / "many.csv"
    upload.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    return upload, rows


def _submit_and_see_progress(client: httpx.Client, upload: Path) -> str:
    """Queue the file as a job and wait until its first rows are screened; the job's id."""
    job_id = str(client.post("/batches", files={"file": ("many.csv", upload.read_bytes())}).json()["id"])
    deadline = time.monotonic() + 120
    while client.get(f"/batches/{job_id}").json()["done_rows"] == 0:
        assert time.monotonic() < deadline, "the job made no progress"
        time.sleep(0.1)
    return job_id


def test_a_job_survives_a_server_restart(loaded_home: Path, tmp_path: Path) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    # Copies with fresh ids: many chunks, long enough to stop the server mid-job.
    upload, rows = _many(tmp_path, 12)
    live = LiveServer(home)
    live.start()
    keys = make_keys(home)
    try:
        with live.client(keys.read) as client:
            job_id = _submit_and_see_progress(client, upload)
        live.restart()
        with live.client(keys.read) as client:
            resumed = client.get(f"/batches/{job_id}").json()
            assert resumed["state"] in {"queued", "running", "done"}
            done = _wait_for(client, job_id, "done")
            results = client.get(f"/batches/{job_id}/results").text
    finally:
        live.stop()
    assert done["done_rows"] == len(rows)
    assert resumed["done_rows"] > 0
    assert "resumed after row" in str(done["message"])
    assert _rows(results) == _reference_alerts(home, upload, tmp_path)


def test_a_killed_server_never_leaves_two_processes_on_one_job(loaded_home: Path, tmp_path: Path) -> None:
    """`kill -9` of the server leaves its batch child running; after the restart the worker waits for
    that orphan instead of starting a second process on the same files, and the job ends complete."""
    home = copy_home(loaded_home, tmp_path / "home")
    upload, rows = _many(tmp_path, 12)
    live = LiveServer(home)
    live.start()
    keys = make_keys(home)
    try:
        with live.client(keys.read) as client:
            job_id = _submit_and_see_progress(client, upload)
        output = home / "batches" / job_id / "alerts.csv"
        assert live.process is not None
        live.process.kill()  # no chance to stop its child
        live.process.wait()
        assert output_busy(output), "the orphaned child still screens"
        # The orphan is paused while the server restarts, so it is certainly still holding the job
        # when the new worker looks (however fast screening is), then let go to finish it.
        orphan = int(output.with_name(output.name + ".lock").read_text().strip())
        os.kill(orphan, signal.SIGSTOP)
        live.process = None
        try:
            live.start()
            deadline = time.monotonic() + 60
            while "waiting" not in (home / "server.log").read_text():
                assert time.monotonic() < deadline, "the restarted worker did not wait for the orphan"
                time.sleep(0.1)
        finally:
            os.kill(orphan, signal.SIGCONT)
        with live.client(keys.read) as client:
            done = _wait_for(client, job_id, "done")
            results = client.get(f"/batches/{job_id}/results").text
    finally:
        live.stop()
    assert done["done_rows"] == len(rows)
    assert "waiting" in (home / "server.log").read_text()
    assert _rows(results) == _reference_alerts(home, upload, tmp_path)


def test_a_job_that_breaks_the_worker_fails_and_the_next_one_runs(loaded_home: Path, tmp_path: Path) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    store = ServiceStore(store_at(home))
    try:
        broken = store.add_job(
            "broken", created_by="t", lists="", threshold=0.8, total_rows=1, folder=tmp_path / "gone" / "x"
        )
        folder = home / "batches" / "fine"
        folder.mkdir(parents=True)
        (folder / "input.csv").write_bytes(CUSTOMERS.read_bytes())
        fine = store.add_job("fine", created_by="t", lists="", threshold=0.8, total_rows=1000, folder=folder)
    finally:
        store.close()
    assert broken.state == fine.state == "queued"
    live = LiveServer(home)
    live.start()
    keys = make_keys(home)
    try:
        with live.client(keys.admin) as client:  # jobs made in the store belong to no key: an admin's view
            done = _wait_for(client, "fine", "done")
            failed = client.get("/batches/broken").json()
    finally:
        live.stop()
    assert done["done_rows"] == 1000
    assert failed["state"] == "failed"
    assert "FileNotFoundError" in failed["message"]


def test_a_batch_job_belongs_to_its_caller(batch_server: tuple[LiveServer, Keys]) -> None:
    live, keys = batch_server
    store = ServiceStore(store_at(live.home))
    try:
        _, other = store.create_key("read", "another team")
    finally:
        store.close()
    with live.client(keys.read) as client:
        job = client.post("/batches", files={"file": ("c.csv", CUSTOMERS.read_bytes())}).json()
        _wait_for(client, job["id"], "done")
        own = [j["id"] for j in client.get("/batches").json()]
    with live.client(other) as client:
        listed = [j["id"] for j in client.get("/batches").json()]
        answers = [client.get(f"/batches/{job['id']}{tail}") for tail in ("", "/results", "/errors")]
    with live.client(keys.admin) as client:
        everything = [j["id"] for j in client.get("/batches").json()]
        results = client.get(f"/batches/{job['id']}/results")
    assert job["id"] in own
    assert job["id"] not in listed
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert job["id"] in everything
    assert results.status_code == 200


def test_finished_jobs_and_leftover_uploads_are_removed_after_the_retention_period(
    loaded_home: Path, tmp_path: Path
) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    store = ServiceStore(store_at(home))
    folders = {}
    try:
        for job_id in ("old", "recent"):
            folders[job_id] = home / "batches" / job_id
            folders[job_id].mkdir(parents=True)
            (folders[job_id] / "input.csv").write_text("id,name\n1,x\n", encoding="utf-8")
            store.add_job(
                job_id, created_by="t", lists="", threshold=0.8, total_rows=1, folder=folders[job_id]
            )
            store.update_job(job_id, state="done")
        store._db.execute("UPDATE batch_job SET updated_at = '2020-01-01T00:00:00+00:00' WHERE id = 'old'")
    finally:
        store.close()
    leftover = home / "uploads" / "import-killed"
    leftover.mkdir(parents=True)
    two_days_ago = time.time() - 2 * 86400
    os.utime(leftover, (two_days_ago, two_days_ago))
    live = LiveServer(home, env={"WATCHKEEPER_RETENTION_DAYS": "30"})
    live.start()
    keys = make_keys(home)
    try:
        with live.client(keys.admin) as client:
            gone = client.get("/batches/old")
            kept = client.get("/batches/recent")
    finally:
        live.stop()
    assert gone.status_code == 404
    assert kept.status_code == 200
    assert not folders["old"].exists()
    assert folders["recent"].exists()
    assert not leftover.exists()


def test_a_batch_sent_while_the_store_is_locked_gets_503_and_leaves_nothing(
    loaded_home: Path, tmp_path: Path
) -> None:
    """A writer holding the store longer than the server waits (30 s): the batch is refused with
    503 and Retry-After, and its upload folder is removed."""
    home = copy_home(loaded_home, tmp_path / "home")
    live = LiveServer(home)
    live.start()
    keys = make_keys(home)
    holder = open_database(store_at(home))
    try:
        holder.begin_write()
        if ON_POSTGRES:  # a lone insert takes no store-wide lock there: hold the table it writes
            holder.execute("LOCK TABLE batch_job IN EXCLUSIVE MODE")
        with live.client(keys.read) as client:
            refused = client.post("/batches", files={"file": ("c.csv", CUSTOMERS.read_bytes())})
        holder.execute("ROLLBACK")
        with live.client(keys.read) as client:
            accepted = client.post("/batches", files={"file": ("c.csv", CUSTOMERS.read_bytes())})
    finally:
        holder.close()
        live.stop()
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert accepted.status_code == 202
    assert [p.name for p in (home / "batches").iterdir()] == [accepted.json()["id"]]


def test_an_unfinished_jobs_files_are_not_ready(loaded_home: Path, tmp_path: Path) -> None:
    """Asked before the job is done, results and errors answer 409 saying the job's state."""
    home = copy_home(loaded_home, tmp_path / "home")
    upload, _ = _many(tmp_path, 12)
    live = LiveServer(home)
    live.start()
    keys = make_keys(home)
    try:
        with live.client(keys.read) as client:
            job = client.post("/batches", files={"file": ("many.csv", upload.read_bytes())}).json()
            early = [client.get(f"/batches/{job['id']}/{part}") for part in ("results", "errors")]
            state = client.get(f"/batches/{job['id']}").json()["state"]
    finally:
        live.stop()
    assert state in {"queued", "running"}, "12,000 rows take longer than two requests"
    assert [r.status_code for r in early] == [409, 409]
    assert "its files are ready when it is done" in early[0].json()["detail"]
