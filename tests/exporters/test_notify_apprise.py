"""Notifications of the in-process monitor delivered through Apprise to local endpoints:
an HTTP server (``json://``, ``form://``) and an SMTP sink (``mailto://``); per-target
filters; failing and hanging targets never hold up the monitor."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.exporters.notify_sinks import HttpSink, SmtpSink
from tests.support import eventually, free_port
from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import Settings, UpsmonSettings
from upskit.exporters.notify import NotifyService
from upskit.monitor.events import NotifyType
from upskit.monitor.notify import Notifier
from upskit.monitor.runner import ProgramRunner
from upskit.runtime import Runtime
from upskit.runtime.integrations import add_integrations
from upskit.sim.ports import forget, sim_device

pytest.importorskip("apprise")
pytestmark = pytest.mark.timeout(120)
_ids = itertools.count()


@pytest.fixture
async def sinks() -> AsyncIterator[tuple[HttpSink, HttpSink, HttpSink, SmtpSink]]:
    good, bad, slow = HttpSink().start(), HttpSink(status=500).start(), \
        HttpSink(delay=4.0).start()
    smtp = await SmtpSink().start()
    try:
        yield good, bad, slow, smtp
    finally:
        for sink in (good, bad, slow):
            sink.stop()
        await smtp.stop()


def nut_dir(root: Path, sim_id: str, notify: str) -> tuple[Path, int]:
    port = free_port()
    (root / "ups.conf").write_text(
        f"pollinterval = 1\n[rack]\n  driver = nutdrv_qx\n  port = sim://megatec?id={sim_id}\n")
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (root / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n")
    (root / "upsmon.conf").write_text(
        f"MONITOR rack@localhost:{port} 1 mon pw primary\nPOLLFREQ 1\n"
        f'SHUTDOWNCMD "touch {root / "shutdown-ran"}"\n'
        + "".join(f"NOTIFYFLAG {kind.value} SYSLOG\n" for kind in NotifyType))
    (root / "upskit-notify.conf").write_text(notify)
    return root, port


async def test_monitor_notifications_reach_apprise_targets(
        tmp_path: Path, sinks: tuple[HttpSink, HttpSink, HttpSink, SmtpSink],
        caplog: pytest.LogCaptureFixture) -> None:
    good, bad, slow, smtp = sinks
    sim_id = f"notify-{next(_ids)}-{id(tmp_path)}"
    root, port = nut_dir(tmp_path, sim_id, (
        f"NOTIFY json://127.0.0.1:{bad.port}/failing ALL\n"
        f"NOTIFY json://127.0.0.1:{slow.port}/hanging ALL\n"
        f"NOTIFY json://127.0.0.1:{good.port}/power ONBATT+ONLINE\n"
        f"NOTIFY form://127.0.0.1:{good.port}/all\n"
        f'NOTIFY "mailto://127.0.0.1:{smtp.port}?from=ups@example.com&to=ops@example.com" '
        "ONBATT\n"
        "TIMEOUT 1\n"))
    system = f"rack@localhost:{port}"
    runtime = Runtime(load_nut_dir(root))
    _mqtt, notify = add_integrations(runtime)
    assert notify is not None
    caplog.set_level(logging.INFO)
    await runtime.start()
    try:
        def posted(path: str) -> list[tuple[str, str, str]]:
            return [(body["title"], body["message"], body["type"])
                    for where, body in good.posts if where == path]

        await eventually(lambda: "OL" in str(runtime.registry.get("rack") and
                                             runtime.registry.get("rack").get("ups.status")),  # type: ignore[union-attr]
                         30, "the UPS on line")
        await eventually(lambda: runtime.monitor is not None, 10, "the monitor")
        sim_device(sim_id).mains(False)
        await eventually(lambda: posted("/power"), 30, "ONBATT on the power target")
        assert posted("/power") == [(f"UPS {system}: ONBATT", f"UPS {system} on battery",
                                     "failure")]
        await eventually(lambda: smtp.messages, 30, "the e-mail")
        mail = smtp.messages[0]
        assert mail["Subject"] == f"UPS {system}: ONBATT"
        assert mail["To"] == "ops@example.com"
        assert f"UPS {system} on battery" in mail.as_string()
        # the hanging target was given up, the failing one logged; the monitor goes on
        sim_device(sim_id).mains(True)
        await eventually(lambda: len(posted("/power")) == 2, 30, "ONLINE on the power target")
        assert posted("/power")[1] == (f"UPS {system}: ONLINE", f"UPS {system} on line power",
                                       "success")
        assert [kind for kind, _ups, _text in runtime.monitor.history  # type: ignore[union-attr]
                if kind in (NotifyType.ONBATT, NotifyType.ONLINE)] == [
            NotifyType.ONBATT, NotifyType.ONLINE]
        assert runtime.monitor_running and runtime.problems() == []
        await eventually(lambda: "did not answer within 1 s" in caplog.text, 15,
                         "the hanging target logged")
        assert "refused or could not be reached" in caplog.text
        def stats() -> dict[str, dict[str, int]]:
            return {s["url"]: s for s in notify.stats()}

        await eventually(lambda: stats()[f"json://127.0.0.1:{good.port}/..."]["sent"] == 2
                         and stats()[f"json://127.0.0.1:{bad.port}/..."]["failed"] == 2, 15,
                         "the counts")
        assert len(smtp.messages) == 1  # ONLINE is not in the mail target's filter
        await eventually(lambda: [t for t, _m, _k in posted("/all")] == [
            f"UPS {system}: ONBATT", f"UPS {system}: ONLINE"], 15, "both on the form target")
        assert not (root / "shutdown-ran").exists()
    finally:
        await runtime.stop()
        forget(sim_id)


async def test_delivering_never_blocks_and_the_queue_is_bounded() -> None:
    slow = HttpSink(delay=2.0).start()
    settings = Settings()
    from upskit.config.integrations import NotifyTarget

    settings.notify.targets = [NotifyTarget(f"json://127.0.0.1:{slow.port}/x")]
    settings.notify.queue = 3
    service = NotifyService(settings)
    await service.start()
    try:
        import time

        started = time.monotonic()
        for n in range(20):
            service.deliver("ONBATT", f"ups{n}", "on battery")
        assert time.monotonic() - started < 0.5
        [stats] = service.stats()
        assert stats["waiting"] <= 3 and stats["dropped"] >= 16
        await eventually(lambda: slow.posts, 15, "the first delivery")
    finally:
        await service.stop()
        slow.stop()


def test_a_failing_listener_does_not_stop_the_other_notifications() -> None:
    spawned: list[list[str]] = []

    class Runner(ProgramRunner):
        def spawn(self, argv: Sequence[str], env: Mapping[str, str] | None = None,
                  stdin: bytes | None = None) -> Any:
            spawned.append(list(argv))

    heard: list[tuple[str, str, str]] = []

    def broken(kind: str, ups: str, text: str) -> None:
        raise RuntimeError("listener bug")

    notifier = Notifier(UpsmonSettings(notifycmd="/bin/notify-me",
                                       notifyflag={"ONBATT": {"EXEC"}}), Runner(), syslog=None)
    notifier.listeners += [broken, lambda *args: heard.append(args)]
    notifier.notify(NotifyType.ONBATT, "rack@localhost")
    assert heard == [("ONBATT", "rack@localhost", "UPS rack@localhost on battery")]
    assert spawned == [["/bin/notify-me", "UPS rack@localhost on battery"]]


async def test_notifications_go_to_the_history_event_log(tmp_path: Path) -> None:
    from upskit.runtime.exporters import add_exporters

    root, _port = nut_dir(tmp_path, f"hist-{next(_ids)}", "TIMEOUT 1\n")
    settings = load_nut_dir(root)
    settings.web.history.enabled = True
    settings.web.history.path = str(tmp_path / "h.sqlite")
    runtime = Runtime(settings)
    history, _http = add_exporters(runtime)
    add_integrations(runtime)
    assert history is not None and runtime.monitor_service is not None
    await history.start()
    try:
        for listener in runtime.monitor_service.listeners:
            listener("ONBATT", "rack@localhost:3493", "UPS rack@localhost:3493 on battery")
        assert history.store is not None
        assert [(e.ups, e.kind, e.text) for e in history.store.events()] == [
            ("rack", "notification", "ONBATT: UPS rack@localhost:3493 on battery")]
    finally:
        await history.stop()


async def test_the_standalone_monitor_sends_to_apprise_too(
        tmp_path: Path, short_dir: Path) -> None:
    from tests.support import UPSKIT, Processes

    sim_id = f"standalone-{next(_ids)}-{id(tmp_path)}"
    server_dir, port = nut_dir(tmp_path, sim_id, "")
    (server_dir / "upsmon.conf").unlink()
    (server_dir / "upskit-notify.conf").unlink()
    sink = HttpSink().start()
    monitor_dir = tmp_path / "monitor"
    monitor_dir.mkdir()
    (monitor_dir / "upsmon.conf").write_text(
        f"MONITOR rack@127.0.0.1:{port} 1 mon pw secondary\nPOLLFREQ 1\nPOLLFREQALERT 1\n"
        f'SHUTDOWNCMD "touch {monitor_dir / "shutdown-ran"}"\n'
        + "".join(f"NOTIFYFLAG {kind.value} SYSLOG\n" for kind in NotifyType))
    (monitor_dir / "upskit-notify.conf").write_text(
        f"NOTIFY json://127.0.0.1:{sink.port}/hook ONBATT\n")
    runtime = Runtime(load_nut_dir(server_dir), with_monitor=False)
    await runtime.start()
    procs = Processes()
    try:
        await eventually(lambda: "OL" in (runtime.registry.get("rack").get("ups.status")  # type: ignore[union-attr]
                                          or ""), 30, "the UPS on line")
        procs.start([*UPSKIT, "monitor", "--nut-config-dir", str(monitor_dir),
                     "--control-socket", str(short_dir / "m.sock")], {},
                    tmp_path / "monitor.log")
        await asyncio.sleep(2.0)  # the monitor's first poll sees the UPS on line
        sim_device(sim_id).mains(False)
        await eventually(lambda: sink.posts, 30, "ONBATT from upskit monitor")
        assert sink.posts[0][1]["title"] == f"UPS rack@127.0.0.1:{port}: ONBATT"
    finally:
        procs.stop_all()
        await runtime.stop()
        sink.stop()
        forget(sim_id)
    assert "Traceback" not in (tmp_path / "monitor.log").read_text()
