"""Load test of the HTTP API on loopback: `/match` at rising request rates.

    .venv/bin/python bench/api_load.py [--seconds 10] [--rates 50,100,200,300] [--workers 1,2]

Starts `watchkeeper serve` on 127.0.0.1 over a store of the bundled lists,
then sends one yente-style `/match` request per customer of the bundled
sample file, open loop at each fixed rate (requests leave on schedule whether
or not earlier ones came back, so a slow server cannot slow the clock down and
hide its own queueing). Each step sends a fixed number of requests and stops
by itself at a time limit. Latency is measured from the scheduled send time.

The load generator is a minimal HTTP/1.1 client on asyncio streams (keep-alive
connections, requests encoded once): httpx's async client spent ~2 ms of CPU per
request and saturated its own core near 250 req/s while the server sat idle, so
it measured itself. Client and server CPU per request are reported per step,
to show which side runs out. A warm-up of 200 unmeasured requests comes first. Baselines in the same
run: `/healthz` at the same rates (the cost of HTTP and the framework alone)
and the same queries screened in process (the cost of matching alone).
Target (issue #5): p99 ≤ 25 ms at 200 req/s on 2 cores.

The whole run is repeated for each `--workers` count (`serve --workers N`, default 1 and 2).
The load generator shares the machine's 2 cores with the server: with 2 workers the server
can use both only while the generator idles, so the server CPU per request column says
whether a worker count is limited by the server or by the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from watchkeeper.jobs import load_bundled
from watchkeeper.match.config import DEFAULT_THRESHOLD
from watchkeeper.screen.example import example_queries, screen_example
from watchkeeper.screen.loader import screener_from_store
from watchkeeper.store import SqliteStore
from watchkeeper.store.service import ServiceStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CUSTOMERS = DATA / "samples" / "customers.csv"
SCHEMA = {"person": "Person", "organization": "Organization", "vessel": "Vessel"}
TARGET_RATE = 200
TARGET_P99_MS = 25.0


@dataclass
class Step:
    workers: int
    endpoint: str
    rate: int
    sent: int
    ok: int
    failed: Counter[str]
    wall: float
    latencies: list[float]
    client_cpu: float = 0.0  # seconds of CPU the load generator spent on the step
    server_cpu: float = 0.0  # and the server

    @property
    def achieved(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def examples() -> list[dict[str, Any]]:
    bodies = []
    with CUSTOMERS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            props: dict[str, list[str]] = {"name": [row["name"]]} if row["name"] else {}
            if row["identifier"]:
                props["imoNumber" if row["type"] == "vessel" else "idNumber"] = [row["identifier"]]
            if row["dob"]:
                props["birthDate"] = [row["dob"]]
            if row["country"]:
                props["country"] = [row["country"]]
            schema = SCHEMA.get(row["type"], "LegalEntity")
            bodies.append({"queries": {row["id"]: {"schema": schema, "properties": props}}})
    return bodies


def prepare_home(home: Path) -> str:
    store = SqliteStore(home / "watchkeeper.sqlite")
    try:
        load_bundled(store, DATA)
        screener_from_store(store, cache=home / "index")  # built once, loaded by the server
    finally:
        store.close()
    keys = ServiceStore(home / "watchkeeper.sqlite")
    try:
        return keys.create_key("read", "load bench")[1]
    finally:
        keys.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WATCHKEEPER_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not become ready in 120 s")


class Connections:
    """Keep-alive HTTP/1.1 connections to one server: a request takes an idle one or opens one."""

    def __init__(self, host: str, port: int, limit: int = 256) -> None:
        self.host, self.port = host, port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(limit)

    async def request(self, raw: bytes) -> int:
        """Send one encoded request; the response's status once its whole body is read."""
        async with self._slots:
            reused = bool(self._idle)
            reader, writer = self._idle.pop() if reused else await self._open()
            try:
                first = await self._send(reader, writer, raw)
                if not first and reused:
                    # The server closed this idle connection (keep-alive timeout) before the
                    # request reached it: as any HTTP client does, send it again on a new one.
                    writer.close()
                    reader, writer = await self._open()
                    first = await self._send(reader, writer, raw)
                if not first:
                    raise ConnectionResetError("the server closed the connection without answering")
                status = int(first.split()[1])
                length, close = 0, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "connection" and value.strip().lower() == "close":
                        close = True
                await reader.readexactly(length)
            except BaseException:
                writer.close()
                raise
            if close:
                writer.close()
            else:
                self._idle.append((reader, writer))
            return status

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)

    @staticmethod
    async def _send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> bytes:
        """Write the request; the status line, or b"" when the connection was already closed."""
        try:
            writer.write(raw)
            await writer.drain()
        except ConnectionError:
            return b""
        return await reader.readline()

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()


def encode(method: str, path: str, token: str, body: dict[str, Any] | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ApiKey {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds of the server process and of its worker processes (`serve --workers N`)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        total += sum(server_cpu_seconds(int(child)) for child in children)
    return total


async def run_step(
    port: int, endpoint: str, rate: int, seconds: float, bodies: list[dict[str, Any]], token: str
) -> Step:
    count = int(rate * seconds)
    limit = seconds + 10.0  # the step stops by itself even if the server stalls
    latencies: list[float] = []
    failed: Counter[str] = Counter()
    ok = 0
    if endpoint == "/healthz":
        requests = [encode("GET", "/healthz", token)]
    else:
        requests = [encode("POST", "/match/default", token, body) for body in bodies]
    connections = Connections("127.0.0.1", port)
    start = time.perf_counter()

    async def one(index: int) -> None:
        nonlocal ok
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            status = await connections.request(requests[index % len(requests)])
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            failed[type(exc).__name__] += 1
            return
        if status == 200:
            ok += 1
            latencies.append(time.perf_counter() - scheduled)
        else:
            failed[f"HTTP {status}"] += 1

    tasks = [asyncio.create_task(one(i)) for i in range(count)]
    _, pending = await asyncio.wait(tasks, timeout=limit)
    for task in pending:
        task.cancel()
    if pending:
        failed["unfinished at the time limit"] += len(pending)
    wall = time.perf_counter() - start
    connections.close()
    return Step(0, endpoint, rate, count, ok, failed, wall, latencies)


def measured_step(
    server: subprocess.Popen[bytes],
    workers: int,
    port: int,
    endpoint: str,
    rate: int,
    seconds: float,
    bodies: list[dict[str, Any]],
    token: str,
) -> Step:
    """One step, with the CPU time the load generator and the server spent on it."""
    client_before, server_before = os.times(), server_cpu_seconds(server.pid)
    step = asyncio.run(run_step(port, endpoint, rate, seconds, bodies, token))
    step.workers = workers
    client_after = os.times()
    step.client_cpu = client_after.user + client_after.system - client_before.user - client_before.system
    step.server_cpu = server_cpu_seconds(server.pid) - server_before
    return step


def in_process(home: Path, bodies: list[dict[str, Any]]) -> tuple[float, float]:
    store = SqliteStore(home / "watchkeeper.sqlite")
    try:
        screener, _ = screener_from_store(store, cache=home / "index")
    finally:
        store.close()
    times = []
    for body in bodies:
        ((_, example),) = body["queries"].items()
        began = time.perf_counter()
        queries = example_queries(example["schema"], example["properties"])
        screen_example(screener, queries, cutoff=0.5, limit=5)
        times.append(time.perf_counter() - began)
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(0.99 * len(ordered))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="Length of each step (default 10).")
    parser.add_argument(
        "--rates", default="50,100,200,300,400,500,600", help="Request rates to step through."
    )
    parser.add_argument("--workers", default="1,2", help="`serve --workers` counts to run (default 1,2).")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    worker_counts = [int(w) for w in args.workers.split(",")]
    console = Console(width=150)
    bodies = examples()
    with tempfile.TemporaryDirectory(prefix="wk-load-") as folder:
        home = Path(folder)
        console.print("preparing a store of the bundled lists …")
        token = prepare_home(home)
        base_p50, base_p99 = in_process(home, bodies)
        steps: list[Step] = []
        for workers in worker_counts:
            port = free_port()
            server = start_server(home, port, workers)
            url = f"http://127.0.0.1:{port}"
            # The load generator must not pause itself: a collection over the caches the in-process
            # baseline left behind would delay every scheduled request and be counted as server latency.
            gc.collect()
            gc.freeze()
            gc.disable()
            try:
                # Warm-up, not measured: first requests fill each worker's caches and thread pool.
                with httpx.Client(base_url=url, headers={"Authorization": f"ApiKey {token}"}) as client:
                    for body in bodies[: 200 * workers]:
                        client.post("/match/default", json=body, headers={"Connection": "close"})
                for rate in rates:
                    for endpoint in ("/healthz", "/match"):
                        console.print(
                            f"{workers} worker(s): {endpoint} at {rate} req/s for {args.seconds:g} s …"
                        )
                        steps.append(
                            measured_step(server, workers, port, endpoint, rate, args.seconds, bodies, token)
                        )
            finally:
                gc.enable()
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)

    table = Table(
        title=f"HTTP API on loopback, one query per request, 2 cores (threshold {DEFAULT_THRESHOLD})"
    )
    for column in (
        "workers",
        "endpoint",
        "rate",
        "sent",
        "ok",
        "failed",
        "achieved req/s",
        "p50 ms",
        "p99 ms",
        "p99 / in-process",
        "CPU ms/req client",
        "server",
    ):
        table.add_column(column, justify="right" if column not in {"endpoint", "failed"} else "left")
    for step in steps:
        p99 = step.percentile(0.99)
        table.add_row(
            str(step.workers),
            step.endpoint if step.endpoint == "/healthz" else "/match/default",
            str(step.rate),
            str(step.sent),
            str(step.ok),
            ", ".join(f"{k}: {v}" for k, v in step.failed.items()) or "0",
            f"{step.achieved:,.0f}",
            f"{step.percentile(0.5):.1f}",
            f"{p99:.1f}",
            f"{p99 / base_p99:.1f}×" if step.endpoint == "/match" else "",
            f"{step.client_cpu / step.sent * 1000:.2f}",
            f"{step.server_cpu / step.sent * 1000:.2f}",
        )
    table.add_row(
        "", "in process", "", str(len(bodies)), "", "", "", f"{base_p50:.2f}", f"{base_p99:.2f}", "1.0×"
    )
    console.print(table)
    for workers in worker_counts:
        mine = [s for s in steps if s.workers == workers]
        within = [
            s.rate
            for s in mine
            if s.endpoint == "/match" and not s.failed and s.percentile(0.99) <= TARGET_P99_MS
        ]
        console.print(
            f"{workers} worker(s): /match capacity "
            f"(highest rate with p99 ≤ {TARGET_P99_MS:g} ms, none failed): "
            + (f"{max(within)} req/s" if within else "below the lowest rate tried")
        )
        at_target = next((s for s in mine if s.endpoint == "/match" and s.rate == TARGET_RATE), None)
        if at_target is not None:
            p99 = at_target.percentile(0.99)
            verdict = "met" if p99 <= TARGET_P99_MS and not at_target.failed else "NOT met"
            console.print(
                f"{workers} worker(s): target p99 ≤ {TARGET_P99_MS:g} ms at {TARGET_RATE} req/s: "
                f"p99 {p99:.1f} ms, "
                f"{sum(at_target.failed.values())} failed — {verdict}"
            )


if __name__ == "__main__":
    main()
