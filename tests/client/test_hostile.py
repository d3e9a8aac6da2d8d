"""Both clients against a scripted server that misbehaves: typed errors, never a crash."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.client.fakenut import CLOSE, SILENCE, closed_port, fake_nut, nut_list
from upskit.client import (
    AsyncClient,
    Client,
    NutConnectionError,
    NutError,
    NutProtocolError,
)


async def call(mode: str, host: str, port: int, method: str, *args: Any, timeout: float = 0.4) -> Any:
    """Run one client method in the sync or async client; closes the client after."""
    if mode == "sync":
        client = Client(host, port, timeout=timeout)
        try:
            return await asyncio.to_thread(getattr(client, method), *args)
        finally:
            client.close()
    async with AsyncClient(host, port, timeout=timeout) as aclient:
        return await getattr(aclient, method)(*args)


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (b"GARBAGE\n", NutProtocolError),
        (b"VAR u x.y\n", NutProtocolError),
        (b'VAR u x.y "1" extra\n', NutProtocolError),
        (b'VAR u other "1"\n', NutProtocolError),
        (b'VAR u x.y "unterminated\n', NutProtocolError),
        (b"ERR DATA-STALE\n", NutError),
        (CLOSE, NutConnectionError),
        (b'VAR u x.y "no newline', NutConnectionError),
        (b"x" * 70000 + b"\n", NutProtocolError),
    ],
)
async def test_get_var_bad_replies(mode: str, reply: bytes, error: type[NutError]) -> None:
    with fake_nut({"GET VAR u x.y": reply}) as fake:
        with pytest.raises(error) as info:
            await call(mode, fake.host, fake.port, "get_var", "u", "x.y")
        assert type(info.value) is error


@pytest.mark.parametrize("mode", MODES)
async def test_values_are_unescaped_and_non_utf8_kept(mode: str) -> None:
    table = {"GET VAR u x.y": b'VAR u x.y "a \\"b\\" \\\\ caf\xe9"\n'}
    with fake_nut(table) as fake:
        assert await call(mode, fake.host, fake.port, "get_var", "u", "x.y") == 'a "b" \\ caf\udce9'


@pytest.mark.parametrize("mode", MODES)
async def test_silent_server_times_out(mode: str) -> None:
    with fake_nut({}, default=SILENCE, silence=2.0) as fake:
        start = time.monotonic()
        with pytest.raises(NutConnectionError) as info:
            await call(mode, fake.host, fake.port, "ver", timeout=0.3)
        assert info.value.code == "TIMEOUT"
        assert time.monotonic() - start < 1.5


@pytest.mark.parametrize("mode", MODES)
async def test_refused_connection(mode: str) -> None:
    with pytest.raises(NutConnectionError) as info:
        await call(mode, "127.0.0.1", closed_port(), "ver")
    assert info.value.message == "Connection failure: Connection refused"


@pytest.mark.parametrize("mode", MODES)
async def test_unknown_host(mode: str) -> None:
    with pytest.raises(NutConnectionError) as info:
        await call(mode, "no-such-host.invalid", 3493, "ver")
    assert info.value.code == "NO-SUCH-HOST"
    assert info.value.message == "No such host"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (b"BEGIN LIST VAR u\nVAR u a \"1\"\n", NutConnectionError),  # END never comes
        (b"BEGIN LIST VAR u\nVAR u a \"1\"\nERR DATA-STALE\n", NutError),
        (b"BEGIN LIST VAR u\nVAR x a \"1\"\nEND LIST VAR u\n", NutProtocolError),
        (b"BEGIN LIST VAR other\nEND LIST VAR other\n", NutProtocolError),
        (b"OK\n", NutProtocolError),
    ],
)
async def test_broken_lists(mode: str, reply: bytes, error: type[NutError]) -> None:
    with fake_nut({"LIST VAR u": reply}) as fake, pytest.raises(error):
        await call(mode, fake.host, fake.port, "list_vars", "u")


async def test_list_error_mid_way_drops_the_connection() -> None:
    """After a broken list the stream is out of step, so the client refuses to go on."""
    table = {"LIST VAR u": b'BEGIN LIST VAR u\nGARBAGE\n', "VER": b"v\n"}
    with fake_nut(table) as fake:
        async with AsyncClient(fake.host, fake.port, timeout=1) as client:
            with pytest.raises(NutProtocolError):
                await client.list_vars("u")
            assert not client.connected
            with pytest.raises(NutConnectionError):
                await client.ver()
            await client.connect()
            assert await client.ver() == "v"


async def test_err_reply_keeps_the_connection() -> None:
    table = {"GET VAR u x": b"ERR VAR-NOT-SUPPORTED\n", "GET VAR u y": b'VAR u y "1"\n'}
    with fake_nut(table) as fake:
        async with AsyncClient(fake.host, fake.port) as client:
            with pytest.raises(NutError) as info:
                await client.get_var("u", "x")
            assert info.value.code == "VAR-NOT-SUPPORTED"
            assert await client.get_var("u", "y") == "1"
        assert len(fake.received) == 2


async def test_async_operations_do_not_interleave() -> None:
    rows = [f'VAR u v{i} "{i}"' for i in range(200)]
    table = {"LIST VAR u": nut_list("VAR u", rows), "GET VAR u v1": b'VAR u v1 "1"\n'}
    with fake_nut(table) as fake:
        async with AsyncClient(fake.host, fake.port) as client:
            results = await asyncio.gather(
                *(client.list_vars("u") for _ in range(5)), *(client.get_var("u", "v1") for _ in range(5))
            )
    assert all(len(r) == 200 for r in results[:5])
    assert results[5:] == ["1"] * 5


@pytest.mark.parametrize("mode", MODES)
async def test_arguments_are_quoted_on_the_wire(mode: str) -> None:
    table = {
        'SET VAR u ups.id "a \\"b\\" \\\\"': b"OK TRACKING abc-1\n",
        'INSTCMD u load.off "10 s"': b"OK\n",
    }
    with fake_nut(table) as fake:
        assert await call(mode, fake.host, fake.port, "set_var", "u", "ups.id", 'a "b" \\') == "abc-1"
        assert await call(mode, fake.host, fake.port, "instcmd", "u", "load.off", "10 s") is None


@pytest.mark.parametrize("mode", MODES)
async def test_tracking_results_are_text(mode: str) -> None:
    table = {
        "GET TRACKING a": b"PENDING\n",
        "GET TRACKING b": b"ERR FAILED\n",
        "GET TRACKING c": b"ERR FEATURE-NOT-CONFIGURED\n",
        "GET TRACKING d": b"MAYBE\n",
    }
    with fake_nut(table) as fake:
        assert await call(mode, fake.host, fake.port, "get_tracking", "a") == "PENDING"
        assert await call(mode, fake.host, fake.port, "get_tracking", "b") == "ERR FAILED"
        with pytest.raises(NutError) as info:
            await call(mode, fake.host, fake.port, "get_tracking", "c")
        assert info.value.code == "FEATURE-NOT-CONFIGURED"
        with pytest.raises(NutProtocolError):
            await call(mode, fake.host, fake.port, "get_tracking", "d")


@pytest.mark.parametrize("mode", MODES)
async def test_primary_falls_back_to_master(mode: str) -> None:
    table = {"PRIMARY u": b"ERR UNKNOWN-COMMAND\n", "MASTER u": b"OK MASTER-GRANTED\n"}
    with fake_nut(table) as fake:
        assert await call(mode, fake.host, fake.port, "primary", "u") is None
        assert fake.received == ["PRIMARY u", "MASTER u"]


@pytest.mark.parametrize("mode", MODES)
async def test_numlogins_must_be_a_number(mode: str) -> None:
    with fake_nut({"GET NUMLOGINS u": b"NUMLOGINS u many\n"}) as fake, pytest.raises(NutProtocolError):
        await call(mode, fake.host, fake.port, "get_numlogins", "u")


@pytest.mark.parametrize("mode", MODES)
async def test_starttls_refused_is_an_error_not_plaintext(mode: str) -> None:
    with fake_nut({"STARTTLS": b"ERR FEATURE-NOT-CONFIGURED\n"}) as fake:
        if mode == "sync":
            client = Client(fake.host, fake.port, starttls=True)
            with pytest.raises(NutError) as info:
                await asyncio.to_thread(client.connect)
            assert not client.connected
        else:
            aclient = AsyncClient(fake.host, fake.port, starttls=True)
            with pytest.raises(NutError) as info:
                await aclient.connect()
            assert not aclient.connected
        assert info.value.code == "FEATURE-NOT-CONFIGURED"


@pytest.mark.parametrize("mode", MODES)
async def test_raw_request_returns_err_lines(mode: str) -> None:
    with fake_nut({"FOO bar": b"ERR UNKNOWN-COMMAND\n"}) as fake:
        assert await call(mode, fake.host, fake.port, "request", "FOO bar") == "ERR UNKNOWN-COMMAND"


async def test_logout_closes_even_when_server_just_hangs_up() -> None:
    with fake_nut({"LOGOUT": CLOSE}) as fake:
        client = AsyncClient(fake.host, fake.port)
        await client.logout()
        assert not client.connected


def test_the_blocking_client_tries_each_address_of_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """As socket.create_connection does: the first address refuses, the next answers."""
    import _socket

    with fake_nut({"VER": b"fake 1.0\n"}) as fake:
        stream = (_socket.AF_INET, _socket.SOCK_STREAM, _socket.IPPROTO_TCP, "")
        addresses = [(*stream, ("127.0.0.1", closed_port())), (*stream, (fake.host, fake.port))]
        asked: list[tuple[Any, ...]] = []

        def getaddrinfo(*args: Any) -> list[Any]:
            asked.append(args)
            return addresses

        monkeypatch.setattr(_socket, "getaddrinfo", getaddrinfo)
        with Client("ups.example", 3493, timeout=2) as client:
            assert client.ver() == "fake 1.0"
        assert asked == [(b"ups.example", 3493, 0, _socket.SOCK_STREAM)]
        addresses.pop()
        with pytest.raises(NutConnectionError) as info:
            Client("ups.example", 3493, timeout=2).connect()
        assert info.value.message == "Connection failure: Connection refused"
