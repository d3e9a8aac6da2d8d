"""``--http HOST:PORT`` for ``upskit run`` and ``upskit demo``: turns the HTTP service on."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.config.settings import Settings


def parse_http(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``HOST``, ``:PORT`` or ``[V6]:PORT`` (default port 9199)."""
    from upskit.config.addresses import split_host_port
    from upskit.config.values import BadValue
    from upskit.config.web import DEFAULT_HTTP_PORT

    if text.startswith(":"):
        text = "127.0.0.1" + text
    try:
        return split_host_port(text, DEFAULT_HTTP_PORT)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(f"--http {exc}") from None


def add_http_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--http", type=parse_http, metavar="HOST:PORT",
        help="serve the dashboard, REST API and /metrics here (needs upskit[web]; "
             "default port 9199; use a loopback address unless others should reach it)")


def apply_http(settings: Settings, address: tuple[str, int] | None) -> None:
    """Turn the HTTP service on at ``address`` (from ``--http``), over the configuration."""
    if address is not None:
        http = settings.web.http
        http.enabled, (http.host, http.port) = True, address
        http.origin = "--http"


def web_extra_missing(settings: Settings) -> str | None:
    """A message when the HTTP service is wanted but aiohttp or prometheus-client is not
    installed."""
    if not settings.web.http.enabled:
        return None
    import importlib.util

    missing = [name for name in ("aiohttp", "prometheus_client")
               if importlib.util.find_spec(name) is None]
    if missing:
        return (f"the HTTP service needs {' and '.join(missing)}: "
                "pip install 'upskit[web]'")
    return None
