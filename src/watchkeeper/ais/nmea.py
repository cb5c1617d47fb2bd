"""Raw NMEA 0183 AIS logs (`!AIVDM`/`!AIVDO`) read line by line, decoded with pyais.

Receivers write the same sentences in several wrappers, all read here:
- an NMEA 4.0 tag block before the sentence, `\\s:station,c:1635731889*6A\\!AIVDM,…`, whose `c:`
  field is the receiver's UNIX time (seconds, or milliseconds on some receivers);
- receiver metadata after the checksum, `!AIVDM,…*30,d-109,S2105,…,1325394060,1325394001`, whose
  last field is the UNIX time the line was logged;
- bare sentences with no time at all, which can be dated only by the caller (`undated_at`).

Messages longer than one sentence arrive as fragments sharing a sequence id and channel; a
fragment whose siblings never arrive (or arrive out of order) is counted as unmatched, never
guessed at. The checksum is checked here, before pyais sees the payload, so a corrupted sentence
is counted under its own reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce
from typing import Any

from pyais import decode
from pyais.exceptions import AISBaseException

from watchkeeper.ais.records import (
    BAD_CHECKSUM,
    BAD_MMSI,
    NO_COG,
    NO_HEADING,
    NO_POSITION,
    NO_SOG,
    UNDATED,
    UNDECODABLE,
    UNMATCHED_FRAGMENT,
    LoadReport,
    position_problem,
    ship_station,
    speed_problem,
    valid_mmsi,
)

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})
#: UNIX times before 2000 or after 2100 in a log are not times (a counter, a receiver id).
EARLIEST, LATEST = 946_684_800, 4_102_444_800
_SENTENCE = re.compile(r"!(AI|BS|AB|SA)VD[MO],")
_TIMESTAMP_FIELD = re.compile(r"\d{10}(\.\d+)?|\d{13}")

Position = tuple[int, datetime, float, float, float | None, float | None, int | None, int | None]
Static = tuple[int, datetime, str | None, int | None, str | None, int | None, str | None]


@dataclass(frozen=True)
class Sentence:
    text: str  # from `!` to the checksum's last digit
    count: int
    index: int
    sequence: str
    channel: str
    at: datetime | None


def checksum_ok(sentence: str) -> bool:
    """The two hex digits after `*` are the XOR of every character between `!` and `*`."""
    body, star, digits = sentence[1:].partition("*")
    if not star or len(digits) < 2:
        return False
    try:
        return reduce(lambda acc, ch: acc ^ ord(ch), body, 0) == int(digits[:2], 16)
    except ValueError:
        return False


def _unix(value: str) -> datetime | None:
    number = float(value)
    if number > LATEST * 10:  # milliseconds
        number /= 1000
    if not EARLIEST <= number <= LATEST:
        return None
    return datetime.fromtimestamp(int(number), UTC).replace(tzinfo=None)


def _tag_block_time(block: str) -> datetime | None:
    for part in block.partition("*")[0].split(","):
        key, _, value = part.partition(":")
        if key == "c" and _TIMESTAMP_FIELD.fullmatch(value):
            return _unix(value)
    return None


def _trailing_time(trailer: str) -> datetime | None:
    fields = [f for f in trailer.split(",") if f]
    if fields and _TIMESTAMP_FIELD.fullmatch(fields[-1]):
        return _unix(fields[-1])
    return None


def parse_line(line: str) -> Sentence | str | None:
    """One log line as a checked sentence, the reason it is not one, or None for a line that holds
    no AIS sentence at all (a blank line, another talker's sentence)."""
    found = _SENTENCE.search(line)
    if found is None:
        return None
    start = found.start()
    at = _tag_block_time(line[1:start]) if line.startswith("\\") else None
    star = line.find("*", start)
    sentence = line[start : star + 3] if star >= 0 else line[start:].strip()
    if not checksum_ok(sentence):
        return BAD_CHECKSUM
    if at is None:
        at = _trailing_time(line[star + 3 :].strip().lstrip(","))
    fields = sentence.split(",")
    if len(fields) < 7 or not fields[1].isdigit() or not fields[2].isdigit():
        return UNDECODABLE
    return Sentence(sentence, int(fields[1]), int(fields[2]), fields[3], fields[4], at)


def assemble(lines: Iterable[str], report: LoadReport) -> Iterator[tuple[list[Sentence], datetime | None]]:
    """Whole messages (their sentences, and the time of the first that carries one) from a log's lines.

    A tag block's group (`g:2-2-3454`) often carries no time of its own: the first fragment's is
    the message's."""
    pending: dict[tuple[str, str, int], list[Sentence]] = {}
    for line in lines:
        report.lines += 1
        parsed = parse_line(line)
        if parsed is None:
            continue
        if isinstance(parsed, str):
            report.reject(parsed, f"line {report.lines}")
            continue
        if parsed.count == 1:
            yield [parsed], parsed.at
            continue
        key = (parsed.sequence, parsed.channel, parsed.count)
        parts = pending.pop(key, [])
        if parsed.index == 1:
            if parts:
                report.rejected[UNMATCHED_FRAGMENT] += len(parts)
            parts = [parsed]
        elif parts and parts[-1].index == parsed.index - 1:
            parts.append(parsed)
        else:
            report.reject(UNMATCHED_FRAGMENT, f"line {report.lines}", len(parts) + 1)
            continue
        if len(parts) == parsed.count:
            yield parts, next((p.at for p in parts if p.at is not None), None)
        else:
            pending[key] = parts
    report.rejected[UNMATCHED_FRAGMENT] += sum(len(p) for p in pending.values())
    if not report.rejected[UNMATCHED_FRAGMENT]:
        del report.rejected[UNMATCHED_FRAGMENT]


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.replace("@", " ").strip()
    return text or None


def _number(value: Any, missing: float) -> float | None:
    return None if value is None or float(value) == missing else float(value)


def read_nmea(
    lines: Iterable[str], report: LoadReport, undated_at: datetime | None = None
) -> Iterator[Position | Static]:
    """Positions and statics of ship stations, each checked; every message not kept is counted."""
    for parts, at in assemble(lines, report):
        try:
            fields = decode(*(p.text for p in parts)).asdict()
        except (AISBaseException, ValueError, IndexError):
            report.rejected[UNDECODABLE] += 1
            continue
        report.messages += 1
        kind, mmsi = int(fields["msg_type"]), int(fields.get("mmsi") or 0)  # type: ignore[arg-type]
        if kind not in POSITION_TYPES | STATIC_TYPES:
            report.other += 1
            continue
        if not valid_mmsi(mmsi):
            report.rejected[BAD_MMSI] += 1
            continue
        if not ship_station(mmsi):
            report.other += 1
            continue
        when = at or undated_at
        if when is None:
            report.rejected[UNDATED] += 1
            continue
        if kind in STATIC_TYPES:
            yield _static(mmsi, when, kind, fields)
        if kind in POSITION_TYPES:
            lat, lon = _number(fields.get("lat"), 1e9), _number(fields.get("lon"), 1e9)
            sog = _number(fields.get("speed"), NO_SOG)
            problem = position_problem(lat, lon) or speed_problem(sog)
            if problem or lat is None or lon is None:
                report.rejected[problem or NO_POSITION] += 1
                continue
            heading = fields.get("heading")
            status = fields.get("status")
            yield (
                mmsi,
                when,
                lat,
                lon,
                sog,
                _number(fields.get("course"), NO_COG),
                None if heading is None or int(heading) == NO_HEADING else int(heading),
                None if status is None else int(status),
            )


def _static(mmsi: int, when: datetime, kind: int, fields: dict[str, Any]) -> Static:
    imo = fields.get("imo") if kind == 5 else None
    ship_type = fields.get("ship_type")
    return (
        mmsi,
        when,
        _text(fields.get("shipname")),
        int(imo) if imo else None,
        _text(fields.get("callsign")),
        int(ship_type) if ship_type else None,
        _text(fields.get("destination")) if kind == 5 else None,
    )
