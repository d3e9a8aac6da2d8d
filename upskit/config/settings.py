"""Typed settings shared by every configuration source (NUT files and TOML).

Parsers in this package fill these objects; the server, drivers and monitor read
them.  Every object remembers where it came from so later checks can still name
the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from upskit.config.addresses import DEFAULT_PORT
from upskit.config.integrations import MqttSettings, NotifySettings
from upskit.config.web import WebSettings

Role = Literal["primary", "secondary"]
OptionValue = str | bool


class ConfigError(Exception):
    """A configuration problem, always naming the file and (when known) the line."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass
class Origin:
    """Where a setting was read: file and 1-based line."""

    file: str = "<built-in>"
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class UpsSettings:
    """One UPS section of ``ups.conf`` (``[name]``) or ``[ups.<name>]`` in TOML.

    ``options`` holds every driver option exactly as written (``key = value`` as a
    string, a bare flag as ``True``), including ``port`` and ``default.*`` /
    ``override.*`` keys, excluding ``driver``, ``desc`` and ``alias``.
    """

    name: str
    driver: str
    port: str
    desc: str = ""
    options: dict[str, OptionValue] = field(default_factory=dict)
    sdorder: int = 0
    aliases: list[str] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)
    #: Option name -> the line it was written on (in ``origin.file``), for messages; like
    #: a position, not part of the value (two sections written alike compare equal).
    option_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class UpsConf:
    """``ups.conf``: global driver settings and the UPS sections, in file order."""

    globals: dict[str, OptionValue] = field(default_factory=dict)
    ups: dict[str, UpsSettings] = field(default_factory=dict)


@dataclass
class Listen:
    """One ``LISTEN <address> [<port>]`` line."""

    host: str
    port: int = DEFAULT_PORT


@dataclass
class UpsdSettings:
    """``upsd.conf``. An empty ``listen`` means NUT's default: localhost v4 and v6."""

    listen: list[Listen] = field(default_factory=list)
    maxage: float = 15.0
    maxconn: int = 1024
    trackingdelay: float = 3600.0
    statepath: str | None = None
    certfile: str | None = None
    certpath: str | None = None
    certident: str | None = None
    certrequest: int = 0
    disable_weak_ssl: bool = False
    allow_no_device: bool = False
    allow_not_all_listeners: bool = False
    debug_min: int = 0
    #: upskit extension: longest accepted request line in bytes.
    max_line: int = 4096
    #: upskit extension: seconds a connection may go without completing a request line
    #: before it is closed (0 = never); upsd drops such a client after about 60 s.
    idle_timeout: float = 60.0
    #: Second word of ``CERTIDENT``: the password of the certificate database.
    certident_password: str | None = None


@dataclass
class UserSettings:
    """One ``[user]`` section of ``upsd.users``.

    ``actions`` are upper-case words (``SET``, ``FSD``); ``instcmds`` holds command
    names, or ``"ALL"`` (upper-case) for every command.
    """

    name: str
    password: str | None = None
    actions: set[str] = field(default_factory=set)
    instcmds: set[str] = field(default_factory=set)
    upsmon: Role | None = None
    origin: Origin = field(default_factory=Origin)

    def may_instcmd(self, command: str) -> bool:
        return "ALL" in self.instcmds or command.lower() in {c.lower() for c in self.instcmds}


@dataclass
class MonitorSettings:
    """One ``MONITOR <ups>@<host>[:<port>] <powervalue> <user> <password> <role>`` line."""

    ups: str
    host: str
    port: int = DEFAULT_PORT
    power_value: int = 1
    username: str = ""
    password: str = ""
    role: Role = "secondary"
    origin: Origin = field(default_factory=Origin)

    @property
    def system(self) -> str:
        """``ups@host[:port]`` as written in NUT's messages."""
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        return f"{self.ups}@{self.host}{port}"


@dataclass
class CertHost:
    """One ``CERTHOST <hostname> <certname> <certverify> <forcessl>`` line of upsmon.conf."""

    host: str
    certname: str
    certverify: bool = False
    forcessl: bool = False
    origin: Origin = field(default_factory=Origin)


@dataclass
class UpsmonSettings:
    """``upsmon.conf`` with NUT's defaults."""

    monitors: list[MonitorSettings] = field(default_factory=list)
    minsupplies: int = 1
    pollfreq: float = 5.0
    #: POLLFREQALERT; ``None`` (not configured) means upskit's default of 0.5 s, where
    #: NUT uses 5 s: on battery, low battery is then seen within half a second.
    pollfreqalert: float | None = None
    hostsync: float = 15.0
    deadtime: float = 15.0
    finaldelay: float = 5.0
    powerdownflag: str | None = None
    shutdowncmd: str | None = None
    notifycmd: str | None = None
    #: NOTIFYMSG type -> message format (``%s`` is the UPS name).
    notifymsg: dict[str, str] = field(default_factory=dict)
    #: NOTIFYFLAG type -> set of ``SYSLOG`` / ``WALL`` / ``EXEC`` / ``IGNORE``.
    notifyflag: dict[str, set[str]] = field(default_factory=dict)
    rbwarntime: float = 43200.0
    nocommwarntime: float = 300.0
    offduration: float = 30.0
    overduration: float = -1.0
    oblbduration: float = 0.0
    alarmcritical: bool = True
    #: SHUTDOWNEXIT: 0 = exit right after SHUTDOWNCMD (NUT's ``yes``), ``None`` = never
    #: exit (``no``), N > 0 = linger N seconds.
    shutdownexit: float | None = 0.0
    run_as_user: str | None = None
    certpath: str | None = None
    certident: str | None = None
    certverify: bool = False
    forcessl: bool = False
    debug_min: int = 0
    pollfail_log_throttle_max: int = -1
    #: Second word of ``CERTIDENT``: the password of the certificate database.
    certident_password: str | None = None
    #: ``CERTHOST`` lines by host name.
    certhosts: dict[str, CertHost] = field(default_factory=dict)


@dataclass
class UpsschedRule:
    """``AT <notifytype> <ups|*> <action> [args...]``."""

    event: str
    ups: str
    action: str
    args: list[str] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)


@dataclass
class UpsschedSettings:
    """``upssched.conf``."""

    cmdscript: str | None = None
    pipefn: str | None = None
    lockfn: str | None = None
    rules: list[UpsschedRule] = field(default_factory=list)


@dataclass
class NutConf:
    """``nut.conf``: ``MODE=none|standalone|netserver|netclient`` and friends."""

    mode: str = "none"
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Settings:
    """Everything one upskit process may need, from a NUT directory or a TOML file."""

    ups: UpsConf = field(default_factory=UpsConf)
    upsd: UpsdSettings = field(default_factory=UpsdSettings)
    users: dict[str, UserSettings] = field(default_factory=dict)
    upsmon: UpsmonSettings | None = None
    upssched: UpsschedSettings | None = None
    nut: NutConf = field(default_factory=NutConf)
    #: The HTTP service and the history store (upskit-http.conf, [http], [history]).
    web: WebSettings = field(default_factory=WebSettings)
    #: The MQTT service (upskit-mqtt.conf, [mqtt]).
    mqtt: MqttSettings = field(default_factory=MqttSettings)
    #: Notifications to Apprise URLs (upskit-notify.conf, [notify]).
    notify: NotifySettings = field(default_factory=NotifySettings)
    #: Where these settings came from (directory or TOML file), for messages.
    source: str = ""
