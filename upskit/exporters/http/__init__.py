"""The HTTP service: dashboard, REST API (with its OpenAPI document) and ``/metrics``.

Imported only when the service is configured (it needs the ``web`` extra: aiohttp and
prometheus-client)."""

from upskit.exporters.http.service import HttpService

__all__ = ["HttpService"]
