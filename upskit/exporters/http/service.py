"""The HTTP service as a runtime service: listens, serves, reloads users, stops."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from upskit.config.settings import ConfigError, Settings
from upskit.exporters.history import HistoryRecorder
from upskit.model import DeviceRegistry

if TYPE_CHECKING:
    import ssl

    from aiohttp import web

    from upskit.drivers.base import Driver
    from upskit.exporters.http.state import WebState

log = logging.getLogger(__name__)


class HttpService:
    """Dashboard, REST API and ``/metrics`` on the ``[http]`` address.

    An address that cannot be bound or a certificate that cannot be read is logged and
    reported to the watchdog; drivers, server and monitor keep running.  A reload takes
    new users at once; a new address or certificate needs a restart.
    """

    name = "http"

    def __init__(self, registry: DeviceRegistry, settings: Settings, *,
                 drivers: Callable[[], Mapping[str, Driver]] | None = None,
                 history: HistoryRecorder | None = None) -> None:
        self.registry = registry
        self.settings = settings
        self.drivers = drivers
        self.history = history
        self.state: WebState | None = None
        self.runner: web.AppRunner | None = None
        self.failure: str | None = None
        self._undo_history: Callable[[], None] | None = None
        #: (host, port) actually bound, once started.
        self.ports: list[tuple[str, int]] = []

    @property
    def url(self) -> str:
        """The dashboard's address (the first bound one)."""
        host, port = self.ports[0] if self.ports else (self.settings.web.http.host,
                                                       self.settings.web.http.port)
        scheme = "https" if self.settings.web.http.tls else "http"
        shown = f"[{host}]" if ":" in host else host
        return f"{scheme}://{shown}:{port}/"

    async def start(self) -> None:
        from aiohttp import web

        from upskit.exporters.http.app import make_app
        from upskit.exporters.http.auth import Users
        from upskit.exporters.http.live import LiveHub
        from upskit.exporters.http.state import WebState
        from upskit.exporters.metrics import Metrics

        http = self.settings.web.http
        try:
            context = self._tls() if http.tls else None
        except ConfigError as exc:
            self.failure = f"the HTTP service cannot start: {exc}"
            log.error("%s", self.failure)
            return
        hub = LiveHub(self.registry)
        self.state = WebState(self.registry, Users(self.settings.users), hub,
                              Metrics(self.registry, self.drivers), self.history)
        hub.start()
        if self.history is not None:
            self._undo_history = self.history.subscribe(hub.on_log)
        self.runner = web.AppRunner(make_app(self.state), access_log=None,
                                    handle_signals=False, shutdown_timeout=1.0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, http.host, http.port, ssl_context=context)
        try:
            await site.start()
        except OSError as exc:
            self.failure = (f"the HTTP service cannot listen on {http.host}:{http.port}: "
                            f"{exc.strerror or exc}")
            log.error("%s; the UPSes keep being served over NUT", self.failure)
            return
        self.ports = [(str(a[0]), int(a[1])) for a in self.runner.addresses]
        log.info("HTTP: dashboard, REST API and /metrics on %s", self.url)
        if not http.tls and not _loopback(http.host):
            log.warning("HTTP: %s is reachable from other machines without TLS: logins "
                        "(upsd.users passwords) cross the network readable", self.url)

    def _tls(self) -> ssl.SSLContext:
        from upskit.lazyssl import load_ssl

        load_ssl()
        import ssl
        certfile = self.settings.web.http.certfile or self.settings.upsd.certfile
        if not certfile:
            raise ConfigError(self.settings.web.http.origin or self.settings.source, None,
                              "TLS needs a certificate: CERTFILE in upsd.conf or "
                              "upskit-http.conf")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(certfile)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(certfile, None, "must be a readable PEM file holding the "
                              f"certificate and its private key: {exc}") from exc
        return context

    async def stop(self) -> None:
        if self._undo_history is not None:
            self._undo_history()
            self._undo_history = None
        if self.state is not None:
            await self.state.hub.stop()
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    async def reload(self, settings: Settings) -> None:
        old, self.settings = self.settings, settings
        if self.state is not None:
            from upskit.exporters.http.auth import Users

            self.state.users = Users(settings.users)
        if (old.web.http, old.upsd.certfile) != (settings.web.http, settings.upsd.certfile):
            log.warning("HTTP: a new address or certificate applies after a restart")
            self.settings.web.http = old.web.http

    def problems(self) -> list[str]:
        return [self.failure] if self.failure else []


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
