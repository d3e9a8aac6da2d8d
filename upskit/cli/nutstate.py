"""Where NUT's programs find ups.conf and their state directory, and the names they
give a driver's socket and PID file (shared by ``upskit driver`` and ``upskit drvctl``)."""

from __future__ import annotations

import os
from pathlib import Path

#: Debian's built-in defaults (NUT's ``CONFPATH`` and ``STATEPATH``).
DEFAULT_CONFPATH = "/etc/nut"
DEFAULT_STATEPATH = "/run/nut"


def confpath() -> Path:
    """The directory of ups.conf: ``NUT_CONFPATH``, else Debian's default."""
    return Path(os.environ.get("NUT_CONFPATH") or DEFAULT_CONFPATH)


def statepath() -> Path:
    """The directory of driver sockets and PID files: ``NUT_STATEPATH``, else Debian's."""
    return Path(os.environ.get("NUT_STATEPATH") or DEFAULT_STATEPATH)


def socket_path(driver: str, ups: str) -> Path:
    """``<statepath>/<driver>-<ups>``, where upsd looks for a driver's socket."""
    return statepath() / f"{driver}-{ups}"


def pid_path(driver: str, ups: str) -> Path:
    """``<statepath>/<driver>-<ups>.pid``, the driver's PID file."""
    return statepath() / f"{driver}-{ups}.pid"


def read_pid(path: Path) -> int | None:
    """The process id in ``path`` if that process is alive, else None."""
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid
