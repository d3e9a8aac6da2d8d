"""A client floods a simulated Q* UPS with instant commands through the real server:
status polls keep their pace, the queue is bounded, and a client that leaves takes its
queued commands with it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import eventually, free_port
from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.config.nutfiles import load_nut_dir
from upskit.runtime import Runtime
from upskit.sim.device import SimDevice
from upskit.sim.ports import build_device, register

FLOOD = 500
#: Seconds the UPS stays silent after a command it does not answer (the reply timeout).
SILENCE = 0.3
#: What the beeper.toggle command looks like on the wire.
BEEPER = b"Q\r"


class SilentCommands(SimDevice):
    """A Megatec UPS as a serial line shows it: commands get no reply at all."""

    def respond(self, command: bytes) -> tuple[bytes | None, float]:
        reply, delay = super().respond(command)
        return (None if reply == b"" else reply), delay


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[int, SilentCommands]]:
    key = f"flood-{id(tmp_path)}"
    base = build_device("megatec", {})
    sim = SilentCommands("megatec", base.physics, {})
    register(key, sim)
    port = free_port()
    (tmp_path / "ups.conf").write_text(
        f"[ups]\n  driver = nutdrv_qx\n  port = sim://megatec?id={key}&silence={SILENCE}\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text("[admin]\n  password = pw\n  instcmds = ALL\n")
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        yield port, sim
    finally:
        await runtime.stop()


async def _status(client: AsyncClient) -> str:
    try:
        return await client.get_var("ups", "ups.status")
    except NutError as err:
        return f"ERR {err.code}"


async def test_a_command_flood_neither_hides_a_power_failure_nor_outlives_its_client(
        served: tuple[int, SilentCommands]) -> None:
    port, sim = served
    async with AsyncClient("127.0.0.1", port, timeout=5) as watcher:
        await eventually(lambda: _is(watcher, "OL"), 20, "the UPS on line")

        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"USERNAME admin\nPASSWORD pw\nSET TRACKING ON\n"
                     + b"INSTCMD ups beeper.toggle\n" * FLOOD)
        await writer.drain()
        replies = [(await reader.readline()).decode().strip() for _ in range(3 + FLOOD)]
        tracked = [r.split()[2] for r in replies[3:] if r.startswith("OK TRACKING ")]
        assert len(tracked) == FLOOD
        await eventually(lambda: _has_started(sim, 2), 10, "the first commands on the wire")

        # commands beyond the bound were refused at once, not queued behind the others
        writer.write(b"".join(f"GET TRACKING {tid}\n".encode() for tid in tracked))
        states = [(await reader.readline()).decode().strip() for _ in tracked]
        assert states.count("ERR FAILED") >= FLOOD - 20, states[:30]

        sim.mains(False)
        lost = time.monotonic()
        seen: list[str] = []

        async def on_battery() -> bool:
            seen.append(await _status(watcher))
            return seen[-1].startswith("OB")

        await eventually(on_battery, 10, "OB while the flood is queued")
        assert time.monotonic() - lost < 8
        assert not any(s.startswith("ERR") for s in seen), seen

        # the flooding client leaves: its queued commands never reach the UPS
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(0.2)
        sent = sim.received.count(BEEPER)
        await asyncio.sleep(SILENCE * 6)
        assert sim.received.count(BEEPER) <= sent + 1  # the one on the wire completes
        assert sent < 20
        assert (await _status(watcher)).startswith("OB")


async def _is(client: AsyncClient, status: str) -> bool:
    return await _status(client) == status


async def _has_started(sim: SimDevice, count: int) -> bool:
    return sim.received.count(BEEPER) >= count


async def test_commands_beyond_the_queue_bound_are_refused_at_once(
        served: tuple[int, SilentCommands]) -> None:
    port, sim = served
    clients = 24
    async with AsyncClient("127.0.0.1", port, timeout=5) as watcher:
        await eventually(lambda: _is(watcher, "OL"), 20, "the UPS on line")
    streams = [await asyncio.open_connection("127.0.0.1", port) for _ in range(clients)]
    try:
        for _, writer in streams:
            writer.write(b"USERNAME admin\nPASSWORD pw\nINSTCMD ups beeper.toggle\n")

        async def answer(reader: asyncio.StreamReader) -> tuple[str, int]:
            for _ in range(2):
                assert (await reader.readline()).strip() == b"OK"
            reply = (await reader.readline()).decode().strip()
            return reply, sim.received.count(BEEPER)

        results = await asyncio.wait_for(
            asyncio.gather(*(answer(reader) for reader, _ in streams)), 60)
    finally:
        for _, writer in streams:
            writer.close()
    refused = [sent for reply, sent in results if reply == "ERR INSTCMD-FAILED"]
    # one command on the wire and 16 waiting; the rest hear ERR before the queue moves
    assert len(refused) >= clients - 17, results
    assert max(refused) <= 2, results
    assert [reply for reply, _ in results].count("OK") >= 16
