"""The MQTT service against a real mosquitto: Home Assistant discovery, state on mains
loss, commands within upsd.users rights, a broker restart survived, TLS."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.exporters.mqtt_broker import Broker, needs_mosquitto, recording
from tests.support import eventually, free_port
from upskit.config.nutfiles import load_nut_dir
from upskit.monitor.events import NotifyType
from upskit.runtime import Runtime
from upskit.runtime.integrations import add_integrations
from upskit.sim.ports import forget, sim_device

pytestmark = [needs_mosquitto, pytest.mark.timeout(120)]
_ids = itertools.count()


def nut_dir(root: Path, broker_port: int, sim_id: str, extra: str = "") -> Path:
    (root / "ups.conf").write_text(
        "pollinterval = 1\n[rack]\n  driver = nutdrv_qx\n"
        f"  port = sim://megatec?id={sim_id}\n  desc = \"Rack UPS\"\n")
    port = free_port()
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (root / "upsd.users").write_text(
        "[mon]\n  password = pw\n  upsmon primary\n[ha]\n  instcmds = beeper.toggle\n  instcmds = test.battery.start.quick\n"
        "  instcmds = shutdown.return\n"
        "[admin]\n  password = adminpw\n  instcmds = ALL\n")
    (root / "upsmon.conf").write_text(
        f"MONITOR rack@localhost:{port} 1 mon pw primary\nPOLLFREQ 1\n"
        f'SHUTDOWNCMD "touch {root / "shutdown-ran"}"\n'
        + "".join(f"NOTIFYFLAG {kind.value} SYSLOG\n" for kind in NotifyType))
    (root / "upskit-mqtt.conf").write_text(
        f"BROKER 127.0.0.1:{broker_port}\nCOMMAND_USER ha\nRECONNECT_MAX 1\n{extra}")
    return root


@pytest.fixture
async def broker(tmp_path: Path) -> AsyncIterator[Broker]:
    server = Broker(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_discovery_state_commands_and_broker_restart(tmp_path: Path,
                                                            broker: Broker) -> None:
    sim_id = f"mqtt-{next(_ids)}-{id(tmp_path)}"
    (tmp_path / "etc").mkdir()
    settings = load_nut_dir(nut_dir(tmp_path / "etc", broker.port, sim_id))
    runtime = Runtime(settings)
    mqtt, notify = add_integrations(runtime)
    assert mqtt is not None and notify is None
    await runtime.start()
    try:
        async with recording(broker.port, ["homeassistant/#", "upskit/#"]) as seen:
            def config(component: str, oid: str) -> dict[str, object]:
                return seen.json(f"homeassistant/{component}/upskit_rack/{oid}/config")

            await eventually(lambda: "homeassistant/button/upskit_rack/cmd_beeper_toggle/config"
                             in seen.last and "ON" in seen.last.get("upskit/rack/state", ""),
                             30, "discovery and state")
            charge = config("sensor", "battery_charge")
            assert charge["device_class"] == "battery"
            assert charge["unit_of_measurement"] == "%"
            assert charge["state_class"] == "measurement"
            assert charge["state_topic"] == "upskit/rack/state"
            assert charge["value_template"] == "{{ value_json['battery.charge'] }}"
            assert charge["unique_id"] == "upskit_rack_battery_charge"
            assert charge["availability"] == [{"topic": "upskit/status"},
                                              {"topic": "upskit/rack/availability"}]
            device = charge["device"]
            assert isinstance(device, dict)
            assert device["identifiers"] == ["upskit_rack"] and device["name"] == "Rack UPS"
            assert device["manufacturer"] and device["model"]
            voltage = config("sensor", "input_voltage")
            assert (voltage["device_class"], voltage["unit_of_measurement"]) == ("voltage", "V")
            assert config("sensor", "ups_load")["unit_of_measurement"] == "%"
            online = config("binary_sensor", "online")
            assert online["device_class"] == "power"
            assert (online["payload_on"], online["payload_off"]) == ("ON", "OFF")
            button = config("button", "cmd_beeper_toggle")
            assert button["command_topic"] == "upskit/rack/command/ha"
            assert button["payload_press"] == "beeper.toggle"
            # the user may run shutdown.return, but risky commands get no button unasked
            buttons = {t.split("/")[3] for t in seen.last
                       if t.startswith("homeassistant/button/")}
            assert buttons == {"cmd_beeper_toggle", "cmd_test_battery_start_quick"}
            assert seen.last["upskit/status"] == "online"
            assert seen.last["upskit/rack/availability"] == "online"
            state = seen.json("upskit/rack/state")
            assert state["online"] == "ON" and state["on_battery"] == "OFF"
            assert "OL" in state["ups.status"].split()

            # mains lost: the state and an event follow
            sim_device(sim_id).mains(False)
            await eventually(lambda: seen.json("upskit/rack/state")["on_battery"] == "ON",
                             30, "on battery published")
            assert seen.json("upskit/rack/state")["online"] == "OFF"
            await eventually(lambda: any(e["type"] == "status" and "OB" in e["status"]
                                         for e in seen.on("upskit/rack/event")), 15,
                             "status event")
            # and the monitor's notification, as an event of the UPS
            await eventually(lambda: any(e.get("notification") == "ONBATT"
                                         for e in seen.on("upskit/rack/event")), 30,
                             "ONBATT notification event")

            # a command of the configured user, within its rights, reaches the UPS
            before = sim_device(sim_id)
            assert runtime.registry.get("rack") is not None
            await seen.publish("upskit/rack/command/ha", "beeper.toggle")
            await eventually(lambda: {"user": "ha", "command": "beeper.toggle",
                                      "result": "OK"} in strip_time(seen.on("upskit/rack/result")),
                             30, "command result")
            await eventually(lambda: seen.json("upskit/rack/state").get("ups.beeper.status")
                             == "disabled", 30, "beeper disabled on the UPS")
            assert before is sim_device(sim_id)
            # outside its rights, an unconfigured user, an unknown UPS: refused
            await seen.publish("upskit/rack/command/ha", "test.battery.start.deep")
            await seen.publish("upskit/rack/command/admin", "beeper.toggle")
            await seen.publish("upskit/nope/command/ha", "beeper.toggle")
            await eventually(lambda: len(seen.on("upskit/rack/result")) >= 3
                             and seen.on("upskit/nope/result"), 15, "refusals")
            results = strip_time(seen.on("upskit/rack/result"))
            assert {"user": "ha", "command": "test.battery.start.deep",
                    "result": "ERR ACCESS-DENIED"} in results
            assert {"user": "admin", "command": "beeper.toggle",
                    "result": "ERR ACCESS-DENIED"} in results
            assert strip_time(seen.on("upskit/nope/result")) == [
                {"user": "ha", "command": "beeper.toggle", "result": "ERR UNKNOWN-UPS"}]
            assert runtime.registry.get("rack").get("ups.beeper.status") == "disabled"  # type: ignore[union-attr]

        # the broker restarts (losing every retained message): all is published again
        broker.restart()
        async with recording(broker.port, ["homeassistant/#", "upskit/#"]) as seen:
            await eventually(lambda: "homeassistant/sensor/upskit_rack/battery_charge/config"
                             in seen.last and "upskit/rack/state" in seen.last
                             and seen.last.get("upskit/status") == "online", 45,
                             "republished after the broker restart")
            assert seen.json("upskit/rack/state")["on_battery"] == "ON"
            sim_device(sim_id).mains(True)
            await eventually(lambda: seen.json("upskit/rack/state")["online"] == "ON", 30,
                             "mains back after the restart")
            # Home Assistant restarting asks for discovery again
            count = len(seen.on("homeassistant/sensor/upskit_rack/battery_charge/config"))
            await seen.publish("homeassistant/status", "online")
            await eventually(lambda: len(seen.on(
                "homeassistant/sensor/upskit_rack/battery_charge/config")) > count, 15,
                "discovery again for Home Assistant")
            assert not (tmp_path / "etc" / "shutdown-ran").exists()
            # a clean stop says offline
            await runtime.stop()
            await eventually(lambda: seen.last.get("upskit/status") == "offline", 15,
                             "offline on stop")
    finally:
        await runtime.stop()
        forget(sim_id)


def strip_time(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in e.items() if k != "time"} for e in entries]


def make_certificate(root: Path) -> tuple[Path, Path]:
    cert, key = root / "broker.pem", root / "broker.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True,
                   capture_output=True, timeout=60)
    return cert, key


async def test_tls_to_the_broker(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import ssl

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = make_certificate(tmp_path)
    server = Broker(tmp_path, tls=(cert, key))
    server.start()
    sim_id = f"mqtt-tls-{next(_ids)}-{id(tmp_path)}"
    (tmp_path / "etc").mkdir()
    settings = load_nut_dir(nut_dir(tmp_path / "etc", server.port, sim_id,
                                    f"TLS yes\nCAFILE {cert}\n"))
    runtime = Runtime(settings, with_monitor=False)
    add_integrations(runtime)
    await runtime.start()
    try:
        context = ssl.create_default_context(cafile=str(cert))
        async with recording(server.port, ["homeassistant/#", "upskit/#"],
                             tls_context=context) as seen:
            await eventually(lambda: "upskit/rack/state" in seen.last
                             and "homeassistant/sensor/upskit_rack/battery_charge/config"
                             in seen.last, 30, "state over TLS")
        # a broker whose certificate is not trusted: refused, logged, retried; no crash
        await runtime.stop()
        settings.mqtt.cafile = None
        runtime = Runtime(settings, with_monitor=False)
        mqtt, _ = add_integrations(runtime)
        assert mqtt is not None
        await runtime.start()
        await eventually(lambda: "certificate verify failed" in caplog.text
                         or "CERTIFICATE_VERIFY_FAILED" in caplog.text, 20,
                         "a logged certificate failure")
        assert not mqtt.connected
    finally:
        await runtime.stop()
        server.stop()
        forget(sim_id)
