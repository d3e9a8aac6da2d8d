"""The Megatec Q1 / F / I command set, rendered from the physics model.

The same responder serves the dialects that rename a query: ``status`` (``Q1``,
``QS`` for mustek, ``D`` for megatec/old) and ``vendor`` (``I``, ``FW?`` for zinto).
Unknown commands are echoed, as many Megatec units (and NUT's test tables) do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from upskit.sim.physics import UpsPhysics

_SHUTDOWN = re.compile(r"S(\.[1-9]|0[0-9]|10)(?:R(\d{4}))?")
_TEST_MINUTES = re.compile(r"T(\d\d)")
#: The status byte ``b7..b0``, one ``%d`` per bit (of ``bool`` values: ``1`` or ``0``).
_BITS = "%d" * 8


def q1_reply(ups: UpsPhysics, battery_per_cell: bool = False) -> str:
    """The 47-byte status line ``(MMM.M NNN.N PPP.P QQQ RR.R S.SS TT.T b7..b0\\r``."""
    with ups.lock:
        ups.update()
        mains = ups.mains
        vin = ups.input_voltage if mains else 0.0
        load = ups.load if ups.output_on else 0.0
        volts = ups.battery_voltage / (ups.battery_nominal / 2.0) if battery_per_cell \
            else ups.battery_voltage
        on_battery, testing = ups.on_battery, ups.testing
        bits = _BITS % tuple(map(bool, (
            on_battery and not testing, ups.battery_low and on_battery,
            ups.avr_active, ups.failed, ups.standby, testing,
            ups.shutdown_at is not None, ups.beeper)))
        freq = ups.frequency if mains else 0.0
        return (f"({vin:05.1f} {ups.fault_voltage:05.1f} {ups.output_voltage:05.1f} "
                f"{min(999, round(load)):03d} {freq:04.1f} {_four(volts)} "
                f"{ups.temperature:04.1f} {bits}\r")


def _four(value: float) -> str:
    """A four-character number: ``27.5`` or ``2.27``."""
    return f"{value:04.1f}" if value >= 10 else f"{value:4.2f}"


def f_reply(ups: UpsPhysics) -> str:
    return (f"#{ups.nominal_voltage:05.1f} {round(ups.nominal_current):03d} "
            f"{ups.battery_nominal:05.2f} {ups.nominal_frequency:04.1f}\r")


def i_reply(ups: UpsPhysics) -> str:
    return f"#{ups.mfr[:15]:<15} {ups.model[:10]:<10} {ups.firmware[:10]:<10}\r"


class MegatecResponder:
    """Answers the Megatec command set from a :class:`UpsPhysics`."""

    def __init__(self, ups: UpsPhysics, *, status: tuple[str, ...] = ("Q1",),
                 vendor: str | None = "I", ratings: bool = True) -> None:
        self.ups = ups
        self.status = status
        self.vendor = vendor
        self.ratings = ratings

    def respond(self, command: bytes) -> bytes | None:
        text = command.decode("latin-1").rstrip("\r")
        reply = self.answer(text)
        return (command if reply is None else reply.encode("latin-1"))

    def answer(self, text: str) -> str | None:
        ups = self.ups
        if text in self.status:
            return q1_reply(ups)
        if text == "F" and self.ratings:
            return f_reply(ups)
        if self.vendor is not None and text == self.vendor:
            return i_reply(ups)
        if text == "Q":
            ups.toggle_beeper()
            return ""
        if text == "T":
            ups.start_test(10)
            return ""
        if text == "TL":
            ups.start_test(None, deep=True)
            return ""
        if text == "CT":
            ups.stop_test()
            return ""
        if text == "C":
            ups.cancel_shutdown()
            return ""
        match = _TEST_MINUTES.fullmatch(text)
        if match and int(match[1]) > 0:
            ups.start_test(int(match[1]) * 60)
            return ""
        match = _SHUTDOWN.fullmatch(text)
        if match:
            after = float(match[1]) * 60
            if match[2] is None:
                restart: float | None = None
            elif int(match[2]) == 0:
                restart = math.inf
            else:
                restart = int(match[2]) * 60
            ups.schedule_shutdown(after, restart)
            return ""
        return None


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> MegatecResponder:
    return MegatecResponder(ups)
