"""The HTTP service's life: TLS with the server's certificate, an address in use, live
updates over server-sent events, reloading users; and the core without it."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.exporters.conftest import USERS, Served, model, settings_for
from tests.support import eventually, free_port, upsd_pem
from upskit.config.settings import UserSettings
from upskit.exporters.history import HistoryRecorder
from upskit.exporters.http import HttpService


async def test_tls_with_the_servers_certificate(tmp_path: Path) -> None:
    settings = settings_for(free_port(), tmp_path / "h.sqlite")
    settings.upsd.certfile = str(upsd_pem(tmp_path))
    settings.web.http.tls = True
    service = HttpService(model([]), settings)
    await service.start()
    try:
        assert service.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=settings.upsd.certfile)
        context.check_hostname = False
        async with aiohttp.ClientSession() as session, \
                session.get(service.url + "api/ups", ssl=context) as response:
            assert response.status == 200
            assert (await response.json())["ups"][0]["name"] == "ups"
    finally:
        await service.stop()


async def test_problems_are_reported_not_raised(tmp_path: Path) -> None:
    settings = settings_for(free_port(), tmp_path / "h.sqlite")
    settings.web.http.tls = True  # and no certificate anywhere
    service = HttpService(model([]), settings)
    await service.start()
    await service.stop()
    assert "TLS needs a certificate" in service.problems()[0]

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = settings_for(taken.getsockname()[1], tmp_path / "h.sqlite")
        service = HttpService(model([]), settings)
        await service.start()
        await service.stop()
    assert "cannot listen on 127.0.0.1:" in service.problems()[0]


async def _next_event(stream: aiohttp.StreamReader, kind: str) -> dict[str, object]:
    event = None
    while True:
        line = (await stream.readline()).decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == kind:
            return dict(json.loads(line[6:]))


async def test_live_updates_follow_the_model(served: Served) -> None:
    async with aiohttp.ClientSession() as session, \
            session.get(served.url + "/api/live") as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        hello = await asyncio.wait_for(_next_event(response.content, "hello"), 10)
        assert [u["name"] for u in hello["ups"]] == ["ups", "old"]  # type: ignore[attr-defined]
        served.ups.set_status(["OB", "DISCHRG"])
        served.ups.set("battery.charge", "42")
        update = await asyncio.wait_for(_next_event(response.content, "ups"), 10)
        while update["status"] != "OB DISCHRG":
            update = await asyncio.wait_for(_next_event(response.content, "ups"), 10)
        assert update["main"]["battery.charge"] == "42"  # type: ignore[index]
        served.history.record("ups", "notification", "on battery")
        entry = await asyncio.wait_for(_next_event(response.content, "log"), 10)
        assert (entry["kind"], entry["text"]) == ("notification", "on battery")
    # the browser left: its queue goes within a few seconds, not at the next keep-alive
    hub = served.service.state.hub  # type: ignore[union-attr]
    await eventually(lambda: not hub.clients, 5, "the stream to end")


async def test_a_reload_takes_new_users_at_once(served: Served) -> None:
    settings = settings_for(0, Path("unused"))
    settings.users = {**USERS, "newbie": UserSettings("newbie", password="pw",
                                                      instcmds={"ALL"})}
    settings.web.http = served.service.settings.web.http
    await served.service.reload(settings)
    async with aiohttp.ClientSession() as session, session.post(
            served.url + "/api/ups/ups/commands/beeper.toggle",
            headers={"Authorization": "Basic bmV3YmllOnB3"}) as response:  # newbie:pw
        assert response.status == 200


def test_the_core_does_not_load_the_web_parts_unless_asked() -> None:
    script = (
        "import sys\n"
        "from upskit.config.settings import Settings\n"
        "from upskit.runtime import Runtime\n"
        "from upskit.runtime.exporters import add_exporters\n"
        "runtime = Runtime(Settings())\n"
        "assert add_exporters(runtime) == (None, None)\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'prometheus_client')"
        " or m.startswith('upskit.exporters') or m == 'sqlite3']\n"
        "assert not loaded, loaded\n"
        "import upskit.cli.run, upskit.cli.demo, upskit.cli.history, upskit.cli.events\n"
        "assert 'aiohttp' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_history_only_without_http(tmp_path: Path) -> None:
    from upskit.runtime import Runtime
    from upskit.runtime.exporters import add_exporters

    settings = settings_for(0, tmp_path / "h.sqlite")
    settings.web.http.enabled = False
    settings.web.history.enabled = True
    history, http = add_exporters(Runtime(settings))
    assert isinstance(history, HistoryRecorder) and http is None


def test_upskit_run_with_http(tmp_path: Path, short_dir: Path) -> None:
    import urllib.request

    from tests.support import UPSKIT, Processes, wait_until

    (tmp_path / "ups.conf").write_text(
        f"[rack]\n  driver = nutdrv_qx\n  port = sim://megatec?id=run-{id(tmp_path)}\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {free_port()}\n")
    (tmp_path / "upskit-http.conf").write_text(f"HISTORY_PATH {tmp_path / 'h.sqlite'}\n")
    port = free_port()
    procs = Processes()
    try:
        procs.start([*UPSKIT, "run", "--nut-config-dir", str(tmp_path), "--no-monitor",
                     "--control-socket", str(short_dir / "c.sock"), "--http",
                     f"127.0.0.1:{port}"], {}, tmp_path / "run.log")

        def listed() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ups",
                                            timeout=2) as answer:
                    return b'"status": "OL' in answer.read()
            except OSError:
                return False

        wait_until(listed, 30, "upskit run's HTTP service")
    finally:
        procs.stop_all()
    assert "Traceback" not in (tmp_path / "run.log").read_text()
    # what it recorded is there after it stopped
    from tests.support import run_upskit

    result = run_upskit("events", "rack", "--json", "--db", str(tmp_path / "h.sqlite"))
    events = [(e["kind"], e["text"]) for e in json.loads(result.stdout)["events"]]
    assert ("status", "OL") in events
