"""A third-party package adds a driver and a port scheme; ``upskit run`` uses both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support import UPSKIT, free_port
from upskit.client.errors import NutError
from upskit.client.sync import Client
from upskit.drivers.registry import DRIVERS, driver_class, known_drivers
from upskit.transport.url import PORT_SCHEMES, open_transport

#: The plugin's code: a pretend UPS behind a ``plugsim://`` URL, and a driver for it
#: written only against upskit's public driver and port API.
PLUGIN_SOURCE = '''
    from urllib.parse import parse_qs, urlsplit

    from upskit.drivers.base import Driver
    from upskit.transport import Transport, open_transport


    class PlugSimPort(Transport):
        """Answers STATUS with its status word and the charge of its URL."""

        def __init__(self, url, options):
            super().__init__(url)
            query = parse_qs(urlsplit(url).query)
            self.charge = query.get("charge", ["100"])[0]
            self._open = False

        @property
        def is_open(self):
            return self._open

        async def open(self):
            self._open = True

        async def close(self):
            self._open = False

        async def exchange(self, command, timeout=None):
            return f"OL {self.charge}\\r".encode() if command == b"STATUS\\r" else b""


    def make_port(url, options):
        return PlugSimPort(url, options)


    class PlugDriver(Driver):
        """Polls a PlugSimPort."""

        name = "plug-ups"
        version = "1.0"

        async def open(self):
            self.port = open_transport(self.option("port") or "", self.options)
            await self.port.open()

        async def initialise(self):
            self.device.set("device.model", "Plugged In")

        async def poll(self):
            status, charge = (await self.port.exchange(b"STATUS\\r")).decode().split()
            self.device.set("battery.charge", charge)
            self.device.set_status([status])

        async def close(self):
            port = getattr(self, "port", None)
            if port is not None:
                await port.close()
'''


def install_plugin(root: Path) -> Path:
    """A real installed distribution: the module and its dist-info with entry points."""
    site = root / "site"
    site.mkdir()
    (site / "upskit_plugsim.py").write_text(textwrap.dedent(PLUGIN_SOURCE))
    info = site / "upskit_plugsim-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: upskit-plugsim\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{DRIVERS.group}]\nplug-ups = upskit_plugsim:PlugDriver\n\n"
        f"[{PORT_SCHEMES.group}]\nplugsim = upskit_plugsim:make_port\n")
    return site


def test_the_registries_find_the_installed_plugin(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(install_plugin(tmp_path)))
    for registry in (DRIVERS, PORT_SCHEMES):  # read the entry points again, undone after
        monkeypatch.setattr(registry, "_entries", dict(registry._entries))
        monkeypatch.setattr(registry, "_loaded", dict(registry._loaded))
        monkeypatch.setattr(registry, "_entry_points_read", False)
    try:
        assert "plug-ups" in known_drivers()
        cls = driver_class("plug-ups")
        assert cls.__module__ == "upskit_plugsim" and cls.name == "plug-ups"
        port = open_transport("plugsim://one?charge=42")
        assert type(port).__name__ == "PlugSimPort"
    finally:
        sys.modules.pop("upskit_plugsim", None)


def test_upskit_run_serves_a_plugin_driver_on_a_plugin_port(tmp_path: Path) -> None:
    site = install_plugin(tmp_path)
    conf = tmp_path / "etc"
    conf.mkdir()
    port = free_port()
    (conf / "ups.conf").write_text(
        "[plugged]\n  driver = plug-ups\n  port = \"plugsim://unit?charge=87\"\n"
        "  desc = \"from a plugin\"\n")
    (conf / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (conf / "upsd.users").write_text("")
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(site),
                                                       os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [*UPSKIT, "run", "--no-monitor", "--nut-config-dir", str(conf),
         "--control-socket", str(tmp_path / "control.sock")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        seen: dict[str, str] = {}
        end = time.monotonic() + 30
        while time.monotonic() < end and seen.get("battery.charge") != "87":
            try:
                with Client("127.0.0.1", port, timeout=3) as client:
                    seen = client.list_vars("plugged")
            except (NutError, OSError):
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert seen.get("battery.charge") == "87", out
    assert seen["ups.status"] == "OL"
    assert seen["device.model"] == "Plugged In"
    assert seen["driver.name"] == "plug-ups"
    assert seen["driver.parameter.port"] == "plugsim://unit?charge=87"
    assert proc.returncode == 0, out
    assert "Traceback" not in out
