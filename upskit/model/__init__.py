"""Device state: variables, flags, enums, ranges, commands, status and alarms."""

from upskit.model.device import Device, DeviceEvent, DeviceSnapshot, EventKind
from upskit.model.flags import CmdResult, SetError, VarFlag
from upskit.model.registry import (
    DeviceRegistry,
    RegistryEvent,
    RegistryEventKind,
    RegistrySnapshot,
)
from upskit.model.status import compose_status
from upskit.model.variable import Variable, VariableSnapshot

__all__ = [
    "CmdResult",
    "Device",
    "DeviceEvent",
    "DeviceRegistry",
    "DeviceSnapshot",
    "EventKind",
    "RegistryEvent",
    "RegistryEventKind",
    "RegistrySnapshot",
    "SetError",
    "VarFlag",
    "Variable",
    "VariableSnapshot",
    "compose_status",
]
