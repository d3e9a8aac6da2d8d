"""A simulated device: physics model + dialect responder + faults + wire log."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from upskit.sim.base import CommandResponder
from upskit.sim.faults import Faults
from upskit.sim.history import History
from upskit.sim.physics import UpsPhysics
from upskit.sim.responders import make_responder


class SimDevice:
    """One simulated UPS reachable through any number of simulated ports.

    ``respond`` applies the active fault and records the commands received (the last
    :data:`~upskit.sim.history.HISTORY_SIZE` of them, see :class:`History`).
    """

    def __init__(self, dialect: str, physics: UpsPhysics | None = None,
                 options: Mapping[str, str] | None = None,
                 responder: CommandResponder | None = None) -> None:
        self.dialect = dialect
        self.physics = physics or UpsPhysics()
        self.options = dict(options or {})
        self.responder = responder or make_responder(dialect, self.physics, self.options)
        self.faults = Faults()
        self.received: History[bytes] = History()
        self._lock = threading.Lock()

    def respond(self, command: bytes) -> tuple[bytes | None, float]:
        """(reply or None for silence, seconds to wait before replying)."""
        with self._lock:
            self.received.append(command)
            try:
                reply = self.responder.respond(command)
            except Exception:  # a responder bug looks like a dead device, not a crash
                reply = None
        return self.faults.apply(reply)

    # Convenience controls used by tests and the control interfaces.
    def mains(self, present: bool) -> None:
        self.physics.set_mains(present)

    def fault(self, mode: str | None, count: int | None = None) -> None:
        self.faults.set(mode, count)
