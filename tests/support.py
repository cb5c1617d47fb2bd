"""Helpers the tests share (not tests themselves): running the `watchkeeper` command as users do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backend import store_env
from watchkeeper.match.names import NameToken

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data"
SHARED = ROOT.parent / "shared" / "data"


def shared(relative: str) -> Path:
    """A file of ../shared/data; CI always has it beside the clone."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the real lists from ../shared/data")
    return path


def wk(
    home: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WATCHKEEPER_HOME": str(home), "COLUMNS": "200", **store_env(home), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "watchkeeper", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def even_weight(_: NameToken) -> float:
    """Every token worth the same: name comparisons tested apart from the lists' rarities."""
    return 1.0
