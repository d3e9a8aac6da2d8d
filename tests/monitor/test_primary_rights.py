"""A monitor whose user may log in but lacks "upsmon primary" is told so, not shown
what looks like a wrong password."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.support import live_device
from upskit.config.settings import Listen, MonitorSettings, UpsdSettings, UserSettings
from upskit.model import DeviceRegistry
from upskit.monitor.sources import NetworkSource
from upskit.server.server import NutServer


async def test_primary_refused_names_the_missing_right(caplog: pytest.LogCaptureFixture) -> None:
    registry = DeviceRegistry()
    registry.add(live_device("ups"))
    server = NutServer(registry, UpsdSettings(listen=[Listen("127.0.0.1", 0)]),
                       {"watcher": UserSettings("watcher", "pw", upsmon="secondary")})
    await server.start()
    try:
        port = server.ports[0][1]
        mon = MonitorSettings("ups", "127.0.0.1", port, username="watcher", password="pw",
                              role="primary")
        source = NetworkSource(mon, timeout=3)
        with caplog.at_level(logging.ERROR):
            reading = await asyncio.wait_for(source.poll(), 10)
        await source.close()
    finally:
        await server.stop()
    assert reading.tokens == ("OL",)  # still watched, as a reader
    message = caplog.text
    assert "ups@127.0.0.1" in message and "watcher" in message
    assert 'upsmon primary' in message and "upsd.users" in message
