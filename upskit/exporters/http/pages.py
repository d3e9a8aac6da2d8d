"""The dashboard's pages, rendered on the server (they work without JavaScript; the
script in ``static/app.js`` makes them live, draws the charts and adds the login)."""

from __future__ import annotations

import time
from html import escape

from aiohttp import web

from upskit.exporters.history.store import EventRecord
from upskit.exporters.http.state import NutHttpError, WebState
from upskit.exporters.http.views import MAIN_VARIABLES
from upskit.model import Device

_HEADINGS = ("UPS", "Status", "Charge", "Runtime", "Load", "Input", "Output")
_UNITS = {"battery.charge": " %", "ups.load": " %", "input.voltage": " V",
          "output.voltage": " V"}
_CHARTS = (("charge", "Battery charge (%)"), ("load", "Load (%)"),
           ("input_voltage", "Input voltage (V)"))


def _page(title: str, body: str) -> web.Response:
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header><a class="home" href="/">upskit</a>
<form id="login" class="login" hidden>
<input name="user" autocomplete="username" placeholder="user" aria-label="user">
<input name="password" type="password" autocomplete="current-password" placeholder="password"
 aria-label="password"><button type="submit">Log in</button></form>
<span id="whoami" hidden></span>
</header>
<main>
{body}
</main>
<footer><a href="/api/openapi.json">REST API</a> · <a href="/metrics">metrics</a>
<span id="live-state" class="live-state">static page</span></footer>
</body>
</html>
"""
    return web.Response(text=html, content_type="text/html",
                        headers={"Cache-Control": "no-store"})


def _runtime(value: str | None) -> str:
    try:
        seconds = int(float(value or ""))
    except ValueError:
        return value or ""
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def cell(name: str, value: str | None) -> str:
    """How the overview writes one main variable (the script writes it the same way)."""
    if value is None:
        return "\u2013"
    if name == "battery.runtime":
        return _runtime(value)
    return f"{value}{_UNITS.get(name, '')}"


def _status_class(device: Device) -> str:
    words = device.status_tokens()
    if device.stale:
        return "stale"
    if "OB" in words or "LB" in words or "FSD" in words:
        return "alarm"
    return "ok"


def _row(device: Device) -> str:
    name = escape(device.name)
    status = "data stale" if device.stale else " ".join(device.status_tokens())
    cells = "".join(
        f'<td data-field="{escape(v)}">'
        f"{escape(cell(v, None if device.stale else device.get(v)))}</td>"
        for v in MAIN_VARIABLES)
    return (f'<tr data-ups="{name}"><td><a href="/ups/{name}">{name}</a>'
            f'<div class="desc">{escape(device.desc)}</div></td>'
            f'<td data-field="status" class="status {_status_class(device)}">'
            f"{escape(status)}</td>{cells}</tr>")


def _events(entries: list[EventRecord]) -> str:
    rows = "".join(
        f'<tr><td>{time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(e.t))}</td>'
        f"<td>{escape(e.ups)}</td><td>{escape(e.kind)}</td><td>{escape(e.text)}</td></tr>"
        for e in reversed(entries))
    return (f'<section><h2>Events</h2><div class="scroll"><table id="events" class="events">'
            f"<thead><tr><th>Time</th><th>UPS</th><th>Event</th><th>Details</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div></section>")


def _charts(ups: str) -> str:
    charts = "".join(
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg data-ups="{escape(ups)}" data-field="{field}" viewBox="0 0 300 100" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(title)}"></svg></figure>'
        for field, title in _CHARTS)
    return (f'<div class="charts" data-ups="{escape(ups)}">'
            f'<div class="ranges"><button type="button" data-since="6h">6 h</button>'
            f'<button type="button" data-since="1d">1 day</button>'
            f'<button type="button" data-since="7d">7 days</button></div>{charts}</div>')


class Pages:
    """``/`` (every UPS, charts, the event log) and ``/ups/NAME`` (one UPS in full)."""

    def __init__(self, state: WebState) -> None:
        self.state = state

    def _recent(self, ups: str | None = None) -> list[EventRecord]:
        history = self.state.history
        if history is None or history.store is None:
            return []
        return history.store.events(ups, time.time() - 7 * 86400, 50)

    async def index(self, request: web.Request) -> web.Response:
        devices = list(self.state.registry)
        head = "".join(f"<th>{h}</th>" for h in _HEADINGS)
        rows = "".join(_row(d) for d in devices) or \
            f'<tr><td colspan="{len(_HEADINGS)}">No UPS configured</td></tr>'
        charts = "".join(f"<section><h2>{escape(d.name)}</h2>{_charts(d.name)}</section>"
                         for d in devices) if self.state.history is not None else ""
        body = (f'<section><h1>UPSes</h1><div class="scroll"><table id="overview" '
                f'class="overview"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
                f"</div></section>{charts}{_events(self._recent())}")
        return _page("upskit", body)

    async def ups(self, request: web.Request) -> web.Response:
        try:
            device = self.state.device(request.match_info["ups"])
        except NutHttpError:
            raise web.HTTPNotFound(text="no such UPS") from None
        name = escape(device.name)
        head = "".join(f"<th>{h}</th>" for h in _HEADINGS)
        variables = "".join(
            f'<tr data-var="{escape(v.name)}"><td>{escape(v.name)}</td>'
            f'<td class="value">{escape(v.value)}</td>'
            f'<td>{"writable" if v.writable else ""}</td></tr>' for v in device.variables())
        commands = "".join(f'<li data-cmd="{escape(c)}"><code>{escape(c)}</code></li>'
                           for c in device.commands())
        charts = _charts(device.name) if self.state.history is not None else ""
        body = (f'<section><h1>{name}</h1><p class="desc">{escape(device.desc)}</p>'
                f'<div class="scroll"><table id="overview" class="overview"><thead><tr>{head}'
                f"</tr></thead><tbody>{_row(device)}</tbody></table></div></section>"
                f'<section id="actions" data-ups="{name}"><h2>Commands</h2>'
                f'<p class="hint">Log in as a user of upsd.users to run commands and change '
                f'settings.</p><ul id="commands" class="commands">{commands}</ul>'
                f'<p id="result" class="result" role="status"></p></section>'
                f"<section><h2>History</h2>{charts}</section>"
                f'<section><h2>Variables</h2><div class="scroll"><table id="variables" '
                f'class="variables"><thead><tr><th>Name</th><th>Value</th><th></th></tr>'
                f"</thead><tbody>{variables}</tbody></table></div></section>"
                f"{_events(self._recent(device.name))}")
        return _page(f"{device.name} - upskit", body)
