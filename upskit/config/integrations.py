"""Settings of the MQTT service (Home Assistant discovery) and of the notifications sent
through Apprise URLs.

Plain data, filled by :mod:`upskit.config.integrations_conf` (``upskit-mqtt.conf`` and
``upskit-notify.conf`` beside upsd.conf) or by the ``[mqtt]`` and ``[notify]`` tables of
the TOML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from upskit.config.notify import NOTIFY_TYPES

MQTT_PORT = 1883
MQTTS_PORT = 8883
#: Commands that get no Home Assistant button unless ``buttons`` names them.
RISKY_COMMAND_PREFIXES = ("shutdown.", "load.off")


@dataclass
class MqttSettings:
    """The MQTT service: off unless ``enabled``."""

    enabled: bool = False
    host: str = "localhost"
    #: ``None``: 8883 with TLS, 1883 without.
    port: int | None = None
    username: str | None = None
    password: str | None = None
    client_id: str = "upskit"
    #: Every topic of this service starts here: ``<topic>/status``, ``<topic>/<ups>/state``.
    topic: str = "upskit"
    discovery: bool = True
    discovery_prefix: str = "homeassistant"
    tls: bool = False
    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None
    #: Accept any broker certificate (self-signed test brokers only).
    tls_insecure: bool = False
    #: upsd.users users whose rights apply to commands received on
    #: ``<topic>/<ups>/command/<user>``; none: commands over MQTT are not accepted.
    command_users: list[str] = field(default_factory=list)
    #: Commands shown as Home Assistant buttons; ``None``: every command of the UPS that
    #: the first command user may run, except shutdown.* and load.off*.
    buttons: list[str] | None = None
    #: Events kept while the broker cannot be reached (the oldest are dropped).
    queue: int = 1000
    #: Longest pause between two connection attempts, in seconds.
    reconnect_max: float = 30.0
    keepalive: int = 30
    #: Where it was configured, for messages ("file:line"); not part of the value.
    origin: str = field(default="", compare=False)

    @property
    def broker_port(self) -> int:
        """The port to connect to."""
        if self.port is not None:
            return self.port
        return MQTTS_PORT if self.tls else MQTT_PORT


@dataclass
class NotifyTarget:
    """One Apprise URL and the notification types sent to it."""

    url: str
    events: frozenset[str] = frozenset(NOTIFY_TYPES)
    origin: str = field(default="", compare=False)


@dataclass
class NotifySettings:
    """Notifications of the monitor sent to Apprise URLs (e-mail, ntfy, Telegram ...)."""

    targets: list[NotifyTarget] = field(default_factory=list)
    #: Title of each message: ``{ups}``, ``{type}`` and ``{message}`` are filled in.
    title: str = "UPS {ups}: {type}"
    #: Seconds one delivery may take before it is given up (and logged).
    timeout: float = 30.0
    #: Notifications waiting per target (the oldest are dropped when a target is slow).
    queue: int = 100

    @property
    def enabled(self) -> bool:
        return bool(self.targets)
