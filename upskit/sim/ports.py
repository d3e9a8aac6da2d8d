"""``sim://<dialect>[?options]`` ports: simulated devices inside this process.

Query options: ``id`` (registry key; defaults to the URL itself), ``mode=table``
(serve NUT's canned table), ``mains=off``, ``load=<percent>``, ``charge=<0..1>``,
``speed=<factor>``, ``fault=<mode>``, ``delay=<seconds>`` (for ``fault=slow``).
Every port with the same key reaches the same :class:`SimDevice`, so a test can
pull the mains with ``sim_device("ups1").mains(False)``.

Silence costs at most ``silence`` seconds (default 0.05) instead of the full reply
timeout, to keep tests fast; ``silence=real`` waits the whole timeout.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from upskit.config.values import parse_bool
from upskit.sim.device import SimDevice
from upskit.sim.physics import UpsPhysics
from upskit.transport.base import PortGone, PortSilent, Transport

_DEVICES: dict[str, SimDevice] = {}
_LOCK = threading.Lock()


def parse_sim_url(url: str) -> tuple[str, dict[str, str]]:
    """``sim://megatec?mains=off`` -> (``"megatec"``, ``{"mains": "off"}``)."""
    parts = urlsplit(url)
    name = (parts.netloc + parts.path).strip("/")
    return name, dict(parse_qsl(parts.query))


def sim_device(key: str) -> SimDevice:
    """The simulated device registered under ``key`` (its ``id`` or its URL)."""
    with _LOCK:
        return _DEVICES[key]


def register(key: str, device: SimDevice) -> None:
    """Make ``device`` reachable as ``sim_device(key)`` (used by other simulated wires)."""
    with _LOCK:
        _DEVICES[key] = device


def forget(key: str | None = None) -> None:
    """Drop one registered device (or all of them)."""
    with _LOCK:
        if key is None:
            _DEVICES.clear()
        else:
            _DEVICES.pop(key, None)


def build_device(dialect: str, query: Mapping[str, str]) -> SimDevice:
    """A new device for ``dialect`` set up from URL-style options."""
    physics = UpsPhysics(speed=option_number(query, "speed", 1.0, positive=True))
    if parse_bool(query.get("mains", "on")) is False:
        physics.mains = False
    if "load" in query:
        physics.load = option_number(query, "load", 0.0)
    if "charge" in query:
        physics.charge = option_number(query, "charge", 1.0)
    device = SimDevice(dialect, physics, query)
    if query.get("fault"):
        delay = option_number(query, "delay", 0.0) if "delay" in query else None
        device.faults.set(query["fault"], delay=delay)
    return device


def option_number(query: Mapping[str, str], key: str, default: float, *,
                  positive: bool = False, scheme: str = "sim://") -> float:
    """URL option ``key`` as a finite number >= 0 (> 0 when ``positive``), else ``default``.

    A bad value is a :class:`ValueError` naming the option (``scheme`` starts the message).
    """
    text = query.get(key)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f'{scheme} option {key} needs a number, got "{text}"') from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f'{scheme} option {key} is out of range: "{text}"')
    return value


def get_or_create(url: str) -> SimDevice:
    """The device a ``sim://`` URL names, created on first use."""
    dialect, query = parse_sim_url(url)
    key = query.get("id", url)
    with _LOCK:
        device = _DEVICES.get(key)
        if device is None:
            device = build_device(dialect, query)
            _DEVICES[key] = device
        return device


class SimTransport(Transport):
    """A transport whose far end is a :class:`SimDevice` in this process."""

    def __init__(self, url: str, device: SimDevice, silence: float | None = 0.05) -> None:
        super().__init__(url)
        self.device = device
        self.silence = silence
        self._open = False
        self.unplugged = False

    @property
    def is_open(self) -> bool:
        return self._open

    async def open(self) -> None:
        if self.unplugged:
            raise PortGone(f"{self.url}: device unplugged")
        self._open = True

    async def close(self) -> None:
        self._open = False

    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        if not self._open or self.unplugged:
            raise PortGone(f"{self.url}: port not open")
        limit = self.timeout if timeout is None else timeout
        reply, delay = self.device.respond(command)
        wait_silent = limit if self.silence is None else min(limit, self.silence)
        if delay >= limit:
            await asyncio.sleep(wait_silent)
            raise PortSilent(f"{self.url}: reply too slow")
        if delay:
            await asyncio.sleep(delay)
        if reply is None:
            await asyncio.sleep(wait_silent)
            raise PortSilent(f"{self.url}: no reply to {command!r}")
        return reply


def make_transport(url: str, options: Mapping[str, Any]) -> Transport:
    """Port factory for ``sim://<dialect>`` URLs (``sim://usb/...``: :mod:`upskit.sim.urls`)."""
    _dialect, query = parse_sim_url(url)
    silence = query.get("silence", "0.05")
    return SimTransport(url, get_or_create(url),
                        None if silence == "real" else float(silence))
