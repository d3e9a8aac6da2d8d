"""The REST API: UPSes, variables, commands, settings, history and events as JSON."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from aiohttp import web

from upskit.config.values import BadValue
from upskit.config.web_conf import duration, positive_duration
from upskit.exporters.http import views
from upskit.exporters.http.openapi import document
from upskit.exporters.http.state import NutHttpError, WebState, json_response
from upskit.model import CmdResult, Device

log = logging.getLogger(__name__)
#: Seconds a request waits for a command's outcome; later it answers PENDING.
COMMAND_WAIT = 10.0
#: Points a chart gets by default.
CHART_POINTS = 300


def routes(state: WebState) -> list[web.RouteDef]:
    api = Api(state)
    return [
        web.get("/api/openapi.json", api.openapi),
        web.get("/api/ups", api.list_ups),
        web.get("/api/ups/{ups}", api.get_ups),
        web.get("/api/ups/{ups}/variables", api.variables),
        web.get("/api/ups/{ups}/variables/{var}", api.get_variable),
        web.put("/api/ups/{ups}/variables/{var}", api.set_variable),
        web.get("/api/ups/{ups}/commands", api.commands),
        web.post("/api/ups/{ups}/commands/{cmd}", api.run_command),
        web.get("/api/ups/{ups}/settings", api.settings),
        web.get("/api/ups/{ups}/history", api.history),
        web.get("/api/events", api.events),
        web.get("/api/me", api.me),
        web.get("/api/live", api.live),
    ]


def _fresh(device: Device) -> None:
    if not device.connected and device.stale:
        raise NutHttpError("DRIVER-NOT-CONNECTED", f"the driver of {device.name} is not "
                           "connected")
    if device.stale:
        raise NutHttpError("DATA-STALE", f"the data of {device.name} is stale")


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = json.loads(await request.text() or "{}")
    except (ValueError, UnicodeDecodeError):
        raise NutHttpError("INVALID-ARGUMENT", "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise NutHttpError("INVALID-ARGUMENT", "the body must be a JSON object")
    return body


def _seconds(request: web.Request, name: str, default: float, *,
             positive: bool = False) -> float:
    text = request.query.get(name)
    if text is None:
        return default
    try:
        return (positive_duration if positive else duration)(text)
    except BadValue as exc:
        raise NutHttpError("INVALID-ARGUMENT", f"{name} {exc}") from None


class Api:
    """The handlers; each raises :class:`NutHttpError` for NUT's error words."""

    def __init__(self, state: WebState) -> None:
        self.state = state
        self._document = document()

    async def openapi(self, request: web.Request) -> web.Response:
        return json_response(self._document)

    async def list_ups(self, request: web.Request) -> web.Response:
        return json_response({"ups": [views.summary(d) for d in self.state.registry]})

    async def get_ups(self, request: web.Request) -> web.Response:
        return json_response(views.detail(self.state.device(request.match_info["ups"])))

    async def variables(self, request: web.Request) -> web.Response:
        device = self.state.device(request.match_info["ups"])
        _fresh(device)
        return json_response({"ups": device.name,
                              "variables": [views.variable(v) for v in device.variables()]})

    async def get_variable(self, request: web.Request) -> web.Response:
        device = self.state.device(request.match_info["ups"])
        _fresh(device)
        var = device.variable(request.match_info["var"])
        if var is None:
            raise NutHttpError("VAR-NOT-SUPPORTED", f"{device.name} has no variable "
                               f"{request.match_info['var']!r}")
        return json_response(views.variable(var))

    async def commands(self, request: web.Request) -> web.Response:
        user = self.state.user(request)
        device = self.state.device(request.match_info["ups"])
        return json_response({"ups": device.name, "commands": [
            {"name": c, "allowed": self.state.users.may_instcmd(user, c)}
            for c in device.commands()]})

    async def settings(self, request: web.Request) -> web.Response:
        user = self.state.user(request)
        device = self.state.device(request.match_info["ups"])
        return json_response({"ups": device.name, "allowed": self.state.users.may_set(user),
                              "settings": [views.variable(v) for v in device.variables()
                                           if v.writable]})

    async def me(self, request: web.Request) -> web.Response:
        user = self.state.user(request)
        if user is None:
            return json_response({"user": None, "set": False, "instcmds": []})
        return json_response({"user": user.name, "set": self.state.users.may_set(user),
                              "instcmds": sorted(user.instcmds)})

    # ------------------------------------------------------------ changes
    async def run_command(self, request: web.Request) -> web.Response:
        user = self.state.user(request, required=True)
        assert user is not None
        device = self.state.device(request.match_info["ups"])
        asked = request.match_info["cmd"]
        name = next((c for c in device.commands() if c.lower() == asked.lower()), None)
        if name is None:
            raise NutHttpError("CMD-NOT-SUPPORTED", f"{device.name} has no command {asked!r}")
        if not self.state.users.may_instcmd(user, name):
            raise NutHttpError("ACCESS-DENIED", f"{user.name} may not run {name}")
        body = await _body(request)
        param = body.get("param")
        if param is not None and not isinstance(param, str):
            raise NutHttpError("INVALID-ARGUMENT", "param must be a string")
        shown = name if param is None else f"{name} {param}"
        log.info("Instant command over HTTP: %s did %s on %s", user.name, shown, device.name)
        result = await self._outcome(device.instcmd(name, param))
        self._audit(device.name, "command", f"{user.name} ran {shown}: {result or 'pending'}")
        return self._answer(result, {CmdResult.UNKNOWN: "CMD-NOT-SUPPORTED",
                                     CmdResult.INVALID: "INVALID-ARGUMENT"},
                            "INSTCMD-FAILED", shown)

    async def set_variable(self, request: web.Request) -> web.Response:
        user = self.state.user(request, required=True)
        assert user is not None
        device = self.state.device(request.match_info["ups"])
        var = request.match_info["var"]
        body = await _body(request)
        value = body.get("value")
        if not isinstance(value, str):
            raise NutHttpError("INVALID-ARGUMENT", 'the body must be {"value": "<text>"}')
        refusal = device.check_set(var, value)
        if refusal is not None:
            raise NutHttpError(refusal.value, f"{var} on {device.name} cannot be set to "
                               f"{value!r}")
        if not self.state.users.may_set(user):
            raise NutHttpError("ACCESS-DENIED", f"{user.name} may not set variables")
        log.info("Set variable over HTTP: %s set %s on %s to %s", user.name, var, device.name,
                 value)
        result = await self._outcome(device.setvar(var, value))
        self._audit(device.name, "set", f"{user.name} set {var} to {value}: "
                    f"{result or 'pending'}")
        return self._answer(result, {CmdResult.UNKNOWN: "VAR-NOT-SUPPORTED",
                                     CmdResult.INVALID: "INVALID-VALUE"}, "SET-FAILED", var)

    @staticmethod
    async def _outcome(work: Any) -> str | None:
        """The result's word, or None while still running (it goes on in the
        background)."""
        task: asyncio.Task[CmdResult] = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=COMMAND_WAIT)
        if not done:
            return None
        if task.cancelled() or task.exception() is not None:
            return CmdResult.FAILED.name
        return task.result().name

    @staticmethod
    def _answer(result: str | None, words: dict[CmdResult, str], failure: str,
                what: str) -> web.Response:
        if result is None:
            return json_response({"result": "PENDING"}, status=202)
        outcome = CmdResult[result]
        if outcome is CmdResult.HANDLED:
            return json_response({"result": "OK"})
        raise NutHttpError(words.get(outcome, failure), f"{what}: the driver answered "
                           f"{outcome.name.lower()}")

    def _audit(self, ups: str, kind: str, text: str) -> None:
        if self.state.history is not None:
            self.state.history.record(ups, kind, text)

    # ------------------------------------------------------------ history
    async def history(self, request: web.Request) -> web.Response:
        device = self.state.device(request.match_info["ups"])
        now = time.time()
        since = now - _seconds(request, "since", 86400.0)
        step = _seconds(request, "step", max(1.0, (now - since) / CHART_POINTS))
        store = self.state.store()
        samples = store.samples(device.name, since, now, step)
        return json_response({"ups": device.name, "since": since, "until": now, "step": step,
                              "samples": [s.as_dict() for s in samples]})

    async def events(self, request: web.Request) -> web.Response:
        ups = request.query.get("ups")
        if ups is not None:
            ups = self.state.device(ups).name
        since = time.time() - _seconds(request, "since", 7 * 86400.0)
        try:
            limit = int(request.query.get("limit", "200"))
        except ValueError:
            raise NutHttpError("INVALID-ARGUMENT", "limit must be a whole number") from None
        if limit < 0:
            raise NutHttpError("INVALID-ARGUMENT", "limit must be 0 or more")
        entries = self.state.store().events(ups, since, limit)
        return json_response({"events": [e.as_dict() for e in entries]})

    # --------------------------------------------------------------- live
    async def live(self, request: web.Request) -> web.StreamResponse:
        from upskit.exporters.http.live import KEEPALIVE

        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-cache",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        hub = self.state.hub
        queue = hub.connect()
        loop = asyncio.get_running_loop()
        try:
            await response.write(b"retry: 2000\n\n" + hub.hello())
            quiet_since = loop.time()
            while True:
                try:
                    async with asyncio.timeout(1.0):  # not wait_for: it may swallow a cancel
                        message = await queue.get()
                except TimeoutError:
                    # aiohttp does not cancel a handler whose client left: look every second
                    if request.transport is None or request.transport.is_closing():
                        break
                    if loop.time() - quiet_since < KEEPALIVE:
                        continue
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                quiet_since = loop.time()
                await response.write(message)
        except ConnectionError:
            pass
        finally:
            hub.disconnect(queue)
        with contextlib.suppress(Exception):
            await response.write_eof()
        return response
