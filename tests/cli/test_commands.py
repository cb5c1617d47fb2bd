"""The `watchkeeper` command as users run it: a real process on a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backend import store_env
from tests.support import shared, wk


def test_help_reads_like_a_manual(tmp_path: Path) -> None:
    result = wk(tmp_path, "lists", "load", "--help")
    assert "The whole file is parsed before anything is stored" in result.stdout
    assert "--allow-shrink" in result.stdout


def test_run_loads_the_bundled_lists_once_and_warns_they_are_old(tmp_path: Path) -> None:
    first = wk(tmp_path, "run")
    assert "ofac-sdn@1 (2021-07-07)" in first.stdout
    assert "8,976" in first.stdout
    assert "warning: ofac-sdn is" in first.stderr
    second = wk(tmp_path, "run", "--json")
    report = json.loads(second.stdout)
    assert {o["status"] for o in report["loaded"]} == {"already-loaded"}
    counts = {s["source"]: s["listed_by_schema"] for s in report["lists"]}
    assert counts["ofac-sdn"] == {"Person": 4620, "Organization": 3673, "Vessel": 406, "Airplane": 277}
    assert counts["un"] == {"Person": 730, "Organization": 273}
    assert counts["ofac-cons"] == {"Person": 79, "Organization": 363}
    assert all(s["stale"] for s in report["lists"])


def test_load_history_diff_and_time_travel(tmp_path: Path) -> None:
    files = sorted(shared("ofac/sdn-history").glob("*.gz"))[2:4]  # 2022-02-03, 2022-03-01
    for path in files:
        wk(tmp_path, "lists", "load", str(path))
    history = json.loads(wk(tmp_path, "lists", "history", "ofac-sdn", "--json").stdout)
    assert [v["published"] for v in history] == ["2022-02-03", "2022-03-01"]
    diff = json.loads(wk(tmp_path, "lists", "diff", "ofac-sdn", "--json").stdout)
    assert (diff["added"], diff["removed"], diff["amended"]) == (173, 0, 9)
    table = wk(tmp_path, "lists", "diff", "ofac-sdn", "1", "2", "--limit", "5").stdout
    assert "173 added, 0 removed, 9 amended" in table
    listed = wk(tmp_path, "lists", "was-listed", "ofac-sdn:16692", "--on", "2022-03-02")
    assert "LISTED" in listed.stdout
    assert "ofac-sdn@2 (2022-03-01)" in listed.stdout
    added = next(c["entity_id"] for c in diff["changes"] if c["kind"] == "added")
    absent = wk(tmp_path, "lists", "was-listed", added, "--on", "2022-02-15", check=False)
    assert absent.returncode == 3
    assert "NOT LISTED" in absent.stdout
    assert "ofac-sdn@1 (2022-02-03)" in absent.stdout
    old = json.loads(
        wk(tmp_path, "entity", "show", "ofac-sdn:16692", "--as-of", "2022-02-10", "--json").stdout
    )
    assert old["entity"]["caption"] == "Igor SECHIN"
    now = wk(tmp_path, "entity", "show", "ofac-sdn:16692").stdout
    assert "Igor Ivanovich SECHIN" in now


def test_errors_name_the_file_and_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "sdn-2024-05-04.csv"
    empty.write_bytes(b"")
    result = wk(tmp_path, "lists", "load", str(empty), check=False)
    assert result.returncode == 2
    assert "sdn-2024-05-04.csv: file is empty" in result.stderr
    assert "Traceback" not in result.stderr
    bad_date = wk(tmp_path, "lists", "load", str(empty), "--published", "2024-13-01", check=False)
    assert bad_date.returncode == 2
    assert "--published" in bad_date.stderr
    missing = wk(tmp_path, "entity", "show", "un:XXi.999", check=False)
    assert missing.returncode == 2
    assert "un:XXi.999 is not in the store" in missing.stderr


@pytest.mark.parametrize(
    ("relative", "source", "partial"),
    [
        ("uk/ConList-2016-02-12-PARTIAL.csv", "uk", True),
        ("opensanctions/ua_war_sanctions-2026-03-13.targets.simple.csv", "opensanctions", False),
        ("ofac_xml/cons_advanced-2020-03-17.xml", "ofac-cons", False),
    ],
)
def test_every_format_loads_from_the_cli(tmp_path: Path, relative: str, source: str, partial: bool) -> None:
    result = json.loads(wk(tmp_path, "lists", "load", str(shared(relative)), "--json").stdout)
    assert result["version"]["source"] == source
    assert result["version"]["partial"] is partial
    assert result["version"]["added"] == result["version"]["record_count"] > 0


def test_staleness_limit_is_configurable(tmp_path: Path) -> None:
    path = shared("un/consolidated-2026-02-27.xml")
    wk(tmp_path, "lists", "load", str(path))
    stale = wk(tmp_path, "lists")
    assert "warning: un is" in stale.stderr
    fresh = wk(tmp_path, "lists", env={"WATCHKEEPER_MAX_LIST_AGE_DAYS": "100000"})
    assert "warning" not in fresh.stderr
    report = json.loads(wk(tmp_path, "lists", "--json").stdout)
    assert report[0]["stale"] is True
    assert report[0]["listed_by_schema"] == {"Person": 730, "Organization": 273}


def test_entity_shows_the_publishers_record(tmp_path: Path) -> None:
    wk(tmp_path, "lists", "load", str(shared("un/consolidated-2026-02-27.xml")))
    shown = wk(tmp_path, "entity", "show", "un:KPi.033", "--record").stdout
    assert "<REFERENCE_NUMBER>KPi.033</REFERENCE_NUMBER>" in shown
    assert "un@1 (2026-02-27) → current" in shown


def test_diff_needs_an_earlier_version(tmp_path: Path) -> None:
    wk(tmp_path, "lists", "load", str(shared("un/consolidated-2026-02-27.xml")))
    first = json.loads(wk(tmp_path, "lists", "diff", "un", "--json").stdout)
    assert (first["from"], first["added"], first["removed"]) == (None, 1003, 0)  # a first version adds all
    backwards = wk(tmp_path, "lists", "diff", "un", "1", "1", check=False)
    assert backwards.returncode == 2
    assert "diff needs an earlier FROM than TO" in backwards.stderr
    unknown = wk(tmp_path, "lists", "history", "eu", check=False)
    assert unknown.returncode == 2
    assert "no versions of source 'eu'" in unknown.stderr


_MODULES_AFTER = """
import runpy, sys
sys.argv = ["watchkeeper", *sys.argv[1:]]
try:
    runpy.run_module("watchkeeper", run_name="__main__")
except SystemExit as done:
    code = done.code
else:
    code = 0
heavy = ("watchkeeper.match.screener", "watchkeeper.match.index", "watchkeeper.screen",
         "pypinyin", "rapidfuzz")
matcher = sorted(m for m in sys.modules if m.startswith(heavy))
print("EXIT", code, "MATCHER", ",".join(matcher), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "loads_matcher"),
    [
        (("lists",), False),
        (("lists", "load", "--help"), False),
        (("entity", "show", "--help"), False),
        (("audit", "verify"), False),
        (("keys", "list"), False),
        (("users", "--help"), False),
        (("rules",), False),
        # the control: a command that screens does load it, so the probe can see it
        (("screen", "--help"), False),
        (("screen", "Kim Jong Un"), True),
    ],
)
def test_commands_that_do_not_screen_start_without_the_matcher(
    tmp_path: Path, args: tuple[str, ...], loads_matcher: bool
) -> None:
    env = {**os.environ, "WATCHKEEPER_HOME": str(tmp_path), **store_env(tmp_path)}
    probe = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, *args], env=env, capture_output=True, text=True, check=False
    )
    line = next(x for x in probe.stderr.splitlines() if x.startswith("EXIT"))
    matcher = line.split("MATCHER ", 1)[1].strip()
    assert bool(matcher) is loads_matcher, line
