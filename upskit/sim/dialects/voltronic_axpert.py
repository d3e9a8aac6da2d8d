"""Simulated Voltronic Axpert inverter: CRC-framed ``QPI``, ``QVFW``, ``QID``,
``QPIRI``, ``QPIGS`` and ``QMOD``; anything else gets ``(NAK``."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import read
from upskit.sim.physics import UpsPhysics
from upskit.transport.codecs import crc16


class AxpertResponder:
    """Checks and strips the command CRC (a command without one is read as is)."""

    def __init__(self, ups: UpsPhysics) -> None:
        self.ups = ups

    def respond(self, command: bytes) -> bytes | None:
        body = command.removesuffix(b"\r")
        if len(body) > 2 and crc16(body[:-2]) == body[-2:]:
            body = body[:-2]
        reply = self.answer(body.decode("latin-1"))
        raw = reply.encode("latin-1")
        return raw + crc16(raw) + b"\r"

    def answer(self, text: str) -> str:
        ups = self.ups
        if text == "QPI":
            return "(PI30"
        if text == "QVFW":
            return "(VERFW:00074.50"
        if text == "QID":
            return "(12345679012345"
        if text == "QPIRI":
            return (f"({ups.nominal_voltage:05.1f} 21.7 {ups.nominal_voltage:05.1f} "
                    f"{ups.nominal_frequency:04.1f} 21.7 5000 4000 {ups.battery_nominal:04.1f} "
                    "46.0 42.0 56.4 54.0 0 10 010 1 0 0 6 01 0 0 54.0 0 1")
        if text == "QPIGS":
            r = read(ups)
            va = r.load / 100 * 5000
            charging = r.charge < 1.0 and not r.on_battery
            bits = f"0001{'1' if charging else '0'}{'1' if charging else '0'}01"
            return (f"({r.vin:05.1f} {r.freq:04.1f} {r.vout:05.1f} {ups.nominal_frequency:04.1f} "
                    f"{round(va):04d} {round(va * 0.8):04d} {min(999, round(r.load)):03d} 460 "
                    f"{r.battery:05.2f} {10 if charging else 0:03d} {round(r.charge * 100):03d} "
                    f"{round(r.temperature):04d} 0000 000.0 00.00 "
                    f"{round(va / max(r.battery, 1)) if r.on_battery else 0:05d} {bits} 00 00 "
                    "00000 010")
        if text == "QMOD":
            r = read(ups)
            if r.shutdown_pending:
                return "(D"
            if not r.output_on:
                return "(S"
            return "(B" if r.on_battery else "(L"
        return "(NAK"


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> AxpertResponder:
    ups.battery_nominal = 48.0
    return AxpertResponder(ups)
