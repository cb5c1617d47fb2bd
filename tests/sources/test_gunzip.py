"""Gzip list files: every member read, truncation refused, expansion bounded (decompression bombs)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.support import shared
from watchkeeper.errors import ListFormatError
from watchkeeper.sources.base import ExpandsTooFar, check_expansion, gunzip, read_bytes

SDN = "ofac/sdn-history/sdn-2021-08-18.csv.gz"


def test_a_real_list_file_and_a_two_member_file_read_whole() -> None:
    packed = shared(SDN).read_bytes()
    assert gunzip(packed) == gzip.decompress(packed)
    two = gzip.compress(b"first part\n") + gzip.compress(b"second part\n")
    assert gunzip(two) == b"first part\nsecond part\n"


def test_a_file_is_measured_in_chunks_across_members(tmp_path: Path) -> None:
    body = shared(SDN).read_bytes()
    path = tmp_path / "two.csv.gz"
    path.write_bytes(body + b"\x00" * 10 + body)  # two members, NUL padding between them
    size = 2 * len(gzip.decompress(body))
    check_expansion(path, size)
    with pytest.raises(ExpandsTooFar):
        check_expansion(path, size - 1)
    path.write_bytes(body[: len(body) // 2])
    with pytest.raises(EOFError):
        check_expansion(path, size)


def test_a_truncated_stream_is_an_error() -> None:
    packed = shared(SDN).read_bytes()
    with pytest.raises(EOFError):
        gunzip(packed[: len(packed) // 2])


def test_expansion_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    with pytest.raises(ExpandsTooFar, match="decompression bomb"):
        gunzip(bomb, limit=1_000_000)
    path = tmp_path / "sdn.csv.gz"
    path.write_bytes(bomb)
    with pytest.raises(ExpandsTooFar):
        check_expansion(path, 1_000_000)
    check_expansion(path, 30_000_000)  # within a higher limit
    with pytest.raises(ListFormatError, match="decompression bomb"):
        read_bytes(path, limit=1_000_000)
