"""A simulated device on a pseudo-terminal, for programs that open a serial port.

The simulator owns the master side; other programs (NUT's drivers, upskit's serial
transport) open :attr:`PtyServer.path`.  Replies are paced from the baud rate
(10 bits per byte) so timing resembles a real line.  The last commands received are
recorded in :attr:`PtyServer.received` (a bounded :class:`History`); bytes that never
end a command are dropped beyond :data:`MAX_COMMAND`.
"""

from __future__ import annotations

import contextlib
import os
import select
import termios
import threading
import time
import tty

from upskit.sim.device import SimDevice
from upskit.sim.history import History

#: Longest command kept while waiting for its terminator (the oldest bytes go first).
MAX_COMMAND = 4096

_SPEEDS = {getattr(termios, f"B{b}"): b for b in (
    300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200) if hasattr(termios, f"B{b}")}


class PtyServer:
    """Serves one :class:`SimDevice` on a new pty, from a background thread."""

    def __init__(self, device: SimDevice, baud: int | None = 2400,
                 terminator: bytes = b"\r") -> None:
        self.device = device
        self.baud = baud
        self.terminator = terminator
        self.received: History[bytes] = History()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"pty {self.path}",
                                        daemon=True)

    def start(self) -> PtyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> PtyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def line_speed(self) -> int | None:
        """The baud rate to pace replies with: the fixed one, else the slave's termios speed."""
        if self.baud is not None:
            return self.baud
        with contextlib.suppress(termios.error, OSError):
            return _SPEEDS.get(termios.tcgetattr(self.slave)[5], 2400)
        return 2400

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if not ready:
                    continue
                pending = (pending + os.read(self.master, 1024))[-MAX_COMMAND:]
            except OSError:
                time.sleep(0.05)
                continue
            while self.terminator in pending:
                command, _, pending = pending.partition(self.terminator)
                command += self.terminator
                self.received.append(command)
                self._answer(command)

    def _answer(self, command: bytes) -> None:
        reply, delay = self.device.respond(command)
        if delay:
            time.sleep(delay)
        if not reply:
            return
        speed = self.line_speed()
        if speed:
            time.sleep(len(reply) * 10 / speed)
        with contextlib.suppress(OSError):
            os.write(self.master, reply)
