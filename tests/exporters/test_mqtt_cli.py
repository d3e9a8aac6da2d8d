"""``upskit run --mqtt HOST:PORT`` publishes to a real mosquitto; a bad value is one line."""

from __future__ import annotations

from pathlib import Path

from tests.exporters.mqtt_broker import Broker, needs_mosquitto, recording
from tests.support import UPSKIT, Processes, eventually, free_port, run_upskit


@needs_mosquitto
async def test_run_with_mqtt_option(tmp_path: Path, short_dir: Path) -> None:
    broker = Broker(tmp_path)
    broker.start()
    (tmp_path / "ups.conf").write_text(
        f"[rack]\n  driver = nutdrv_qx\n  port = sim://megatec?id=cli-{id(tmp_path)}\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {free_port()}\n")
    procs = Processes()
    try:
        async with recording(broker.port, ["upskit/#", "homeassistant/#"]) as seen:
            procs.start([*UPSKIT, "run", "--nut-config-dir", str(tmp_path), "--no-monitor",
                         "--control-socket", str(short_dir / "c.sock"),
                         "--mqtt", f"127.0.0.1:{broker.port}"], {}, tmp_path / "run.log")
            await eventually(lambda: "homeassistant/sensor/upskit_rack/battery_charge/config"
                             in seen.last and seen.last.get("upskit/status") == "online"
                             and "OL" in seen.last.get("upskit/rack/state", ""),
                             40, "upskit run publishing")
            procs.stop_all()
            await eventually(lambda: seen.last.get("upskit/status") == "offline", 15,
                             "offline when it stops")
    finally:
        procs.stop_all()
        broker.stop()
    assert "Traceback" not in (tmp_path / "run.log").read_text()


def test_bad_mqtt_option_is_one_line(tmp_path: Path) -> None:
    result = run_upskit("run", "--nut-config-dir", str(tmp_path), "--mqtt", "host:70000")
    assert result.returncode == 2
    assert "--mqtt" in result.stderr and "Traceback" not in result.stderr
