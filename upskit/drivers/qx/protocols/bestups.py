"""BestUPS (Best Power / Sola Australia): Megatec ``Q1`` plus ``ID`` (model, VA,
nominal voltages, battery limits), ``RT`` (runtime), ``BP?``/``BPn`` (battery
packs), ``SS?``/``SSn`` (DB9 pin shutdown mode) and ``M`` (voltage setting).

Claim: ``Q1`` then ``ID``.  Commands are answered with nothing; there is no
beeper command and ``shutdown.stayoff`` is a plain ``S<n>``.  Delay ranges:
ondelay 60..599940 s, offdelay 12..5940 s.  ``pins_shutdown_mode = 0..6`` in
ups.conf is written to the unit at start-up.
"""

from __future__ import annotations

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.items import (
    NONUT,
    QUICK_POLL,
    RANGE,
    SEMI_STATIC,
    SETVAR,
    STATIC,
    Convert,
    Item,
    Query,
    QxContext,
    cmd,
)
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m
from upskit.model import VarFlag

_BEST = {"AX1": "Axxium Rackmount", "FOR": "Fortress", "FTC": "Fortress Telecom",
         "PR2": "Patriot Pro II", "PRO": "Patriot Pro"}
_SOLA = ("320", "325", "520", "525", "620")
#: Models whose bypass/boost/buck bit reads inverted.
_INVERTED = ("PR2", "PRO")
#: M setting -> (low, boost, nominal, buck, high) volts; U models, then E models.
_SETTINGS = (
    (96, 109, 120, 130, 146), (96, 109, 120, 138, 156), (90, 104, 120, 130, 146),
    (90, 104, 120, 138, 156), (90, 104, 110, 120, 130), (90, 104, 110, 130, 146),
    (90, 96, 110, 120, 130), (90, 96, 110, 130, 146), (96, 109, 128, 146, 156),
    (90, 104, 128, 146, 156),
    (200, 222, 240, 250, 284), (200, 222, 240, 264, 290), (188, 210, 240, 250, 284),
    (188, 210, 240, 264, 290), (188, 210, 230, 244, 270), (188, 210, 230, 250, 284),
    (180, 200, 230, 244, 270), (180, 200, 230, 250, 284), (165, 188, 208, 222, 244),
    (165, 188, 208, 244, 270),
)
_SETTING_FIELD = {"input.transfer.low": 0, "input.transfer.boost.low": 0,
                  "input.transfer.boost.high": 1, "input.voltage.nominal": 2,
                  "output.voltage.nominal": 2, "input.transfer.trim.low": 3,
                  "input.transfer.trim.high": 4, "input.transfer.high": 4}


def id_fields(reply: str) -> list[str]:
    """The six comma-separated ``ID`` fields (25..27 characters before the CR)."""
    line = reply.split("\r", 1)[0]
    fields = line.split(",")
    if not 25 <= len(line) <= 27 or len(fields) != 6:
        raise ValueError(f"ID reply {line!r} is not model,VA,in,out,low,high")
    return [f.strip() for f in fields]


def id_field(index: int, fmt: str) -> Convert:
    """One numeric ``ID`` field."""

    def convert(ctx: QxContext, item: Item, value: str) -> str:
        return fmt % s.number(id_fields(ctx.reply)[index])

    return convert


def manufacturer(ctx: QxContext, item: Item, value: str) -> str:
    """Best Power or Sola Australia, from the model code."""
    code = id_fields(ctx.reply)[0]
    if code in _BEST:
        return "Best Power"
    return "Sola Australia" if code in _SOLA else "Unknown"


def model(ctx: QxContext, item: Item, value: str) -> str:
    """The model name from its three-character code."""
    code = id_fields(ctx.reply)[0]
    if code in _BEST:
        return _BEST[code]
    return f"Sola {code}" if code in _SOLA else f"Unknown ({code})"


def avr_bit(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 5, ignored off line, while testing or shutting down; inverted on Patriot Pros."""
    reply = ctx.reply
    active = s.bit(value)
    if reply[38:39] == "1" or reply[43:44] == "1" or reply[44:45] == "1":
        active = False
    elif (ctx.get("device.model") or "") in ("Patriot Pro", "Patriot Pro II"):
        active = not active
    return h.bypass_boost_trim(ctx, item, "1" if active else "0")


def voltage_setting(ctx: QxContext, item: Item, value: str) -> str:
    """Transfer points and nominal voltage from the ``M`` setting (0..9)."""
    if not value.isdigit() or int(value) > 9:
        raise ValueError(f"voltage setting {value!r} is not 0..9")
    nominal = ctx.get("input.voltage.nominal") or ctx.get("output.voltage.nominal")
    if nominal is None:
        raise ValueError("nominal voltage unknown")
    row = _SETTINGS[int(value) + (10 if float(nominal) > 160 else 0)]
    return str(row[_SETTING_FIELD[item.name]])


def packs(ctx: QxContext, item: Item, value: str) -> str:
    """``BP?``: number of battery packs (Axxium / Sola 620 only)."""
    if ctx.get("device.model") not in ("Axxium Rackmount", "Sola 620"):
        raise ValueError("this model has no battery pack setting")
    if not value.strip().isdigit():
        raise ValueError(f"{value!r} is not a pack count")
    return str(int(value))


def set_packs(ctx: QxContext, item: Item, value: str | None) -> str:
    """``BPn``: only offered when the unit reported its packs."""
    if ctx.get("battery.packs") is None or value is None or not value.isdigit():
        raise ValueError("battery packs cannot be set on this unit")
    return f"BP{int(value)}"


def runtime(ctx: QxContext, item: Item, value: str) -> str:
    """``RT``: minutes of runtime (not on Patriot Pro / Sola 320)."""
    if ctx.get("device.model") in ("Patriot Pro", "Sola 320"):
        raise ValueError("this model reports no runtime")
    return s.minutes_to_seconds(ctx, item, value)


def pins_mode_read(ctx: QxContext, item: Item, value: str) -> str:
    """``SS?``: the current pin shutdown mode."""
    if not value.isdigit():
        raise ValueError(f"{value!r} is not a pin shutdown mode")
    return value


def pins_mode_write(ctx: QxContext, item: Item, param: str | None) -> str:
    """``SSn`` from the ``pins_shutdown_mode`` option (nothing sent without it)."""
    wanted = ctx.option("pins_shutdown_mode")
    if wanted is None:
        raise ValueError("pins_shutdown_mode not configured")
    if not wanted.strip().isdigit() or not 0 <= int(wanted) <= 6:
        raise ValueError(f"pins_shutdown_mode {wanted!r} is not 0..6")
    return f"SS{int(wanted)}"


def accepted_silently(ctx: QxContext, item: Item, value: str) -> str:
    """The unit answers a setting command with nothing; anything else is a refusal."""
    raise ValueError(f"unexpected reply {value!r}")


def shutdown_stayoff(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>``: these units stay off after a plain timed shutdown."""
    return f"S{h.offdelay_code(int(float(ctx.get('ups.delay.shutdown') or '30')))}"


Q1 = Query("Q1", 47, "(")
_Q1 = m.status_rows("Q1")
#: No beeper control; ``shutdown.stayoff`` is the plain ``S<n>``.
COMMAND_ROWS = tuple(cmd("shutdown.stayoff", "S", shutdown_stayoff)
                     if r.name == "shutdown.stayoff" else r
                     for r in m.COMMAND_ROWS if r.name != "beeper.toggle")
STATUS_ROWS = (
    *(r for r in _Q1 if not r.is_status and r.name != "ups.beeper.status"),
    *(r for r in _Q1 if r.is_status and r.start != 40),
    Q1.item("ups.status", 40, 40, flags=QUICK_POLL, convert=avr_bit),
)
ID = Query("ID", 26)
ID_ROWS = (
    ID.item("device.mfr", 0, 0, flags=STATIC, convert=manufacturer),
    ID.item("device.model", 0, 0, flags=STATIC, convert=model),
    ID.item("ups.power.nominal", 0, 0, flags=STATIC, convert=id_field(1, "%.0f")),
    ID.item("input.voltage.nominal", 0, 0, flags=STATIC, convert=id_field(2, "%.0f")),
    ID.item("output.voltage.nominal", 0, 0, flags=STATIC, convert=id_field(3, "%.0f")),
    ID.item("battery.voltage.low", 0, 0, flags=SEMI_STATIC, convert=id_field(4, "%.1f")),
    ID.item("battery.voltage.high", 0, 0, flags=SEMI_STATIC, convert=id_field(5, "%.1f")),
)
M = Query("M", 2)
EXTRA_ROWS = (
    Query("RT", 4).item("battery.runtime", 0, 2, convert=runtime),
    Query("BP?", 3).item("battery.packs", 0, 1, flags=SEMI_STATIC | RANGE, st=VarFlag.RW,
                         ranges=((0, 5),), convert=packs),
    Item("battery.packs", "BP", flags=SETVAR | RANGE, ranges=((0, 5),), build=set_packs),
    Query("SS?", 2).item("pins_shutdown_mode", 0, 0, flags=STATIC | NONUT,
                         convert=pins_mode_read),
    Item("pins_shutdown_mode", "SS", flags=STATIC | NONUT, build=pins_mode_write,
         convert=accepted_silently),
    *(M.item(name, 0, 0, convert=voltage_setting) for name in _SETTING_FIELD),
)


DIALECT = Dialect(
    name="bestups",
    version="0.08",
    title="BestUPS",
    position=8,
    items=(STATUS_ROWS + ID_ROWS + EXTRA_ROWS + COMMAND_ROWS
           + s.delay_rows(on_range=(60, 599940), off_range=(12, 5940))),
    claim=Claim(("input.voltage", "device.model")),
    options=("pins_shutdown_mode",),
)
