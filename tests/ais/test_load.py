"""AIS files of the three layouts loaded into the day-partitioned store, counts checked independently.

Each expected count is made here without Watchkeeper's code (Python's csv module, pyais's own file
reader), from the rules the store documents: a ship's MMSI is 201000000–775999999, latitude and
longitude in range and not "not available" (91/181), speed at most 102.2 knots or 102.3 ("not
available").
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import datetime
from pathlib import Path

import pytest
from pyais.stream import FileReaderStream

from tests.support import shared
from watchkeeper.ais import records
from watchkeeper.ais.nmea import checksum_ok, parse_line
from watchkeeper.ais.store import AisStore
from watchkeeper.errors import AisFileError

POSITION_TYPES = {1, 2, 3, 18, 19, 27}


def _ship(mmsi: str) -> bool:
    return mmsi.isdigit() and 201_000_000 <= int(mmsi) <= 775_999_999


def _position_ok(lat: str, lon: str, sog: str) -> bool:
    try:
        y, x = float(lat), float(lon)
    except ValueError:
        return False
    if y == 91 or x == 181 or not (-90 <= y <= 90 and -180 <= x <= 180):
        return False
    speed = float(sog) if sog not in ("", "None") else None
    return speed is None or speed <= 102.2 or speed == 102.3


def _rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    "name",
    ["marinecadastre_AIS_2022-01-03_first99999.csv.gz", "aisdb_marinecadastre_2023-01-11_1000rows.csv"],
)
def test_marinecadastre_positions_are_the_checked_rows(tmp_path: Path, name: str) -> None:
    rows = _rows(shared(f"ais/{name}"))
    kept = [r for r in rows if _ship(r["MMSI"]) and _position_ok(r["LAT"], r["LON"], r["SOG"])]
    store = AisStore(tmp_path / "ais")
    report = store.load(shared(f"ais/{name}"))
    assert report.layout == "marinecadastre"
    assert report.messages == len(rows)
    assert report.positions == len(kept)
    assert report.vessels == len({r["MMSI"] for r in kept})
    assert report.messages == report.positions + report.other + sum(report.rejected.values())
    db = store.connect()
    assert db.execute("SELECT count(*) FROM positions").fetchone() == (len(kept),)
    # Every vessel that said its name is known by it.
    named = {int(r["MMSI"]) for r in kept if r["VesselName"].strip()}
    assert db.execute("SELECT count(DISTINCT mmsi) FROM statics WHERE name IS NOT NULL").fetchone() == (
        len(named),
    )


def test_the_99999_row_extract_keeps_eagle_with_its_imo_and_call_sign(tmp_path: Path) -> None:
    store = AisStore(tmp_path / "ais")
    store.load(shared("ais/marinecadastre_AIS_2022-01-03_first99999.csv.gz"))
    db = store.connect()
    found = db.execute(
        "SELECT name, imo, call_sign, ship_type FROM statics WHERE mmsi = 367379190"
    ).fetchall()
    assert ("EAGLE", 8207721, "WTD4583", 31) in found
    first = db.execute(
        "SELECT ts, lat, lon, sog, heading FROM positions WHERE mmsi = 367379190 ORDER BY ts LIMIT 1"
    ).fetchone()
    assert first == (datetime(2022, 1, 3), 30.3706, -88.56408, 0.0, None)  # heading 511: not available


def test_spire_rows_are_positions_and_statics_by_message_type(tmp_path: Path) -> None:
    rows = _rows(shared("ais/aisdb_spire_format_2021-07-01.csv.gz"))
    kept = [
        r
        for r in rows
        if int(r["Message_ID"]) in POSITION_TYPES
        and _ship(r["MMSI"])
        and _position_ok(r["Latitude"], r["Longitude"], r["SOG"])
    ]
    report = AisStore(tmp_path / "ais").load(shared("ais/aisdb_spire_format_2021-07-01.csv.gz"))
    assert (report.layout, report.messages, report.positions) == ("spire", len(rows), len(kept))
    assert report.first == "2021-07-01 00:00:41"
    assert report.last == "2021-07-01 23:59:36"
    named = {r["MMSI"] for r in rows if _ship(r["MMSI"]) and r["Vessel_Name"] not in ("", "None")}
    assert report.statics >= len(named) > 0


def _pyais_count(path: Path) -> tuple[int, int]:
    """Messages pyais decodes, and the positions of ship stations with a usable place and speed."""
    decoded = positions = 0
    with FileReaderStream(str(path)) as stream:
        for message in stream:
            try:
                fields = message.decode().asdict()
            except Exception:
                continue
            decoded += 1
            if fields["msg_type"] in POSITION_TYPES and _ship(str(fields["mmsi"])):
                positions += _position_ok(
                    str(fields["lat"]), str(fields["lon"]), str(fields.get("speed") or "")
                )
    return decoded, positions


@pytest.mark.parametrize("name", ["aisdb_nmea_tagblock_2021-11-01.nm4", "aisdb_nmea_2012-01-01.nmea"])
def test_nmea_logs_with_tag_blocks_or_receiver_metadata(tmp_path: Path, name: str) -> None:
    decoded, positions = _pyais_count(shared(f"ais/{name}"))
    report = AisStore(tmp_path / "ais").load(shared(f"ais/{name}"))
    assert (report.layout, report.messages, report.positions) == ("nmea", decoded, positions)
    assert records.UNDATED not in report.rejected, "every sentence of these logs carries its time"


def test_the_tag_block_log_is_dated_by_its_c_field_and_keeps_multi_sentence_statics(tmp_path: Path) -> None:
    store = AisStore(tmp_path / "ais")
    report = store.load(shared("ais/aisdb_nmea_tagblock_2021-11-01.nm4"))
    assert (report.first, report.last) == ("2021-11-01 01:58:07", "2021-11-01 01:59:06")  # SOURCES.md
    db = store.connect()
    voyage = db.execute("SELECT count(*) FROM statics WHERE destination IS NOT NULL").fetchone()
    assert voyage is not None
    assert voyage[0] > 0, "type 5 messages (two sentences each) give names and destinations"


def test_an_undated_log_is_counted_not_kept_unless_the_caller_dates_it(tmp_path: Path) -> None:
    path = shared("ais/pyais_nmea_data_sample.txt")
    decoded, positions = _pyais_count(path)
    report = AisStore(tmp_path / "a").load(path)
    assert report.messages == decoded
    assert (report.positions, report.statics) == (0, 0)
    assert report.rejected[records.UNDATED] > 0
    dated = AisStore(tmp_path / "b").load(path, undated_at=datetime(2021, 1, 2))
    assert dated.positions == positions
    assert dated.days == ["2021-01-02"]


def test_the_same_file_is_not_loaded_twice(tmp_path: Path) -> None:
    store = AisStore(tmp_path / "ais")
    first = store.load(shared("ais/aisdb_marinecadastre_2023-01-11_1000rows.csv"))
    again = store.load(shared("ais/aisdb_marinecadastre_2023-01-11_1000rows.csv"))
    assert again.already_loaded
    assert not first.already_loaded
    assert store.connect().execute("SELECT count(*) FROM positions").fetchone() == (first.positions,)


def test_bad_rows_and_sentences_are_counted_and_the_rest_kept(tmp_path: Path) -> None:
    lines = shared("ais/aisdb_marinecadastre_2023-01-11_1000rows.csv").read_text().splitlines()
    broken = [
        *lines[:10],
        "366999999,not a time,30.0,-88.0,0.0,0.0,511,X,,,,,,,,,A",
        "366999998,2023-01-11T00:00:00,95.0,-88.0,0.0,0.0,511,X,,,,,,,,,A",
        "366999997,2023-01-11T00:00:00,30.0,-88.0,140.0,0.0,511,X,,,,,,,,,A",
        "366999996,2023-01-11T00:00:00,30.0",
        *lines[10:20],
    ]
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(broken) + "\n")
    report = AisStore(tmp_path / "ais").load(path)
    assert report.rejected == {
        records.BAD_ROW: 2,
        records.IMPOSSIBLE_POSITION: 1,
        records.IMPOSSIBLE_SPEED: 1,
    }
    assert report.positions + report.other == 19

    sentences = shared("ais/aisdb_nmea_2012-01-01.nmea").read_text().splitlines()
    corrupted = sentences[1].replace("15N1u<PP", "15N1u<PQ")  # payload changed, checksum not
    log = tmp_path / "corrupt.nmea"
    log.write_text("\n".join([sentences[0], corrupted, *sentences[2:]]) + "\n")
    nmea = AisStore(tmp_path / "ais2").load(log)
    assert nmea.rejected[records.BAD_CHECKSUM] == 1


def _store_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != ".lock")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"name,date\nKim,2020-01-01\n", "is not a layout Watchkeeper reads"),
    ],
)
def test_files_that_are_not_ais_are_refused_and_nothing_changes(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    store = AisStore(tmp_path / "ais")
    store.load(shared("ais/aisdb_marinecadastre_2023-01-11_1000rows.csv"))
    before = _store_files(tmp_path / "ais")
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(AisFileError, match=problem):
        store.load(path)
    assert _store_files(tmp_path / "ais") == before


def test_a_truncated_gzip_is_refused_whole(tmp_path: Path) -> None:
    whole = shared("ais/marinecadastre_AIS_2022-01-03_first99999.csv.gz").read_bytes()
    path = tmp_path / "truncated.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    store = AisStore(tmp_path / "ais")
    with pytest.raises(AisFileError, match=r"truncated\.csv\.gz"):
        store.load(path)
    assert store.loads() == []
    assert store.connect().execute("SELECT count(*) FROM positions").fetchone() == (0,)
    nmea = tmp_path / "truncated.nm4.gz"
    text = shared("ais/aisdb_nmea_tagblock_2021-11-01.nm4").read_bytes()
    nmea.write_bytes(gzip.compress(text)[:-200])
    with pytest.raises(AisFileError, match="nothing from it was kept"):
        store.load(nmea)
    assert store.loads() == []


def test_files_of_a_load_that_died_before_the_manifest_are_invisible_and_cleaned(tmp_path: Path) -> None:
    store = AisStore(tmp_path / "ais")
    store.load(shared("ais/aisdb_marinecadastre_2023-01-11_1000rows.csv"))
    (part,) = (tmp_path / "ais" / "positions").glob("day=*/*.parquet")
    orphan = part.with_name("20990101T000000-dead00_0.parquet")
    orphan.write_bytes(part.read_bytes())
    assert store.connect().execute("SELECT count(*) FROM positions").fetchone() == (998,)
    store.load(shared("ais/aisdb_nmea_2012-01-01.nmea"))
    assert not orphan.exists()


@pytest.mark.parametrize(
    ("imo", "valid"),
    [(8207721, True), (9383663, True), (9383664, False), (1234567, True), (123456, False)],
)
def test_imo_check_digit(imo: int, valid: bool) -> None:
    assert records.imo_check_digit_ok(imo) is valid


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "\\s:42809,c:1635731889,t:1635731965*6A\\!AIVDM,1,1,,,403t>B1vFhQr5`NonbBw?>G00<0n,0*7B",
            datetime(2021, 11, 1, 1, 58, 9),
        ),
        (
            "!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.4837741,"
            "r003669946,1325394060,1325394001",
            datetime(2012, 1, 1, 5, 0, 1),
        ),
        ("!AIVDM,1,1,,A,33P;Tw0tjBQO22:E7dm66DrB20UP,0*2E", None),
        ("!AIVDM,1,1,,A,33P;Tw0tjBQO22:E7dm66DrB20UP,0*2F", records.BAD_CHECKSUM),
        ("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", "not AIS"),
    ],
)
def test_parse_line_finds_the_sentence_its_time_and_checks_its_checksum(line: str, expected: object) -> None:
    parsed = parse_line(line)
    if expected == "not AIS":
        assert parsed is None
    elif isinstance(expected, str):
        assert parsed == expected
    else:
        assert parsed is not None
        assert not isinstance(parsed, str)
        assert parsed.at == expected
        assert checksum_ok(parsed.text)


def test_reports_read_back_from_the_manifest(tmp_path: Path) -> None:
    store = AisStore(tmp_path / "ais")
    report = store.load(shared("ais/aisdb_spire_format_2021-07-01.csv.gz"))
    (entry,) = store.loads()
    assert entry["sha256"] == report.sha256
    assert entry["positions"] == report.positions
    assert io.StringIO(str(entry)).read()  # the manifest entry is plain JSON data
