"""Shutdown policy (upsmon and upssched behaviour) and notifications.

:class:`Monitor` runs everything in one asyncio task; :class:`Policy` is the pure
decision logic underneath it.
"""

from upskit.monitor.events import NotifyType
from upskit.monitor.monitor import Monitor
from upskit.monitor.policy import Phase, Policy
from upskit.monitor.shutdown import POWERDOWN_MAGIC, powerdown_flag_set

__all__ = ["POWERDOWN_MAGIC", "Monitor", "NotifyType", "Phase", "Policy", "powerdown_flag_set"]
