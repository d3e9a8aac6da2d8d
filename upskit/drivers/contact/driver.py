"""``genericups``: a contact-closure UPS read from the serial port's modem lines.

The UPS closes relays on CTS/DCD/DSR/RNG (on line / on battery, low battery, on some
types replace battery and bypass), powered by the PC's DTR/RTS ("cable power"), and
cuts the load when the PC sets its shutdown levels or sends a BREAK.  ``upstype``
picks one of NUT's 24 cable types (:mod:`.types`); ``CP``, ``OL``, ``LB``, ``RB``,
``BYPASS`` and ``SD`` override its lines, ``mfr``, ``model``, ``serial`` what it
publishes, ``sdtime`` how long the shutdown levels are held.

The port is opened with DTR/RTS already at the cable-power levels and is never hung
up on close (:meth:`~upskit.transport.lines.ModemLines.keep_outputs`), as NUT clears
HUPCL: a dropped line is a command to some of these UPSes.  The lines are read every
``pollinterval`` (0.25 s; NUT's is 2 s) and a new reading is published only once it
held for ``debounce`` seconds (0.5; an upskit option, 0 publishes every reading), so a
bouncing relay does not flap the status.  A port that vanishes makes the data stale
and is reopened when it returns (the shared driver loop).  Like NUT, the driver
cannot tell a cut cable from a UPS: a cable without power reads as whatever the type
makes of "all lines low".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import ClassVar

from upskit.config.settings import UpsSettings
from upskit.drivers.base import CommunicationError, Driver, DriverOptions
from upskit.drivers.contact.signals import (
    InputSignal,
    OutputSignal,
    checked_input,
    checked_output,
    parse_input,
    parse_output,
)
from upskit.drivers.contact.types import UPSTYPES, ContactType
from upskit.drivers.context import DriverContext
from upskit.drivers.options import CommonOptions, OptionError, UpsOptions
from upskit.model import CmdResult, Device
from upskit.options import Option, number, text, whole
from upskit.transport.base import TransportError
from upskit.transport.lines import LineState, ModemLines
from upskit.transport.options import SerialOptions

#: NUT asks ``tcsendbreak(fd, 4901)``: on Linux a BREAK of about five seconds.
NUT_BREAK_SECONDS = 4.901


class ContactOptions(CommonOptions):
    """genericups's ups.conf keys (NUT's, plus upskit's ``debounce``)."""

    upstype = Option(whole(0, max(UPSTYPES)), None,
                     help=f"the cable type, 0 to {max(UPSTYPES)} (required)")
    mfr = Option(text, None, help="ups.mfr instead of the type's")
    model = Option(text, None, help="ups.model instead of the type's")
    serial = Option(text, None, help="ups.serial")
    CP = Option(checked_output, None, key="CP", help="cable power lines (DTR, RTS)")
    OL = Option(checked_input, None, key="OL", help="on-line line (CTS, DCD, DSR, RNG; -X low)")
    LB = Option(checked_input, None, key="LB", help="low-battery line")
    RB = Option(checked_input, None, key="RB", help="replace-battery line")
    BYPASS = Option(checked_input, None, key="BYPASS", help="bypass line")
    SD = Option(checked_output, None, key="SD", help="shutdown lines (DTR, RTS, ST = BREAK)")
    sdtime = Option(number(0, unit="seconds"), 0.0, help="seconds to hold the shutdown levels")
    debounce = Option(number(0, 60, unit="seconds"), 0.5,
                      help="seconds a new line reading must hold before it is published")


@dataclass(frozen=True, slots=True)
class Wiring:
    """The lines in use: the type's, with the ups.conf overrides applied."""

    cp: OutputSignal
    ol: InputSignal
    lb: InputSignal
    rb: InputSignal
    bypass: InputSignal
    sd: OutputSignal | None

    @classmethod
    def of(cls, kind: ContactType, options: ContactOptions) -> Wiring:
        """``kind``'s lines, each overridden when ups.conf names it."""
        wiring = cls(kind.cp, kind.ol, kind.lb, kind.rb, kind.bypass, kind.sd)
        outputs = {"cp": options.CP, "sd": options.SD}
        inputs = {"ol": options.OL, "lb": options.LB, "rb": options.RB,
                  "bypass": options.BYPASS}
        changes: dict[str, object] = {k: parse_output(v) for k, v in outputs.items() if v}
        changes.update({k: parse_input(v) for k, v in inputs.items() if v})
        return replace(wiring, **changes)  # type: ignore[arg-type]

    def status(self, state: LineState) -> list[str]:
        """The status words ``state`` means (a disabled OL reads as on line, as in NUT)."""
        words = ["OL" if self.ol.asserted(state, when_disabled=True) else "OB"]
        words += [word for word, signal in (("LB", self.lb), ("RB", self.rb),
                                            ("BYPASS", self.bypass)) if signal.asserted(state)]
        return words


class ContactDriver(Driver):
    """NUT's genericups: status from contact closures on the modem lines."""

    name = "genericups"
    version = "1.38"
    default_poll_interval = 0.25
    option_set = ContactOptions
    options: ContactOptions
    #: The serial keys are accepted whatever the port (NUT reads them from any section).
    port_option_sets = (SerialOptions,)
    #: A contact-closure port answers every read or is gone: one failure is stale.
    stale_after: ClassVar[int] = 1

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None) -> None:
        super().__init__(device, options, config_name=config_name, context=context)
        number_ = self.options.upstype
        self.kind: ContactType | None = None if number_ is None else UPSTYPES[number_]
        self.wiring: Wiring | None = (None if self.kind is None
                                      else Wiring.of(self.kind, self.options))
        self.port: ModemLines | None = None
        #: The reading waiting to be published, and when it was first seen.
        self._pending: LineState | None = None
        self._pending_since = 0.0
        self._published: LineState | None = None
        device.set_default("device.type", "ups")

    @classmethod
    def parse_options(cls, given: DriverOptions, ups: UpsSettings) -> UpsOptions:
        """As every driver, and ``upstype`` is required (NUT refuses to start without)."""
        parsed = super().parse_options(given, ups)
        if "upstype" not in given:
            raise OptionError(ups.origin.file, ups.origin.line or None,
                              f"[{ups.name}]: genericups needs upstype = 0 .. "
                              f"{max(UPSTYPES)} (the cable type; see docs/contact.md)")
        return parsed

    # ------------------------------------------------------------- life cycle
    def _require_wiring(self) -> Wiring:
        if self.wiring is None:
            raise CommunicationError("no upstype set (upstype = 0 .. "
                                     f"{max(UPSTYPES)}, see the genericups type list)")
        return self.wiring

    async def open(self) -> None:
        wiring = self._require_wiring()
        if not self.options.port:
            raise CommunicationError("no port configured")
        if self.port is None:
            try:
                self.port = self.open_port_as(ModemLines)  # type: ignore[type-abstract]
            except (ValueError, ImportError) as exc:
                raise CommunicationError(f"cannot use port {self.options.port!r} for "
                                         f"modem lines: {exc}") from exc
        self.port.keep_outputs(wiring.cp.dtr, wiring.cp.rts)
        if not self.port.is_open:
            await self.port.open()
        await self.port.set_outputs(wiring.cp.dtr, wiring.cp.rts)

    async def close(self) -> None:
        if self.port is not None and self.port.is_open:
            await self.port.close()

    async def initialise(self) -> None:
        assert self.kind is not None and self.port is not None
        self.device.set("ups.mfr", self.options.mfr or self.kind.mfr)
        self.device.set("ups.model", self.options.model or self.kind.model)
        if self.options.serial:
            self.device.set("ups.serial", self.options.serial)
        state = await self.port.read_lines()
        self._pending = None
        self._publish(state)

    async def poll(self) -> None:
        assert self.port is not None
        state = await self.port.read_lines()
        now = self.context.clock()
        if state == self._published or self.options.debounce <= 0:
            self._pending = None
            self._publish(state)
            return
        if state != self._pending:
            self._pending, self._pending_since = state, now
            self.log.debug("%s: lines now %s; waiting %.2f s before publishing",
                           self.device.name, state, self.options.debounce)
            return
        if now - self._pending_since >= self.options.debounce:
            self._pending = None
            self._publish(state)

    def _publish(self, state: LineState) -> None:
        wiring = self._require_wiring()
        if state != self._published:
            self.log.debug("%s: lines %s -> %s", self.device.name, state,
                           " ".join(wiring.status(state)))
        self._published = state
        self.device.set_status(wiring.status(state))

    # --------------------------------------------------------------- shutdown
    async def shutdown(self) -> CmdResult:
        """Killpower: set the shutdown levels (or BREAK) and hold them ``sdtime``.

        As in NUT, nothing checks that the UPS obeyed, and most contact-closure UPSes
        ignore the signal while mains power is present.  A type with no known shutdown
        signal (and no ``SD``) is refused.
        """
        wiring = self.wiring
        if wiring is None or wiring.sd is None:
            self.log.error("%s: no shutdown signal is defined for this UPS type "
                           "(set SD in ups.conf)", self.device.name)
            return CmdResult.FAILED if wiring is not None else CmdResult.UNKNOWN
        hold = float(self.options.sdtime)
        try:
            async with self.port_turns.claim():
                if self.port is None or not self.port.is_open:
                    await self.open()
                assert self.port is not None
                if wiring.sd.brk:
                    seconds = hold if hold > 0 else NUT_BREAK_SECONDS
                    self.log.warning("%s: sending BREAK for %g s", self.device.name, seconds)
                    await self.port.send_break(seconds)
                else:
                    self.log.warning("%s: shutdown signal %s, held %g s", self.device.name,
                                     wiring.sd.describe(), hold)
                    await self.port.set_outputs(wiring.sd.dtr, wiring.sd.rts)
                    if hold > 0:
                        await asyncio.sleep(hold)
        except (TransportError, CommunicationError) as exc:
            self.log.error("%s: shutdown failed: %s", self.device.name, exc)
            return CmdResult.FAILED
        return CmdResult.HANDLED
