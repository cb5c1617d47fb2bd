"""Batch jobs of the HTTP service, run one at a time beside the server.

Each job runs `watchkeeper batch` in a child process: it has its own cores
and memory, a crash cannot take the server down, and stopping the server
stops the child, whose progress file lets the job resume where it stopped
when the server starts again. The job's state lives in the store.

A server killed outright (`kill -9`) leaves its child running: the child
holds its output's lock, so after a restart the worker waits for that orphan
to finish before running the job again (which then resumes or redoes it), and
two processes never screen into one job's files. Finished jobs are removed,
files and all, after `WATCHKEEPER_RETENTION_DAYS` (30; 0 keeps them). An error in the worker —
a store locked for longer than its timeout, say — fails that job with the
reason (transient lock errors are retried first) and the worker goes on with
the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TypeVar

from watchkeeper.screen.batch import output_busy
from watchkeeper.settings import Settings
from watchkeeper.store.database import is_busy, store_errors
from watchkeeper.store.service import BatchJob, ServiceStore

log = logging.getLogger("watchkeeper.batches")
POLL_SECONDS = 0.25
#: How often finished jobs past their retention are removed.
CLEAN_EVERY_SECONDS = 3600
#: An import's upload folder older than this was left by a server that was killed mid-import.
UPLOAD_LEFTOVER_SECONDS = 24 * 3600
#: Store writes that find the store locked are tried this many times, this far apart.
LOCK_RETRIES = 5
LOCK_RETRY_SECONDS = 2.0
T = TypeVar("T")


def retrying(work: Callable[[], T], stop: threading.Event | None = None) -> T:
    """`work()`, tried again while the store is locked (another writer holds it), then given up."""
    for attempt in range(LOCK_RETRIES):
        try:
            return work()
        except Exception as exc:
            if not is_busy(exc) or attempt == LOCK_RETRIES - 1:
                raise
            log.info("store busy (%s); trying again", exc)
            if stop is None:
                time.sleep(LOCK_RETRY_SECONDS)
            elif stop.wait(LOCK_RETRY_SECONDS):
                raise
    raise AssertionError("unreachable")


class BatchWorker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen[str] | None = None
        self._cleaned_at = 0.0

    def start(self) -> None:
        store = ServiceStore(self.settings.store_location)
        try:
            requeued = store.requeue_interrupted()
            self._clean(store)
        finally:
            store.close()
        if requeued:
            log.info("%d batch job(s) cut off by a restart are queued again", requeued)
        self._thread = threading.Thread(target=self._loop, name="batch-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()  # the job stays `running`; the next start resumes it
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _clean(self, store: ServiceStore) -> None:
        """Remove finished jobs (rows and files) older than the retention period, and upload folders
        a killed server left behind; never fatal."""
        days = self.settings.retention_days
        now = datetime.now(UTC)
        never_fatal: tuple[type[Exception], ...] = (OSError, *store_errors())
        try:
            if days > 0:
                before = (now - timedelta(days=days)).isoformat(timespec="seconds")
                for job in store.finished_jobs_before(before):
                    shutil.rmtree(job.folder, ignore_errors=True)
                    store.delete_job(job.id)
                    log.info("batch job %s removed after %d days", job.id, days)
            uploads = self.settings.home / "uploads"
            stale = now.timestamp() - UPLOAD_LEFTOVER_SECONDS
            for folder in uploads.iterdir() if uploads.is_dir() else ():
                if folder.stat().st_mtime < stale:
                    shutil.rmtree(folder, ignore_errors=True)
        except never_fatal:
            log.exception("batch worker: clean-up failed; tried again later")
        self._cleaned_at = time.monotonic()

    def _loop(self) -> None:
        store = ServiceStore(self.settings.store_location)
        try:
            while not self._stop.is_set():
                if time.monotonic() - self._cleaned_at > CLEAN_EVERY_SECONDS:
                    self._clean(store)
                try:
                    queued = retrying(lambda: store.jobs(("queued",)), self._stop)
                except Exception:  # the store cannot be read now: try again shortly
                    log.exception("batch worker: cannot read the job queue")
                    self._stop.wait(LOCK_RETRY_SECONDS)
                    continue
                if not queued:
                    self._wake.wait(timeout=2.0)
                    self._wake.clear()
                    continue
                job = queued[0]
                try:
                    self._run(store, job)
                except Exception as exc:  # a worker that dies leaves every later job queued forever
                    log.exception("batch job %s failed in the worker", job.id)
                    self._fail(store, job, f"{type(exc).__name__}: {exc}")
        finally:
            store.close()

    def _fail(self, store: ServiceStore, job: BatchJob, reason: str) -> None:
        try:
            retrying(lambda: store.update_job(job.id, state="failed", message=reason[:500]), self._stop)
        except Exception:  # still `running`: requeued, and so retried, at the next start
            log.exception("batch job %s: cannot record its failure", job.id)

    def _command(self, job: BatchJob) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "watchkeeper",
            "batch",
            str(job.input_path),
            "--output",
            str(job.output_path),
            "--home",
            str(self.settings.home),
            "--threshold",
            str(job.threshold),
            "--workers",
            str(max(self.settings.batch_workers, 1)),
            "--json",
        ]
        if job.lists:
            command += ["--lists", job.lists]
        return command

    def _run(self, store: ServiceStore, job: BatchJob) -> None:
        retrying(lambda: store.update_job(job.id, state="running"), self._stop)
        progress = job.output_path.with_name(job.output_path.name + ".progress")
        if output_busy(job.output_path):
            # A child of a server that was killed is still screening this job: let it finish.
            log.warning("batch job %s: an earlier process is still running it; waiting", job.id)
            while output_busy(job.output_path):
                if self._stop.wait(POLL_SECONDS * 4):
                    return
                self._report_progress(store, job, progress)
        stderr_path = Path(job.folder) / "worker.log"
        with stderr_path.open("w", encoding="utf-8") as stderr:
            child = subprocess.Popen(
                self._command(job), stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8"
            )
            self._child = child
            while child.poll() is None:
                if self._stop.wait(POLL_SECONDS):
                    child.terminate()
                    child.wait(timeout=10)
                    return  # left `running`: requeued and resumed at the next start
                self._report_progress(store, job, progress)
            stdout = child.stdout.read() if child.stdout is not None else ""
            self._child = None
        if child.returncode in (0, 2) and stdout.strip():
            summary = json.loads(stdout)
            notes = []
            if summary["resumed_from_row"]:
                notes.append(f"resumed after row {summary['resumed_from_row']} when the server restarted")
            if summary["errors"]:
                notes.append(f"{summary['errors']} rows could not be screened (see /batches/{job.id}/errors)")
            retrying(
                lambda: store.update_job(
                    job.id,
                    state="done",
                    done_rows=int(summary["rows"]),
                    alerts=int(summary["alerts"]),
                    errors=int(summary["errors"]),
                    message="; ".join(notes),
                ),
                self._stop,
            )
            return
        lines = [line for line in stderr_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        reason = lines[-1].removeprefix("error: ") if lines else f"exit status {child.returncode}"
        log.warning("batch job %s failed: %s", job.id, reason)
        self._fail(store, job, reason)

    @staticmethod
    def _report_progress(store: ServiceStore, job: BatchJob, progress: Path) -> None:
        # Progress is a courtesy: a busy store or a half-seen file must not stop the job.
        with contextlib.suppress(OSError, ValueError, KeyError, *store_errors()):
            state = json.loads(progress.read_text())
            store.update_job(
                job.id, done_rows=int(state["rows"]), alerts=int(state["alerts"]), errors=int(state["errors"])
            )


class BatchLeader:
    """Runs the batch worker in the one process of a `serve --workers N` group that holds an
    exclusive lock on a file of the home folder; the others try again every few seconds, so
    when the holder stops (or dies: the system drops its lock) another takes over, requeueing
    the job it cut off as a restart does."""

    def __init__(self, lock_path: Path, worker: BatchWorker, retry_seconds: float = 5.0) -> None:
        self.lock_path = lock_path
        self.worker = worker
        self.retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._handle: IO[bytes] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not self._try_lead():
            self._thread = threading.Thread(target=self._wait_to_lead, name="batch-leader", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self.worker.stop()
            self._handle.close()  # releases the lock
            self._handle = None

    @property
    def leading(self) -> bool:
        return self._handle is not None

    def _try_lead(self) -> bool:
        if self._stop.is_set():
            return False  # the server is stopping: no batch worker starts now
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        self.worker.start()
        log.info("this process (%d) runs the batch jobs", os.getpid())
        return True

    def _wait_to_lead(self) -> None:
        while not self._stop.wait(self.retry_seconds):
            if self._try_lead():
                return
