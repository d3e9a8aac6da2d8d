"""The MQTT service's parts that need no simulated UPS: discovery documents, the bounded
queue while the broker is away, notifications as events, removed UPSes, and the core
staying free of aiomqtt and Apprise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.exporters.mqtt_broker import Broker, needs_mosquitto, recording
from tests.support import eventually, free_port, live_device
from upskit.config.integrations import MqttSettings
from upskit.config.settings import Settings, UserSettings
from upskit.exporters.mqtt import MqttService
from upskit.exporters.mqtt.discovery import discovery, state_document, topic_name
from upskit.model import DeviceRegistry

USERS = {"ha": UserSettings("ha", instcmds={"ALL"}),
         "beeper": UserSettings("beeper", instcmds={"beeper.toggle"})}


def ups(name: str = "rack") -> DeviceRegistry:
    registry = DeviceRegistry()
    device = live_device(name)
    for var, value in {"ups.status": "OB LB", "battery.charge": "12", "device.mfr": "ACME",
                       "device.model": "Rack 1500", "device.serial": "AB1",
                       "ups.firmware": "1.2"}.items():
        device.set(var, value)
    for command in ("beeper.toggle", "shutdown.return", "load.off", "test.battery.start"):
        device.add_command(command)
    registry.add(device)
    return registry


def test_discovery_buttons_follow_rights_and_configuration() -> None:
    registry = ups()
    snapshot = registry.get("rack").snapshot()  # type: ignore[union-attr]
    mqtt = MqttSettings(enabled=True)
    configs = discovery(snapshot, mqtt, USERS)
    assert not [t for t in configs if "/button/" in t]  # no command user: no buttons
    charge = configs["homeassistant/sensor/upskit_rack/battery_charge/config"]
    assert charge["device"] == {"identifiers": ["upskit_rack"], "name": "rack",
                                "manufacturer": "ACME", "model": "Rack 1500",
                                "serial_number": "AB1", "sw_version": "1.2"}
    assert "homeassistant/sensor/upskit_rack/input_voltage/config" not in configs
    mqtt.command_users = ["ha"]
    buttons = sorted(t.split("/")[3] for t in discovery(snapshot, mqtt, USERS)
                     if "/button/" in t)
    assert buttons == ["cmd_beeper_toggle", "cmd_test_battery_start"]
    mqtt.buttons = ["shutdown.return", "beeper.toggle", "not.there"]
    buttons = sorted(t.split("/")[3] for t in discovery(snapshot, mqtt, USERS)
                     if "/button/" in t)
    assert buttons == ["cmd_beeper_toggle", "cmd_shutdown_return"]
    mqtt.command_users = ["beeper"]
    assert [t.split("/")[3] for t in discovery(snapshot, mqtt, USERS)
            if "/button/" in t] == ["cmd_beeper_toggle"]
    state = state_document(snapshot)
    assert (state["online"], state["on_battery"], state["low_battery"]) == ("OFF", "ON", "ON")
    assert state["battery.charge"] == "12" and state["available"] is True
    assert topic_name("a/b+c#d") == "a_b_c_d"


@needs_mosquitto
async def test_events_wait_in_a_bounded_queue_until_the_broker_comes(tmp_path: Path) -> None:
    registry = ups()
    settings = Settings(users=dict(USERS))
    broker = Broker(tmp_path)  # not started yet
    settings.mqtt = MqttSettings(enabled=True, host="127.0.0.1", port=broker.port, queue=5,
                                 reconnect_max=0.5)
    service = MqttService(registry, settings)
    await service.start()
    try:
        for n in range(12):
            service.notification("ONBATT" if n % 2 else "ONLINE", "rack@localhost",
                                 f"message {n}")
        assert service.dropped == 7 and not service.connected
        broker.start()
        async with recording(broker.port, ["upskit/#", "homeassistant/#"]) as seen:
            await eventually(lambda: service.connected and "upskit/rack/state" in seen.last,
                             30, "connected and published")
            # the retained state is there for a subscriber that comes later; the queued
            # events went out before it subscribed, so send one more and see its form
            service.notification("LOWBATT", "rack@localhost", "UPS rack battery is low")
            service.notification("SHUTDOWN", "", "Auto logout and shutdown proceeding")
            await eventually(lambda: seen.on("upskit/rack/event") and seen.on("upskit/event"),
                             15, "the events")
            event = seen.on("upskit/rack/event")[-1]
            assert {k: event[k] for k in ("ups", "type", "notification", "message")} == {
                "ups": "rack", "type": "notification", "notification": "LOWBATT",
                "message": "UPS rack battery is low"}
            assert seen.on("upskit/event")[-1]["notification"] == "SHUTDOWN"
            # a UPS removed from the configuration leaves Home Assistant
            registry.remove("rack")
            await eventually(lambda: seen.last.get(
                "homeassistant/sensor/upskit_rack/battery_charge/config") == ""
                and seen.last.get("upskit/rack/state") == "", 15, "entities removed")
        log = broker.log()
        assert log.count("PUBLISH") > 0
    finally:
        await service.stop()
        broker.stop()


@needs_mosquitto
async def test_queued_events_are_delivered_in_order_after_the_broker_returns(
        tmp_path: Path) -> None:
    registry = ups()
    settings = Settings(users=dict(USERS))
    broker = Broker(tmp_path)
    broker.start()
    settings.mqtt = MqttSettings(enabled=True, host="127.0.0.1", port=broker.port, queue=5,
                                 reconnect_max=0.5)
    service = MqttService(registry, settings)
    await service.start()
    try:
        async with recording(broker.port, ["upskit/#"], identifier="watcher",
                             clean_session=False) as seen:
            await eventually(lambda: service.connected and "upskit/rack/state" in seen.last,
                             30, "connected")
        broker.stop()
        await eventually(lambda: not service.connected, 30, "the loss noticed")
        for n in range(8):
            service.notification("ONBATT", "rack@localhost", f"message {n}")
        broker.start()
        async with recording(broker.port, ["upskit/rack/event"]) as seen:
            await eventually(lambda: len(seen.on("upskit/rack/event")) >= 1, 30,
                             "queued events after the return")
            await eventually(lambda: [e["message"] for e in seen.on("upskit/rack/event")]
                             == [f"message {n}" for n in range(3, 8)], 15, "the last five")
    finally:
        await service.stop()
        broker.stop()


def test_the_core_does_not_import_aiomqtt_or_apprise(tmp_path: Path) -> None:
    (tmp_path / "upskit-mqtt.conf").write_text(f"BROKER 127.0.0.1:{free_port()}\n")
    (tmp_path / "upskit-notify.conf").write_text("NOTIFY json://127.0.0.1:9/x ONBATT\n")
    code = (
        "import sys\n"
        "from upskit.config.nutfiles import load_nut_dir\n"
        "from upskit.runtime import Runtime\n"
        "import upskit.runtime.integrations, upskit.cli.run\n"
        f"settings = load_nut_dir({str(tmp_path)!r})\n"
        "assert settings.mqtt.enabled and settings.notify.enabled\n"
        "Runtime(settings)\n"
        "heavy = sorted(m for m in ('aiomqtt', 'paho', 'apprise') if m in sys.modules)\n"
        "print(heavy)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("queue", [1, 3])
def test_queue_setting_bounds_the_waiting_events(queue: int) -> None:
    settings = Settings()
    settings.mqtt = MqttSettings(enabled=True, queue=queue)
    service = MqttService(ups(), settings)
    for n in range(queue + 4):
        service.notification("ONBATT", "rack", f"m{n}")
    assert service.dropped == 4


async def test_command_messages_that_are_wrong_are_refused_not_raised() -> None:
    import asyncio

    from upskit.exporters.mqtt.commands import CommandHandler
    from upskit.model import CmdResult

    registry = ups()
    ran: list[tuple[str, str | None]] = []

    async def instcmd(name: str, param: str | None) -> CmdResult:
        ran.append((name, param))
        return CmdResult.HANDLED if name == "beeper.toggle" else CmdResult.FAILED

    registry.get("rack").bind(instcmd, None)  # type: ignore[union-attr]
    settings = Settings(users=dict(USERS))
    settings.mqtt = MqttSettings(enabled=True, command_users=["ha", "ghost"])
    results: list[tuple[str, str, str]] = []
    handler = CommandHandler(registry, lambda: settings,
                             lambda ups, body: results.append(
                                 (ups, body["command"], body["result"])))
    for topic, payload in [
        ("upskit/rack/command/ha", "beeper.toggle"),
        ("upskit/rack/command/ha", "test.battery.start 30"),
        ("upskit/rack/command/ha", ""),
        ("upskit/rack/command/ha", "x" * 1000),
        ("upskit/rack/command/ha", "no.such.command"),
        ("upskit/rack/command/ghost", "beeper.toggle"),  # configured, not in upsd.users
        ("upskit/rack/command/ha/extra", "beeper.toggle"),  # not a command topic: ignored
        ("other/rack/command/ha", "beeper.toggle"),
        ("upskit/rack/command/ha", "bad\x00name"),
    ]:
        handler.received(topic, payload)
    await handler.aclose()
    await asyncio.sleep(0)
    assert sorted(results) == sorted([
        ("rack", "beeper.toggle", "OK"),
        ("rack", "test.battery.start", "ERR INSTCMD-FAILED"),
        ("rack", "", "ERR INVALID-ARGUMENT"),
        ("rack", "x" * 64, "ERR INVALID-ARGUMENT"),
        ("rack", "no.such.command", "ERR CMD-NOT-SUPPORTED"),
        ("rack", "beeper.toggle", "ERR ACCESS-DENIED"),
        ("rack", "bad\x00name", "ERR INVALID-ARGUMENT"),
    ])
    assert sorted(ran) == [("beeper.toggle", None), ("test.battery.start", "30")]


@needs_mosquitto
async def test_reload_moves_to_the_new_topic_and_can_turn_it_off(tmp_path: Path) -> None:
    import copy

    registry = ups()
    broker = Broker(tmp_path)
    broker.start()
    settings = Settings(users=dict(USERS))
    settings.mqtt = MqttSettings(enabled=True, host="127.0.0.1", port=broker.port,
                                 reconnect_max=0.5)
    service = MqttService(registry, settings)
    await service.start()
    try:
        async with recording(broker.port, ["#"]) as seen:
            await eventually(lambda: "upskit/rack/state" in seen.last, 30, "first topic")
            fresh = copy.deepcopy(settings)
            fresh.mqtt.topic = "site/ups"
            await service.reload(fresh)
            await eventually(lambda: "site/ups/rack/state" in seen.last
                             and seen.last.get("site/ups/status") == "online", 30,
                             "the new topic")
            assert seen.last["upskit/status"] == "offline"
            off = copy.deepcopy(fresh)
            off.mqtt.enabled = False
            await service.reload(off)
            await eventually(lambda: seen.last.get("site/ups/status") == "offline", 15,
                             "offline when turned off")
            assert not service.connected
    finally:
        await service.stop()
        broker.stop()
