"""The native fast path and the Python sessions give the very same bytes for the same input.

Random streams of request lines -- shared and unshared requests, junk, over-long lines,
CRLF, lines cut anywhere across packets, a half-close at the end -- go to two servers
on the same data, one serving natively and one from Python sessions; each stream's
replies must match byte for byte, in order, up to the close.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from tests.server.conftest import NATIVE_BUILT, make_device, start_server
from upskit.model import DeviceRegistry
from upskit.server import NutServer

pytestmark = pytest.mark.skipif(not NATIVE_BUILT, reason="the native fast path is not built")

SEED = 3493
STREAMS = 200
MAX_LINE = 200

_LINES = [
    b"GET VAR ups1 battery.charge", b"GET VAR ups ups.status", b"GET VAR ups1 nope",
    b"GET VAR nope battery.charge", b"LIST VAR ups1", b"LIST RW ups1", b"LIST CMD ups1",
    b"LIST ENUM ups1 ups.beeper.status", b"LIST RANGE ups1 input.transfer.low",
    b"GET TYPE ups1 ups.id", b"GET DESC ups1 battery.charge", b"GET CMDDESC ups1 load.off",
    b"GET UPSDESC ups1", b"GET NUMLOGINS ups1", b"LIST UPS", b"NETVER", b"VER", b"HELP",
    b"USERNAME reader", b"PASSWORD pw", b"LOGIN ups1", b"LIST CLIENT ups1",
    b'GET VAR "ups1" battery.charge', b"GET  VAR ups1 battery.charge", b"get var ups1 ups.id",
    b"", b"   ", b"#comment", b"GET VAR ups1 battery.charge # trailing",
    b"\xff\xfe\x00", b"SET VAR ups1 ups.id x", b"INSTCMD ups1 load.off", b"FSD ups1",
]


def _stream(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randint(1, 40)):
        roll = rng.random()
        if roll < 0.05:
            line = bytes(rng.randrange(256) for _ in range(rng.randint(MAX_LINE + 1, 700)))
            line = line.replace(b"\n", b"x")
        elif roll < 0.1:
            line = bytes(rng.randrange(32, 127) for _ in range(rng.randint(0, 60)))
        else:
            line = rng.choice(_LINES)
        parts.append(line + (b"\r\n" if rng.random() < 0.1 else b"\n"))
    if rng.random() < 0.3:
        parts.append(b"GET VAR ups1 unfinished")  # no newline: never answered
    return b"".join(parts)


async def _exchange(port: int, data: bytes, rng: random.Random) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    pos = 0
    while pos < len(data):
        step = rng.choice([1, 3, 17, 64, 512, len(data)])
        writer.write(data[pos:pos + step])
        await writer.drain()
        pos += step
        if rng.random() < 0.2:
            await asyncio.sleep(0.001)
    writer.write_eof()
    received = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return received


async def _server(monkeypatch: pytest.MonkeyPatch, native: bool) -> NutServer:
    monkeypatch.setenv("UPSKIT_FASTPATH", "1" if native else "0")
    registry = DeviceRegistry()
    registry.add(make_device(), aliases=["ups"])
    server = await start_server(registry, max_line=MAX_LINE)
    assert server.native == native
    return server


async def test_native_and_python_answer_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    native = await _server(monkeypatch, True)
    python = await _server(monkeypatch, False)
    rng = random.Random(SEED)
    total = 0
    try:
        for _ in range(STREAMS):
            data = _stream(rng)
            chunking = rng.randrange(1 << 30)
            got = await _exchange(native.ports[0][1], data, random.Random(chunking))
            want = await _exchange(python.ports[0][1], data, random.Random(chunking))
            assert got == want, data
            total += len(got)
        front = native._front
        assert front is not None and front.native.stats["hits"] > 0
        assert total > 20_000  # the streams were answered, not just closed
    finally:
        await native.stop()
        await python.stop()
