"""Adding the MQTT service and the Apprise notifications to a runtime, when configured.

Neither aiomqtt nor Apprise (nor their services) is imported unless the settings ask
for them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.exporters.mqtt import MqttService
    from upskit.exporters.notify import NotifyService
    from upskit.runtime.process import Runtime

log = logging.getLogger(__name__)


def add_integrations(runtime: Runtime) -> tuple[MqttService | None, NotifyService | None]:
    """Append the notification service (when ``[notify]`` has targets) and the MQTT
    service (when ``[mqtt]`` is enabled) to ``runtime``'s services; both hear every
    notification of the in-process monitor, which also goes to the history's event log
    when :func:`~upskit.runtime.exporters.add_exporters` added one before."""
    settings = runtime.settings
    listeners = runtime.monitor_service.listeners if runtime.monitor_service else None
    history = next((s for s in runtime.services if s.name == "history"), None)
    record = getattr(history, "record", None)
    if listeners is not None and record is not None:
        def log_notification(kind: str, ups: str, message: str) -> None:
            record(ups.split("@", 1)[0], "notification", f"{kind}: {message}")

        listeners.append(log_notification)
    notify = mqtt = None
    if settings.notify.enabled:
        from upskit.exporters.notify import NotifyService

        notify = NotifyService(settings)
        runtime.add_service(notify)
        if listeners is None or settings.upsmon is None or not settings.upsmon.monitors:
            log.warning("notifications are configured but no monitor runs in this process "
                        "(no MONITOR line): nothing will be sent")
        if listeners is not None:
            listeners.append(notify.deliver)
    if settings.mqtt.enabled:
        from upskit.exporters.mqtt import MqttService

        mqtt = MqttService(runtime.registry, settings)
        runtime.add_service(mqtt)
        if listeners is not None:
            listeners.append(mqtt.notification)
    return mqtt, notify


def integrations_missing(settings_mqtt: bool, settings_notify: bool) -> str | None:
    """A message when MQTT or notifications are wanted but their library is missing."""
    import importlib.util

    for wanted, module, extra in ((settings_mqtt, "aiomqtt", "mqtt"),
                                  (settings_notify, "apprise", "notify")):
        if wanted and importlib.util.find_spec(module) is None:
            return f"{extra} needs {module}: pip install 'upskit[{extra}]'"
    return None
