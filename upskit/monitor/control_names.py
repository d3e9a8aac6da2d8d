"""What the daemons' control sockets are called and what they take: constants only, so
that the command line can name them without loading the monitor or asyncio."""

from __future__ import annotations

#: Where ``upskit monitor`` listens unless told otherwise.
MONITOR_SOCKET = "/run/upskit/monitor.sock"
#: Where ``upskit run`` listens unless told otherwise.
RUN_SOCKET = "/run/upskit/upskit.sock"
#: What a client may ask.
COMMANDS = ("fsd", "reload", "stop")
