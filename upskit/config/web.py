"""Settings of the HTTP service (dashboard, REST API, ``/metrics``) and the history store.

Plain data, filled by :mod:`upskit.config.web_conf` (``upskit-http.conf`` beside
upsd.conf) or by the ``[http]`` and ``[history]`` tables of the TOML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The port nut_exporter listens on by default: a Prometheus job written for it keeps working.
DEFAULT_HTTP_PORT = 9199
#: Where the history database lives when no path is configured (systemd's
#: ``StateDirectory=upskit`` sets ``$STATE_DIRECTORY`` to it).
DEFAULT_STATE_DIR = "/var/lib/upskit"
HISTORY_FILE = "history.sqlite"


@dataclass
class HttpSettings:
    """The HTTP service: off unless ``enabled``; loopback unless told otherwise."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = DEFAULT_HTTP_PORT
    #: Serve HTTPS with upsd.conf's CERTFILE (or ``certfile`` when set).
    tls: bool = False
    certfile: str | None = None
    #: Where it was configured, for messages ("file:line"); not part of the value.
    origin: str = field(default="", compare=False)


@dataclass
class HistorySettings:
    """The SQLite history: samples of the main variables and the event log."""

    #: Recorded whenever the HTTP service runs, or when asked for on its own.
    enabled: bool = False
    #: The database file; ``None`` means ``$STATE_DIRECTORY`` or /var/lib/upskit.
    path: str | None = None
    #: Seconds between two samples of one UPS.
    interval: float = 60.0
    #: Samples and events older than this many seconds are deleted.
    retention: float = 90 * 86400.0

    def database(self, environ: dict[str, str] | None = None) -> str:
        """The database path this configuration names."""
        import os

        if self.path:
            return self.path
        env = os.environ if environ is None else environ
        state = env.get("STATE_DIRECTORY", "").split(":")[0] or DEFAULT_STATE_DIR
        return os.path.join(state, HISTORY_FILE)


@dataclass
class WebSettings:
    """Both sections together (``Settings.web``)."""

    http: HttpSettings = field(default_factory=HttpSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
