"""How long a `watchkeeper` command takes as a whole process, against a bare Python start.

    .venv/bin/python bench/cli_start.py [--runs 7]

Commands that do not screen (lists, entity, audit, keys, users) must not load the matcher and
its dictionaries (pypinyin, the index code): issue #14 asks for ≤ 0.3 s process start for them
and ≤ 0.6 s for `lists load` of one daily SDN file. Each command runs `--runs` times on a store
holding the bundled lists; the table shows the median, the ratio to `python -c pass` and to
`python -c "import typer"` (the floor any Typer command line pays), and whether the matcher was
imported (checked in a separate run with the module list printed at exit).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

import watchkeeper

ROOT = Path(__file__).resolve().parents[1]
SDN_DAY = ROOT.parent / "shared" / "data" / "ofac" / "sdn-history" / "sdn-2024-05-03.csv.gz"
HEAVY = ("watchkeeper.match.screener", "watchkeeper.match.index", "pypinyin", "rapidfuzz")

_PROBE = """
import sys, runpy
sys.argv = ["watchkeeper", *sys.argv[1:]]
try:
    runpy.run_module("watchkeeper", run_name="__main__")
except SystemExit:
    pass
heavy = [m for m in sys.modules if m.startswith({heavy!r})]
sys.stderr.write("HEAVY:" + ",".join(sorted(heavy)) + "\\n")
"""


def timed(argv: list[str], env: dict[str, str], runs: int, before: list[str] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before:
            subprocess.run(before, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=False, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def loads_matcher(args: list[str], env: dict[str, str]) -> str:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in probe.stderr.splitlines() if x.startswith("HEAVY:")), "HEAVY:?")
    found = line.removeprefix("HEAVY:")
    return "no" if not found else "yes (" + found.split(",")[0] + ")"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    home = Path(tempfile.mkdtemp(prefix="wk-start-"))
    env = {**os.environ, "WATCHKEEPER_HOME": str(home), "COLUMNS": "120"}
    # As an installed package runs: from bytecode, not recompiling every module at each start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    package = Path(watchkeeper.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=True)
    wk = [sys.executable, "-m", "watchkeeper"]
    try:
        subprocess.run([*wk, "run", "--no-screen-sample"], env=env, check=True, capture_output=True)
        bare = timed([sys.executable, "-c", "pass"], env, runs)
        typer_floor = timed([sys.executable, "-c", "import typer, rich.table"], env, runs)
        table = Table(title=f"Process start, median of {runs} runs", title_justify="left")
        for column in ("command", "seconds", "× python", "× typer import", "loads the matcher"):
            table.add_column(
                column, justify="left" if column in ("command", "loads the matcher") else "right"
            )
        table.add_row("python -c pass (baseline)", f"{bare:.3f}", "1.0", "", "")
        table.add_row(
            "python -c 'import typer' (floor)", f"{typer_floor:.3f}", f"{typer_floor / bare:.1f}", "1.0", ""
        )
        commands = [
            ["--help"],
            ["lists"],
            ["lists", "history", "un"],
            ["entity", "show", "un:KPi.033"],
            ["audit", "verify"],
            ["keys", "list"],
            ["users", "--help"],
            ["screen", "Kim Jong Un"],
        ]
        for args in commands:
            seconds = timed([*wk, *args], env, runs)
            table.add_row(
                "watchkeeper " + " ".join(args),
                f"{seconds:.3f}",
                f"{seconds / bare:.1f}",
                f"{seconds / typer_floor:.1f}",
                loads_matcher(args, env),
            )
        if SDN_DAY.exists():
            # Each run loads the same daily file into a copy of the store without it.
            template = home / "watchkeeper.sqlite"
            spare = home.parent / f"{home.name}-spare.sqlite"
            shutil.copy(template, spare)
            args = ["lists", "load", str(SDN_DAY), "--source", "ofac-sdn", "--allow-shrink"]
            seconds = timed([*wk, *args], env, max(3, runs // 2), before=["cp", str(spare), str(template)])
            table.add_row(
                f"watchkeeper lists load {SDN_DAY.name}",
                f"{seconds:.3f}",
                f"{seconds / bare:.1f}",
                f"{seconds / typer_floor:.1f}",
                loads_matcher(["lists", "--help"], env),
            )
            spare.unlink()
        Console(width=140).print(table)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
