"""The daemon keeps OpenSSL unloaded until TLS is used, and TLS still works then."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import upsd_pem

SCRIPT = textwrap.dedent("""
    import sys
    from upskit.lazyssl import import_asyncio
    import_asyncio()
    import asyncio
    assert "ssl" not in sys.modules, "asyncio pulled in ssl"
    from upskit.config.settings import Listen, UpsdSettings
    from upskit.model import Device, DeviceRegistry
    from upskit.server.server import NutServer
    from upskit.client.aio import AsyncClient
    from upskit.runtime import Runtime
    import upskit.drivers.qx.driver
    assert "ssl" not in sys.modules, "an upskit module imported ssl eagerly"

    async def main(certfile):
        registry = DeviceRegistry()
        dev = Device("ups")
        dev.set("ups.status", "OL"); dev.set_connected(True); dev.data_ok()
        registry.add(dev)
        settings = UpsdSettings(listen=[Listen("127.0.0.1", 0)], certfile=certfile)
        server = NutServer(registry, settings, {})
        await server.start()
        assert "ssl" in sys.modules
        import ssl
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        port = server.ports[0][1]
        async with AsyncClient("127.0.0.1", port, ssl_context=ctx) as client:
            assert client.tls
            print(await client.get_var("ups", "ups.status"))
        await server.stop()

    asyncio.run(main(sys.argv[1]))
""")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
def test_tls_after_lazy_ssl(tmp_path: Path) -> None:
    pem = upsd_pem(tmp_path)
    res = subprocess.run([sys.executable, "-c", SCRIPT, str(pem)], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "OL"


@pytest.mark.parametrize("command", ["run", "monitor", "demo", "simulate", "killpower", "raw",
                                     "scan", "hid"])
def test_building_the_command_line_loads_neither_asyncio_nor_ssl(command: str) -> None:
    """``upskit <daemon>`` imports asyncio itself, with ssl held back; a subcommand's
    argument set-up that pulled in asyncio first would map OpenSSL into every daemon."""
    script = textwrap.dedent(f"""
        import sys
        import upskit.cli.main as main
        main.build_parser([{command!r}])
        assert "asyncio" not in sys.modules, "argument set-up imported asyncio"
        assert "ssl" not in sys.modules, "argument set-up imported ssl"
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
