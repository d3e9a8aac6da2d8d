"""A NUT ``usbhid-ups`` debug log as a simulated HID device.

A user runs ``usbhid-ups -DDD`` (or more) and pastes what it printed.  From it this
module takes:

* the matched device's ``- VendorID:``, ``- ProductID:``, ``- Manufacturer:``,
  ``- Product:``, ``- Serial Number:``, ``- Bus:``, ``- Device:`` and ``- Device
  release number:`` lines (of the ``Checking device`` block NUT said ``Device
  matches`` to, when the log shows several);
* ``Report Descriptor: (N bytes) => xx xx ...``, wrapped over as many lines as it
  takes;
* ``Report[get]:``/``Report[buf]:``/``Report[err]:`` ``(N bytes) => ...``: the
  contents of the reports NUT read, by report id (the latest wins; ``err`` is a
  reply shorter than declared, served as short as it came), and ``Report[int]:``,
  the interrupt reports the device sent;
* ``Path: ..., Type: ..., ReportID: 0x.., Offset: .., Size: .., Value: ..`` lines.

Lines may carry NUT's timestamps and ``[Dn]`` tags, or not; anything else is skipped.
:class:`CapturedHidPort` then answers as the device did; reports the log never read
answer zeros, as long as the report's length (from the descriptor, given by the
caller, or else from the ``Path`` lines' offsets and sizes).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from upskit.sim.usb.hidfield import CapturedField
from upskit.transport.base import PortGone
from upskit.transport.hid import HidPort

_PREFIX = re.compile(r"^\s*(?:\d+\.\d+\s+)?(?:\[D\d+\]\s*)?")
_HEX_LINE = re.compile(r"^(?:[0-9a-fA-F]{2}(?:\s+|$))+$")
_DESCRIPTOR = re.compile(r"^Report Descriptor: \((\d+) bytes\) =>(.*)$")
_REPORT = re.compile(r"^Report\[(\w+)\]: \((\d+) bytes\) =>(.*)$")
_IDENT = re.compile(r"^- (VendorID|ProductID|Manufacturer|Product|Serial Number|Bus|Device"
                    r"|Device release number): ?(.*)$")
_PATH = re.compile(r"^Path: (?P<path>[^,]*), Type: (?P<type>\w+), ReportID: "
                   r"0x(?P<id>[0-9a-fA-F]+), Offset: (?P<offset>\d+), Size: "
                   r"(?P<size>\d+)(?:, Value: (?P<value>.*))?$")
#: ``Report[...]`` kinds that are the device's answer to a read.
READ_KINDS = frozenset({"get", "buf", "err"})


class CaptureError(ValueError):
    """A log that cannot be a NUT usbhid-ups debug log (the message says where)."""


@dataclass
class HidCapture:
    """What a NUT debug log says about one HID device."""

    vendorid: int | None = None
    productid: int | None = None
    vendor: str = ""
    product: str = ""
    serial: str = ""
    bus: str = ""
    device: str = ""
    bcd: int | None = None
    descriptor: bytes = b""
    #: the latest ``Report[get|buf|err]`` bytes, in log order, id byte included
    reads: list[bytes] = field(default_factory=list)
    #: ``Report[int]`` reports in log order
    interrupts: list[bytes] = field(default_factory=list)
    fields: list[CapturedField] = field(default_factory=list)

    @property
    def numbered(self) -> bool:
        """Whether the device numbers its reports (a ``Path`` line with an id > 0, or
        no ``Path`` lines to tell)."""
        return not self.fields or any(f.report_id for f in self.fields)

    def reports(self) -> dict[int, bytes]:
        """The last bytes read of each report, by report id."""
        found: dict[int, bytes] = {}
        for data in self.reads:
            if self.numbered and data:
                found[data[0]] = data
            elif not self.numbered:
                found[0] = data
        return found

    def strings(self) -> dict[int, str]:
        """The USB strings the log can place: the ``- Manufacturer:``, ``- Product:``
        and ``- Serial Number:`` texts at the index its ``iManufacturer``,
        ``iProduct``, ``iSerialNumber`` fields read (NUT logs no other string)."""
        texts = {"iManufacturer": self.vendor, "iProduct": self.product,
                 "iSerialNumber": self.serial}
        found: dict[int, str] = {}
        for f in self.fields:
            text = texts.get(f.path.rsplit(".", 1)[-1], "")
            try:
                index = int(float(f.value))
            except ValueError:
                continue
            if text and index > 0:
                found.setdefault(index, text)
        return found

    def report_lengths(self) -> dict[int, int]:
        """Report lengths (id byte included) the ``Path`` lines imply: the last bit
        of a report's Feature fields (of any field when it has none)."""
        bits: dict[int, int] = {}
        feature_ids = {f.report_id for f in self.fields if f.type.lower() == "feature"}
        for f in self.fields:
            if f.report_id in feature_ids and f.type.lower() != "feature":
                continue
            bits[f.report_id] = max(bits.get(f.report_id, 0), f.offset + f.size)
        extra = 1 if self.numbered else 0
        return {rid: (n + 7) // 8 + extra for rid, n in bits.items()}


@dataclass
class _Block:
    values: dict[str, str] = field(default_factory=dict)
    verdict: bool | None = None


class _HexRun:
    """A ``(N bytes) => ...`` dump that may go on over the next lines."""

    def __init__(self, what: str, size: int, kind: str, line_no: int) -> None:
        self.what, self.size, self.kind, self.line_no = what, size, kind, line_no
        self.data = bytearray()

    def add(self, text: str, line_no: int) -> None:
        try:
            self.data += bytes.fromhex(text)
        except ValueError:
            raise CaptureError(f"line {line_no}: {self.what}: not hex bytes: "
                               f"{text.strip()[:60]!r}") from None

    @property
    def full(self) -> bool:
        return len(self.data) >= self.size


def parse_nut_log(text: str) -> HidCapture:
    """Read a NUT ``usbhid-ups`` debug log (raises :class:`CaptureError`)."""
    capture = HidCapture()
    blocks: list[_Block] = []
    run: _HexRun | None = None

    def finish(line_no: int) -> None:
        nonlocal run
        if run is None:
            return
        done, run = run, None
        if len(done.data) != done.size:
            raise CaptureError(f"line {done.line_no}: {done.what} announces {done.size} "
                               f"bytes, the log holds {len(done.data)}")
        data = bytes(done.data)
        if done.kind == "descriptor":
            capture.descriptor = data
        elif done.kind in READ_KINDS:
            capture.reads.append(data)
        elif done.kind == "int":
            capture.interrupts.append(data)

    line_no = 0
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = _PREFIX.sub("", raw.replace("\t", " ")).strip()
        if run is not None:
            if not run.full and line and _HEX_LINE.match(line):
                run.add(line, line_no)
                continue
            finish(line_no)
        if not line:
            continue
        if m := _DESCRIPTOR.match(line):
            run = _HexRun("report descriptor", int(m[1]), "descriptor", line_no)
            run.add(m[2], line_no)
        elif m := _REPORT.match(line):
            run = _HexRun(f"Report[{m[1]}]", int(m[2]), m[1].lower(), line_no)
            run.add(m[3], line_no)
        elif m := _PATH.match(line):
            capture.fields.append(CapturedField(
                m["path"].strip(), m["type"], int(m["id"], 16), int(m["offset"]),
                int(m["size"]), (m["value"] or "").strip()))
        elif line.startswith("Checking device"):
            blocks.append(_Block())
        elif m := _IDENT.match(line):
            if not blocks or (m[1] == "VendorID" and "VendorID" in blocks[-1].values):
                blocks.append(_Block())
            blocks[-1].values[m[1]] = m[2].strip()
        elif line.startswith("Device matches") and blocks:
            blocks[-1].verdict = True
        elif line.startswith("Device does not match") and blocks:
            blocks[-1].verdict = False
        if run is not None and run.full:
            finish(line_no)
    finish(line_no)
    chosen = ([b for b in blocks if b.verdict] or [b for b in blocks if b.verdict is None])
    if chosen:
        _identify(capture, chosen[-1].values)
    return capture


def _text(value: str) -> str:
    return "" if value.lower() in ("unknown", "(null)") else value


def _identify(capture: HidCapture, values: Mapping[str, str]) -> None:
    def hex_of(key: str, maximum: int) -> int | None:
        text = values.get(key, "")
        try:
            number = int(text, 16)
        except ValueError:
            return None
        return number if 0 <= number <= maximum else None

    capture.vendorid = hex_of("VendorID", 0xFFFF)
    capture.productid = hex_of("ProductID", 0xFFFF)
    capture.bcd = hex_of("Device release number", 0xFFFF)
    capture.vendor = _text(values.get("Manufacturer", ""))
    capture.product = _text(values.get("Product", ""))
    capture.serial = _text(values.get("Serial Number", ""))
    capture.bus = _text(values.get("Bus", ""))
    capture.device = _text(values.get("Device", ""))


def load_nut_log(path: str | Path) -> HidCapture:
    """:func:`parse_nut_log` of a file (a :class:`CaptureError` names the file)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read the capture: {exc.strerror or exc}") \
            from None
    try:
        return parse_nut_log(text)
    except CaptureError as exc:
        raise CaptureError(f"{path}: {exc}") from None


#: Report lengths by id: a mapping, or a function answering None for an unknown id.
ReportLengths = Mapping[int, int] | Callable[[int], int | None]


class CapturedHidPort(HidPort):
    """A simulated HID device answering as the captured one did.

    Feature reports answer the bytes of the log (cut to the length asked); a report
    the log never read answers zeros (its id byte first) of its length, taken from
    ``report_lengths`` (the descriptor's, when the caller has parsed it), else from
    the ``Path`` lines, else the length asked.  Written features are answered back;
    output reports are kept in :attr:`outputs`.  The input stream gives the captured
    interrupt reports, then whatever :meth:`push_input` sends.
    """

    #: fields of a log without a descriptor that could not be placed (see hidpaths)
    skipped: list[str] = []

    def __init__(self, capture: HidCapture, url: str = "sim://usb/hid", *,
                 report_lengths: ReportLengths | None = None) -> None:
        super().__init__(url)
        rebuilt: dict[int, bytes] = {}
        if not capture.descriptor:
            if not capture.fields:
                raise CaptureError("the log has neither a 'Report Descriptor:' line nor "
                                   "'Path:' lines (run the driver with -DD or more)")
            from upskit.sim.usb.hidpaths import rebuild

            made = rebuild(capture.fields)
            capture.descriptor, rebuilt = made.descriptor, made.reports
            self.skipped = made.skipped
        self.capture = capture
        self.features = {**rebuilt, **capture.reports()}
        self.outputs: list[bytes] = []
        self._lengths = report_lengths
        self._guessed = capture.report_lengths()
        self._opened = False
        self.gone = False
        self._inputs: asyncio.Queue[bytes | None] | None = None

    @property
    def is_open(self) -> bool:
        return self._opened

    def device_info(self) -> dict[str, str]:
        cap = self.capture
        if not self._opened:
            return {}
        info = {"ups.vendorid": f"{cap.vendorid or 0:04x}",
                "ups.productid": f"{cap.productid or 0:04x}"}
        for key, value in (("vendor", cap.vendor), ("product", cap.product),
                           ("serial", cap.serial), ("bus", cap.bus),
                           ("device", cap.device)):
            if value:
                info[f"driver.parameter.{key}"] = value
        return info

    async def open(self) -> None:
        if self.gone:
            raise PortGone(f"{self.url}: the simulated device is unplugged")
        if self._inputs is None:
            self._inputs = asyncio.Queue()
            for report in self.capture.interrupts:
                self._inputs.put_nowait(report)
        self._opened = True

    async def close(self) -> None:
        self._opened = False
        if self._inputs is not None:
            self._inputs.put_nowait(None)

    def unplug(self) -> None:
        """The device goes: every call raises PortGone until :meth:`replug`."""
        self.gone = True
        self._opened = False
        if self._inputs is not None:
            self._inputs.put_nowait(None)

    def replug(self) -> None:
        self.gone = False

    def push_input(self, report: bytes) -> None:
        """The device sends an input report."""
        if self._inputs is None:
            self._inputs = asyncio.Queue()
        self._inputs.put_nowait(bytes(report))

    def _check(self) -> None:
        if self.gone or not self._opened:
            raise PortGone(f"{self.url}: " + ("unplugged" if self.gone else "not open"))

    def report_length(self, report_id: int) -> int | None:
        """The length of report ``report_id`` (id byte included), when known."""
        if callable(self._lengths):
            known = self._lengths(report_id)
        elif self._lengths is not None:
            known = self._lengths.get(report_id)
        else:
            known = None
        return known if known is not None else self._guessed.get(report_id)

    async def string(self, index: int) -> str | None:
        """The string at ``index`` when the log places it (see
        :meth:`HidCapture.strings`), else ``None``."""
        self._check()
        return self.capture.strings().get(index)

    async def report_descriptor(self) -> bytes:
        self._check()
        return self.capture.descriptor

    async def get_feature(self, report_id: int, length: int) -> bytes:
        self._check()
        data = self.features.get(report_id)
        if data is None:
            size = self.report_length(report_id) or length
            data = (bytes([report_id]) if report_id else b"").ljust(size, b"\x00")
        return data[:max(0, length)]

    async def set_feature(self, report_id: int, data: bytes) -> None:
        self._check()
        self.features[report_id] = bytes(data)

    async def set_output(self, report_id: int, data: bytes) -> None:
        self._check()
        self.outputs.append(bytes(data))

    async def input_reports(self) -> AsyncIterator[bytes]:
        self._check()
        queue = self._inputs
        assert queue is not None
        while True:
            report = await queue.get()
            if report is None and self._opened and not self.gone:
                continue  # left by an earlier close; the port was opened again
            if report is None or not self._opened:
                raise PortGone(f"{self.url}: " + ("unplugged" if self.gone else "closed"))
            yield report
