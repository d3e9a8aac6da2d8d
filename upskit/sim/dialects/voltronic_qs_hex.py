"""Simulated Voltronic-QS-Hex unit: ``M`` -> ``P`` (or ``T`` with ``?protocol=T``)
and a binary ``QS`` rendered from the model, escapes included."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.physics import UpsPhysics

#: Bytes that travel escaped as ``(`` + code.
_ESCAPES = {0x0D: 0x00, 0x11: 0x01, 0x13: 0x02, 0x0A: 0x03, 0x20: 0x04}
_VOLT_FACTOR = 0x35
_FREQ_DIVISOR = 0x519A
_BATT_FACTOR = 0x50


def _token(value: int, size: int) -> bytes:
    out = bytearray()
    for byte in value.to_bytes(size, "big"):
        out += bytes((0x28, _ESCAPES[byte])) if byte in _ESCAPES else bytes((byte,))
    return bytes(out)


def qs_reply(ups: UpsPhysics, t_protocol: bool) -> bytes:
    """``#`` + voltages, load, frequency, battery, status byte (+ ratings byte) + CR."""
    r = read(ups)

    def volts(v: float) -> bytes:
        return _token(min(0xFFFF, round(v * 256 * 51 / _VOLT_FACTOR)), 2) + b" " + _token(
            _VOLT_FACTOR, 1)

    tokens = [
        volts(r.vin), volts(r.vout), _token(min(255, round(r.load)), 1),
        _token(_FREQ_DIVISOR, 2) + b" " + _token(round(r.freq * _FREQ_DIVISOR), 3),
        _token(min(255, round(r.battery * 510 / _BATT_FACTOR)), 1) + b" "
        + _token(_BATT_FACTOR, 1),
        _token(int(r.bits, 2), 1),
    ]
    if t_protocol:
        tokens.append(_token(0b00100011, 1))  # 50 Hz, 24 V battery, 230 V output
    return b"#" + b" ".join(tokens) + b"\r"


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    t_protocol = options.get("protocol", "P").upper() == "T"
    return ExtendedResponder(ups, {
        "M": lambda _: ("T" if t_protocol else "P") + "\r",
        "QS": lambda _: qs_reply(ups, t_protocol),
    }, status=(), vendor=None, ratings=False, nak="N\r")
