"""Both clients hand the connection over to TLS after ``OK STARTTLS``."""

from __future__ import annotations

import asyncio
import shutil
import ssl
from pathlib import Path

import pytest

from tests.client.fakenut import fake_nut
from tests.support import self_signed_certificate
from upskit.client import AsyncClient, Client, NutProtocolError

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

TABLE = {"GET VAR u ups.status": b'VAR u ups.status "OL"\n'}


@pytest.fixture(scope="module")
def server_tls(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    key, cert = self_signed_certificate(tmp_path_factory.mktemp("tls"), curve=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(Path(cert), Path(key))
    return context


def trusting() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_blocking_client_upgrades_on_connect(server_tls: ssl.SSLContext) -> None:
    with fake_nut(TABLE, tls=server_tls) as fake, \
            Client(fake.host, fake.port, ssl_context=trusting(), timeout=10) as client:
        assert client.tls
        assert client.get_var("u", "ups.status") == "OL"
    assert fake.received == ["STARTTLS", "GET VAR u ups.status"]


async def test_async_client_upgrades_on_request(server_tls: ssl.SSLContext) -> None:
    with fake_nut(TABLE, tls=server_tls) as fake:
        async with AsyncClient(fake.host, fake.port, timeout=10) as client:
            assert not client.tls
            await client.starttls(trusting())
            assert client.tls
            assert await client.get_var("u", "ups.status") == "OL"
        assert fake.received == ["STARTTLS", "GET VAR u ups.status"]


async def test_blocking_client_upgrades_on_request(server_tls: ssl.SSLContext) -> None:
    with fake_nut(TABLE, tls=server_tls) as fake:
        client = Client(fake.host, fake.port, timeout=10)
        try:
            await asyncio.to_thread(client.connect)
            assert not client.tls
            await asyncio.to_thread(client.starttls, trusting())
            assert client.tls
            assert await asyncio.to_thread(client.get_var, "u", "ups.status") == "OL"
        finally:
            client.close()


def test_blocking_client_refuses_data_before_the_handshake() -> None:
    with fake_nut({"STARTTLS": b"OK STARTTLS\nsurprise\n"}) as fake:
        client = Client(fake.host, fake.port, timeout=5)
        client.connect()
        with pytest.raises(NutProtocolError):
            client.starttls(trusting())
        assert not client.connected
