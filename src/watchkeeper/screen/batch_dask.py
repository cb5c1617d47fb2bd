"""Batch chunks screened on a Dask cluster: `batch --dask local` or `--dask tcp://host:8786`.

The reading process splits the input into chunks (the partitions) and submits them; results
come back in input order and are written exactly as the local batch writes them, so the
output is the same file byte for byte, and its progress file lets an interrupted run resume
from its finished partitions.

The screening index is built once, by the submitting process, and written to one file beside
the output; each worker process loads it on its first partition and keeps it (never rebuilt or
re-sent per partition). On a real cluster that file must be on storage every worker reads
(the output's folder on a shared volume). A partition whose worker dies is run again on
another (Dask reschedules lost tasks), and one that fails is retried `RETRIES` times; the
output is written from results in order, so a re-run adds no duplicate and leaves no gap.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from watchkeeper.errors import WatchkeeperError
from watchkeeper.match.merged import MergedScreening, PartyScreening
from watchkeeper.match.screener import Screener
from watchkeeper.screen.batch_chunk import ChunkResult, in_input_order, screen_chunk
from watchkeeper.screen.batch_input import Record

#: Times a failing partition is run again before the batch stops (its progress kept).
RETRIES = 2
#: Worker processes of `--dask local`, one thread each (the matcher is CPU-bound Python).
LOCAL_WORKERS = 2
CONNECT_SECONDS = 10

_loaded: dict[str, PartyScreening] = {}
_loading = threading.Lock()


class ClusterUnreachable(WatchkeeperError):
    """No Dask scheduler answers at the address given, or the local cluster cannot start."""


def _screener_in(path: str, digest: str) -> PartyScreening:
    """The index file's screener, loaded once per worker process (the newest one kept)."""
    key = f"{path}#{digest}"
    with _loading:
        found = _loaded.get(key)
        if found is None:
            with open(path, "rb") as handle:
                found = pickle.load(handle)
            if not isinstance(found, Screener | MergedScreening):
                raise TypeError(f"{path}: not a screening index")
            _loaded.clear()
            _loaded[key] = found
        return found


def screen_partition(index: str, digest: str, chunk: list[Record]) -> ChunkResult:
    """Run on a worker: one partition screened with the batch's index."""
    return screen_chunk(_screener_in(index, digest), chunk)


class DaskScreening:
    """A Dask client (and, for "local", its cluster) for one batch; a context manager."""

    def __init__(self, address: str, screener: PartyScreening, index_file: Path) -> None:
        self.address = address
        self.screener = screener
        self.index_file = index_file
        self.digest = ""
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskScreening:
        data = pickle.dumps(self.screener, protocol=pickle.HIGHEST_PROTOCOL)
        self.digest = hashlib.sha256(data).hexdigest()[:16]
        partial = self.index_file.with_name(self.index_file.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, self.index_file)
        try:
            self._connect()
        except BaseException:
            self.index_file.unlink(missing_ok=True)
            raise
        return self

    def _connect(self) -> None:
        from distributed import Client, LocalCluster  # noqa: PLC0415 - only --dask loads Dask

        if self.address == "local":
            try:
                self._cluster = LocalCluster(
                    n_workers=LOCAL_WORKERS,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                )
            except (OSError, RuntimeError) as exc:
                raise ClusterUnreachable(f"the local Dask cluster did not start: {exc}") from exc
            self._client = Client(self._cluster)
            return
        if not self.address.startswith(("tcp://", "tls://", "ws://", "wss://")):
            raise ClusterUnreachable(
                f"--dask {self.address!r}: give `local` or a scheduler address such as tcp://host:8786"
            )
        try:
            self._client = Client(self.address, timeout=f"{CONNECT_SECONDS}s")
        except (OSError, TimeoutError) as exc:
            raise ClusterUnreachable(
                f"{self.address}: no Dask scheduler answers ({exc}); is it running and reachable?"
            ) from exc

    @property
    def workers(self) -> int:
        return max(len(self._client.scheduler_info().get("workers", {})), 1)

    def ordered_results(self, chunks: Iterator[list[Record]]) -> Iterator[ChunkResult]:
        """Each chunk's result in input order, with two partitions per worker in flight (the input
        is never read far ahead of the cluster)."""
        index = str(self.index_file)

        def submit(chunk: list[Record]) -> Any:
            return self._client.submit(
                screen_partition, index, self.digest, chunk, pure=False, retries=RETRIES
            )

        def collect(future: Any) -> ChunkResult:
            result: ChunkResult = future.result()
            future.release()  # the cluster keeps no finished partition's result
            return result

        return in_input_order(chunks, submit, collect, in_flight=2 * self.workers + 1)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with contextlib.suppress(Exception):
            if self._client is not None:
                self._client.close()
        with contextlib.suppress(Exception):
            if self._cluster is not None:
                self._cluster.close()
        self.index_file.unlink(missing_ok=True)
