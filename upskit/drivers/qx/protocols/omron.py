"""Omron: the Q1 protocol as OMRON units speak it (USB vendor 0590), with their
own extension queries and shutdown commands.

* ``Q1`` without the bypass/boost bit and without the beeper bit (OMRON units
  report them differently);
* ``Bl ?`` charge, ``RTS`` runtime (minutes), ``TPb`` battery temperature,
  ``Lf ?`` output frequency, ``PSNR`` serial, ``FWV`` firmware
  (``M:0.17(S:2.00)``), ``BRR`` battery date (``YYYYMMDD``), ``UN`` ratings
  (``1125W/1125VA/048V/160W/020W``);
* ``S.n``/``Snn`` (return) and ``Sf.n``/``Sfnn`` (stay off), ``C`` to cancel;
  commands are acknowledged with a reply starting ``OK``.

Claim: only a device whose ``ups.vendorid`` is 0590 (or with ``protocol =
omron``), and then ``Q1``.
"""

from __future__ import annotations

import datetime
import re

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import STATIC, TRIM, Item, Query, QxContext, cmd
from upskit.drivers.qx.protocols import megatec as m

VENDOR_ID = "0590"
_UN = re.compile(r"(\d{4})W/(\d{4})VA/(\d{3})V/(\d{3})W/(\d{3})W")
_FWV = re.compile(r"M:(\d+(?:\.\d+)?)\(S:(\d+(?:\.\d+)?)\) *")


def _digits(value: str, allowed: str = "0123456789") -> str:
    text = value.strip("\r")
    if not text or not set(text) <= set(allowed):
        raise ValueError(f"unexpected characters in {value!r}")
    return text


def charge(ctx: QxContext, item: Item, value: str) -> str:
    """``Bl ?``: whole percent 0..100."""
    percent = float(_digits(value))
    if percent > 100:
        raise ValueError(f"charge {percent} out of range")
    return f"{percent:.1f}"


def runtime(ctx: QxContext, item: Item, value: str) -> str:
    """``RTS``: minutes -> seconds."""
    return str(int(_digits(value)) * 60)


def signed(ctx: QxContext, item: Item, value: str) -> str:
    """``TPb``: a signed decimal (``+22.5``)."""
    text = _digits(value, "0123456789.+-")
    return f"{float(text):.1f}"


def frequency(ctx: QxContext, item: Item, value: str) -> str:
    """``Lf ?``: digits and a dot."""
    return f"{float(_digits(value, '0123456789.')):.1f}"


def serial(ctx: QxContext, item: Item, value: str) -> str:
    """``PSNR``: anything but a refusal."""
    if value.upper().startswith("NAK") or not value.strip():
        raise ValueError("serial number query refused")
    return value.strip()


def firmware(ctx: QxContext, item: Item, value: str) -> str:
    """``FWV``: main version; the secondary one goes to ``ups.firmware.aux``."""
    match = _FWV.fullmatch(value)
    if match is None:
        raise ValueError(f"unexpected firmware reply {value!r}")
    ctx.set("ups.firmware.aux", f"{float(match[2]):.2f}")
    return f"{float(match[1]):.2f}"


def battery_date(ctx: QxContext, item: Item, value: str) -> str:
    """``BRR``: ``YYYYMMDD`` -> ISO date (must be a real date)."""
    text = _digits(value)
    if len(text) != 8:
        raise ValueError(f"{value!r} is not YYYYMMDD")
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()


def ratings(ctx: QxContext, item: Item, value: str) -> str:
    """``UN``: the whole reply must match its template; one field per variable."""
    match = _UN.fullmatch(ctx.reply.split("\r", 1)[0])
    if match is None:
        raise ValueError(f"unexpected UN reply {ctx.reply!r}")
    index = {"ups.realpower.nominal": 1, "ups.power.nominal": 2,
             "battery.voltage.nominal": 3}[item.name]
    return str(int(match[index]))


def acknowledged(ctx: QxContext, item: Item, raw: bytes) -> bytes:
    """A command reply starting ``OK`` is the acknowledgement, whatever follows."""
    return b"OK\r" if raw.startswith(b"OK") else raw


def _offdelay(ctx: QxContext) -> str:
    return h.offdelay_code(int(float(ctx.get("ups.delay.shutdown") or h.DEFAULT_OFFDELAY)))


def shutdown_return(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S.n`` / ``Snn``: power down after the delay, back on when mains returns."""
    return f"S{_offdelay(ctx)}"


def shutdown_stayoff(ctx: QxContext, item: Item, param: str | None) -> str:
    """``Sf.n`` / ``Sfnn``: power down after the delay and stay off."""
    return f"Sf{_offdelay(ctx)}"


Q1_ROWS = tuple(r for r in m.status_rows("Q1")
                if not (r.is_status and r.start == 40) and r.name != "ups.beeper.status")
EXT_ROWS = (
    Query("Bl ?", 4).item("battery.charge", 0, 0, convert=charge),
    Query("RTS", 4).item("battery.runtime", 0, 0, convert=runtime),
    Query("TPb", 5).item("battery.temperature", 0, 0, convert=signed),
    Query("Lf ?", 4).item("output.frequency", 0, 0, convert=frequency),
    Query("PSNR", 17).item("ups.serial", 0, 0, flags=STATIC | TRIM, convert=serial),
    Query("FWV", 15).item("ups.firmware", 0, 0, flags=STATIC, convert=firmware),
    Query("BRR", 9).item("battery.date", 0, 0, flags=STATIC, convert=battery_date),
    *(Query("UN", 27).item(name, 0, 0, flags=STATIC, convert=ratings)
      for name in ("ups.realpower.nominal", "ups.power.nominal", "battery.voltage.nominal")),
)
COMMAND_ROWS = (
    cmd("shutdown.return", "S", shutdown_return, decode=acknowledged),
    cmd("shutdown.stayoff", "Sf", shutdown_stayoff, decode=acknowledged),
    cmd("shutdown.stop", "C", decode=acknowledged),
)


async def claim(probe: Prober) -> bool:
    """OMRON's USB vendor id (unless the protocol is forced), then ``Q1``."""
    if not probe.option("protocol"):
        vendor = probe.device_value("ups.vendorid")
        if vendor is None or vendor.lower() != VENDOR_ID:
            return False
    return await probe.item("input.voltage") is not None


DIALECT = Dialect(
    name="omron",
    version="0.01",
    title="Omron",
    position=1,
    items=Q1_ROWS + EXT_ROWS + COMMAND_ROWS + m.DELAY_ROWS,
    claim=Claim(check=claim),
    accepted="OK",
    rejected="NAK\r",
)
