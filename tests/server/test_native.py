"""The native fast path: shared replies answered off the event loop, and never stale."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.server.conftest import NATIVE_BUILT, USERS, LineClient, Served, make_device, start_server
from tests.support import eventually
from upskit.config.settings import UpsdSettings
from upskit.model import DeviceRegistry

pytestmark = pytest.mark.skipif(not NATIVE_BUILT, reason="the native fast path is not built")


def stats(served: Served) -> dict[str, int]:
    front = served.server._front
    assert front is not None
    return front.native.stats


@pytest.fixture(autouse=True)
def serving(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("UPSKIT_FASTPATH", "1")
    return "native"


async def test_a_shared_reply_is_answered_natively_until_its_ups_changes(
        served: Served, client: LineClient) -> None:
    line = "GET VAR ups1 battery.charge"
    assert await client.ask(line) == 'VAR ups1 battery.charge "100"'
    hits = stats(served)["hits"]
    for _ in range(5):
        assert await client.ask(line) == 'VAR ups1 battery.charge "100"'
    assert stats(served)["hits"] == hits + 5
    front = served.server._front
    assert front is not None and front.watched(served.device)
    served.device.set("input.voltage", "231.0")  # any change of the UPS forgets its replies
    assert not front.watched(served.device)
    assert stats(served)["shared"] == 0
    served.device.set("battery.charge", "42")
    assert await client.ask(line) == 'VAR ups1 battery.charge "42"'
    assert await client.ask(line) == 'VAR ups1 battery.charge "42"'
    assert stats(served)["hits"] == hits + 6


async def test_lists_are_shared_and_follow_changes(served: Served, client: LineClient) -> None:
    first = await client.ask("LIST VAR ups1")
    assert 'VAR ups1 battery.charge "100"' in first
    assert await client.ask("LIST VAR ups1") == first
    assert stats(served)["shared"] >= 1
    served.device.set("battery.charge", "7")
    second = await client.ask("LIST VAR ups1")
    assert 'VAR ups1 battery.charge "7"' in second
    assert await client.ask("LIST ENUM ups1 ups.beeper.status") == (
        "BEGIN LIST ENUM ups1 ups.beeper.status\n"
        'ENUM ups1 ups.beeper.status "enabled"\n'
        'ENUM ups1 ups.beeper.status "disabled"\n'
        "END LIST ENUM ups1 ups.beeper.status")


async def test_a_shared_reply_expires_when_the_data_would_turn_stale() -> None:
    """No event says that data aged past MAXAGE: the reply carries its own deadline."""
    registry = DeviceRegistry()
    device = make_device()
    registry.add(device)
    server = await start_server(registry, maxage=0.4)
    assert server.native
    client = await LineClient.connect(server.ports[0][1])
    try:
        line = "GET VAR ups1 ups.status"
        assert await client.ask(line) == 'VAR ups1 ups.status "OL CHRG"'
        assert await client.ask(line) == 'VAR ups1 ups.status "OL CHRG"'
        await asyncio.sleep(0.6)
        assert await client.ask(line) == "ERR DATA-STALE"
        device.data_ok()
        assert await client.ask(line) == 'VAR ups1 ups.status "OL CHRG"'
    finally:
        await client.close()
        await server.stop()


async def test_aliases_and_reload_forget_shared_replies(served: Served,
                                                       client: LineClient) -> None:
    assert await client.ask("GET VAR ups battery.charge") == 'VAR ups battery.charge "100"'
    assert stats(served)["shared"] == 1
    served.registry.set_aliases("ups1", [])
    assert stats(served)["shared"] == 0
    assert await client.ask("GET VAR ups battery.charge") == "ERR UNKNOWN-UPS"
    assert await client.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
    served.server.reload(UpsdSettings(listen=served.server.settings.listen, maxage=30), USERS)
    assert stats(served)["shared"] == 0


async def test_order_is_kept_across_shared_and_python_answers(served: Served,
                                                             client: LineClient) -> None:
    await client.ask("GET VAR ups1 battery.charge")  # now shared
    lines = []
    for i in range(300):
        lines.append(["GET VAR ups1 battery.charge", "NETVER", "GET NUMLOGINS ups1",
                      "LIST VAR ups1"][i % 4])
    client.writer.write(("\n".join(lines) + "\n").encode())
    await client.writer.drain()
    for i in range(300):
        kind = i % 4
        if kind == 3:
            reply = await client.line()
            assert reply == "BEGIN LIST VAR ups1"
            while reply != "END LIST VAR ups1":
                reply = await client.line()
            continue
        expected = ['VAR ups1 battery.charge "100"', "1.3", "NUMLOGINS ups1 0"][kind]
        assert await client.line() == expected


async def test_login_state_lives_across_shared_answers(served: Served) -> None:
    a = await LineClient.connect(served.port)
    b = await LineClient.connect(served.port)
    try:
        await a.login("monsec", "pw")
        assert await a.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
        assert await a.ask("LOGIN ups1") == "OK"
        assert await b.ask("GET NUMLOGINS ups1") == "NUMLOGINS ups1 1"
        assert await a.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
        assert await a.ask("LOGIN ups1") == "ERR ALREADY-LOGGED-IN"
        await a.close()
        await eventually(lambda: served.server.state.logins.count("ups1") == 0, 5)
        assert await b.ask("GET NUMLOGINS ups1") == "NUMLOGINS ups1 0"
    finally:
        await b.close()


async def test_logout_closes_after_the_reply(client: LineClient) -> None:
    assert await client.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
    client.writer.write(b"LOGOUT\nGET VAR ups1 battery.charge\n")
    await client.writer.drain()
    assert await client.line() == "OK Goodbye"
    assert await client.closed()


async def test_maxconn_counts_native_connections() -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    server = await start_server(registry, maxconn=3)
    port = server.ports[0][1]
    clients = [await LineClient.connect(port) for _ in range(3)]
    try:
        for c in clients:
            assert await c.ask("NETVER") == "1.3"
        extra = await LineClient.connect(port)
        assert await extra.closed()
        await extra.close()
        await clients[0].close()
        await eventually(lambda: server.connection_count == 2, 5)
        again = await LineClient.connect(port)
        assert await again.ask("NETVER") == "1.3"
        await again.close()
    finally:
        for c in clients[1:]:
            await c.close()
        await server.stop()


async def test_a_client_that_stops_reading_is_dropped() -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    server = await start_server(registry)
    server.write_stall_timeout = 0.3
    port = server.ports[0][1]
    hog = socket.create_connection(("127.0.0.1", port))
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    hog.setblocking(False)
    try:
        request = b"LIST VAR ups1\n" * 4000
        sent = 0
        for _ in range(100):
            try:
                sent += hog.send(request[sent:])
            except BlockingIOError:
                await asyncio.sleep(0.01)
            if sent >= len(request):
                break
        await eventually(lambda: server.connection_count == 0, 10)
    finally:
        hog.close()
        await server.stop()


async def test_stop_closes_native_connections(served: Served, client: LineClient) -> None:
    assert await client.ask("NETVER") == "1.3"
    await served.server.stop()
    assert await client.closed()


async def test_the_shared_table_stays_bounded_whatever_the_lines(served: Served,
                                                                 client: LineClient) -> None:
    """Names match without regard to case, so a client can make endless distinct lines."""
    letters = "batterycharge"
    batch = []
    for i in range(6000):  # distinct: more than the table holds
        variant = "".join(c.upper() if (i >> k) & 1 else c for k, c in enumerate(letters))
        batch.append(f"GET VAR ups1 {variant[:7]}.{variant[7:]}")
    client.writer.write(("\n".join(batch) + "\n").encode())
    await client.writer.drain()
    for line in batch:
        assert await client.line() == f'VAR ups1 {line.split()[3]} "100"'
    assert 0 < stats(served)["shared"] <= 4096
    assert stats(served)["shared_bytes"] <= 4 * 1024 * 1024


async def test_the_native_thread_takes_no_signal(served: Served) -> None:
    """SIGTERM and SIGHUP must reach Python's thread, which runs the handlers."""
    import os
    from pathlib import Path

    masks = {}
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        fields = dict(line.split(":\t", 1) for line in
                      (task / "status").read_text().splitlines() if ":\t" in line)
        masks[task.name] = int(fields["SigBlk"], 16)
    blocked = [tid for tid, mask in masks.items() if mask & (1 << 14)]  # SIGTERM is 15
    assert blocked, "no thread blocks SIGTERM: the native thread would take it"
    assert str(os.getpid()) not in blocked
