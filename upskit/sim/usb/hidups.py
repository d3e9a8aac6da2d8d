"""A HID Power Device UPS on the simulated USB bus, driven by the physics model.

:class:`HidUpsDevice` serves a report descriptor the project writes
(:mod:`upskit.sim.usb.hidups_models` holds one layout per vendor), answers
GET_REPORT from :class:`~upskit.sim.physics.UpsPhysics` and takes SET_REPORT on the
writable fields: the shutdown and startup delays start timers that count down and cut
and restore the load (both run at once, as the HID Power Device class has them, so a
startup delay longer than the shutdown delay brings the load back), ``Test`` starts a
battery test whose result the field then reads, the low-battery limits and the alarm
setting are kept.  Whenever the bytes of an Input report change (mains lost, charge
falling, low battery, a test done) the report is queued on the interrupt IN endpoint,
as real units push them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from upskit.sim.physics import UpsPhysics
from upskit.sim.usb.descriptors import DeviceSpec, EndpointSpec, InterfaceSpec
from upskit.sim.usb.device import SimUsbDevice
from upskit.sim.usb.hiddesc import FieldSpec, Layout, compile_layout

GET_REPORT, SET_REPORT, SET_IDLE = 0x01, 0x09, 0x0A
KINDS = {1: "input", 2: "output", 3: "feature"}
INTERRUPT_IN = 0x81

# Battery.Test values (HID Power Device class): read = result, write = request
TEST_PASSED, TEST_WARNING, TEST_ERROR, TEST_ABORTED, TEST_RUNNING, TEST_NONE = 1, 2, 3, 4, 5, 6
TEST_QUICK, TEST_DEEP, TEST_ABORT = 1, 2, 3
#: Seconds a quick battery test runs.
QUICK_TEST = 10.0
# AudibleAlarmControl values
ALARM_DISABLED, ALARM_ENABLED, ALARM_MUTED = 1, 2, 3
#: A restart delay that never comes (the load stays off until told).
NEVER = 1e12


@dataclass(frozen=True)
class HidUpsModel:
    """One simulated model: USB identity, nominal ratings and its field layout."""

    name: str
    vendorid: int
    productid: int
    manufacturer: str
    product: str
    serial: str
    fields: tuple[FieldSpec, ...]
    #: string indexes of manufacturer, product, serial in the device descriptor
    string_indexes: tuple[int, int, int] = (1, 2, 3)
    #: further strings the fields point at (chemistry, OEM information ...)
    extra_strings: Mapping[int, str] = field(default_factory=dict)
    bcd_device: int = 0x0100
    battery_nominal: float = 12.0
    nominal_voltage: float = 230.0
    #: watts at 100 % load
    real_power: float = 390.0
    max_packet: int = 8

    def layout(self) -> Layout:
        return compile_layout(self.fields)

    def spec(self, layout: Layout) -> DeviceSpec:
        interface = InterfaceSpec(
            endpoints=(EndpointSpec(INTERRUPT_IN, max_packet=self.max_packet),),
            report_descriptor=layout.descriptor)
        return DeviceSpec(self.vendorid, self.productid, self.manufacturer, self.product,
                          self.serial, bcd_device=self.bcd_device, interfaces=(interface,),
                          string_indexes=self.string_indexes,
                          extra_strings=dict(self.extra_strings))


class HidUpsDevice(SimUsbDevice):
    """A simulated HID UPS (interface 0, interrupt IN 0x81) over ``physics``."""

    idle_read_wait = 0.5

    def __init__(self, model: HidUpsModel, physics: UpsPhysics | None = None) -> None:
        self.model = model
        self.layout = model.layout()
        self.physics = physics if physics is not None else UpsPhysics(
            battery_nominal=model.battery_nominal, nominal_voltage=model.nominal_voltage,
            input_voltage=model.nominal_voltage, low_battery=0.1)
        self.runtime_low = 120.0
        self.alarm = ALARM_ENABLED if self.physics.beeper else ALARM_DISABLED
        self.test_result = TEST_NONE
        self._test_seen = False
        self._startup_at: float | None = None
        self._sent: dict[int, bytes] = {}
        super().__init__(model.spec(self.layout))

    def on_power_on(self) -> None:
        self._sent = {}  # a fresh host hears every input report once

    # ------------------------------------------------------------ readings
    def _status(self) -> dict[str, float]:
        p = self.physics
        runtime = p.charge * p.full_load_runtime * 100 / max(p.load, 1.0)
        discharging = p.on_battery and p.output_on
        return {
            "ac_present": p.mains, "charging": p.mains and not p.testing and p.charge < 1.0,
            "discharging": discharging, "fully_charged": p.charge >= 1.0,
            "below_limit": p.battery_low, "battery_present": True,
            "time_limit_expired": discharging and runtime < self.runtime_low,
            "shutdown_imminent": (p.shutdown_at is not None
                                  or (p.battery_low and discharging)),
            "need_replacement": p.failed, "overload": p.load > 100,
            "boost": p.avr_active and p.input_voltage < p.nominal_voltage,
            "buck": p.avr_active and p.input_voltage > p.nominal_voltage,
            "voltage_not_regulated": False, "awaiting_power": not p.output_on and not p.mains,
            "charge": round(p.charge * 100, 3), "runtime": runtime,
        }

    def readings(self) -> dict[str, float]:
        """Every quantity a field may show, in NUT's units (physics brought up to now)."""
        p = self.physics
        with p.lock:
            p.update()
            self._follow_test()
            now = p.now()
            values = {k: float(v) for k, v in self._status().items()}
            startup = self._startup()
            values.update({
                "charge_low": p.low_battery * 100, "runtime_low": self.runtime_low,
                "delay_shutdown": -1 if p.shutdown_at is None else p.shutdown_at - now,
                "delay_startup": -1 if startup is None else max(0.0, startup - now),
                "battery_voltage": p.battery_voltage, "battery_nominal": p.battery_nominal,
                "input_voltage": p.input_voltage if p.mains else 0.0,
                "input_nominal": p.nominal_voltage, "output_voltage": p.output_voltage,
                "output_nominal": p.nominal_voltage, "frequency": p.frequency,
                "load": p.load if p.output_on else 0.0,
                "real_power": self.model.real_power,
                "transfer_low": round(p.nominal_voltage * 0.75),
                "transfer_high": round(p.nominal_voltage * 1.2),
                "test": self.test_result, "alarm": self.alarm,
                "str_manufacturer": self.spec.index_of(0), "str_product": self.spec.index_of(1),
                "str_serial": self.spec.index_of(2),
            })
            return values

    def _startup(self) -> float | None:
        """When the startup timer ends (simulated time), if one runs."""
        p = self.physics
        if self._startup_at is not None and self._startup_at > p.now():
            return self._startup_at
        if p.shutdown_at is not None and p.restart_after is not None:
            return p.shutdown_at + p.restart_after if p.restart_after < NEVER else None
        if p.restart_at is not None and p.restart_at - p.now() < NEVER / 2:
            return p.restart_at
        return None

    def _follow_test(self) -> None:
        p = self.physics
        if self.test_result == TEST_RUNNING and not p.testing:
            self.test_result = TEST_ERROR if p.failed else TEST_PASSED

    def report(self, kind: str, report_id: int,
               values: Mapping[str, float] | None = None) -> bytes | None:
        """Report ``report_id`` of ``kind`` as the device sends it (ID byte first), from
        ``values`` (default: :meth:`readings` now)."""
        length = self.layout.lengths.get((kind, report_id))
        if length is None:
            return None
        if values is None:
            values = self.readings()
        data = bytearray(length)
        for placement in self.layout.fields(kind, report_id):
            quantity = placement.spec.quantity
            value = float(quantity[1:]) if quantity.startswith("=") else values[quantity]
            placement.encode(data, value)
        return bytes([report_id]) + bytes(data)

    # ------------------------------------------------------------ settings
    def write(self, report_id: int, data: bytes) -> None:
        """A SET_REPORT of feature ``report_id`` (``data`` without its ID byte)."""
        for placement in self.layout.fields("feature", report_id):
            action = _WRITERS.get(placement.spec.quantity)
            if action is not None:
                action(self, placement.decode(data))

    def set_delay_shutdown(self, seconds: float) -> None:
        p = self.physics
        with p.lock:
            if seconds < 0:
                p.cancel_shutdown()
                self._startup_at = None
                return
            p.update()
            # on battery the load comes back with the mains; on mains it stays off
            # until a startup delay is written
            p.schedule_shutdown(seconds, NEVER if p.mains else None)
            self._link_startup()

    def set_delay_startup(self, seconds: float) -> None:
        p = self.physics
        with p.lock:
            p.update()
            if seconds < 0:
                self._startup_at = None
                p.restart_at = None
                p.restart_after = None
                return
            self._startup_at = p.now() + seconds
            self._link_startup()

    def _link_startup(self) -> None:
        """Tie the running startup timer to the shutdown (pending or done)."""
        p = self.physics
        if self._startup_at is None:
            return
        if p.shutdown_at is not None:
            p.restart_after = max(0.0, self._startup_at - p.shutdown_at)
        elif not p.output_on:
            p.restart_at = self._startup_at
            p.restart_after = 0.0
        else:
            return  # nothing to restart: the timer just runs out
        self._startup_at = None

    def set_test(self, value: float) -> None:
        p = self.physics
        request = int(value)
        if request == TEST_ABORT:
            if p.testing:
                p.stop_test()
                self.test_result = TEST_ABORTED
        elif request in (TEST_QUICK, TEST_DEEP) and p.mains and p.output_on:
            p.start_test(QUICK_TEST if request == TEST_QUICK else None,
                         deep=request == TEST_DEEP)
            self.test_result = TEST_RUNNING

    def set_alarm(self, value: float) -> None:
        if int(value) in (ALARM_DISABLED, ALARM_ENABLED, ALARM_MUTED):
            self.alarm = int(value)
            self.physics.beeper = self.alarm == ALARM_ENABLED

    def set_charge_low(self, percent: float) -> None:
        if 0 <= percent <= 100:
            self.physics.low_battery = percent / 100

    def set_runtime_low(self, seconds: float) -> None:
        if seconds >= 0:
            self.runtime_low = seconds

    # ------------------------------------------------------------- USB side
    def control_in(self, request_type: int, request: int, value: int, index: int,
                   length: int) -> bytes | None:
        if request_type != 0xA1 or request != GET_REPORT or index != 0:
            return None
        kind = KINDS.get(value >> 8)
        return None if kind is None else self.report(kind, value & 0xFF)

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if request_type != 0x21 or index != 0:
            return None
        if request == SET_IDLE:
            return 0
        report_id = value & 0xFF
        if (request != SET_REPORT or KINDS.get(value >> 8) != "feature"
                or ("feature", report_id) not in self.layout.lengths
                or not data or data[0] != report_id):
            return None
        self.write(report_id, data[1:])
        return len(data)

    def before_read(self, endpoint: int, size: int) -> None:
        if endpoint == INTERRUPT_IN:
            self.push_changes()

    def push_changes(self) -> list[bytes]:
        """Queue every input report whose bytes changed since it was last sent."""
        pushed = []
        values = self.readings()
        for report_id in self.layout.report_ids("input"):
            data = self.report("input", report_id, values)
            if data is not None and self._sent.get(report_id) != data:
                self._sent[report_id] = data
                self.queue_packets(INTERRUPT_IN, self.chunked(data, self.model.max_packet))
                pushed.append(data)
        return pushed


_WRITERS: dict[str, Callable[[HidUpsDevice, float], None]] = {
    "delay_shutdown": HidUpsDevice.set_delay_shutdown,
    "delay_startup": HidUpsDevice.set_delay_startup,
    "test": HidUpsDevice.set_test,
    "alarm": HidUpsDevice.set_alarm,
    "charge_low": HidUpsDevice.set_charge_low,
    "runtime_low": HidUpsDevice.set_runtime_low,
}
