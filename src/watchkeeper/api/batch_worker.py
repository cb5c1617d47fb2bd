"""Batch jobs of the HTTP service, run one at a time beside the server.

Each job runs `watchkeeper batch` in a child process: it has its own cores
and memory, a crash cannot take the server down, and stopping the server
stops the child, whose progress file lets the job resume where it stopped
when the server starts again. The job's state lives in the store.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

from watchkeeper.settings import Settings
from watchkeeper.store.service import BatchJob, ServiceStore

log = logging.getLogger("watchkeeper.batches")
POLL_SECONDS = 0.25


class BatchWorker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen[str] | None = None

    def start(self) -> None:
        store = ServiceStore(self.settings.store_path)
        try:
            requeued = store.requeue_interrupted()
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

    def _loop(self) -> None:
        store = ServiceStore(self.settings.store_path)
        try:
            while not self._stop.is_set():
                queued = store.jobs(("queued",))
                if not queued:
                    self._wake.wait(timeout=2.0)
                    self._wake.clear()
                    continue
                self._run(store, queued[0])
        finally:
            store.close()

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
        store.update_job(job.id, state="running")
        progress = job.output_path.with_name(job.output_path.name + ".progress")
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
            store.update_job(
                job.id,
                state="done",
                done_rows=int(summary["rows"]),
                alerts=int(summary["alerts"]),
                errors=int(summary["errors"]),
                message="; ".join(notes),
            )
            return
        lines = [line for line in stderr_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        reason = lines[-1].removeprefix("error: ") if lines else f"exit status {child.returncode}"
        log.warning("batch job %s failed: %s", job.id, reason)
        store.update_job(job.id, state="failed", message=reason[:500])

    @staticmethod
    def _report_progress(store: ServiceStore, job: BatchJob, progress: Path) -> None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            state = json.loads(progress.read_text())
            store.update_job(
                job.id, done_rows=int(state["rows"]), alerts=int(state["alerts"]), errors=int(state["errors"])
            )
