"""Which layout an AIS file is in, and the SQL that reads each CSV layout into positions and statics.

CSV files are read by DuckDB, not by Python row objects: a day of US coastal AIS is millions of
rows, and DuckDB's reader parses, checks and sorts them in parallel in bounded memory. Every value
is read as text first and cast with `TRY_CAST`, so one bad cell makes one row rejected (counted),
never a failed load; a row with the wrong number of cells is counted by DuckDB's reject table.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from watchkeeper.ais import records as r
from watchkeeper.errors import AisFileError

NMEA = "nmea"
MARINECADASTRE = "marinecadastre"
SPIRE = "spire"
LAYOUTS = (NMEA, MARINECADASTRE, SPIRE)

#: Header names of each CSV layout, lower case without underscores → our column. MarineCadastre
#: changed its header in 2024 (`base_date_time`, `latitude`, …): both spellings are read.
MARINECADASTRE_COLUMNS = {
    "mmsi": "mmsi",
    "basedatetime": "ts",
    "lat": "lat",
    "latitude": "lat",
    "lon": "lon",
    "longitude": "lon",
    "sog": "sog",
    "cog": "cog",
    "heading": "heading",
    "status": "status",
    "vesselname": "name",
    "imo": "imo",
    "callsign": "call_sign",
    "vesseltype": "ship_type",
    "destination": "destination",
}
SPIRE_COLUMNS = {
    "mmsi": "mmsi",
    "messageid": "message",
    "time": "ts",
    "latitude": "lat",
    "longitude": "lon",
    "sog": "sog",
    "cog": "cog",
    "heading": "heading",
    "navigationalstatus": "status",
    "vesselname": "name",
    "imo": "imo",
    "callsign": "call_sign",
    "shiptype": "ship_type",
    "destination": "destination",
}


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def check_gzip(path: Path) -> None:
    """Read a gzip file to its end: DuckDB reads a truncated one to where it breaks without a word,
    and a day that silently lost its evening would look like every vessel went dark."""
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 24):
                pass
    except (OSError, EOFError) as exc:
        raise AisFileError(
            str(path), f"is a damaged or truncated gzip file ({exc}); nothing from it was kept"
        ) from exc


def first_line(path: Path) -> str:
    try:
        opener = gzip.open if is_gzip(path) else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.strip():
                    return line.strip()
    except (OSError, EOFError) as exc:
        raise AisFileError(str(path), f"cannot be read: {exc}") from exc
    raise AisFileError(str(path), "is empty")


def header_key(name: str) -> str:
    return name.strip().strip('"').lower().replace("_", "").replace(" ", "")


def sniff(path: Path) -> str:
    """The file's layout from its first line: a sentence or tag block, or a known CSV header."""
    line = first_line(path)
    if "\x00" in line:
        raise AisFileError(str(path), "is binary, not an AIS log or CSV")
    if line.startswith(("!", "\\", "$")) or "!AIVDM" in line[:200]:
        return NMEA
    columns = {header_key(c) for c in line.split(",")}
    if {"mmsi", "messageid", "time"} <= columns:
        return SPIRE
    if "mmsi" in columns and "basedatetime" in columns:
        return MARINECADASTRE
    raise AisFileError(
        str(path),
        "is not a layout Watchkeeper reads: NMEA 0183 sentences (!AIVDM), a MarineCadastre CSV "
        "(MMSI,BaseDateTime,LAT,LON,…) or a Spire-style CSV (MMSI,Message_ID,Time,…); first line: "
        f"{line[:80]!r}",
    )


def select_columns(header: str, names: dict[str, str]) -> str:
    """`"Original" AS ours` for every known column of a CSV header, empty text for missing ones."""
    present: dict[str, str] = {}
    for raw in header.split(","):
        ours = names.get(header_key(raw))
        if ours and ours not in present:
            present[ours] = raw.strip().strip('"')
    wanted = dict.fromkeys(names.values())
    parts = []
    for ours in wanted:
        source = present.get(ours)
        parts.append(f'"{source}" AS {ours}' if source else f"NULL::VARCHAR AS {ours}")
    return ", ".join(parts)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: From `raw` (all text, our column names) to `typed`; `ts_sql` parses the layout's time.
TYPED_SQL = """
CREATE TEMP VIEW typed AS SELECT
    TRY_CAST(mmsi AS BIGINT) AS mmsi,
    {ts_sql} AS ts,
    TRY_CAST(lat AS DOUBLE) AS lat,
    TRY_CAST(lon AS DOUBLE) AS lon,
    TRY_CAST(sog AS DOUBLE) AS sog,
    TRY_CAST(cog AS DOUBLE) AS cog,
    TRY_CAST(TRY_CAST(heading AS DOUBLE) AS SMALLINT) AS heading,
    TRY_CAST(TRY_CAST(status AS DOUBLE) AS SMALLINT) AS status,
    NULLIF(NULLIF(trim(name), ''), 'None') AS name,
    NULLIF(TRY_CAST(regexp_extract(imo, '(\\d{{7}})', 1) AS BIGINT), 0) AS imo,
    NULLIF(NULLIF(trim(call_sign), ''), 'None') AS call_sign,
    TRY_CAST(TRY_CAST(ship_type AS DOUBLE) AS SMALLINT) AS ship_type,
    NULLIF(NULLIF(trim(destination), ''), 'None') AS destination,
    {kind_sql} AS kind
FROM raw
"""

#: Why a typed row is not kept (NULL: kept). Positions only are checked for place and speed.
PROBLEM_SQL = f"""
CASE
    WHEN mmsi IS NULL OR ts IS NULL THEN {_q(r.BAD_ROW)}
    WHEN NOT (mmsi > 0 AND mmsi <= 999999999) THEN {_q(r.BAD_MMSI)}
    WHEN kind = 'other' OR NOT (mmsi BETWEEN 201000000 AND 775999999) THEN 'other'
    WHEN kind <> 'position' THEN NULL
    WHEN lat IS NULL OR lon IS NULL OR lat = {r.NO_LAT} OR lon = {r.NO_LON} THEN {_q(r.NO_POSITION)}
    WHEN lat NOT BETWEEN -90 AND 90 OR lon NOT BETWEEN -180 AND 180 THEN {_q(r.IMPOSSIBLE_POSITION)}
    WHEN sog > {r.MAX_SOG} AND sog <> {r.NO_SOG} THEN {_q(r.IMPOSSIBLE_SPEED)}
END
"""


def csv_sql(path: Path, layout: str, header: str) -> tuple[str, str]:
    """The statement that reads the file into `raw`, and the one that types it into `typed`."""
    names = SPIRE_COLUMNS if layout == SPIRE else MARINECADASTRE_COLUMNS
    compression = "gzip" if is_gzip(path) else "none"
    raw = (
        f"CREATE TEMP VIEW raw AS SELECT {select_columns(header, names)} FROM read_csv({_q(str(path))}, "
        f"all_varchar = true, header = true, compression = '{compression}', store_rejects = true, "
        "auto_detect = true, quote = '\"', escape = '\"')"
    )
    if layout == SPIRE:
        ts_sql = "TRY_STRPTIME(ts, '%Y%m%d_%H%M%S')"
        positions = ", ".join(f"'{k}'" for k in (1, 2, 3, 18, 19, 27))
        statics = ", ".join(f"'{k}'" for k in (5, 24, 19))
        kind_sql = (
            f"CASE WHEN message IN ({positions}) THEN 'position' "
            f"WHEN message IN ({statics}) THEN 'static' ELSE 'other' END"
        )
        # Message 19 is both: its row is a position, and its name is read as a static too.
    else:
        ts_sql = "TRY_CAST(replace(ts, 'T', ' ') AS TIMESTAMP)"
        kind_sql = "'position'"
    return raw, TYPED_SQL.format(ts_sql=ts_sql, kind_sql=kind_sql)
