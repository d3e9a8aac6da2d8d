"""A HID subdriver as data: which units it claims, how their usage paths become NUT
variables, status bits and commands, and how their report descriptor is fixed.

The shape follows what NUT's usbhid-ups subdrivers declare (``subdriver_t`` and the
``hid2nut`` table): several rows may name one variable, and the first row whose path
the unit has wins; a ``setting`` row publishes its default instead of the unit's value
when the unit has its path (NUT's ``HU_FLAG_ABSENT``, used for ``ups.delay.shutdown``
and ``ups.delay.start``, which the shutdown commands write).  A ``string`` row's field
holds a USB string-descriptor index (``iDeviceChemistry``): the driver publishes the
string, once at initialisation (NUT's ``stringid_conversion``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from upskit.drivers.hid.descriptor import ReportDescriptor
from upskit.drivers.hid.usages import UsageTable
from upskit.model.flags import VarFlag
from upskit.model.mapping import Lookup


class Poll(enum.Enum):
    """When a variable is read."""

    STATIC = "static"  # once, at initialisation
    FULL = "full"  # every ``pollfreq``
    QUICK = "quick"  # every ``pollinterval`` and on every input report


@dataclass(frozen=True, slots=True)
class HidVar:
    """One row: the value at ``path`` becomes ``name``.

    ``lookup`` turns the (integer) value into a word, else ``convert`` computes the
    text (``None``: nothing to publish for this value), else ``fmt`` formats the
    number (NUT's printf notation, ``"%.0f"``). A writable row (``flags`` with
    ``VarFlag.RW``) takes a client's value back through the lookup, or as a number.
    ``setting``: ``default`` is published (and a SET only changes it) when the unit
    has ``path``; with ``path=None`` whatever the unit.
    ``string``: the value is a string-descriptor index; the string (through ``text``
    when given, which may return ``None``: nothing to publish) is published once, and
    the first row of the name that yields a non-empty text wins.
    """

    name: str
    path: str | None
    poll: Poll = Poll.FULL
    fmt: str = "%.0f"
    lookup: Lookup[int] | None = None
    convert: Callable[[float], str | None] | None = None
    flags: VarFlag = VarFlag.NONE
    aux: int = 0
    default: str | None = None
    setting: bool = False
    string: bool = False
    text: Callable[[str], str | None] | None = None

    def from_string(self, text: str | None) -> str | None:
        """The published text for a looked-up string (``None``: nothing to publish)."""
        text = (text or "").strip()
        if text and self.text is not None:
            text = (self.text(text) or "").strip()
        return text or None

    @property
    def writable(self) -> bool:
        """Whether a client may SET this variable."""
        return bool(self.flags & VarFlag.RW)

    def to_nut(self, value: float) -> str | None:
        """The published text for a field value (``None``: not a value this row shows)."""
        if self.lookup is not None:
            return self.lookup.word(int(value), None)
        if self.convert is not None:
            return self.convert(value)
        return self.fmt % value


@dataclass(frozen=True, slots=True)
class HidCommand:
    """An instant command: write ``value`` (or the client's parameter) to ``path``.

    A value naming a variable (``ups.delay.shutdown``) writes that variable's value.
    ``encode`` turns the number into what the unit wants written (PowerCOM packs its
    delays as minutes and seconds with flag bits).
    """

    name: str
    path: str
    value: str
    encode: Callable[[float], float] | None = None

    def encoded(self, number: float) -> float:
        """The value written for ``number``."""
        return number if self.encode is None else self.encode(number)


@dataclass(frozen=True, slots=True)
class StatusRule:
    """A status bit: the value at ``path`` sets NUT's status condition ``bit``.

    ``when`` is the value that means the condition holds (others mean it does not).
    With a ``mask`` the value is a bit field: the condition holds when its masked bits
    equal ``when`` (``mask=0x10, when=0x10``: bit 4 set; ``when=0``: clear).
    """

    path: str
    bit: str
    when: int = 1
    mask: int = 0

    def holds(self, value: float) -> bool:
        """Whether the field value means the condition holds."""
        if self.mask:
            return int(value) & self.mask == self.when
        return int(value) == self.when


class Claim(enum.Enum):
    """How sure a subdriver is that it speaks a unit."""

    SUPPORTED = "supported"
    POSSIBLY = "possibly supported"


@dataclass(frozen=True)
class Subdriver:
    """A vendor's (or the generic) description of its HID Power Devices.

    ``supported`` and ``possibly`` hold ``(vendor id, product id)`` pairs; a product
    id of ``None`` claims every product of the vendor.
    """

    name: str
    version: str
    variables: tuple[HidVar, ...]
    commands: tuple[HidCommand, ...] = ()
    status: tuple[StatusRule, ...] = ()
    usages: UsageTable = field(default_factory=dict)
    supported: tuple[tuple[int, int | None], ...] = ()
    possibly: tuple[tuple[int, int | None], ...] = ()
    fix_descriptor: Callable[[ReportDescriptor], ReportDescriptor] | None = None
    #: Called once with the first published values (a getter); a subdriver it
    #: returns replaces this one for the unit (CyberPower's battery voltage scale).
    settle: Callable[[Callable[[str], str | None]], Subdriver | None] | None = None
    #: What ``driver.version.data`` shows (``"APC HID 0.100"``); the name when empty.
    label: str = ""
    #: The model (``device.model``/``ups.model``) the USB product string names, when
    #: that is not the whole string (APC's ``"Back-UPS 500 FW: 6.5.I USB FW: c1"``).
    format_model: Callable[[str], str] | None = None

    def claim(self, vendor: int, product: int) -> Claim | None:
        """Whether this subdriver claims the unit ``vendor:product``."""
        for pairs, how in ((self.supported, Claim.SUPPORTED), (self.possibly, Claim.POSSIBLY)):
            for vid, pid in pairs:
                if vid == vendor and (pid is None or pid == product):
                    return how
        return None


def rows_by_name(variables: tuple[HidVar, ...]) -> Mapping[str, list[HidVar]]:
    """The rows of each variable name, in table order (the first that applies wins)."""
    grouped: dict[str, list[HidVar]] = {}
    for row in variables:
        grouped.setdefault(row.name, []).append(row)
    return grouped
