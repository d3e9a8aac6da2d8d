"""``sim://contact/<upstype>``: a simulated contact-closure UPS on a port with modem lines.

The UPS side of NUT's genericups cables, driven by the physics model: with its cable
powered (the PC raising the type's cable-power lines) it drives the on-line line while
mains is present, the low-battery line when the charge is low, and on type 23 the
replace-battery and bypass lines; it cuts the load when the PC sets the type's
shutdown levels (or sends a BREAK) for at least ``hold`` seconds, but only on battery:
on mains the signal is ignored (recorded as refused), as most such hardware does.

The cable table below is the UPS's view, written in the man page's words
(genericups(8), with the shutdown levels of NUT's driver table); it is kept apart from
the driver's table on purpose, and a test checks the two agree.

Query options: ``id``, ``mains=off``, ``charge=<0..1>``, ``load=<percent>``,
``speed=<factor>`` (as the other simulators), ``hold=<seconds>`` (how long the
shutdown levels must last, 0), ``fault=cable`` (a broken cable: every input reads
low), ``fault=unplugged`` (the port is gone), ``fault=bounce`` (the next readings
flicker).  Every line change, BREAK, shutdown and refusal is logged with its time in
:attr:`ContactUps.events`.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from upskit.config.values import parse_bool
from upskit.sim import ports
from upskit.sim.device import SimDevice
from upskit.sim.physics import UpsPhysics
from upskit.transport.base import PortGone
from upskit.transport.lines import LineState, ModemLines

#: upstype -> its cable in the man page's words.
CABLES: dict[int, str] = {
    0: "CP=DTR+RTS OL=-CTS LB=DCD SD=RTS",
    1: "CP=DTR OL=-RNG LB=DCD SD=RTS",
    2: "CP=RTS OL=-CTS LB=DCD SD=DTR+RTS",
    3: "CP=DTR OL=-CTS LB=DCD SD=DTR+RTS",
    4: "CP=RTS OL=CTS LB=-DCD SD=none",
    5: "CP=DTR OL=CTS LB=-DCD SD=DTR+RTS",
    6: "CP=DTR OL=CTS LB=-DCD SD=RTS",
    7: "CP=RTS OL=CTS LB=-DCD SD=DTR",
    8: "CP=DTR OL=CTS LB=-DCD SD=???",
    9: "CP=none OL=-DCD LB=CTS SD=RTS",
    10: "CP=RTS OL=CTS LB=-DCD SD=DTR",
    11: "CP=DTR OL=-CTS LB=-DCD SD=ST",
    12: "CP=RTS OL=-CTS LB=DCD SD=DTR",
    13: "CP=DTR+RTS OL=DCD LB=-CTS SD=ST",
    14: "CP=DTR OL=DCD LB=-CTS SD=RTS",
    15: "CP=DTR OL=CTS LB=-DCD SD=ST",
    16: "CP=DTR+RTS OL=CTS LB=-DCD SD=???",
    17: "CP=DTR OL=CTS LB=-DCD SD=???",
    18: "CP=DTR OL=CTS LB=DCD SD=???",
    19: "CP=DTR OL=CTS LB=-DCD SD=RTS",
    20: "CP=DTR OL=-CTS LB=DCD SD=ST",
    21: "CP=RTS OL=CTS LB=-DCD SD=RTS+DTR",
    22: "CP=RTS OL=CTS LB=-DCD SD=DTR",
    23: "CP=RTS OL=CTS LB=-DCD RB=-RNG BYPASS=-DSR SD=none",
}

_FIELDS = {"CTS": "cts", "DCD": "cd", "DSR": "dsr", "RNG": "ri"}
FAULTS = ("cable", "unplugged", "bounce")


@dataclass(frozen=True)
class Cable:
    """One cable read from :data:`CABLES`: signal -> (line field, active high)."""

    cp: tuple[bool, bool]
    signals: dict[str, tuple[str, bool]]
    #: (DTR, RTS) that mean "shut down", ``"break"``, or ``None`` (no known signal).
    sd: tuple[bool, bool] | str | None

    @classmethod
    def parse(cls, words: str) -> Cable:
        spec = dict(item.split("=", 1) for item in words.split())
        signals: dict[str, tuple[str, bool]] = {
            name: (_FIELDS[spec[name].lstrip("-")], not spec[name].startswith("-"))
            for name in ("OL", "LB", "RB", "BYPASS") if name in spec}
        sd_text = spec["SD"]
        sd: tuple[bool, bool] | str | None
        if sd_text == "???":
            sd = None
        elif sd_text == "ST":
            sd = "break"
        else:
            sd = _outputs(sd_text)
        return cls(_outputs(spec["CP"]), signals, sd)


def _outputs(text: str) -> tuple[bool, bool]:
    names = set(re.split(r"\+", text))
    return "DTR" in names, "RTS" in names


@dataclass(frozen=True)
class LineEvent:
    """One thing on the wire: ``kind`` is ``outputs`` (``dtr``/``rts`` set), ``break``
    (``seconds`` long), ``shutdown`` or ``refused``; ``at`` is ``time.monotonic()``."""

    at: float
    kind: str
    dtr: bool = False
    rts: bool = False
    seconds: float = 0.0


class _Silent:
    """A contact-closure UPS answers no command."""

    def respond(self, command: bytes) -> bytes | None:
        return None


class ContactUps(SimDevice):
    """A simulated contact-closure UPS of one cable type (thread-safe)."""

    def __init__(self, upstype: int, physics: UpsPhysics | None = None,
                 options: Mapping[str, str] | None = None, *, hold: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(f"contact/{upstype}", physics, options, responder=_Silent())
        if upstype not in CABLES:
            raise ValueError(f"sim://contact/{upstype}: no such upstype "
                             f"(0 to {max(CABLES)})")
        self.upstype = upstype
        self.cable = Cable.parse(CABLES[upstype])
        self.hold = hold
        self.clock = clock
        self.events: list[LineEvent] = []
        #: (DTR, RTS) as the PC set them; ``None`` until a PC first drives them.
        self.outputs: tuple[bool, bool] | None = None
        self.contact_fault: str | None = None
        self.bypass = False
        self._bounces = 0
        self._sd_since: float | None = None
        self._mutex = threading.RLock()

    # --------------------------------------------------------------- faults
    def fault(self, mode: str | None, count: int | None = None) -> None:
        """``cable``, ``unplugged``, ``bounce`` (``count`` flickering reads, 6 by
        default) or ``None``/``off`` to clear."""
        if mode in (None, "", "off", "none"):
            mode = None
        elif mode not in FAULTS:
            raise ValueError(f"unknown contact fault {mode!r} (known: {', '.join(FAULTS)})")
        with self._mutex:
            if mode == "bounce":
                self._bounces = count if count is not None else 6
                return
            self.contact_fault = mode

    @property
    def unplugged(self) -> bool:
        return self.contact_fault == "unplugged"

    # ---------------------------------------------------------------- lines
    def inputs(self) -> LineState:
        """What the PC reads on CTS/DSR/RI/CD now."""
        with self._mutex:
            self.update()
            levels = self._levels()
            if self._bounces > 0:
                self._bounces -= 1
                if self._bounces % 2:
                    field = self.cable.signals["OL"][0]
                    levels[field] = not levels[field]
            return LineState(cts=levels["cts"], dsr=levels["dsr"], ri=levels["ri"],
                             cd=levels["cd"])

    def _levels(self) -> dict[str, bool]:
        levels = dict.fromkeys(("cts", "dsr", "ri", "cd"), False)
        physics = self.physics
        with physics.lock:
            physics.update()
            powered = physics.output_on
            active = {"OL": not physics.on_battery, "LB": physics.battery_low,
                      "RB": physics.failed, "BYPASS": self.bypass}
        cp_dtr, cp_rts = self.cable.cp
        dtr, rts = self.outputs or (False, False)
        if (self.contact_fault == "cable" or not powered
                or (cp_dtr and not dtr) or (cp_rts and not rts)):
            return levels  # nothing drives the relays' side of the cable
        for name, (field, high) in self.cable.signals.items():
            levels[field] = high if active[name] else not high
        return levels

    def drive(self, dtr: bool, rts: bool) -> None:
        """The PC sets DTR/RTS."""
        with self._mutex:
            if self.outputs == (dtr, rts):
                return
            self.update()
            self.outputs = (dtr, rts)
            now = self.clock()
            self.events.append(LineEvent(now, "outputs", dtr, rts))
            self._sd_since = now if self.cable.sd == (dtr, rts) else None
            self.update()

    async def send_break(self, seconds: float) -> None:
        """The PC holds BREAK for ``seconds``."""
        await asyncio.sleep(seconds)
        self.broke(seconds)

    def broke(self, seconds: float) -> None:
        """A BREAK of ``seconds`` just ended: log it (at its start) and act on it."""
        with self._mutex:
            self.events.append(LineEvent(self.clock() - seconds, "break", seconds=seconds))
        if self.cable.sd == "break" and seconds >= self.hold:
            self._obey()

    def update(self) -> None:
        """Act on shutdown levels held ``hold`` seconds."""
        with self._mutex:
            if self._sd_since is not None and self.clock() - self._sd_since >= self.hold:
                self._sd_since = None
                self._obey()

    def _obey(self) -> None:
        with self._mutex:
            if not self.physics.on_battery:
                self.events.append(LineEvent(self.clock(), "refused"))
                return
            self.events.append(LineEvent(self.clock(), "shutdown"))
            # the load comes back when mains does
            self.physics.schedule_shutdown(0.0, None)
            self.physics.update()

    # ----------------------------------------------------------- for tests
    def kinds(self) -> list[str]:
        """The kinds of the events so far, in order."""
        with self._mutex:
            return [event.kind for event in self.events]

    def held(self, dtr: bool, rts: bool) -> float | None:
        """How long the PC last held ``(dtr, rts)``: until the next change, or until now
        if it still does (``None`` if it never set them)."""
        with self._mutex:
            changes = [e for e in self.events if e.kind == "outputs"]
            for index in range(len(changes) - 1, -1, -1):
                event = changes[index]
                if (event.dtr, event.rts) == (dtr, rts):
                    end = changes[index + 1].at if index + 1 < len(changes) else self.clock()
                    return end - event.at
        return None


class SimContactPort(ModemLines):
    """A port whose far end is a :class:`ContactUps` in this process."""

    def __init__(self, url: str, device: ContactUps) -> None:
        super().__init__(url)
        self.device = device
        self._open = False
        self._keep: tuple[bool, bool] | None = None

    @property
    def is_open(self) -> bool:
        return self._open

    def describe(self) -> str:
        return f"{self.url} (simulated contact-closure UPS, type {self.device.upstype})"

    def keep_outputs(self, dtr: bool, rts: bool) -> None:
        self._keep = (dtr, rts)

    async def open(self) -> None:
        if self.device.unplugged:
            raise PortGone(f"{self.url}: no such port (unplugged)")
        self._open = True
        if self._keep is not None:
            self.device.drive(*self._keep)

    async def close(self) -> None:
        # no hang-up on close: the lines stay where they were, as NUT leaves them
        self._open = False
        self.device.update()

    def _check(self) -> None:
        if not self._open:
            raise PortGone(f"{self.url}: port not open")
        if self.device.unplugged:
            self._open = False
            raise PortGone(f"{self.url}: the port vanished")

    async def read_lines(self) -> LineState:
        self._check()
        return self.device.inputs()

    async def set_dtr(self, on: bool) -> None:
        self._check()
        _dtr, rts = self.device.outputs or (False, False)
        self.device.drive(on, rts)

    async def set_rts(self, on: bool) -> None:
        self._check()
        dtr, _rts = self.device.outputs or (False, False)
        self.device.drive(dtr, on)

    async def set_outputs(self, dtr: bool, rts: bool) -> None:
        self._check()
        self.device.drive(dtr, rts)

    async def send_break(self, seconds: float = 0.25) -> None:
        self._check()
        await self.device.send_break(seconds)


def build(name: str, query: Mapping[str, str]) -> ContactUps:
    """A new :class:`ContactUps` for ``contact/<upstype>`` and its URL options."""
    kind = name.partition("/")[2]
    if not kind.isdigit():
        raise ValueError(f"sim://{name}: the upstype must be a number (sim://contact/2)")
    physics = UpsPhysics(speed=ports.option_number(query, "speed", 1.0, positive=True))
    if parse_bool(query.get("mains", "on")) is False:
        physics.mains = False
    if "load" in query:
        physics.load = ports.option_number(query, "load", 0.0)
    if "charge" in query:
        physics.charge = min(1.0, ports.option_number(query, "charge", 1.0))
    device = ContactUps(int(kind), physics, query, hold=ports.option_number(query, "hold", 0.0))
    if query.get("fault"):
        device.fault(query["fault"])
    return device


_BUILD_LOCK = threading.Lock()


def get_or_create(url: str) -> ContactUps:
    """The contact UPS ``url`` names (its ``id``, else the URL), created on first use."""
    name, query = ports.parse_sim_url(url)
    key = query.get("id", url)
    with _BUILD_LOCK:
        try:
            device = ports.sim_device(key)
        except KeyError:
            device = build(name, query)
            ports.register(key, device)
    if not isinstance(device, ContactUps):
        raise ValueError(f"sim:// id {key!r} is a {device.dialect} device, not a "
                         "contact-closure UPS")
    return device


def make_port(url: str, options: Mapping[str, Any]) -> SimContactPort:
    """Port factory for ``sim://contact/<upstype>`` URLs."""
    return SimContactPort(url, get_or_create(url))
