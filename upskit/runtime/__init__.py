"""One upskit process: drivers, then an ordered list of services (server, monitor, ...).

Built from :class:`~upskit.config.settings.Settings`, whatever file format they came
from.  A UPS whose driver cannot be built is still listed and answers
``DRIVER-NOT-CONNECTED``; the rest keep running.
"""

from upskit.runtime.monitor import MonitorService
from upskit.runtime.process import Runtime
from upskit.runtime.server import ServerService
from upskit.runtime.service import Service

__all__ = ["MonitorService", "Runtime", "ServerService", "Service"]
