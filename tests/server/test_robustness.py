"""Hostile and unusual clients: garbage, huge lines, odd bytes, crowds, idlers, slow readers."""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import socket

import pytest

from tests.support import rss_kb
from upskit.config.settings import Listen, UpsdSettings
from upskit.model import DeviceRegistry
from upskit.server import NutServer
from upskit.server.commands import VERSION_LINE

from .conftest import USERS, LineClient, Served, make_device, start_server

VER = VERSION_LINE.strip()


async def test_garbage_keeps_the_connection_and_state(client: LineClient, served: Served) -> None:
    await client.login("monpri", "pw")
    assert await client.ask("LOGIN ups1") == "OK"
    for junk in [b"\x00\x01\x02", b'"""', b"\\", b"GET VAR \"", b"#", b"\t\t",
                 b"LIST VAR ups1 \xff\xfe", b"GET VAR \xc3\xa9 x", b"A" * 3000]:
        reply = await client.ask(junk)
        assert reply.startswith("ERR ") or reply.startswith("BEGIN"), junk
    assert await client.ask("VER") == VER
    assert await client.ask("GET NUMLOGINS ups1") == "NUMLOGINS ups1 1"
    assert await client.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'


async def test_non_utf8_bytes_in_names(client: LineClient) -> None:
    assert await client.ask(b"GET VAR ups1 \xff\xfe") == "ERR VAR-NOT-SUPPORTED"
    # as upsd, only printable ASCII is kept in request words
    assert await client.ask(b"GET DESC ups1 caf\xe9") == 'DESC ups1 caf "Description unavailable"'
    assert await client.ask(b"USERNAME \xff") == "OK"
    assert await client.ask(b"PASSWORD \xfe") == "OK"
    assert await client.ask("FSD ups1") == "ERR ACCESS-DENIED"


async def test_one_megabyte_line_is_refused_without_buffering(client: LineClient, served: Served) -> None:
    chunk = b"X" * 65536
    for _ in range(16):
        client.writer.write(chunk)
    client.writer.write(b"\nVER\n")
    await client.writer.drain()
    assert await client.line() == "ERR INVALID-ARGUMENT"
    assert await client.line() == VER
    if served.server.native:
        assert _native_stats(served)["largest"] <= 2 * served.server.max_line
    sessions = list(served.server._sessions)
    assert all(len(s._buffer) <= served.server.max_line for s in sessions)


async def test_long_line_split_over_many_packets(client: LineClient) -> None:
    for _ in range(40):
        client.writer.write(b"GET VAR ups1 " + b"y" * 200)
        await client.writer.drain()
    client.writer.write(b"\nGET VAR ups1 battery.charge\n")
    await client.writer.drain()
    assert await client.line() == "ERR INVALID-ARGUMENT"
    assert await client.line() == 'VAR ups1 battery.charge "100"'


async def test_pipelined_requests_come_back_in_order(client: LineClient) -> None:
    requests = []
    for i in range(200):
        requests.append("GET VAR ups1 battery.charge" if i % 2 else "NETVER")
    client.writer.write(("\n".join(requests) + "\n").encode())
    await client.writer.drain()
    for i in range(200):
        expected = 'VAR ups1 battery.charge "100"' if i % 2 else "1.3"
        assert await client.line() == expected


async def test_crlf_line_endings(client: LineClient) -> None:
    client.writer.write(b"NETVER\r\nGET VAR ups1 battery.charge\r\n")
    await client.writer.drain()
    assert await client.line() == "1.3"
    assert await client.line() == 'VAR ups1 battery.charge "100"'


async def test_a_client_that_never_reads_does_not_block_others(served: Served) -> None:
    hog = socket.create_connection(("127.0.0.1", served.port))
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    hog.setblocking(False)
    request = b"LIST VAR ups1\n" * 2000
    sent = 0
    try:
        for _ in range(200):
            try:
                sent += hog.send(request[sent:])
            except BlockingIOError:
                break
            if sent >= len(request):
                break
        other = await LineClient.connect(served.port)
        try:
            assert await other.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
        finally:
            await other.close()
        if served.server.native:
            # a read's worth of input held, replies up to the high-water mark plus a batch
            assert _native_stats(served)["largest"] <= 128 * 1024
            return
        session = next(s for s in served.server._sessions if s.conn.port == hog.getsockname()[1])
        assert len(session._lines) <= 64 + 1 and len(session._buffer) <= served.server.max_line
        assert session.transport is not None
        assert session.transport.get_write_buffer_size() < 1024 * 1024
    finally:
        hog.close()


async def test_idle_clients_do_not_block_and_are_closed_after_idle_timeout() -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    server = await start_server(registry, idle_timeout=0.3)
    port = server.ports[0][1]
    try:
        silent = await LineClient.connect(port)
        half = await LineClient.connect(port)
        half.writer.write(b"GET VAR ups1 batt")  # never finished
        await half.writer.drain()
        active = await LineClient.connect(port)
        assert await active.ask("NETVER") == "1.3"
        assert await silent.closed(timeout=5)
        assert await half.closed(timeout=5)
        await silent.close()
        await half.close()
        await active.close()
    finally:
        await server.stop()


async def test_thousand_simultaneous_connections(served: Served) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2200 and (hard == resource.RLIM_INFINITY or hard >= 2200):
        resource.setrlimit(resource.RLIMIT_NOFILE, (2200, hard))
        soft = 2200
    if soft < 2200:
        pytest.skip(f"needs 2200 file descriptors, have {soft}")
    clients = await asyncio.gather(*(LineClient.connect(served.port) for _ in range(1000)))
    try:
        for c in clients:
            c.writer.write(b"GET VAR ups1 battery.charge\n")
        replies = await asyncio.gather(*(c.line(timeout=20) for c in clients))
        assert set(replies) == {'VAR ups1 battery.charge "100"'}
        assert served.server.connection_count == 1000
    finally:
        for c in clients:
            c.writer.close()
        await asyncio.gather(*(c.close() for c in clients))


async def test_maxconn_refuses_extra_connections(caplog: pytest.LogCaptureFixture) -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    server = await start_server(registry, maxconn=3)
    port = server.ports[0][1]
    try:
        kept = [await LineClient.connect(port) for _ in range(3)]
        for c in kept:
            assert await c.ask("NETVER") == "1.3"
        with caplog.at_level(logging.WARNING, logger="upskit.server"):
            extra = await LineClient.connect(port)
            assert await extra.closed()
        assert "MAXCONN 3" in caplog.text
        await extra.close()
        await kept[0].close()
        for _ in range(100):
            if server.connection_count < 3:
                break
            await asyncio.sleep(0.01)
        again = await LineClient.connect(port)
        assert await again.ask("NETVER") == "1.3"
        await again.close()
        for c in kept[1:]:
            await c.close()
    finally:
        await server.stop()


async def test_failing_listener_and_handler_do_not_break_the_server(client: LineClient, served: Served) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("consumer bug")

    served.device.subscribe(broken)
    await client.login("admin", "secret")
    assert await client.ask("FSD ups1") == "OK FSD-SET"
    served.recorder.raise_error = True
    assert await client.ask("INSTCMD ups1 load.off") == "ERR INSTCMD-FAILED"
    assert await client.ask("GET VAR ups1 ups.status") == 'VAR ups1 ups.status "FSD OL CHRG"'


async def test_internal_error_costs_one_reply_only(client: LineClient, served: Served,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(name: str) -> None:
        raise ValueError("bug")

    monkeypatch.setattr(served.device, "variable", explode)
    assert await client.ask("GET VAR ups1 battery.charge") == "ERR UNKNOWN-COMMAND"
    monkeypatch.undo()
    assert await client.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'


async def test_client_vanishing_mid_command(served: Served) -> None:
    served.recorder.delay = 0.2
    c = await LineClient.connect(served.port)
    await c.login("admin", "secret")
    await c.send("INSTCMD ups1 load.off")
    await c.close()
    await asyncio.sleep(0.3)
    assert served.recorder.calls == [("instcmd", "load.off", None)]
    other = await LineClient.connect(served.port)
    assert await other.ask("NETVER") == "1.3"
    await other.close()


async def test_several_listeners_including_ipv6() -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    settings = UpsdSettings(listen=[Listen("127.0.0.1", 0), Listen("::1", 0)])
    server = NutServer(registry, settings, USERS)
    try:
        await server.start()
    except OSError:
        pytest.skip("IPv6 loopback unavailable")
    try:
        hosts = {host for host, _ in server.ports}
        assert hosts == {"127.0.0.1", "::1"}
        for host, port in server.ports:
            c = await LineClient.connect(port, host)
            assert await c.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
            await c.login("monsec", "pw")
            assert await c.ask("LOGIN ups1") == "OK"
            await asyncio.sleep(0)
            clients = await c.ask("LIST CLIENT ups1")
            assert f"CLIENT ups1 {host}" in clients
            await c.close()
    finally:
        await server.stop()


async def test_unbindable_listener_is_an_error_unless_allowed() -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    busy = blocker.getsockname()[1]
    try:
        settings = UpsdSettings(listen=[Listen("127.0.0.1", 0), Listen("127.0.0.1", busy)])
        server = NutServer(registry, settings, USERS)
        with pytest.raises(OSError, match="ALLOW_NOT_ALL_LISTENERS"):
            await server.start()
        settings.allow_not_all_listeners = True
        server = NutServer(registry, settings, USERS)
        await server.start()
        assert len(server.ports) == 1
        await server.stop()
        only_busy = NutServer(registry, UpsdSettings(listen=[Listen("127.0.0.1", busy)]), USERS)
        with pytest.raises(OSError, match="no listening socket"):
            await only_busy.start()
    finally:
        blocker.close()


async def test_stop_closes_open_connections(served: Served) -> None:
    c = await LineClient.connect(served.port)
    assert await c.ask("NETVER") == "1.3"
    await served.server.stop()
    assert await c.closed()
    await c.close()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
async def test_memory_stays_flat_under_abuse(served: Served) -> None:
    before = rss_kb()
    for _ in range(5):
        c = await LineClient.connect(served.port)
        c.writer.write(b"Z" * (1024 * 1024) + b"\n")
        await c.writer.drain()
        assert await c.line() == "ERR INVALID-ARGUMENT"
        await c.close()
    assert rss_kb() - before < 20 * 1024


def _native_stats(served: Served) -> dict[str, int]:
    front = served.server._front
    assert front is not None
    return front.native.stats
