"""Fixtures for every test.

Before and after each test the simulated devices (``sim://`` ports and simulated USB
buses) are forgotten and every plugin registry of upskit forgets what was registered or
installed, so each test starts from the built-in entries and no test sees another's
devices, drivers, schemes or dialects.  A test registers what it needs itself (in the
test or a fixture, never at import time).  Only modules already imported are touched.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import Processes, upsd_pem
from upskit.plugins import PluginRegistry

if TYPE_CHECKING:
    from upskit.sim.pty import PtyServer

#: Modules holding simulated devices by key, each with ``forget()`` to drop them all.
SIMULATED_DEVICES = ("upskit.sim.ports", "upskit.sim.usb.ports")


def loaded_registries() -> list[PluginRegistry[object]]:
    """Every plugin registry defined at the top of an imported upskit module."""
    found: dict[int, PluginRegistry[object]] = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "upskit" or name.startswith("upskit.")):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, PluginRegistry):
                found[id(value)] = value
    return list(found.values())


def reset_registries() -> None:
    """Forget simulated devices and every run-time or installed plugin entry."""
    for name in SIMULATED_DEVICES:
        module = sys.modules.get(name)
        if module is not None:
            module.forget()
    for registry in loaded_registries():
        registry.reset()


@pytest.fixture(autouse=True)
def _fresh_registries() -> Iterator[None]:
    reset_registries()
    yield
    reset_registries()


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path: Unix socket paths are limited to 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="uk", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def procs() -> Iterator[Processes]:
    """Child processes of the test, stopped (with their process groups) at its end."""
    children = Processes()
    yield children
    children.stop_all()


@pytest.fixture
def pty_sim() -> Iterator[PtyServer]:
    """A simulated Megatec UPS on a pty at full speed (no baud rate pacing)."""
    from upskit.sim.device import SimDevice
    from upskit.sim.pty import PtyServer

    server = PtyServer(SimDevice("megatec"), baud=None).start()
    yield server
    server.stop()


@pytest.fixture
def certfile(tmp_path: Path) -> Path:
    """A self-signed certificate with its key, as upsd's CERTFILE (needs openssl)."""
    return upsd_pem(tmp_path)
