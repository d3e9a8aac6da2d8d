"""Device state: variables, flags, enums, ranges, commands, status and alarms."""

from upskit.model.device import Device, DeviceEvent, EventKind
from upskit.model.flags import CmdResult, SetError, VarFlag
from upskit.model.registry import DeviceRegistry
from upskit.model.status import compose_status
from upskit.model.variable import Variable

__all__ = [
    "CmdResult",
    "Device",
    "DeviceEvent",
    "DeviceRegistry",
    "EventKind",
    "SetError",
    "VarFlag",
    "Variable",
    "compose_status",
]
