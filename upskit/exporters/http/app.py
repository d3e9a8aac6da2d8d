"""The aiohttp application: dashboard pages, static files, REST API, ``/metrics``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from upskit.exporters.http.api import routes as api_routes
from upskit.exporters.http.pages import Pages
from upskit.exporters.http.state import NutHttpError, WebState
from upskit.exporters.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
#: Nothing but upskit's own script, styles and data: images for the favicon.
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
_WORDS = {400: "INVALID-ARGUMENT", 404: "UNKNOWN-COMMAND", 405: "UNKNOWN-COMMAND",
          413: "INVALID-ARGUMENT"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """API errors as JSON with NUT's words; security headers on every answer; changes
    refused when a browser says another site asks for them (a browser that remembers
    Basic credentials would otherwise send them along)."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and _cross_site(request):
        raise NutHttpError("ACCESS-DENIED", "a request from another site is refused")
    try:
        response = await handler(request)
    except NutHttpError:
        raise
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status_code not in _WORDS:
            raise
        raise NutHttpError(_WORDS[exc.status_code], exc.reason,
                           status=exc.status_code) from None
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _cross_site(request: web.Request) -> bool:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    return origin is not None and origin != f"{request.scheme}://{request.host}"


def make_app(state: WebState) -> web.Application:
    """The whole HTTP service for ``state``."""
    app = web.Application(middlewares=[_errors], client_max_size=64 * 1024)
    pages = Pages(state)

    async def metrics(request: web.Request) -> web.Response:
        only = request.query.get("ups")
        if only is not None:
            only = state.device(only).name
        return web.Response(body=state.metrics.render(only),
                            headers={"Content-Type": CONTENT_TYPE})

    async def not_found(request: web.Request) -> web.Response:
        raise NutHttpError("UNKNOWN-COMMAND", f"no such API path {request.path!r}")

    app.add_routes([
        web.get("/", pages.index),
        web.get("/ups/{ups}", pages.ups),
        web.get("/metrics", metrics),
        web.get("/ups_metrics", metrics),  # nut_exporter's path, ?ups=NAME
        *api_routes(state),
        web.route("*", "/api/{tail:.*}", not_found),
        web.static("/static", STATIC),
    ])
    return app
