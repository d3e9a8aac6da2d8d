"""systemd's notification protocol without a library: one datagram on ``$NOTIFY_SOCKET``.

A daemon started by a ``Type=notify`` unit says ``READY=1`` once it serves,
``RELOADING=1`` (with ``MONOTONIC_USEC``, as systemd 253 and later expect) when a
reload starts and ``READY=1`` when it is done, ``STOPPING=1`` on its way out, and
``WATCHDOG=1`` at least every ``WATCHDOG_USEC`` microseconds while it is healthy
(``WatchdogSec=``): a daemon that stops sending is killed and restarted.  Outside
systemd (no ``NOTIFY_SOCKET``) every call here does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def _address() -> str | None:
    value = os.environ.get("NOTIFY_SOCKET", "")
    if value.startswith("@"):
        return "\0" + value[1:]  # an abstract socket
    if value.startswith("/"):
        return value
    if value:
        log.debug("NOTIFY_SOCKET %r is not a Unix socket; not notifying systemd", value)
    return None


def notify(*fields: str) -> bool:
    """Send ``fields`` (``"READY=1"`` ...) as one datagram; True when it was sent."""
    address = _address()
    if address is None:
        return False
    data = "\n".join(fields).encode()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.setblocking(False)  # a full queue must never stall the event loop
            sock.sendto(data, address)
    except OSError as exc:
        log.debug("cannot notify systemd (%s): %s", fields[0] if fields else "", exc)
        return False
    return True


def monotonic_usec() -> int:
    """CLOCK_MONOTONIC in microseconds, as ``MONOTONIC_USEC`` wants it."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


def ready(status: str | None = None) -> bool:
    """``READY=1``: started, or a reload finished."""
    return notify("READY=1", *([f"STATUS={status}"] if status else []))


def reloading() -> bool:
    """``RELOADING=1`` with the time it started."""
    return notify("RELOADING=1", f"MONOTONIC_USEC={monotonic_usec()}")


def stopping() -> bool:
    """``STOPPING=1``: on the way out."""
    return notify("STOPPING=1")


def watchdog_period() -> float | None:
    """Seconds between two ``WATCHDOG=1`` (half of ``WATCHDOG_USEC``), or ``None``
    when no watchdog is asked of this process."""
    pid = os.environ.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(os.environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 2e6 if usec > 0 else None


async def keep_alive(problems: Callable[[], list[str]], period: float) -> None:
    """Send ``WATCHDOG=1`` every ``period`` seconds while ``problems()`` is empty.

    When something is wrong nothing is sent, so systemd restarts the process after
    ``WatchdogSec``; what is wrong is logged once, when it changes.
    """
    import asyncio

    reported: list[str] = []
    while True:
        try:
            found = list(problems())
        except Exception as exc:
            found = [f"the health check failed: {exc!r}"]
        if not found:
            if reported:
                log.warning("healthy again: the watchdog is told so again")
            notify("WATCHDOG=1")
        elif found != reported:
            log.error("not telling the watchdog this process is alive: %s", "; ".join(found))
        reported = found
        await asyncio.sleep(period)
