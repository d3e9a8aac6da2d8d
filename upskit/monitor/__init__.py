"""Shutdown policy (upsmon and upssched behaviour) and notifications.

:class:`Monitor` runs everything in one asyncio task; :class:`Policy` is the pure
decision logic underneath it.  The names below load on first use, so that a module of
this package (the control socket's names, the events) can be imported without asyncio.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upskit.monitor.events import NotifyType
    from upskit.monitor.monitor import Monitor
    from upskit.monitor.policy import Phase, Policy
    from upskit.monitor.shutdown import POWERDOWN_MAGIC, powerdown_flag_set

_WHERE = {
    "NotifyType": "upskit.monitor.events",
    "Monitor": "upskit.monitor.monitor",
    "Phase": "upskit.monitor.policy",
    "Policy": "upskit.monitor.policy",
    "POWERDOWN_MAGIC": "upskit.monitor.shutdown",
    "powerdown_flag_set": "upskit.monitor.shutdown",
}

__all__ = ["POWERDOWN_MAGIC", "Monitor", "NotifyType", "Phase", "Policy", "powerdown_flag_set"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
