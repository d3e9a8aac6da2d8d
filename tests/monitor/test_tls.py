"""The monitor over TLS: FORCESSL uses STARTTLS and never falls back to plain text."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from tests.support import live_device
from upskit.config.settings import (
    CertHost,
    Listen,
    MonitorSettings,
    UpsdSettings,
    UpsmonSettings,
    UserSettings,
)
from upskit.model import DeviceRegistry
from upskit.monitor.sources import NetworkSource, SourceError
from upskit.monitor.tls import tls_context_for
from upskit.server.server import NutServer

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


async def serve(certfile: Path | None) -> NutServer:
    registry = DeviceRegistry()
    registry.add(live_device("ups", "OB LB"))
    settings = UpsdSettings(listen=[Listen("127.0.0.1", 0)],
                            certfile=str(certfile) if certfile else None)
    users = {"mon": UserSettings("mon", "pw", upsmon="secondary")}
    server = NutServer(registry, settings, users)
    await server.start()
    return server


def monitor_line(server: NutServer) -> MonitorSettings:
    return MonitorSettings("ups", "localhost", server.ports[0][1], 1, "mon", "pw", "secondary")


async def test_forcessl_polls_over_tls(certfile: Path, tmp_path: Path) -> None:
    server = await serve(certfile)
    try:
        line = monitor_line(server)
        settings = UpsmonSettings(monitors=[line], forcessl=True)
        source = NetworkSource(line, 2.0, tls_context_for(settings, "localhost"))
        reading = await source.poll()
        assert reading.tokens == ("OB", "LB")
        assert server.clients("ups") == ["127.0.0.1"]
        await source.close()
        # CERTVERIFY against our own certificate as the CA works too
        verify = UpsmonSettings(monitors=[line], certverify=True,
                                certpath=str(tmp_path / "cert.pem"))
        source = NetworkSource(line, 2.0, tls_context_for(verify, "localhost"))
        assert (await source.poll()).tokens == ("OB", "LB")
        await source.close()
    finally:
        await server.stop()


async def test_forcessl_never_falls_back_to_plain(certfile: Path) -> None:
    server = await serve(None)
    try:
        line = monitor_line(server)
        settings = UpsmonSettings(monitors=[line],
                                  certhosts={"localhost": CertHost("localhost", "x", False, True)})
        source = NetworkSource(line, 2.0, tls_context_for(settings, "localhost"))
        with pytest.raises(SourceError):
            await source.poll()
        await asyncio.sleep(0.05)
        assert server.clients("ups") == []
    finally:
        await server.stop()


def test_plain_when_not_asked() -> None:
    assert tls_context_for(UpsmonSettings(), "localhost") is None
