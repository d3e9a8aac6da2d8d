"""A real mosquitto on a loopback port for the MQTT tests, and a recording subscriber."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)
needs_mosquitto = pytest.mark.skipif(MOSQUITTO is None, reason="mosquitto is not installed")


class Broker:
    """mosquitto with a generated configuration; :meth:`restart` keeps its port."""

    def __init__(self, root: Path, *, tls: tuple[Path, Path] | None = None) -> None:
        self.root = root
        self.port = free_port()
        self.tls = tls
        self.proc: subprocess.Popen[bytes] | None = None
        self.conf = root / "mosquitto.conf"
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true",
                 "persistence false", f"log_dest file {root / 'mosquitto.log'}",
                 "log_type all"]
        if os.geteuid() == 0:  # as root it would switch to "mosquitto", who cannot read here
            lines.append("user root")
        if tls is not None:
            lines += [f"certfile {tls[0]}", f"keyfile {tls[1]}"]
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self) -> None:
        assert MOSQUITTO is not None
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.log()}")
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start listening")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        path = self.root / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Recorder:
    """Subscribes to some topics and keeps every message (and the last per topic)."""

    def __init__(self, port: int, topics: list[str], **client: Any) -> None:
        self.port = port
        self.topics = topics
        self.client_args = client
        self.messages: list[tuple[str, str, bool]] = []
        self.last: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self.client: Any = None

    async def __aenter__(self) -> Recorder:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._ready.wait(), 15)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task

    async def _run(self) -> None:
        import aiomqtt

        async with aiomqtt.Client("127.0.0.1", self.port, **self.client_args) as client:
            self.client = client
            for topic in self.topics:
                await client.subscribe(topic, qos=1)
            self._ready.set()
            async for message in client.messages:
                payload = message.payload
                text = payload.decode() if isinstance(payload, bytes | bytearray) \
                    else str(payload or "")
                self.messages.append((str(message.topic), text, bool(message.retain)))
                self.last[str(message.topic)] = text

    async def publish(self, topic: str, payload: str, **kw: Any) -> None:
        await self.client.publish(topic, payload, qos=1, **kw)

    def json(self, topic: str) -> Any:
        return json.loads(self.last[topic])

    def on(self, topic: str) -> list[Any]:
        """Every JSON payload received on ``topic``."""
        return [json.loads(p) for t, p, _r in self.messages if t == topic and p]


@contextlib.asynccontextmanager
async def recording(port: int, topics: list[str], **client: Any) -> AsyncIterator[Recorder]:
    async with Recorder(port, topics, **client) as recorder:
        yield recorder
