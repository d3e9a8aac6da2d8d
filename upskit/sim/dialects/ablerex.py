"""Simulated Ablerex unit: Megatec ``Q1``/``F``/``I`` plus binary ``Q5`` and ``At``
and a ``TR`` test result; ``S.2`` turns the load off."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.physics import UpsPhysics


def _word(value: int, size: int = 2) -> bytes:
    """Big-endian bytes avoiding CR, which would end the reply early."""
    value = max(0, value)
    while 0x0D in value.to_bytes(size, "big"):
        value += 1
    return value.to_bytes(size, "big")


def q5_reply(ups: UpsPhysics) -> bytes:
    """``(`` Fout*10, 4 spare, Vb, Vbc, inverter W, error, Iout*10, 4 spare, CR."""
    r = read(ups)
    scale = 1200 / ups.battery_nominal
    amps = r.load / 100 * ups.nominal_current
    return (b"(" + _word(round(r.freq * 10 if r.freq else ups.nominal_frequency * 10))
            + b"\x00" * 4 + _word(round(r.battery * scale)) + _word(960)
            + _word(round(r.load * 10)) + _word(1 if r.failed else 0) + _word(round(amps * 10))
            + b"\x00" * 4 + b"\r")


def at_reply(ups: UpsPhysics) -> bytes:
    """``(`` + 32-bit runtime in seconds + CR."""
    return b"(" + _word(round(read(ups).runtime), 4) + b"\r"


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(ups, {
        "Q5": lambda _: q5_reply(ups),
        "At": lambda _: at_reply(ups),
        "TR": lambda _: "#PASS\r",
    })
