"""What every handler of the HTTP service shares."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from upskit.config.settings import UserSettings
from upskit.exporters.history import HistoryRecorder, HistoryStore
from upskit.exporters.http.auth import Users, parse_basic
from upskit.exporters.http.live import LiveHub
from upskit.exporters.metrics import Metrics
from upskit.model import Device, DeviceRegistry

#: HTTP status for each NUT error word.
STATUS = {"ACCESS-DENIED": 403, "UNKNOWN-UPS": 404, "VAR-NOT-SUPPORTED": 404,
          "CMD-NOT-SUPPORTED": 404, "UNKNOWN-COMMAND": 404, "INVALID-ARGUMENT": 400,
          "INVALID-VALUE": 400, "READONLY": 400, "TOO-LONG": 400, "DATA-STALE": 503,
          "DRIVER-NOT-CONNECTED": 503, "FEATURE-NOT-CONFIGURED": 503,
          "INSTCMD-FAILED": 502, "SET-FAILED": 502}


class NutHttpError(web.HTTPException):
    """An API error: NUT's error word as JSON, with the matching HTTP status."""

    def __init__(self, word: str, message: str, *, status: int | None = None,
                 challenge: bool = False) -> None:
        self.status_code = status or STATUS[word]
        headers = {"WWW-Authenticate": 'Basic realm="upskit"'} if challenge else None
        super().__init__(text=json.dumps({"error": word, "message": message}),
                         content_type="application/json", headers=headers)


@dataclass
class WebState:
    """The registry, users, history, live hub and metrics of one HTTP service."""

    registry: DeviceRegistry
    users: Users
    hub: LiveHub
    metrics: Metrics
    history: HistoryRecorder | None = None

    def device(self, name: str) -> Device:
        device = self.registry.get(name)
        if device is None:
            raise NutHttpError("UNKNOWN-UPS", f"no UPS named {name!r} here")
        return device

    def user(self, request: web.Request, *, required: bool = False) -> UserSettings | None:
        """The authenticated user; wrong credentials are refused even where none are
        needed (so a typo does not look like a read-only login)."""
        header = request.headers.get("Authorization")
        credentials = parse_basic(header)
        user = self.users.authenticate(credentials)
        if user is None and (required or header is not None):
            # the dashboard asks for no browser dialog: it has its own login form
            challenge = request.headers.get("X-Upskit-Client") != "dashboard"
            raise NutHttpError("ACCESS-DENIED", "a user and password of upsd.users are needed"
                               if header is None else "wrong user or password",
                               status=401, challenge=challenge)
        return user

    def store(self) -> HistoryStore:
        if self.history is None or self.history.store is None:
            raise NutHttpError("FEATURE-NOT-CONFIGURED", "no history is recorded")
        return self.history.store


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d))
