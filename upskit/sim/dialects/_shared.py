"""Building blocks shared by the simulated Q* units that extend the Megatec set.

Not a dialect module (no ``make_responder``): a snapshot of the physics model,
the Megatec status bits, a responder base that adds dialect queries on top of
the Megatec command set, and the ``S<n>[R<m>]`` / ``T<n>`` parsers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from upskit.sim.dialects.megatec import MegatecResponder
from upskit.sim.physics import UpsPhysics

_SHUTDOWN = re.compile(r"S(\.[1-9]|\d\d)(?:R(\d{4}))?")
_TEST = re.compile(r"T(\.[1-9]|\d\d)")


@dataclass(frozen=True)
class Reading:
    """One consistent snapshot of the model, in the units replies use."""

    vin: float
    fault_voltage: float
    vout: float
    load: float
    freq: float
    battery: float
    temperature: float
    on_battery: bool
    utility_fail: bool
    battery_low: bool
    avr: bool
    failed: bool
    standby: bool
    testing: bool
    shutdown_pending: bool
    beeper: bool
    output_on: bool
    charge: float
    runtime: float

    @property
    def bits(self) -> str:
        """The Megatec status byte ``b7..b0``."""
        return "".join("1" if b else "0" for b in (
            self.utility_fail, self.battery_low, self.avr, self.failed, self.standby,
            self.testing, self.shutdown_pending, self.beeper))


def read(ups: UpsPhysics) -> Reading:
    """Advance the model to now and take a snapshot."""
    with ups.lock:
        ups.update()
        load = ups.load if ups.output_on else 0.0
        runtime = (ups.charge * ups.full_load_runtime * 100 / max(load, 1.0)
                   if ups.charge > 0 else 0.0)
        return Reading(
            vin=ups.input_voltage if ups.mains else 0.0,
            fault_voltage=ups.fault_voltage,
            vout=ups.output_voltage,
            load=load,
            freq=ups.frequency if ups.mains else 0.0,
            battery=ups.battery_voltage,
            temperature=ups.temperature,
            on_battery=ups.on_battery,
            utility_fail=ups.on_battery and not ups.testing,
            battery_low=ups.battery_low and ups.on_battery,
            avr=ups.avr_active,
            failed=ups.failed,
            standby=ups.standby,
            testing=ups.testing,
            shutdown_pending=ups.shutdown_at is not None,
            beeper=ups.beeper,
            output_on=ups.output_on,
            charge=ups.charge,
            runtime=runtime,
        )


def minutes(code: str) -> float:
    """``.n`` (tenths of a minute) or ``nn`` minutes -> seconds."""
    return float(code) * 60


def shutdown(ups: UpsPhysics, text: str, *, restart_seconds: bool = False) -> bool:
    """Handle ``S<n>`` / ``S<n>R<mmmm>``; False when ``text`` is not one."""
    match = _SHUTDOWN.fullmatch(text)
    if match is None:
        return False
    if match[2] is None:
        restart: float | None = None
    elif int(match[2]) == 0:
        restart = math.inf
    else:
        restart = int(match[2]) * (1 if restart_seconds else 60)
    ups.schedule_shutdown(minutes(match[1]), restart)
    return True


def test(ups: UpsPhysics, text: str) -> bool:
    """Handle ``T<n>`` (``.n`` or ``nn`` minutes); False when ``text`` is not one."""
    match = _TEST.fullmatch(text)
    if match is None or float(match[1]) <= 0:
        return False
    ups.start_test(minutes(match[1]))
    return True


Handler = Callable[[str], "str | bytes | None"]


class ExtendedResponder(MegatecResponder):
    """The Megatec command set plus dialect queries, with the dialect's reply style.

    ``queries`` maps an exact command to a function returning its reply;
    ``ack``/``nak`` replace the Megatec "silent" acceptance and the echo of an
    unknown command (``None`` keeps the Megatec behaviour).
    """

    def __init__(self, ups: UpsPhysics, queries: Mapping[str, Handler] | None = None, *,
                 status: tuple[str, ...] = ("Q1",), vendor: str | None = "I",
                 ratings: bool = True, ack: str | None = None, nak: str | None = None,
                 megatec: bool = True) -> None:
        super().__init__(ups, status=status, vendor=vendor, ratings=ratings)
        self.queries = dict(queries or {})
        self.ack = ack
        self.nak = nak
        self.megatec = megatec

    def respond(self, command: bytes) -> bytes | None:
        text = command.decode("latin-1").removesuffix("\r")
        reply = self.extended(text)
        if reply is None:
            if self.nak is not None:
                return self.nak.encode("latin-1")
            return command
        return reply if isinstance(reply, bytes) else reply.encode("latin-1")

    def extended(self, text: str) -> str | bytes | None:
        """A reply, ``""`` for a silently accepted command, None for an unknown one."""
        handler = self.queries.get(text)
        if handler is not None:
            return handler(text)
        if not self.megatec:
            return None
        reply = self.answer(text)
        if reply == "" and self.ack is not None:
            return self.ack
        return reply
