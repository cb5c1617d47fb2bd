"""A schemathesis run over our own OpenAPI schema against a real server: no input may cause a 5xx.

Run as schemathesis' own command line (its pytest plugin does not support
pytest 9 yet), bounded in examples and time so it finishes in about a minute.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.live_server import LiveServer, copy_home, make_keys

#: Generated cases per operation: enough to reach every validator, bounded to keep `make test` short.
EXAMPLES_PER_OPERATION = 20
TIME_BUDGET_SECONDS = 150


def test_schemathesis_finds_no_server_error(loaded_home: Path, tmp_path: Path) -> None:
    home = copy_home(loaded_home, tmp_path / "home")
    live = LiveServer(home)
    live.start()
    keys = make_keys(home)
    try:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{live.url}/openapi.json",
                "--checks",
                "not_a_server_error",
                # The admin key reaches every handler; without it most cases would stop at 401.
                "--header",
                f"Authorization: ApiKey {keys.admin}",
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--max-time",
                str(TIME_BUDGET_SECONDS),
                "--seed",
                "20261125",
                "--workers",
                "1",
                "--phases",
                "examples,coverage,fuzzing",
                "--no-color",
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=TIME_BUDGET_SECONDS + 120,
            cwd=tmp_path,
        )
    finally:
        live.stop()
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    # Every operation of the schema was exercised, none skipped.
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected is not None, report[-3000:]
    assert tested is not None, report[-3000:]
    assert selected.group(1) == selected.group(2) == tested.group(1)
    assert int(tested.group(1)) >= 14
