"""A real `watchkeeper serve` child process on 127.0.0.1, and the keys tests call it with."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.backend import clone_store, store_at, store_env
from watchkeeper.store.service import ServiceStore

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """One `watchkeeper serve` child process; `restart()` stops it and starts it again on the same home."""

    home: Path
    env: dict[str, str] = field(default_factory=dict)
    #: Further `serve` options, e.g. ("--workers", "2").
    args: tuple[str, ...] = ()
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.home / "server.log"

    def start(self) -> None:
        self.port = free_port()
        env = {**os.environ, "WATCHKEEPER_HOME": str(self.home), **store_env(self.home), **self.env}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "watchkeeper", "serve", "--port", str(self.port), *self.args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not up in {STARTUP_SECONDS}s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # what a service manager sends
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"ApiKey {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


@dataclass(frozen=True)
class Keys:
    read: str
    admin: str


def copy_home(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    clone_store(template, target)
    return target


def make_keys(home: Path) -> Keys:
    store = ServiceStore(store_at(home))
    try:
        return Keys(read=store.create_key("read", "tests")[1], admin=store.create_key("admin", "tests")[1])
    finally:
        store.close()
