"""One-line descriptions of NUT's standard variable and command names (GET DESC / CMDDESC).

Indexed and per-phase names are described from their generic form: ``outlet.3.status``
uses the text of ``outlet.status`` prefixed with "Outlet 3:", ``input.L2-N.voltage``
the text of ``input.voltage`` prefixed with "Phase L2-N:".
"""

from __future__ import annotations

import re

_DEVICE = {
    "device.model": "Model name of the device",
    "device.mfr": "Maker of the device",
    "device.serial": "Serial number of the device",
    "device.type": "Kind of device (ups, pdu, scd, psu, ats)",
    "device.description": "Free-text note about the device",
    "device.contact": "Person responsible for the device",
    "device.location": "Where the device is installed",
    "device.part": "Part number of the device",
    "device.macaddr": "Network hardware address of the device",
    "device.uptime": "Seconds since the device last started",
    "device.count": "Number of devices chained behind this one",
    "device.usb.version": "USB version the device reports",
}

_UPS = {
    "ups.status": "Status words of the UPS (OL, OB, LB, ...)",
    "ups.alarm": "Active alarm texts reported by the UPS",
    "ups.time": "Time of day kept by the UPS clock",
    "ups.date": "Date kept by the UPS clock",
    "ups.model": "Model name of the UPS",
    "ups.mfr": "Maker of the UPS",
    "ups.mfr.date": "Date the UPS was built",
    "ups.serial": "Serial number of the UPS",
    "ups.vendorid": "USB vendor id of the UPS",
    "ups.productid": "USB product id of the UPS",
    "ups.firmware": "Main firmware version of the UPS",
    "ups.firmware.aux": "Secondary firmware version of the UPS",
    "ups.temperature": "Temperature inside the UPS (degrees C)",
    "ups.load": "Load on the UPS output (percent of capacity)",
    "ups.load.high": "Load level that raises an overload alarm (percent)",
    "ups.load.energysave": "Load below which energy saving starts (percent)",
    "ups.id": "Name given to the UPS by its owner",
    "ups.delay.start": "Seconds the UPS waits before turning the load back on",
    "ups.delay.reboot": "Seconds the UPS waits before power-cycling the load",
    "ups.delay.shutdown": "Seconds the UPS waits before cutting the load",
    "ups.timer.start": "Seconds left before the load is turned back on",
    "ups.timer.reboot": "Seconds left before the load is power-cycled",
    "ups.timer.shutdown": "Seconds left before the load is cut",
    "ups.test.interval": "Seconds between automatic self-tests",
    "ups.test.result": "Outcome of the last self-test",
    "ups.test.date": "When the last self-test ran",
    "ups.display.language": "Language of the front-panel display",
    "ups.contacts": "State of the dry contacts on the UPS",
    "ups.efficiency": "Ratio of output to input power (percent)",
    "ups.power": "Apparent power drawn from the output (VA)",
    "ups.power.nominal": "Rated apparent power of the UPS (VA)",
    "ups.realpower": "Real power drawn from the output (W)",
    "ups.realpower.nominal": "Rated real power of the UPS (W)",
    "ups.beeper.status": "Whether the audible alarm is enabled, disabled or muted",
    "ups.type": "Design of the UPS (offline, line-interactive, online)",
    "ups.watchdog.status": "Whether the watchdog of the UPS is active",
    "ups.start.auto": "Whether the UPS starts by itself when mains returns",
    "ups.start.battery": "Whether the UPS may be switched on without mains",
    "ups.start.reboot": "Whether the UPS restarts the load after a cold start",
    "ups.shutdown": "Whether the UPS accepts shutdown commands",
    "ups.mode.buzzwords": "Vendor words describing the current operating mode",
    "ups.power.high": "Apparent power level that raises an overload alarm (VA)",
    "ups.realpower.high": "Real power level that raises an overload alarm (W)",
}

_INPUT = {
    "input.voltage": "Mains voltage at the input (V)",
    "input.voltage.maximum": "Highest input voltage seen since the last reset (V)",
    "input.voltage.minimum": "Lowest input voltage seen since the last reset (V)",
    "input.voltage.status": "Whether the input voltage is within limits",
    "input.voltage.low.warning": "Input voltage that raises a low-voltage warning (V)",
    "input.voltage.low.critical": "Input voltage that raises a low-voltage alarm (V)",
    "input.voltage.high.warning": "Input voltage that raises a high-voltage warning (V)",
    "input.voltage.high.critical": "Input voltage that raises a high-voltage alarm (V)",
    "input.voltage.nominal": "Rated mains voltage (V)",
    "input.voltage.extended": "Whether the wider input voltage window is in use",
    "input.transfer.delay": "Seconds of bad mains tolerated before going to battery",
    "input.transfer.reason": "Why the UPS last switched to battery",
    "input.transfer.low": "Input voltage below which the UPS goes to battery (V)",
    "input.transfer.high": "Input voltage above which the UPS goes to battery (V)",
    "input.transfer.low.min": "Smallest allowed setting of the low transfer point (V)",
    "input.transfer.low.max": "Largest allowed setting of the low transfer point (V)",
    "input.transfer.high.min": "Smallest allowed setting of the high transfer point (V)",
    "input.transfer.high.max": "Largest allowed setting of the high transfer point (V)",
    "input.transfer.boost.low": "Input voltage below which boosting starts (V)",
    "input.transfer.boost.high": "Input voltage above which boosting stops (V)",
    "input.transfer.trim.low": "Input voltage below which trimming stops (V)",
    "input.transfer.trim.high": "Input voltage above which trimming starts (V)",
    "input.transfer.eco.low": "Input voltage below which eco mode is left (V)",
    "input.transfer.eco.high": "Input voltage above which eco mode is left (V)",
    "input.sensitivity": "How readily the UPS reacts to poor mains (low, medium, high)",
    "input.quality": "Judgement of the mains quality",
    "input.current": "Current drawn from the mains (A)",
    "input.current.nominal": "Rated input current (A)",
    "input.current.status": "Whether the input current is within limits",
    "input.current.low.warning": "Input current that raises a low-current warning (A)",
    "input.current.low.critical": "Input current that raises a low-current alarm (A)",
    "input.current.high.warning": "Input current that raises a high-current warning (A)",
    "input.current.high.critical": "Input current that raises a high-current alarm (A)",
    "input.frequency": "Mains frequency at the input (Hz)",
    "input.frequency.nominal": "Rated mains frequency (Hz)",
    "input.frequency.status": "Whether the input frequency is within limits",
    "input.frequency.low": "Input frequency below which the UPS goes to battery (Hz)",
    "input.frequency.high": "Input frequency above which the UPS goes to battery (Hz)",
    "input.frequency.extended": "Whether the wider input frequency window is in use",
    "input.load": "Load on the input (percent)",
    "input.realpower": "Real power drawn from the mains (W)",
    "input.realpower.nominal": "Rated real power of the input (W)",
    "input.power": "Apparent power drawn from the mains (VA)",
    "input.source": "Input source currently feeding the device",
    "input.source.preferred": "Input source the device prefers",
    "input.phases": "Number of input phases",
    "input.bypass.voltage": "Voltage at the bypass input (V)",
    "input.bypass.current": "Current on the bypass input (A)",
    "input.bypass.frequency": "Frequency at the bypass input (Hz)",
    "input.bypass.phases": "Number of bypass input phases",
    "input.bypass.realpower": "Real power drawn through the bypass (W)",
    "input.bypass.power": "Apparent power drawn through the bypass (VA)",
    "input.bypass.voltage.nominal": "Rated bypass input voltage (V)",
    "input.bypass.frequency.nominal": "Rated bypass input frequency (Hz)",
}

_OUTPUT = {
    "output.voltage": "Voltage delivered to the load (V)",
    "output.voltage.nominal": "Rated output voltage (V)",
    "output.frequency": "Frequency delivered to the load (Hz)",
    "output.frequency.nominal": "Rated output frequency (Hz)",
    "output.current": "Current delivered to the load (A)",
    "output.current.nominal": "Rated output current (A)",
    "output.realpower": "Real power delivered to the load (W)",
    "output.realpower.nominal": "Rated real output power (W)",
    "output.power": "Apparent power delivered to the load (VA)",
    "output.power.nominal": "Rated apparent output power (VA)",
    "output.powerfactor": "Ratio of real to apparent output power",
    "output.phases": "Number of output phases",
    "output.voltage.low": "Output voltage that raises a low-voltage alarm (V)",
    "output.voltage.high": "Output voltage that raises a high-voltage alarm (V)",
    "output.current.peak": "Highest output current seen (A)",
    "output.crestfactor": "Ratio of peak to average output current",
    "output.load": "Load on the output (percent)",
}

_BATTERY = {
    "battery.charge": "Battery charge (percent of full)",
    "battery.charge.approx": "Rough battery charge (percent of full)",
    "battery.charge.low": "Charge below which the battery counts as low (percent)",
    "battery.charge.restart": "Charge needed before the load is turned back on (percent)",
    "battery.charge.warning": "Charge below which the UPS warns of a weak battery (percent)",
    "battery.charger.status": "What the charger is doing (charging, resting, ...)",
    "battery.voltage": "Voltage of the battery (V)",
    "battery.voltage.nominal": "Rated battery voltage (V)",
    "battery.voltage.low": "Battery voltage that counts as low (V)",
    "battery.voltage.high": "Battery voltage that counts as full (V)",
    "battery.voltage.cell.min": "Lowest voltage of a single battery cell (V)",
    "battery.voltage.cell.max": "Highest voltage of a single battery cell (V)",
    "battery.capacity": "Capacity of the battery (Ah)",
    "battery.capacity.nominal": "Rated capacity of the battery (Ah)",
    "battery.current": "Current into or out of the battery (A)",
    "battery.current.total": "Total current into or out of every battery string (A)",
    "battery.temperature": "Temperature of the battery (degrees C)",
    "battery.temperature.cell.min": "Lowest temperature of a battery cell (degrees C)",
    "battery.temperature.cell.max": "Highest temperature of a battery cell (degrees C)",
    "battery.runtime": "Time the battery can still hold the load (seconds)",
    "battery.runtime.low": "Remaining runtime that counts as low (seconds)",
    "battery.runtime.restart": "Runtime needed before the load is turned back on (seconds)",
    "battery.alarm.threshold": "Level at which the battery alarm sounds",
    "battery.date": "When the battery was installed or last replaced",
    "battery.date.maintenance": "When the battery is next due for maintenance",
    "battery.mfr.date": "When the battery was made",
    "battery.packs": "Number of battery packs",
    "battery.packs.bad": "Number of battery packs found bad",
    "battery.packs.external": "Number of external battery packs",
    "battery.type": "Battery chemistry",
    "battery.protection": "Whether deep-discharge protection is on",
    "battery.energysave": "Whether battery energy saving is on",
    "battery.energysave.load": "Load below which battery energy saving starts (percent)",
    "battery.energysave.delay": "Minutes at low load before energy saving starts",
    "battery.energysave.realpower": "Real power below which energy saving starts (W)",
    "battery.status": "Health of the battery as judged by the UPS",
}

_AMBIENT = {
    "ambient.temperature": "Temperature around the device (degrees C)",
    "ambient.temperature.alarm": "Whether the ambient temperature alarm is active",
    "ambient.temperature.status": "Whether the ambient temperature is within limits",
    "ambient.temperature.alarm.maximum": "Highest ambient temperature allowed (degrees C)",
    "ambient.temperature.alarm.minimum": "Lowest ambient temperature allowed (degrees C)",
    "ambient.temperature.alarm.enable": "Whether ambient temperature alarms are enabled",
    "ambient.temperature.low": "Ambient temperature that counts as low (degrees C)",
    "ambient.temperature.low.warning": "Ambient temperature that raises a low warning (degrees C)",
    "ambient.temperature.low.critical": "Ambient temperature that raises a low alarm (degrees C)",
    "ambient.temperature.high": "Ambient temperature that counts as high (degrees C)",
    "ambient.temperature.high.warning": "Ambient temperature that raises a high warning "
                                        "(degrees C)",
    "ambient.temperature.high.critical": "Ambient temperature that raises a high alarm "
                                         "(degrees C)",
    "ambient.humidity": "Relative humidity around the device (percent)",
    "ambient.humidity.alarm": "Whether the ambient humidity alarm is active",
    "ambient.humidity.status": "Whether the ambient humidity is within limits",
    "ambient.humidity.alarm.maximum": "Highest ambient humidity allowed (percent)",
    "ambient.humidity.alarm.minimum": "Lowest ambient humidity allowed (percent)",
    "ambient.humidity.alarm.enable": "Whether ambient humidity alarms are enabled",
    "ambient.humidity.low": "Ambient humidity that counts as low (percent)",
    "ambient.humidity.low.warning": "Ambient humidity that raises a low warning (percent)",
    "ambient.humidity.low.critical": "Ambient humidity that raises a low alarm (percent)",
    "ambient.humidity.high": "Ambient humidity that counts as high (percent)",
    "ambient.humidity.high.warning": "Ambient humidity that raises a high warning (percent)",
    "ambient.humidity.high.critical": "Ambient humidity that raises a high alarm (percent)",
    "ambient.present": "Whether an ambient sensor is attached",
    "ambient.count": "Number of ambient sensors",
    "ambient.name": "Name of the ambient sensor",
    "ambient.mfr": "Maker of the ambient sensor",
    "ambient.model": "Model of the ambient sensor",
    "ambient.firmware": "Firmware version of the ambient sensor",
    "ambient.parent.serial": "Serial number of the device the sensor hangs off",
    "ambient.contacts.1.status": "State of dry contact 1 on the sensor",
    "ambient.contacts.2.status": "State of dry contact 2 on the sensor",
}

_OUTLET = {
    "outlet.id": "Number of the outlet",
    "outlet.desc": "Label of the outlet",
    "outlet.name": "Name of the outlet",
    "outlet.switch": "Whether the outlet is switched on or off",
    "outlet.status": "Whether the outlet is powered (on or off)",
    "outlet.alarm": "Alarm texts for the outlet",
    "outlet.switchable": "Whether the outlet can be switched on and off",
    "outlet.autoswitch.charge.low": "Battery charge below which the outlet is switched off "
                                    "(percent)",
    "outlet.battery.charge.low": "Battery charge below which the outlet is switched off "
                                 "(percent)",
    "outlet.delay.shutdown": "Seconds the outlet waits before switching off",
    "outlet.delay.start": "Seconds the outlet waits before switching on",
    "outlet.timer.shutdown": "Seconds left before the outlet switches off",
    "outlet.timer.start": "Seconds left before the outlet switches on",
    "outlet.current": "Current drawn through the outlet (A)",
    "outlet.current.maximum": "Highest current seen through the outlet (A)",
    "outlet.current.status": "Whether the outlet current is within limits",
    "outlet.current.low.warning": "Outlet current that raises a low warning (A)",
    "outlet.current.low.critical": "Outlet current that raises a low alarm (A)",
    "outlet.current.high.warning": "Outlet current that raises a high warning (A)",
    "outlet.current.high.critical": "Outlet current that raises a high alarm (A)",
    "outlet.realpower": "Real power drawn through the outlet (W)",
    "outlet.voltage": "Voltage at the outlet (V)",
    "outlet.powerfactor": "Ratio of real to apparent power at the outlet",
    "outlet.crestfactor": "Ratio of peak to average current at the outlet",
    "outlet.power": "Apparent power drawn through the outlet (VA)",
    "outlet.type": "Socket type of the outlet",
    "outlet.count": "Number of outlets",
    "outlet.group.count": "Number of outlet groups",
    "outlet.frequency": "Frequency at the outlet (Hz)",
}

_SYSTEM = {
    "driver.name": "Driver serving this UPS",
    "driver.version": "Version of the software serving this UPS",
    "driver.version.internal": "Version of the driver's own logic",
    "driver.version.data": "Version of the driver's device table",
    "driver.version.usb": "Version of the USB library the driver uses",
    "driver.state": "What the driver is doing right now",
    "driver.debug": "Debug level of the driver",
    "driver.flag.allow_killpower": "Whether the driver may cut the UPS output on request",
    "driver.parameter.pollinterval": "Seconds between two updates from the UPS",
    "driver.parameter.port": "Port the UPS is attached to",
    "driver.parameter.synchronous": "How the driver hands data to the server",
    "server.info": "Information about the server",
    "server.version": "Version of the server",
}

_PHASE_EXTRA = {
    "input.phase.shift": "Phase angle between input phases (degrees)",
    "output.phase.shift": "Phase angle between output phases (degrees)",
    "input.bypass.phase.shift": "Phase angle between bypass input phases (degrees)",
}

VARIABLES: dict[str, str] = {
    **_DEVICE, **_UPS, **_INPUT, **_OUTPUT, **_BATTERY, **_AMBIENT, **_OUTLET, **_SYSTEM,
    **_PHASE_EXTRA,
}

COMMANDS: dict[str, str] = {
    "load.off": "Cut power to the load right away",
    "load.on": "Give power to the load right away",
    "load.off.delay": "Cut power to the load after a delay",
    "load.on.delay": "Give power to the load after a delay",
    "shutdown.return": "Cut the load, then restore it when mains comes back",
    "shutdown.stayoff": "Cut the load and keep it off even when mains comes back",
    "shutdown.stop": "Cancel a shutdown that is counting down",
    "shutdown.reboot": "Power-cycle the load",
    "shutdown.reboot.graceful": "Power-cycle the load after a delay",
    "test.panel.start": "Test the front panel lights and display",
    "test.panel.stop": "End the front panel test",
    "test.failure.start": "Simulate a mains failure",
    "test.failure.stop": "End the simulated mains failure",
    "test.battery.start": "Run a battery test",
    "test.battery.start.quick": "Run a short battery test",
    "test.battery.start.deep": "Run a full-discharge battery test",
    "test.battery.stop": "Abort the running battery test",
    "test.system.start": "Run a self-test of the whole system",
    "calibrate.start": "Start a runtime calibration (discharges the battery)",
    "calibrate.stop": "Abort the runtime calibration",
    "bypass.start": "Put the load on bypass",
    "bypass.stop": "Take the load off bypass",
    "reset.input.minmax": "Clear the recorded input voltage extremes",
    "reset.watchdog": "Restart the watchdog timer of the UPS",
    "beeper.enable": "Turn the audible alarm on",
    "beeper.disable": "Turn the audible alarm off",
    "beeper.mute": "Silence the current audible alarm",
    "beeper.toggle": "Switch the audible alarm on or off",
    "beeper.on": "Turn the audible alarm on (older name)",
    "beeper.off": "Turn the audible alarm off (older name)",
    "experimental.test.battery.start.quick": "Run a short battery test (untested mapping)",
    "driver.reload": "Reload the driver configuration",
    "driver.reload-or-error": "Reload the driver configuration, failing if it cannot",
    "driver.reload-or-exit": "Reload the driver configuration, exiting if it cannot",
    "driver.killpower": "Cut the UPS output through the driver",
    "ambient.alarm.reset": "Clear the ambient sensor alarms",
}

_INDEXED = re.compile(r"^(outlet\.group|outlet|ambient)\.(\d+)\.(.+)$")
_PHASE = re.compile(
    r"^(input\.bypass|input|output)\.(L[1-3](?:-(?:N|L[1-3]))?|N)\.(.+)$"
)
_LABELS = {"outlet": "Outlet", "outlet.group": "Outlet group", "ambient": "Sensor"}


def variable_description(name: str) -> str | None:
    """Our description of variable ``name``, or ``None`` for a name we do not know."""
    text = VARIABLES.get(name)
    if text is not None:
        return text
    match = _INDEXED.match(name)
    if match:
        kind, index, rest = match.groups()
        generic = VARIABLES.get(f"{kind}.{rest}") or VARIABLES.get(f"outlet.{rest}")
        return None if generic is None else f"{_LABELS[kind]} {index}: {generic}"
    match = _PHASE.match(name)
    if match:
        prefix, phase, rest = match.groups()
        generic = VARIABLES.get(f"{prefix}.{rest}")
        return None if generic is None else f"Phase {phase}: {generic}"
    if name.startswith("driver.parameter."):
        return f"Driver setting {name[len('driver.parameter.'):]} from ups.conf"
    if name.startswith("driver.flag."):
        return f"Driver flag {name[len('driver.flag.'):]} from ups.conf"
    return None


def command_description(name: str) -> str | None:
    """Our description of instant command ``name``, or ``None`` for a name we do not know."""
    text = COMMANDS.get(name)
    if text is not None:
        return text
    match = _INDEXED.match(name)
    if match:
        kind, index, rest = match.groups()
        generic = COMMANDS.get(rest)
        if generic is not None:
            return f"{_LABELS[kind]} {index}: {generic[0].lower()}{generic[1:]}"
    return None
