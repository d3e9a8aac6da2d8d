"""Masterguard A / E series.

* ``WH`` (113 bytes): slave address (``ups.id``), firmware, series and model
  (``A  700  ...-19``), nominal input, battery cells and cell voltage, limits;
* ``Q3`` (71 bytes): ``(XX MMM.M NNN.N PPP.P QQQ RR.R SS.SS TT.T ttt.tt CCC
  BBBBBBBB TTTTTTTT`` - battery voltage per cell, runtime ``mmm.ss``, two status
  bytes (B7 utility fail .. B1 shutdown; T6 parallel problem, T4 replace battery,
  T3 no battery, T2..T0 test result);
* ``GS,XX`` packs and beeper, ``GBS,XX`` charge, ``GSN,XX`` part and serial,
  ``DRC,XX`` running time, ``MSO`` selectable output voltages, ``PNV`` nominal
  output voltage.  ``,XX`` carries the unit's slave address.

Claim: ``WH`` (series A or E, known model, slave address) and ``MSO`` must
answer; with ``slave_addr`` (or ``slave_address``) in ups.conf the unit's
address must match.  Commands are answered with nothing.
"""

from __future__ import annotations

import re

from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import (
    ABSENT,
    NONUT,
    QUICK_POLL,
    RANGE,
    SEMI_STATIC,
    SETVAR,
    STATIC,
    TRIM,
    Build,
    Convert,
    Item,
    Query,
    QxContext,
    cmd,
)
from upskit.drivers.qx.protocols import _shared as s
from upskit.model import VarFlag
from upskit.model.mapping import Lookup

#: Model prefix in ``WH`` -> (name, power VA, max packs standalone, max packs rack).
_MODELS = {"A  700": ("A700", 700, 0, 0), "A 1000": ("A1000", 1000, 2, 2),
           "A 2000": ("A2000", 2000, 2, 5), "A 3000": ("A3000", 3000, 2, 5),
           "E 60": ("E60", 6000, 1, 1), "E100": ("E100", 10000, 1, 1),
           "E200": ("E200", 20000, 1, 1)}
_TESTS = Lookup({"000": "no test in progress", "001": "in progress", "010": "OK",
                 "011": "failed", "100": "not possible", "101": "aborted",
                 "110": "autonomy time calibration in progress", "111": "unknown"},
                name="test result")
#: Per running unit (keyed by its hook context): battery cells from ``WH``, for the
#: ``Q3`` battery voltage, and the output voltages ``MSO`` offers, for ``PNV=``.
_CELLS: dict[int, int] = {}
_VOLTAGES: dict[int, tuple[str, ...]] = {}


def _model(value: str) -> tuple[str, int]:
    for prefix, (name, power, _low, _high) in _MODELS.items():
        if value.startswith(prefix):
            return name + ("-19" if "-19" in value else ""), power
    raise ValueError(f"unknown model {value!r}")


def slave_address(ctx: QxContext, item: Item, value: str) -> str:
    """Two-digit slave address."""
    if len(value) != 2 or not value.isdigit():
        raise ValueError(f"slave address {value!r} is not two digits")
    return value


def series(ctx: QxContext, item: Item, value: str) -> str:
    """Series letter, A or E."""
    if value not in ("A", "E"):
        raise ValueError(f"unknown series {value!r}")
    return value


def model(ctx: QxContext, item: Item, value: str) -> str:
    """Readable model name (``A700-19`` for a rack unit)."""
    return _model(value)[0]


def power(ctx: QxContext, item: Item, value: str) -> str:
    """Nominal power in VA, from the model."""
    return str(_model(value)[1])


def cells(ctx: QxContext, item: Item, value: str) -> str:
    """Battery cells in series (kept for the battery voltage)."""
    count = int(s.number(value))
    _CELLS[id(ctx)] = count
    return str(count)


def battery_volts(ctx: QxContext, item: Item, value: str) -> str:
    """Cell voltage times the number of cells."""
    count = _CELLS.get(id(ctx))
    if not count:
        raise ValueError("number of battery cells unknown")
    return f"{count * s.number(value):.2f}"


def mmm_ss(ctx: QxContext, item: Item, value: str) -> str:
    """``mmm.ss`` -> seconds."""
    match = re.fullmatch(r"(\d+)\.(\d+)", value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not mmm.ss")
    return str(int(match[1]) * 60 + int(match[2]))


def running_time(ctx: QxContext, item: Item, value: str) -> str:
    """``TTTT:hh:mm:ss`` -> seconds."""
    match = re.fullmatch(r"(\d+):(\d+):(\d+):(\d+)", value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not TTTT:hh:mm:ss")
    days, hours, minutes, seconds = (int(g) for g in match.groups())
    return str(days * 86400 + hours * 3600 + minutes * 60 + seconds)


def _power(ctx: QxContext) -> float:
    return float(ctx.get("ups.power.nominal") or "")


def ups_power(ctx: QxContext, item: Item, value: str) -> str:
    """Apparent power from load % and the model's nominal power."""
    return f"{s.number(value) / 100 * _power(ctx) + 0.5:.0f}"


def output_current(ctx: QxContext, item: Item, value: str) -> str:
    """Current from load %, nominal power and output voltage."""
    volts = float(ctx.reply[16:21])
    if volts <= 0:
        raise ValueError("no output voltage")
    return f"{s.number(value) / 100 * _power(ctx) / volts + 0.005:.2f}"


def nominal_current(ctx: QxContext, item: Item, value: str) -> str:
    """Nominal output current: nominal power over the present output voltage."""
    volts = float(ctx.get("output.voltage") or "0")
    if volts <= 0:
        raise ValueError("no output voltage")
    return f"{_power(ctx) / volts + 0.005:.2f}"


def flag(word: str, inverted: bool = False) -> Convert:
    """A status bit -> ``word`` / ``!word`` (``inverted``: 1 clears it)."""

    def convert(ctx: QxContext, item: Item, value: str) -> str:
        on = s.bit(value) != inverted
        return word if on else "!" + word

    return convert


def alarm(text: str) -> Convert:
    """A status bit -> an alarm text when set."""

    def convert(ctx: QxContext, item: Item, value: str) -> str:
        return text if s.bit(value) else ""

    return convert


def ups_type(ctx: QxContext, item: Item, value: str) -> str:
    """B3: 1 offline, 0 online."""
    return "offline" if s.bit(value) else "online"


def test_result(ctx: QxContext, item: Item, value: str) -> str:
    """T2..T0: test status."""
    return _TESTS.word(value)


def beeper(ctx: QxContext, item: Item, value: str) -> str:
    """``GS`` beeper flag."""
    return "enabled" if s.bit(value) else "disabled"


def with_address(template: str) -> Build:
    """A build hook filling ``{a}`` with the unit's slave address and ``{v}`` with a value."""

    def build(ctx: QxContext, item: Item, param: str | None) -> str:
        address = ctx.get("ups.id")
        if address is None or len(address) != 2:
            raise ValueError("slave address unknown")
        value = param if param is not None else ""
        if "{v}" in template and not value.strip().isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        return template.format(a=address, v=int(value) if value.strip().isdigit() else 0)

    return build


def set_running_time(ctx: QxContext, item: Item, param: str | None) -> str:
    """``SRC TTTT:hh:mm:ss`` from seconds."""
    if param is None or not param.isdigit():
        raise ValueError("running time must be whole seconds")
    total = int(param)
    days, rest = divmod(total, 86400)
    if days > 9999:
        raise ValueError("running time too large")
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return with_address(f"SRC{days:04d}:{hours:02d}:{minutes:02d}:{seconds:02d},{{a}}")(
        ctx, item, None)


def set_output_voltage(ctx: QxContext, item: Item, param: str | None) -> str:
    """``PNV=nnn``: one of the voltages ``MSO`` offers."""
    if param is None or not param.isdigit():
        raise ValueError("nominal output voltage must be whole volts")
    offered = _VOLTAGES.get(id(ctx), ())
    if offered and str(int(param)) not in offered:
        raise ValueError(f"{param} V is not one of {' '.join(offered)}")
    return f"PNV={int(param):03d}"


def output_voltages(ctx: QxContext, item: Item, value: str) -> str:
    """``MSO``: the selectable nominal output voltages."""
    volts = value.split()
    if not volts or not all(v.isdigit() for v in volts):
        raise ValueError(f"unexpected output voltage list {value!r}")
    _VOLTAGES[id(ctx)] = tuple(str(int(v)) for v in volts)
    return " ".join(volts)


def _off_code(ctx: QxContext) -> str:
    seconds = int(float(ctx.get("ups.delay.shutdown") or "30"))
    if not 0 <= seconds <= 5940:
        raise ValueError(f"shutdown delay {seconds} out of range")
    return s.offdelay_code(seconds)


def shutdown_return(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>R<mmmm>``: restart delay in minutes."""
    minutes = int(float(ctx.get("ups.delay.start") or "180")) // 60
    return f"S{_off_code(ctx)}R{min(minutes, 9999):04d}"


def shutdown_stayoff(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>``: stay off."""
    return f"S{_off_code(ctx)}"


def test_battery(ctx: QxContext, item: Item, param: str | None) -> str:
    """10 s -> ``T``; 60..5940 s -> ``Tnn`` (minutes)."""
    text = (param or "").strip()
    if not text.isdigit():
        raise ValueError("test duration missing")
    seconds = int(text)
    if seconds == 10:
        return "T"
    if not 60 <= seconds <= 5940:
        raise ValueError(f"test duration {seconds} s is neither 10 nor 60..5940")
    return f"T{seconds // 60:02d}"


FIXED_ROWS = (
    Item("device.mfr", flags=STATIC | ABSENT, default="Masterguard"),
    Item("load.high", flags=STATIC | ABSENT, default="140"),
    Item("battery.type", flags=STATIC | ABSENT, default="PbAc"),
)
WH = Query("WH", 113, "(")
WH_ROWS = (
    WH.item("ups.id", 1, 2, flags=SEMI_STATIC | RANGE, st=VarFlag.RW, ranges=((0, 99),),
            convert=slave_address),
    WH.item("ups.firmware", 4, 8, flags=STATIC),
    WH.item("ups.firmware.aux", 10, 14, flags=STATIC),
    WH.item("experimental.series", 16, 16, flags=STATIC | NONUT, convert=series),
    WH.item("device.model", 16, 45, flags=STATIC, convert=model),
    WH.item("ups.power.nominal", 16, 45, flags=STATIC, convert=power),
    WH.item("input.voltage.nominal", 49, 51, "%.0f", STATIC),
    WH.item("input.frequency.nominal", 53, 57, "%.2f", STATIC),
    WH.item("experimental.number_of_battery_cells", 59, 61, flags=STATIC | NONUT,
            convert=cells),
    WH.item("battery.voltage.nominal", 63, 67, flags=STATIC, convert=battery_volts),
    WH.item("ambient.0.temperature.low", 87, 88, "%.0f", STATIC),
    WH.item("ambient.0.temperature.high", 90, 91, "%.0f", STATIC),
    WH.item("input.voltage.low.critical", 93, 95, "%.0f", STATIC),
    WH.item("input.voltage.high.critical", 97, 99, "%.0f", STATIC),
    WH.item("input.frequency.low", 101, 105, "%.2f", STATIC),
    WH.item("input.frequency.high", 107, 111, "%.2f", STATIC),
)
Q3 = Query("Q3", 71, "(")
Q3_ROWS = (
    Q3.item("input.voltage", 4, 8, "%.1f"),
    Q3.item("output.voltage", 16, 20, "%.1f"),
    Q3.item("ups.load", 22, 24, "%.0f"),
    Q3.item("ups.power", 22, 24, convert=ups_power),
    Q3.item("output.current", 22, 24, convert=output_current),
    Q3.item("input.frequency", 26, 29, "%.1f"),
    Q3.item("battery.voltage", 31, 35, convert=battery_volts),
    Q3.item("ups.temperature", 37, 40, "%.1f"),
    Q3.item("ambient.0.temperature", 37, 40, "%.1f"),
    Q3.item("battery.runtime", 42, 47, convert=mmm_ss),
    Q3.item("battery.charge", 49, 51, "%.0f"),
    Q3.item("ups.status", 53, 53, flags=QUICK_POLL, convert=flag("OL", inverted=True)),
    Q3.item("ups.status", 54, 54, flags=QUICK_POLL, convert=flag("LB")),
    Q3.item("ups.status", 55, 55, flags=QUICK_POLL, convert=flag("BYPASS")),
    Q3.item("ups.alarm", 56, 56, convert=alarm("UPS Failed")),
    Q3.item("ups.type", 57, 57, flags=STATIC, convert=ups_type),
    Q3.item("ups.status", 58, 58, flags=QUICK_POLL, convert=flag("CAL")),
    Q3.item("ups.status", 59, 59, flags=QUICK_POLL, convert=flag("FSD")),
    Q3.item("ups.alarm", 63, 63, convert=alarm("problems in parallel operation mode")),
    Q3.item("ups.status", 65, 65, flags=QUICK_POLL, convert=flag("RB")),
    Q3.item("ups.alarm", 66, 66, convert=alarm("no battery connected")),
    Q3.item("ups.test.result", 67, 69, convert=test_result),
)
GS = Query("GS,{a}", 11, "(")
DEVICE_ROWS = (
    GS.item("battery.packs", 7, 7, "%.0f", SEMI_STATIC | RANGE, st=VarFlag.RW,
            ranges=((0, 9),), build=with_address("GS,{a}")),
    GS.item("ups.beeper.status", 9, 9, flags=SEMI_STATIC, convert=beeper,
            build=with_address("GS,{a}")),
    Query("GBS,{a}", 43, "(").item("battery.charge", 4, 6, "%.0f",
                                   build=with_address("GBS,{a}")),
    Query("GSN,{a}", 25, "(").item("device.part", 8, 18, flags=STATIC | TRIM,
                                   build=with_address("GSN,{a}")),
    Query("GSN,{a}", 25, "(").item("device.serial", 20, 23, flags=STATIC,
                                   build=with_address("GSN,{a}")),
    Query("DRC,{a}", 17, "(").item("device.uptime", 4, 16, flags=SEMI_STATIC, st=VarFlag.RW,
                                   convert=running_time, build=with_address("DRC,{a}")),
    Query("MSO", 5, "(").item("experimental.output_voltages", 1, 0, flags=STATIC | NONUT,
                              convert=output_voltages),
    Query("PNV", 8, "(").item("output.voltage.nominal", 5, 7, "%.0f", SEMI_STATIC,
                              st=VarFlag.RW),
    Query("PNV", 8, "(").item("output.current.nominal", 5, 7, flags=SEMI_STATIC,
                              convert=nominal_current),
)
SETVAR_ROWS = (
    Item("ups.id", "SS", flags=SETVAR | RANGE, ranges=((0, 99),),
         build=with_address("SS{v:02d}--,{a}")),
    Item("battery.packs", "SS", flags=SETVAR | RANGE, ranges=((0, 9),),
         build=with_address("SS--{v:1d}-,{a}")),
    Item("device.uptime", "SRC", flags=SETVAR, build=set_running_time),
    Item("output.voltage.nominal", "PNV", flags=SETVAR, build=set_output_voltage),
)
COMMAND_ROWS = (
    cmd("shutdown.return", "S", shutdown_return),
    cmd("shutdown.stayoff", "S", shutdown_stayoff),
    cmd("shutdown.stop", "C"),
    cmd("test.battery.start", "T", test_battery),
    cmd("test.battery.start.quick", "T"),
    cmd("test.battery.start.deep", "TUD"),
    cmd("test.battery.stop", "CT"),
    cmd("bypass.start", "FOFF"),
    cmd("bypass.stop", "FON"),
    cmd("beeper.enable", "SS", with_address("SS---1,{a}")),
    cmd("beeper.disable", "SS", with_address("SS---0,{a}")),
)


async def claim(probe: Prober) -> bool:
    """``WH`` series, model, power and address, ``MSO``; optional address match."""
    for name in ("experimental.series", "device.model", "ups.power.nominal", "ups.id",
                 "experimental.output_voltages"):
        if await probe.item(name) is None:
            return False
    wanted = probe.option("slave_addr") or probe.option("slave_address")
    if wanted is None:
        return True
    if not wanted.strip().isdigit() or not 0 <= int(wanted) <= 99:
        return False
    return await probe.item("ups.id") == f"{int(wanted):02d}"


DIALECT = Dialect(
    name="masterguard",
    version="0.05",
    title="Masterguard",
    position=12,
    items=(FIXED_ROWS + WH_ROWS + Q3_ROWS + DEVICE_ROWS + SETVAR_ROWS + COMMAND_ROWS
           + s.delay_rows(on_range=(0, 599940), off_range=(0, 5940))),
    claim=Claim(check=claim),
    options=("slave_addr", "slave_address"),
)
