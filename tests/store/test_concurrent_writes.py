"""Several processes writing one store at once (SQLite file or PostgreSQL): the audit chain stays
one linear chain, every write is kept."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.backend import store_at
from tests.support import ROOT
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.service import ServiceStore

WRITER = """
import sys, time
from pathlib import Path
from watchkeeper.store.service import ServiceStore
store = ServiceStore(sys.argv[1])
Path(sys.argv[4] + "." + sys.argv[3]).touch()
while not Path(sys.argv[4]).exists():  # all start writing together
    time.sleep(0.001)
started = time.time()
for n in range(int(sys.argv[2])):
    store.create_key("read", f"{sys.argv[3]}-{n}", actor=sys.argv[3])
store.close()
Path(sys.argv[4] + "." + sys.argv[3]).write_text(f"{started} {time.time()}")
"""


def test_processes_appending_to_the_audit_trail_at_once_keep_one_linear_chain(tmp_path: Path) -> None:
    location = store_at(tmp_path)
    ServiceStore(location).close()  # the tables, before the writers race
    writers, each = 3, 100
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, location, str(each), f"writer{w}", str(go)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.writer*"))) < writers and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    for process in processes:
        _, error = process.communicate(timeout=300)
        assert process.returncode == 0, error
    store = ServiceStore(location)
    try:
        audit = AuditLog(store.audit.db)
        entries = audit.entries()
        report = audit.verify()
        keys = store.keys()
    finally:
        store.close()
    assert report.ok, report.problems
    assert [e.seq for e in entries] == list(range(1, writers * each + 1))
    assert {e.actor for e in entries} == {f"writer{w}" for w in range(writers)}
    assert len(keys) == writers * each
    # They really wrote at once: every writer started before any had finished.
    spans = [tuple(map(float, p.read_text().split())) for p in tmp_path.glob("go.writer*")]
    assert len(spans) == writers
    assert max(start for start, _ in spans) < min(end for _, end in spans)
