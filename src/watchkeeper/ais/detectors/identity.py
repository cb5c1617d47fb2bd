"""`identity`: an MMSI whose identity cannot all be true (red flags 1, 5 and 6).

Four findings, each an event of its own:
- one MMSI broadcasting several names, IMO numbers or call signs (after normalising spelling:
  `OCEAN STAR` and `Ocean-Star` are one name);
- an IMO number whose check digit is wrong (a made-up or mistyped number);
- one IMO number on two MMSIs at positions no ship could travel between in the time between them
  (two ships using one identity, or a spoofed one);
- an MMSI whose MID is allocated to no administration, or whose MID and call-sign prefix name
  different flags (a false flag, or a flag hop done by halves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb

from watchkeeper.ais.events import (
    PLEASURE,
    SHIP_STATIONS_SQL,
    EventPoint,
    VesselBook,
    VesselEvent,
    iso,
    settings_dict,
)
from watchkeeper.ais.flags import FlagTables, mid_of
from watchkeeper.ais.geo import distance_sql

NORMALISED_NAME = "trim(regexp_replace(upper(name), '[^A-Z0-9]+', ' ', 'g'))"
#: A call sign: its series prefix and a few more letters or digits, at least one of them a digit
#: or four letters in all (`V7A5122`, `3FAB5`, `KDGR`); longer words are names typed in by mistake.
CALL_SIGN = re.compile(r"(?=[A-Z0-9]*\d)[A-Z0-9]{3,8}|[A-Z]{4}")
VALID_IMO_RANGE = "imo BETWEEN 1000000 AND 9999999"
#: The IMO check digit in SQL: the first six digits times 7..2, summed, modulo 10.
IMO_CHECK_SQL = (
    "((imo // 1000000 % 10) * 7 + (imo // 100000 % 10) * 6 + (imo // 10000 % 10) * 5 + "
    "(imo // 1000 % 10) * 4 + (imo // 100 % 10) * 3 + (imo // 10 % 10) * 2) % 10 = imo % 10"
)


@dataclass(frozen=True)
class IdentitySettings:
    #: Two positions of one IMO number farther apart than this speed allows (knots) are two ships:
    #: the fastest merchant ships make about 25 kn, fast ferries 40.
    max_knots: float = 50.0
    #: Below this distance an implied speed says nothing (GPS noise, two antennas on one ship).
    min_distance_km: float = 10.0
    #: Names, IMOs or call signs shorter than this are placeholders ("0", "NA"), not claims.
    min_value_length: int = 3
    #: Pleasure craft and sailing yachts set up their own transponders: names typed as call signs,
    #: made-up MMSIs. Their owners' mistakes are not sanctions evidence.
    ignored_ship_types: tuple[int, ...] = PLEASURE
    #: The ships SOLAS requires to carry an IMO number (passenger ships of 100 GT and cargo ships of
    #: 300 GT up: AIS types 60-89), and ships that give no type. US tugs, towboats and fishing
    #: vessels put their US official number in the IMO field, whose "check digit" means nothing.
    imo_checked_ship_types: tuple[int, ...] = tuple(range(60, 90))


def _types(types: tuple[int, ...]) -> str:
    return ", ".join(str(t) for t in types) or "NULL"


def _considered(settings: IdentitySettings) -> str:
    """The ship stations an identity finding is looked for on."""
    return (
        f"{SHIP_STATIONS_SQL} AND mmsi NOT IN "
        f"(SELECT mmsi FROM vessels WHERE ship_type IN ({_types(settings.ignored_ship_types)}))"
    )


def detect_identity(
    db: duckdb.DuckDBPyConnection, book: VesselBook, flags: FlagTables, settings: IdentitySettings
) -> list[VesselEvent]:
    return (
        _conflicting_claims(db, book, settings)
        + _bad_check_digits(db, book, settings)
        + _shared_imo(db, book, settings)
        + _flag_mismatches(db, book, flags, settings)
    )


def _event(
    vessel_mmsi: int,
    book: VesselBook,
    start: Any,
    end: Any,
    summary: str,
    evidence: dict[str, Any],
    settings: IdentitySettings,
    points: tuple[EventPoint, ...] = (),
    other: int | None = None,
) -> VesselEvent:
    return VesselEvent(
        kind="identity",
        vessel=book[vessel_mmsi],
        other=book[other] if other is not None else None,
        start=iso(start),
        end=iso(end),
        summary=summary,
        points=points,
        evidence=evidence,
        thresholds=settings_dict(settings),
    )


def _conflicting_claims(
    db: duckdb.DuckDBPyConnection, book: VesselBook, settings: IdentitySettings
) -> list[VesselEvent]:
    rows = db.execute(
        f"""WITH claims AS (
                SELECT mmsi, ts, 'name' AS field, {NORMALISED_NAME} AS value FROM statics
                WHERE length({NORMALISED_NAME}) >= ?
                UNION ALL SELECT mmsi, ts, 'IMO number', CAST(imo AS VARCHAR) FROM statics
                WHERE {VALID_IMO_RANGE}
                UNION ALL SELECT mmsi, ts, 'call sign', upper(replace(call_sign, ' ', '')) FROM statics
                WHERE length(replace(call_sign, ' ', '')) >= ?),
            seen AS (SELECT mmsi, field, value, min(ts) AS first, max(ts) AS last, count(*) AS reports
                FROM claims WHERE {_considered(settings)} GROUP BY ALL)
        SELECT mmsi, field, list(struct_pack(value, first, last, reports) ORDER BY first),
            min(first), max(last)
        FROM seen GROUP BY mmsi, field HAVING count(*) >= 2 ORDER BY mmsi, field""",
        [settings.min_value_length, settings.min_value_length],
    ).fetchall()
    events = []
    for mmsi, field, values, first, last in rows:
        said = [
            {
                "value": v["value"],
                "first_seen": iso(v["first"]),
                "last_seen": iso(v["last"]),
                "reports": int(v["reports"]),
            }
            for v in values
        ]
        events.append(
            _event(
                int(mmsi),
                book,
                first,
                last,
                f"MMSI {mmsi} broadcast {len(said)} {field}s: " + ", ".join(v["value"] for v in said),
                {"finding": f"several {field}s", "field": field, "values": said},
                settings,
            )
        )
    return events


def _bad_check_digits(
    db: duckdb.DuckDBPyConnection, book: VesselBook, settings: IdentitySettings
) -> list[VesselEvent]:
    rows = db.execute(
        f"""SELECT mmsi, imo, min(ts), max(ts), count(*) FROM statics
            WHERE {_considered(settings)} AND {VALID_IMO_RANGE} AND NOT ({IMO_CHECK_SQL})
              AND mmsi IN (SELECT mmsi FROM vessels WHERE ship_type IS NULL
                           OR ship_type IN ({_types(settings.imo_checked_ship_types)}))
            GROUP BY mmsi, imo ORDER BY mmsi, imo"""
    ).fetchall()
    return [
        _event(
            int(mmsi),
            book,
            first,
            last,
            f"broadcasts IMO {imo}, whose check digit is wrong: not a valid IMO ship number",
            {"finding": f"invalid IMO {imo}", "imo": int(imo), "reports": int(count)},
            settings,
        )
        for mmsi, imo, first, last, count in rows
    ]


def _shared_imo(
    db: duckdb.DuckDBPyConnection, book: VesselBook, settings: IdentitySettings
) -> list[VesselEvent]:
    rows = db.execute(
        f"""WITH claims AS (SELECT DISTINCT mmsi, imo FROM statics
                WHERE {SHIP_STATIONS_SQL} AND {VALID_IMO_RANGE} AND {IMO_CHECK_SQL}),
            shared AS (SELECT imo FROM claims GROUP BY imo HAVING count(DISTINCT mmsi) >= 2),
            track AS (SELECT c.imo, p.mmsi, p.ts, p.lat, p.lon FROM positions p JOIN claims c USING (mmsi)
                WHERE c.imo IN (SELECT imo FROM shared)),
            steps AS (SELECT *, lag(mmsi) OVER w AS before_mmsi, lag(ts) OVER w AS before_ts,
                    lag(lat) OVER w AS before_lat, lag(lon) OVER w AS before_lon
                FROM track WINDOW w AS (PARTITION BY imo ORDER BY ts)),
            jumps AS (SELECT *, {distance_sql("before_lat", "before_lon", "lat", "lon")} AS km,
                    greatest(date_diff('second', before_ts, ts), 1) / 3600.0 AS hours
                FROM steps WHERE before_mmsi <> mmsi)
        SELECT imo, least(mmsi, before_mmsi) AS a, greatest(mmsi, before_mmsi) AS b, count(*),
            arg_max(before_mmsi, km / hours), arg_max(before_ts, km / hours), arg_max(before_lat, km / hours),
            arg_max(before_lon, km / hours), arg_max(mmsi, km / hours), arg_max(ts, km / hours),
            arg_max(lat, km / hours), arg_max(lon, km / hours), max(km / hours) / 1.852,
            arg_max(km, km / hours)
        FROM jumps WHERE km >= ? AND km / hours / 1.852 > ?
        GROUP BY imo, a, b ORDER BY imo, a, b""",
        [settings.min_distance_km, settings.max_knots],
    ).fetchall()
    events = []
    for imo, a, b, jumps, m1, t1, lat1, lon1, m2, t2, lat2, lon2, knots, km in rows:
        events.append(
            _event(
                int(a),
                book,
                min(t1, t2),
                max(t1, t2),
                f"IMO {imo} broadcast by MMSI {a} and MMSI {b} {km:.0f} km apart within "
                f"{abs((t2 - t1).total_seconds()) / 60:.0f} min ({knots:.0f} kn: no ship can)",
                {
                    "finding": f"IMO {imo} on two MMSIs",
                    "imo": int(imo),
                    "mmsis": [int(a), int(b)],
                    "impossible_jumps": int(jumps),
                    "distance_km": round(float(km), 1),
                    "implied_knots": round(float(knots)),
                },
                settings,
                points=(
                    EventPoint(iso(t1), float(lat1), float(lon1), f"MMSI {m1}"),
                    EventPoint(iso(t2), float(lat2), float(lon2), f"MMSI {m2}"),
                ),
                other=int(b),
            )
        )
    return events


def _flag_mismatches(
    db: duckdb.DuckDBPyConnection, book: VesselBook, flags: FlagTables, settings: IdentitySettings
) -> list[VesselEvent]:
    rows = db.execute(
        f"""SELECT mmsi, upper(replace(call_sign, ' ', '')) AS sign, min(ts), max(ts) FROM statics
            WHERE {_considered(settings)} GROUP BY ALL ORDER BY mmsi, sign NULLS FIRST"""
    ).fetchall()
    events = []
    unallocated: set[int] = set()
    for mmsi, sign, first, last in rows:
        by_mid = flags.by_mmsi(int(mmsi))
        if by_mid is None:
            if int(mmsi) not in unallocated:
                unallocated.add(int(mmsi))
                events.append(
                    _event(
                        int(mmsi),
                        book,
                        first,
                        last,
                        f"MMSI {mmsi}: MID {mid_of(int(mmsi))} is allocated to no administration (no flag)",
                        {"finding": "unallocated MID", "mid": mid_of(int(mmsi))},
                        settings,
                    )
                )
            continue
        by_sign = flags.by_call_sign(sign) if sign and CALL_SIGN.fullmatch(sign) else None
        if by_sign and by_mid.country and by_sign.country and by_sign.country != by_mid.country:
            events.append(
                _event(
                    int(mmsi),
                    book,
                    first,
                    last,
                    f"MMSI {mmsi} claims {by_mid.allocated_to} (MID {mid_of(int(mmsi))}) "
                    f"but call sign {sign} "
                    f"claims {by_sign.allocated_to}",
                    {
                        "finding": f"flag mismatch {sign}",
                        "mid": mid_of(int(mmsi)),
                        "mid_flag": by_mid.country,
                        "call_sign": sign,
                        "call_sign_flag": by_sign.country,
                    },
                    settings,
                )
            )
    return events
