"""The JSON shapes of the REST API and the live stream (described in :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from upskit.model import Device, VariableSnapshot
from upskit.model.variable import Variable

#: The variables the overview shows for every UPS, in its column order.
MAIN_VARIABLES = ("battery.charge", "battery.runtime", "ups.load", "input.voltage",
                  "output.voltage")


def summary(device: Device) -> dict[str, Any]:
    """What the overview shows of one UPS."""
    stale = device.stale
    return {
        "name": device.name,
        "desc": device.desc,
        "status": "" if stale else " ".join(device.status_tokens()),
        "stale": stale,
        "connected": device.connected,
        "fsd": device.fsd,
        "main": {name: (None if stale else device.get(name)) for name in MAIN_VARIABLES},
    }


def variable(var: Variable | VariableSnapshot) -> dict[str, Any]:
    """One variable with what ``GET TYPE``, ``LIST ENUM`` and ``LIST RANGE`` say."""
    return {
        "name": var.name,
        "value": var.value,
        "type": var.type_words(),
        "writable": var.writable,
        "enums": list(var.enums),
        "ranges": [[low, high] for low, high in var.ranges],
    }


def detail(device: Device) -> dict[str, Any]:
    """Everything about one UPS."""
    return {**summary(device),
            "variables": [variable(v) for v in device.variables()],
            "commands": device.commands()}
