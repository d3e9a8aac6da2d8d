"""The serial transport on real ptys, and QxDriver detection over a 2400-baud line."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.drivers.qx.util import running
from tests.support import eventually
from upskit.sim.device import SimDevice
from upskit.sim.pty import PtyServer
from upskit.transport import PortBusy, PortGone, PortSilent, open_transport


async def test_exchange_flush_and_silence(pty_sim: PtyServer) -> None:
    transport = open_transport(pty_sim.path, {})
    async with transport:
        reply = await transport.exchange(b"Q1\r")
        assert reply.startswith(b"(") and reply.endswith(b"\r") and len(reply) == 47
        os.write(pty_sim.master, b"stale bytes\r")  # left-over junk is flushed first
        await asyncio.sleep(0.05)
        assert (await transport.exchange(b"F\r")).startswith(b"#")
        pty_sim.device.fault("silence")
        started = time.monotonic()
        with pytest.raises(PortSilent):
            await transport.exchange(b"Q1\r", timeout=0.2)
        assert time.monotonic() - started < 0.5
        pty_sim.device.fault(None)
        assert await transport.exchange(b"XYZ\r", timeout=0.2) == b"XYZ\r"  # echoed


async def test_exclusive_open_gives_port_busy(pty_sim: PtyServer) -> None:
    first = open_transport(pty_sim.path, {"cablepower": "both"})
    await first.open()
    try:
        second = open_transport(pty_sim.path, {})
        with pytest.raises(PortBusy):
            await second.open()
    finally:
        await first.close()


async def test_vanished_port_gives_port_gone() -> None:
    with pytest.raises(PortGone):
        await open_transport("/dev/upskit-no-such-tty", {}).open()
    server = PtyServer(SimDevice("megatec"), baud=None).start()
    transport = open_transport(server.path, {})
    await transport.open()
    server.stop()  # closes master and slave: the line is gone
    with pytest.raises((PortGone, PortSilent)):
        for _ in range(3):
            await transport.exchange(b"Q1\r", timeout=0.2)
    await transport.close()


@pytest.mark.parametrize("protocol", ["megatec", "q1", "zinto", "mustek"])
async def test_detection_over_2400_baud_pty_is_fast(protocol: str) -> None:
    server = PtyServer(SimDevice(protocol), baud=2400).start()
    try:
        started = time.monotonic()
        async with running(server.path) as drv:
            elapsed = time.monotonic() - started
            assert drv.dialect is not None and drv.dialect.name == protocol
            assert elapsed < 5.0, elapsed
            # a status change reaches the model quickly at 2400 baud
            server.device.mains(False)
            t0 = time.monotonic()
            await eventually(lambda: drv.device.get("ups.status") == "OB")
            assert time.monotonic() - t0 < 1.0
    finally:
        server.stop()
