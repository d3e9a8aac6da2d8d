"""Instant commands received over MQTT, checked against upsd.users rights."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from upskit.config.settings import Settings
from upskit.exporters.mqtt.discovery import topic_name
from upskit.model import CmdResult, DeviceRegistry

log = logging.getLogger(__name__)

#: NUT's answer for each driver result.
RESULTS = {CmdResult.HANDLED: "OK", CmdResult.UNKNOWN: "ERR CMD-NOT-SUPPORTED",
           CmdResult.INVALID: "ERR INVALID-ARGUMENT", CmdResult.FAILED: "ERR INSTCMD-FAILED",
           CmdResult.CONVERSION_FAILED: "ERR INVALID-ARGUMENT"}
#: Longest command message accepted.
MAX_PAYLOAD = 256


class CommandHandler:
    """Runs ``<topic>/<ups>/command/<user>`` messages: the payload is the command name,
    optionally followed by its parameter.  The user must be one of the configured
    command users and be allowed the command in upsd.users; every outcome is published
    to ``<topic>/<ups>/result`` (``OK`` or NUT's error words) and logged."""

    def __init__(self, registry: DeviceRegistry, settings: Callable[[], Settings],
                 report: Callable[[str, dict[str, Any]], None]) -> None:
        self.registry = registry
        self.settings = settings
        self.report = report
        self._tasks: set[asyncio.Task[None]] = set()

    def received(self, topic: str, payload: str) -> None:
        """Handle one message on the command topic (returns at once)."""
        settings = self.settings()
        base = settings.mqtt.topic + "/"
        parts = topic[len(base):].split("/") if topic.startswith(base) else []
        if len(parts) != 3 or parts[1] != "command":
            return
        level, user = parts[0], parts[2]
        device = next((d for d in self.registry if topic_name(d.name) == level), None)
        ups = device.name if device is not None else level
        words = payload.strip().split(None, 1)
        command = words[0] if words else ""
        param = words[1] if len(words) > 1 else None
        body = {"user": user[:64], "command": command[:64]}
        refused = self._refusal(settings, user, command, payload)
        if refused is None and device is None:
            refused = "ERR UNKNOWN-UPS"
        if refused is None and device is not None and not device.has_command(command):
            refused = "ERR CMD-NOT-SUPPORTED"
        if refused is not None or device is None:
            log.warning("mqtt: command %r for %s from topic user %r refused: %s",
                        command[:64], ups, user, refused)
            self.report(ups, {**body, "result": refused})
            return
        task = asyncio.create_task(self._run(device.name, command, param, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _refusal(settings: Settings, user: str, command: str, payload: str) -> str | None:
        if user not in settings.mqtt.command_users:
            return "ERR ACCESS-DENIED"
        account = settings.users.get(user)
        if account is None:
            return "ERR ACCESS-DENIED"
        if not command or len(payload) > MAX_PAYLOAD or not command.isprintable():
            return "ERR INVALID-ARGUMENT"
        if not account.may_instcmd(command):
            return "ERR ACCESS-DENIED"
        return None

    async def _run(self, ups: str, command: str, param: str | None,
                   body: dict[str, Any]) -> None:
        device = self.registry.get(ups)
        result = RESULTS[await device.instcmd(command, param)] if device is not None \
            else "ERR UNKNOWN-UPS"
        log.info("mqtt: %s ran %s on %s: %s", body["user"], command, ups, result)
        self.report(ups, {**body, "result": result})

    async def aclose(self) -> None:
        """Wait for the commands already on their way (they were accepted)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5.0)
