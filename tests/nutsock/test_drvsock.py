"""upskit's driver socket (what NUT's upsd reads) and upskit's link to a driver socket
(what upskit reads from NUT's drivers), against each other and against hostile peers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from upskit.drivers.nutsock.link import DriverLink, LinkLost
from upskit.model import CmdResult, Device, VarFlag
from upskit.server.drvsock import DriverSocketServer

LOG = logging.LoggerAdapter(logging.getLogger("test"), {})


def source_device() -> Device:
    dev = Device("src")
    dev.set("ups.status", "OL")
    dev.set("ups.id", 'A "quoted" id')
    dev.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    dev.set_aux("ups.id", 16)
    dev.set("input.transfer.low", "100")
    dev.set_flags("input.transfer.low", VarFlag.RW)
    dev.add_enum("input.transfer.low", "100")
    dev.add_enum("input.transfer.low", "110")
    dev.set("ups.delay.shutdown", "20")
    dev.set_flags("ups.delay.shutdown", VarFlag.RW | VarFlag.NUMBER)
    dev.add_range("ups.delay.shutdown", 0, 600)
    dev.add_command("load.off")
    dev.set_connected(True)
    dev.data_ok()
    seen: list[tuple[str, str | None]] = []

    async def instcmd(name: str, param: str | None) -> CmdResult:
        seen.append((name, param))
        return CmdResult.HANDLED if name == "load.off" else CmdResult.INVALID

    async def setvar(name: str, value: str) -> CmdResult:
        dev.set(name, value)
        return CmdResult.HANDLED

    dev.bind(instcmd, setvar)
    dev.seen = seen  # type: ignore[attr-defined]
    return dev


def same_state(a: Device, b: Device) -> bool:
    sa, sb = a.snapshot(), b.snapshot()
    return (sa.variables, sa.commands, sa.stale) == (sb.variables, sb.commands, sb.stale)


async def until(cond: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def served(tmp_path: Path, device: Device, **kw: int) -> AsyncIterator[DriverSocketServer]:
    server = DriverSocketServer(device, str(tmp_path / "drv-src"), **kw)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@contextlib.asynccontextmanager
async def linked(path: str, device: Device,
                 ping: float = 5.0) -> AsyncIterator[tuple[DriverLink, asyncio.Task[None]]]:
    link = DriverLink(path, device, LOG, ping_interval=ping, command_timeout=5.0)
    task = asyncio.create_task(link.run())
    try:
        await asyncio.wait_for(link.dumped.wait(), 10)
        yield link, task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, LinkLost, OSError):
            await task


async def test_a_device_served_and_mirrored_is_the_same_device(tmp_path: Path) -> None:
    src, copy = source_device(), Device("src")
    async with served(tmp_path, src) as server, linked(server.path, copy) as (link, _):
        assert same_state(src, copy)
        # every kind of change follows
        src.set("ups.status", "OB LB")
        src.delete("ups.id")
        src.add_enum("input.transfer.low", "120")
        src.clear_enums("input.transfer.low")
        src.add_enum("input.transfer.low", "110")
        src.clear_ranges("ups.delay.shutdown")
        src.add_range("ups.delay.shutdown", 10, 20)
        src.set_aux("input.transfer.low", 4)
        src.set_flags("input.transfer.low", VarFlag.RW | VarFlag.STRING)
        src.add_command("load.on")
        src.delete_command("load.off")
        src.data_stale()
        await until(lambda: same_state(src, copy))
        src.data_ok()
        await until(lambda: not copy.stale)
        # commands and sets go back with their TRACKING results
        src.add_command("load.off")
        await until(lambda: copy.has_command("load.off"))
        assert await link.command("INSTCMD", "load.off", "10") is CmdResult.HANDLED
        assert src.seen == [("load.off", "10")]  # type: ignore[attr-defined]
        assert await link.command("INSTCMD", "nope") is CmdResult.UNKNOWN
        assert await link.command("SET", "ups.delay.shutdown", "a b") is CmdResult.HANDLED
        await until(lambda: copy.get("ups.delay.shutdown") == "a b")


async def test_ping_getpid_nobroadcast_logout(tmp_path: Path) -> None:
    src = source_device()
    async with served(tmp_path, src) as server:
        reader, writer = await asyncio.open_unix_connection(server.path)
        writer.write(b"NOBROADCAST\nPING\nGETPID\n")
        assert await reader.readline() == b"PONG\n"
        assert await reader.readline() == f"PID {os.getpid()}\n".encode()
        src.set("ups.status", "OB")
        writer.write(b"INSTCMD load.off TRACKING t-1\nINSTCMD x TRACKING t-2\nSET v\n")
        replies = {await reader.readline(), await reader.readline()}
        assert replies == {b"TRACKING t-1 0\n", b"TRACKING t-2 1\n"}  # no SETINFO: muted
        writer.write(b"BROADCAST\n")
        await asyncio.sleep(0.05)
        src.set("ups.status", "OL")
        assert await reader.readline() == b'SETINFO ups.status "OL"\n'
        writer.write(b"LOGOUT\n")
        assert await asyncio.wait_for(reader.read(), 5) == b""
        await until(lambda: not server.clients)


async def test_hostile_peers_never_stop_the_server(tmp_path: Path) -> None:
    src = source_device()
    async with served(tmp_path, src, max_pending=64 * 1024) as server:
        # garbage and a 1 MB line: ignored, the connection still answers
        reader, writer = await asyncio.open_unix_connection(server.path)
        writer.write(b"\x00\xff garbage \"\n" + b"A" * 1_000_000 + b"\nNOBROADCAST\nPING\n")
        assert await asyncio.wait_for(reader.readline(), 10) == b"PONG\n"
        # a peer that never reads is dropped once its backlog passes the bound
        _sleeper_r, sleeper_w = await asyncio.open_unix_connection(server.path, limit=1024)
        sleeper_w.transport.pause_reading()  # type: ignore[attr-defined]
        await until(lambda: len(server.clients) == 2)
        for i in range(20000):
            src.set("ups.load", str(i))
            if len(server.clients) < 2:
                break
        await until(lambda: len(server.clients) == 1)
        # the well-behaved peer goes on
        writer.write(b"PING\n")
        assert await asyncio.wait_for(reader.readline(), 10) == b"PONG\n"
        writer.close()
        sleeper_w.close()


async def test_a_lost_peer_ends_the_link_at_once_and_never_spins(tmp_path: Path) -> None:
    src, copy = source_device(), Device("src")
    async with served(tmp_path, src) as server, \
            linked(server.path, copy, ping=0.2) as (_link, task):
        before = time.process_time()
        await server.close()
        with pytest.raises(LinkLost):
            await asyncio.wait_for(task, 5)
        assert time.process_time() - before < 0.5


async def test_a_silent_driver_counts_as_gone(tmp_path: Path) -> None:
    path = str(tmp_path / "silent")
    accepted: list[asyncio.StreamWriter] = []

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # reads nothing, answers nothing

    server = await asyncio.start_unix_server(mute, path=path)
    try:
        link = DriverLink(path, Device("x"), LOG, ping_interval=0.1)
        with pytest.raises(LinkLost, match="no answer"):
            await asyncio.wait_for(link.run(), 5)
        assert await link.command("INSTCMD", "load.off") is CmdResult.FAILED
    finally:
        server.close()
        for writer in accepted:
            writer.close()


async def test_a_quiet_driver_that_answers_pings_stays_fresh(tmp_path: Path) -> None:
    """NUT's drivers send DATAOK only when the data comes back; upsd counts any line
    (a PONG too) as fresh data, so MAXAGE never marks a quiet, healthy driver stale."""
    src, copy = source_device(), Device("src")
    async with served(tmp_path, src) as server, linked(server.path, copy, ping=0.1):
        await asyncio.sleep(0.6)
        assert not copy.is_stale(maxage=0.4)
        src.data_stale()
        await until(lambda: copy.stale)
        await asyncio.sleep(0.3)
        assert copy.stale  # PONGs never undo the driver's DATASTALE


async def test_a_hostile_driver_never_disturbs_the_mirror(tmp_path: Path) -> None:
    """Garbage, a 1 MB line and unknown words from a driver are skipped; a driver that
    stops reading ends the link (bounded), and the command fails instead of hanging."""
    path = str(tmp_path / "hostile")
    writers: list[asyncio.StreamWriter] = []

    async def hostile(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readline()  # DUMPALL, then never reads again
        writer.write(b"\x00\xff\xfe garbage\nSETINFO\nBOGUS a b c\n" + b"S" * 1_000_000
                     + b'\nSETINFO ups.status "OL"\nADDCMD load.off\nDATAOK\nDUMPDONE\n')
        await writer.drain()
        await asyncio.sleep(60)

    server = await asyncio.start_unix_server(hostile, path=path)
    try:
        device = Device("x")
        link = DriverLink(path, device, LOG, ping_interval=30, write_timeout=0.5)
        task = asyncio.create_task(link.run())
        await asyncio.wait_for(link.dumped.wait(), 10)
        assert dict(device.snapshot()) == {"ups.status": "OL"} and not device.stale
        assert link.mirror.bad_lines == 3
        result = await link.command("SET", "ups.id", "x" * 4_000_000)
        assert result is CmdResult.FAILED
        with pytest.raises(LinkLost, match="does not read"):
            await asyncio.wait_for(task, 10)
    finally:
        server.close()
        for writer in writers:
            writer.transport.abort()
