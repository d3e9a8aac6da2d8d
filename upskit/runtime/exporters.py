"""Adding the history recorder and the HTTP service to a runtime, when configured.

Nothing of :mod:`upskit.exporters` (nor aiohttp) is imported unless the settings ask
for the HTTP service or the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.exporters.history import HistoryRecorder
    from upskit.exporters.http import HttpService
    from upskit.runtime.process import Runtime


def add_exporters(runtime: Runtime) -> tuple[HistoryRecorder | None, HttpService | None]:
    """Append the history recorder (when the HTTP service runs or ``[history]`` asks
    for it) and the HTTP service (when enabled) to ``runtime``'s services."""
    web = runtime.settings.web
    history = None
    http = None
    if web.http.enabled or web.history.enabled:
        from upskit.exporters.history import HistoryRecorder

        history = HistoryRecorder(runtime.registry, runtime.settings)
        runtime.add_service(history)
    if web.http.enabled:
        from upskit.exporters.http import HttpService

        http = HttpService(runtime.registry, runtime.settings,
                           drivers=lambda: runtime.supervisor.drivers, history=history)
        runtime.add_service(http)
    return history, http
