"""What the MQTT service publishes for one UPS: its state document and the Home Assistant
MQTT discovery entities (sensors, binary sensors, buttons) that read it.

Pure functions of a :class:`DeviceSnapshot` and the settings, so that what Home Assistant
receives can be checked without a broker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from upskit.config.integrations import RISKY_COMMAND_PREFIXES, MqttSettings
from upskit.config.settings import UserSettings
from upskit.model import DeviceSnapshot

_VOLTS = {"device_class": "voltage", "unit_of_measurement": "V", "state_class": "measurement"}
_HERTZ = {"device_class": "frequency", "unit_of_measurement": "Hz",
          "state_class": "measurement"}
_CELSIUS = {"device_class": "temperature", "unit_of_measurement": "°C",
            "state_class": "measurement"}

#: NUT variable -> (entity name, Home Assistant sensor fields).
SENSORS: dict[str, tuple[str, dict[str, str]]] = {
    "battery.charge": ("Battery charge", {"device_class": "battery",
                                          "unit_of_measurement": "%",
                                          "state_class": "measurement"}),
    "battery.runtime": ("Battery runtime", {"device_class": "duration",
                                            "unit_of_measurement": "s",
                                            "state_class": "measurement"}),
    "battery.voltage": ("Battery voltage", _VOLTS),
    "ups.load": ("Load", {"unit_of_measurement": "%", "state_class": "measurement",
                          "icon": "mdi:gauge"}),
    "input.voltage": ("Input voltage", _VOLTS),
    "output.voltage": ("Output voltage", _VOLTS),
    "input.frequency": ("Input frequency", _HERTZ),
    "output.frequency": ("Output frequency", _HERTZ),
    "output.current": ("Output current", {"device_class": "current",
                                          "unit_of_measurement": "A",
                                          "state_class": "measurement"}),
    "ups.realpower": ("Real power", {"device_class": "power", "unit_of_measurement": "W",
                                     "state_class": "measurement"}),
    "ups.power": ("Apparent power", {"device_class": "apparent_power",
                                     "unit_of_measurement": "VA",
                                     "state_class": "measurement"}),
    "ups.temperature": ("Temperature", _CELSIUS),
    "battery.temperature": ("Battery temperature", _CELSIUS),
    "ups.status": ("Status", {"icon": "mdi:information-outline"}),
}
#: State key -> (entity name, Home Assistant binary sensor fields, status word that sets it).
BINARY_SENSORS: dict[str, tuple[str, dict[str, str], str]] = {
    "online": ("Online", {"device_class": "power"}, "OL"),
    "on_battery": ("On battery", {"icon": "mdi:battery-arrow-down"}, "OB"),
    "low_battery": ("Low battery", {"device_class": "battery"}, "LB"),
    "replace_battery": ("Replace battery", {"device_class": "problem"}, "RB"),
}


def topic_name(ups: str) -> str:
    """``ups`` as one topic level: no ``/``, ``+``, ``#``."""
    return re.sub(r"[/+#\s\0]", "_", ups) or "_"


def object_id(text: str) -> str:
    """An id Home Assistant accepts in a discovery topic: ``[a-zA-Z0-9_-]``."""
    return re.sub(r"[^a-zA-Z0-9_-]", "_", text)


@dataclass(frozen=True)
class Topics:
    """The topics of one UPS under the base topic."""

    base: str
    ups: str

    @property
    def service_status(self) -> str:
        return f"{self.base}/status"

    @property
    def root(self) -> str:
        return f"{self.base}/{topic_name(self.ups)}"

    @property
    def state(self) -> str:
        return f"{self.root}/state"

    @property
    def availability(self) -> str:
        return f"{self.root}/availability"

    @property
    def event(self) -> str:
        return f"{self.root}/event"

    @property
    def result(self) -> str:
        return f"{self.root}/result"

    def command(self, user: str) -> str:
        return f"{self.root}/command/{user}"


def state_document(snapshot: DeviceSnapshot) -> dict[str, Any]:
    """Every variable by its NUT name, plus ``online``, ``on_battery``, ``low_battery``,
    ``replace_battery`` (``ON``/``OFF``) and ``available`` for templates."""
    state: dict[str, Any] = {v.name: v.value for v in snapshot.variables}
    words = (snapshot.get("ups.status") or "").split()
    for key, (_name, _fields, word) in BINARY_SENSORS.items():
        state[key] = "ON" if word in words else "OFF"
    state["available"] = available(snapshot)
    return state


def available(snapshot: DeviceSnapshot) -> bool:
    """Whether the UPS's data is live (its driver is attached and the data fresh)."""
    return snapshot.connected and not snapshot.stale


def buttons(snapshot: DeviceSnapshot, mqtt: MqttSettings,
            users: dict[str, UserSettings]) -> list[str]:
    """The commands shown as buttons: those of the UPS that the first command user may
    run, narrowed to ``buttons`` when configured (shutdown.* and load.off* only then)."""
    if not mqtt.command_users:
        return []
    user = users.get(mqtt.command_users[0])
    if user is None:
        return []
    chosen = []
    for command in snapshot.commands:
        if not user.may_instcmd(command):
            continue
        if mqtt.buttons is not None:
            if command in mqtt.buttons:
                chosen.append(command)
        elif not command.startswith(RISKY_COMMAND_PREFIXES):
            chosen.append(command)
    return chosen


def discovery(snapshot: DeviceSnapshot, mqtt: MqttSettings,
              users: dict[str, UserSettings], version: str = "") -> dict[str, dict[str, Any]]:
    """Discovery topic -> configuration, for every entity of this UPS."""
    topics = Topics(mqtt.topic, snapshot.name)
    node = object_id(f"{mqtt.client_id}_{snapshot.name}")
    device: dict[str, Any] = {"identifiers": [node], "name": snapshot.desc or snapshot.name,
                              "manufacturer": snapshot.get("device.mfr")
                              or snapshot.get("ups.mfr") or "unknown",
                              "model": snapshot.get("device.model")
                              or snapshot.get("ups.model") or "UPS"}
    serial = snapshot.get("device.serial") or snapshot.get("ups.serial")
    if serial:
        device["serial_number"] = serial
    firmware = snapshot.get("ups.firmware")
    if firmware:
        device["sw_version"] = firmware
    common: dict[str, Any] = {
        "availability": [{"topic": topics.service_status}, {"topic": topics.availability}],
        "availability_mode": "all",
        "device": device,
        "origin": {"name": "upskit", "sw_version": version},
    }
    configs: dict[str, dict[str, Any]] = {}

    def add(component: str, key: str, fields: dict[str, Any]) -> None:
        oid = object_id(key)
        topic = f"{mqtt.discovery_prefix}/{component}/{node}/{oid}/config"
        configs[topic] = {**fields, "unique_id": f"{node}_{oid}", **common}

    names = {v.name for v in snapshot.variables}
    for var, (name, fields) in SENSORS.items():
        if var in names:
            add("sensor", var, {"name": name, "state_topic": topics.state,
                                "value_template": f"{{{{ value_json['{var}'] }}}}", **fields})
    if "ups.status" in names:
        for key, (name, fields, _word) in BINARY_SENSORS.items():
            add("binary_sensor", key, {"name": name, "state_topic": topics.state,
                                       "value_template": f"{{{{ value_json.{key} }}}}",
                                       "payload_on": "ON", "payload_off": "OFF", **fields})
    for command in buttons(snapshot, mqtt, users):
        add("button", f"cmd_{command}", {
            "name": command.replace(".", " ").capitalize(),
            "command_topic": topics.command(mqtt.command_users[0]),
            "payload_press": command, "icon": "mdi:console"})
    return configs
