"""STARTTLS with a PEM holding certificate and key, as NUT's CERTFILE."""

from __future__ import annotations

import asyncio
import shutil
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from upskit.config.settings import ConfigError
from upskit.model import DeviceRegistry
from upskit.server import NutServer

from .conftest import LineClient, make_device, start_server

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture
async def tls_server(certfile: Path) -> AsyncIterator[NutServer]:
    registry = DeviceRegistry()
    registry.add(make_device())
    server = await start_server(registry, certfile=str(certfile))
    try:
        yield server
    finally:
        await server.stop()


def client_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def test_starttls_then_commands_over_tls(tls_server: NutServer) -> None:
    client = await LineClient.connect(tls_server.ports[0][1])
    try:
        await client.login("admin", "secret")
        assert await client.ask("STARTTLS") == "OK STARTTLS"
        await client.writer.start_tls(client_context())
        assert client.writer.get_extra_info("ssl_object") is not None
        assert await client.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
        assert await client.ask("STARTTLS") == "ERR ALREADY-SSL-MODE"
        assert await client.ask("INSTCMD ups1 load.off") == "OK"
        listing = await client.ask("LIST VAR ups1")
        assert listing.endswith("END LIST VAR ups1")
        assert await client.ask("LOGOUT") == "OK Goodbye"
    finally:
        await client.close()


async def test_failed_handshake_only_drops_that_client(tls_server: NutServer) -> None:
    port = tls_server.ports[0][1]
    bad = await LineClient.connect(port)
    assert await bad.ask("STARTTLS") == "OK STARTTLS"
    bad.writer.write(b"this is not a TLS client hello\n" * 4)
    await bad.writer.drain()
    assert await bad.closed(timeout=10)
    await bad.close()
    good = await LineClient.connect(port)
    assert await good.ask("NETVER") == "1.3"
    await good.close()


async def test_pynut_client_with_ssl(tls_server: NutServer) -> None:
    pynut = pytest.importorskip("PyNUTClient.PyNUT")
    port = tls_server.ports[0][1]

    def talk() -> dict[bytes, bytes]:
        client = pynut.PyNUTClient(host="127.0.0.1", port=port, use_ssl=True, force_ssl=True,
                                   ssl_context=client_context(), timeout=5)
        return dict(client.GetUPSVars("ups1"))

    result = await asyncio.to_thread(talk)
    assert result[b"battery.charge"] == b"100"


async def test_bad_certfile_is_a_config_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate")
    registry = DeviceRegistry()
    registry.add(make_device())
    with pytest.raises(ConfigError, match="CERTFILE"):
        await start_server(registry, certfile=str(bogus))
