"""The AIS store: Parquet files partitioned by UTC day, queried with DuckDB.

Why Parquet and DuckDB (and not rows in the SQLite/PostgreSQL store): AIS is tens of millions of
small rows a day that are written once and read by scans (a vessel's track, every pair of vessels
near each other in an hour). A columnar file per day is a tenth of the size of the CSV, and DuckDB
scans it in parallel without holding it in Python objects. Day folders (`positions/day=2022-01-03/`)
are the unit later work spreads across a Dask cluster, each worker reading its own days.

A load is all or nothing: its files are written under `.incoming/`, moved into the day folders, and
only then named in `loads.jsonl`, the manifest. Readers see only files of loads the manifest names,
so a load that died half-way is invisible (and its leftovers are removed by the next load). The
same file (by SHA-256) is not loaded twice.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from watchkeeper.ais import layouts, nmea
from watchkeeper.ais import records as r
from watchkeeper.ais.records import LoadReport
from watchkeeper.errors import AisFileError

KINDS = ("positions", "statics")
OTHER = "other"


def sql_list(paths: list[str]) -> str:
    """A DuckDB list literal of file names."""
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class AisStore:
    """One folder of day-partitioned AIS positions and statics, and the manifest of its loads."""

    def __init__(self, folder: Path, *, memory_limit: str = "4GB") -> None:
        self.folder = folder
        self.memory_limit = memory_limit

    @property
    def manifest(self) -> Path:
        return self.folder / "loads.jsonl"

    def loads(self) -> list[dict[str, Any]]:
        if not self.manifest.exists():
            return []
        return [json.loads(line) for line in self.manifest.read_text(encoding="utf-8").splitlines() if line]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _engine(self, spill: Path | None = None) -> duckdb.DuckDBPyConnection:
        db = duckdb.connect(":memory:")
        db.execute(f"SET memory_limit = '{self.memory_limit}'")
        db.execute("SET preserve_insertion_order = false")
        if spill is not None:
            db.execute(f"SET temp_directory = '{spill}'")
        return db

    # -- loading ---------------------------------------------------------------------------------

    def load(self, path: Path, *, undated_at: datetime | None = None) -> LoadReport:
        """Read one file (any layout, gzip or not), keep its checked reports, say what it gave."""
        if not path.is_file():
            raise AisFileError(str(path), "no such file")
        layout = layouts.sniff(path)
        report = LoadReport(str(path), layout, sha256=_sha256(path))
        with self._locked():
            if any(entry["sha256"] == report.sha256 for entry in self.loads()):
                report.already_loaded = True
                return report
            self._clean_leftovers()
            load_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
            incoming = self.folder / ".incoming" / load_id
            incoming.mkdir(parents=True)
            try:
                db = self._engine(incoming / "spill")
                try:
                    self._read(db, path, layout, report, undated_at)
                    self._summarise(db, report)
                    self._write(db, incoming, load_id)
                finally:
                    db.close()
                self._publish(incoming, load_id, report)
            finally:
                shutil.rmtree(incoming, ignore_errors=True)
        return report

    def _read(
        self, db: duckdb.DuckDBPyConnection, path: Path, layout: str, report: LoadReport, at: datetime | None
    ) -> None:
        if layout == layouts.NMEA:
            self._read_nmea(db, path, report, at)
        else:
            if layouts.is_gzip(path):
                layouts.check_gzip(path)
            raw, typed = layouts.csv_sql(path, layout, layouts.first_line(path))
            try:
                db.execute(raw)
                db.execute(typed)
                db.execute(
                    f"CREATE TEMP TABLE checked AS SELECT *, {layouts.PROBLEM_SQL} AS problem FROM typed"
                )
                rejects = db.execute(
                    "SELECT line, any_value(error_message) FROM reject_errors GROUP BY line ORDER BY line"
                ).fetchall()
            except duckdb.Error as exc:
                raise AisFileError(str(path), f"cannot be read as a {layout} CSV: {exc}") from exc
            for line, message in rejects:
                report.reject(r.BAD_ROW, f"line {line} ({message})")
            bad = len(rejects)
            counted = db.execute("SELECT count(*) FROM checked").fetchone()
            report.messages = int(counted[0]) if counted else 0
            report.lines = report.messages + bad + 1

    def _read_nmea(
        self, db: duckdb.DuckDBPyConnection, path: Path, report: LoadReport, at: datetime | None
    ) -> None:
        positions: list[nmea.Position] = []
        statics: list[nmea.Static] = []
        opener = gzip.open if layouts.is_gzip(path) else open
        try:
            with opener(path, "rt", encoding="ascii", errors="replace") as handle:
                for row in nmea.read_nmea(handle, report, at):
                    (positions if len(row) == 8 else statics).append(row)  # type: ignore[arg-type]
        except (OSError, EOFError) as exc:
            raise AisFileError(
                str(path), f"cannot be read to its end ({exc}); nothing from it was kept"
            ) from exc
        position_table = pa.Table.from_pylist(
            [dict(zip(r.POSITION_SCHEMA.names, p, strict=True)) for p in positions], schema=r.POSITION_SCHEMA
        )
        static_table = pa.Table.from_pylist(
            [dict(zip(r.STATIC_SCHEMA.names, s, strict=True)) for s in statics], schema=r.STATIC_SCHEMA
        )
        db.register("nmea_positions", position_table)
        db.register("nmea_statics", static_table)
        db.execute(
            "CREATE TEMP TABLE checked AS "
            "SELECT mmsi, ts, lat, lon, sog, cog, heading, status, NULL::VARCHAR AS name, "
            "NULL::BIGINT AS imo, NULL::VARCHAR AS call_sign, NULL::SMALLINT AS ship_type, "
            "NULL::VARCHAR AS destination, 'position' AS kind, NULL::VARCHAR AS problem "
            "FROM nmea_positions UNION ALL "
            "SELECT mmsi, ts, NULL, NULL, NULL, NULL, NULL, NULL, name, imo, call_sign, ship_type, "
            "destination, 'static', NULL FROM nmea_statics"
        )

    def _summarise(self, db: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
        for problem, count in db.execute(
            "SELECT problem, count(*) FROM checked WHERE problem IS NOT NULL GROUP BY problem"
        ).fetchall():
            if problem == OTHER:
                report.other += int(count)
            else:
                report.rejected[str(problem)] += int(count)

    def _write(self, db: duckdb.DuckDBPyConnection, incoming: Path, load_id: str) -> None:
        db.execute(
            f"""CREATE TEMP VIEW positions_out AS SELECT mmsi, ts, lat, lon,
                CASE WHEN sog = {r.NO_SOG} THEN NULL ELSE sog END AS sog,
                CASE WHEN cog >= {r.NO_COG} OR cog < 0 THEN NULL ELSE cog END AS cog,
                CASE WHEN heading = {r.NO_HEADING} OR heading NOT BETWEEN 0 AND 359 THEN NULL
                     ELSE heading END AS heading,
                status
            FROM checked WHERE problem IS NULL AND kind = 'position'"""
        )
        identity = "name, imo, call_sign, ship_type, destination"
        db.execute(
            f"""CREATE TEMP VIEW statics_out AS SELECT mmsi, ts, {identity} FROM checked
            WHERE problem IS NULL AND (name IS NOT NULL OR imo IS NOT NULL OR call_sign IS NOT NULL)
            QUALIFY row({identity})
                IS DISTINCT FROM lag(row({identity})) OVER (PARTITION BY mmsi ORDER BY ts)"""
        )
        for kind in KINDS:
            target = incoming / kind
            db.execute(
                f"COPY (SELECT *, strftime(ts, '%Y-%m-%d') AS day, '{load_id}' AS load FROM {kind}_out "
                f"ORDER BY mmsi, ts) TO '{target}' (FORMAT parquet, PARTITION_BY (day), "
                f"FILENAME_PATTERN '{load_id}_{{i}}', COMPRESSION zstd)"
            )

    def _publish(self, incoming: Path, load_id: str, report: LoadReport) -> None:
        days: set[str] = set()
        for kind in KINDS:
            for day_folder in sorted((incoming / kind).glob("day=*")) if (incoming / kind).exists() else []:
                destination = self.folder / kind / day_folder.name
                destination.mkdir(parents=True, exist_ok=True)
                for part in day_folder.iterdir():
                    os.replace(part, destination / part.name)
                days.add(day_folder.name.removeprefix("day="))
        report.days = sorted(days)
        self._count_kept(report, load_id)
        entry = {
            "load": load_id,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **report.to_dict(),
        }
        with self.manifest.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _count_kept(self, report: LoadReport, load_id: str) -> None:
        db = self._engine()
        try:
            for kind in KINDS:
                files = self._files(kind, [load_id])
                if not files:
                    continue
                row = db.execute(
                    "SELECT count(*), count(DISTINCT mmsi), min(ts), max(ts) "
                    f"FROM read_parquet({sql_list(files)})"
                ).fetchone()
                assert row is not None
                setattr(report, kind, int(row[0]))
                if kind == "positions":
                    report.vessels = int(row[1])
                    report.first, report.last = str(row[2] or ""), str(row[3] or "")
        finally:
            db.close()

    def _clean_leftovers(self) -> None:
        """Files of loads the manifest does not name: a load that died between moving and naming."""
        known = {entry["load"] for entry in self.loads()}
        for kind in KINDS:
            for part in (self.folder / kind).glob("day=*/*.parquet"):
                if part.name.rsplit("_", 1)[0] not in known:
                    part.unlink()
        shutil.rmtree(self.folder / ".incoming", ignore_errors=True)

    # -- reading ---------------------------------------------------------------------------------

    def _files(self, kind: str, loads: list[str] | None = None) -> list[str]:
        named = set(loads if loads is not None else (entry["load"] for entry in self.loads()))
        return sorted(
            str(p) for p in (self.folder / kind).glob("day=*/*.parquet") if p.name.rsplit("_", 1)[0] in named
        )

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with `positions` and `statics` views over the loaded days (empty when
        nothing is loaded)."""
        db = self._engine()
        for kind, schema in (("positions", r.POSITION_SCHEMA), ("statics", r.STATIC_SCHEMA)):
            files = self._files(kind)
            if files:
                db.execute(
                    f"CREATE VIEW {kind} AS SELECT * EXCLUDE (day, load) "
                    f"FROM read_parquet({sql_list(files)}, hive_partitioning = true)"
                )
            else:
                db.register(f"{kind}_empty", schema.empty_table())
                db.execute(f"CREATE VIEW {kind} AS SELECT * FROM {kind}_empty")
        return db
