"""Fixtures shared by every test directory: a short directory for Unix sockets, child
processes stopped at the end, a simulated UPS on a pty, a TLS certificate."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import Processes, upsd_pem

if TYPE_CHECKING:
    from upskit.sim.pty import PtyServer


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
