"""DeviceFollower: one listener on every device of a registry, as devices come and go."""

from __future__ import annotations

from upskit.model import Device, DeviceEvent, DeviceRegistry
from upskit.model.follow import DeviceFollower


def test_follows_devices_present_added_and_removed_until_stopped() -> None:
    registry = DeviceRegistry()
    registry.add(Device("a"))
    seen: list[str] = []
    watched: list[str] = []
    removed: list[str] = []
    follower = DeviceFollower(registry, lambda e: seen.append(f"{e.device} {e.name}"),
                              watched=lambda d: watched.append(d.name),
                              removed=removed.append)
    follower.start()
    registry.add(Device("b"))
    assert watched == ["a", "b"]
    a, b = registry.get("a"), registry.get("b")
    assert a is not None and b is not None
    a.set("battery.charge", "90")
    b.set("battery.charge", "80")
    assert seen == ["a battery.charge", "b battery.charge"]

    registry.remove("a")
    assert removed == ["a"]
    a.set("battery.charge", "80")
    b.set("ups.load", "5")
    assert seen[-1] == "b ups.load" and len(seen) == 3

    follower.stop()
    follower.stop()
    registry.add(Device("c"))
    b.set("ups.load", "6")
    assert len(seen) == 3 and watched == ["a", "b"]


def test_a_device_added_again_is_subscribed_once() -> None:
    registry = DeviceRegistry()
    events: list[DeviceEvent] = []
    follower = DeviceFollower(registry, events.append)
    follower.start()
    device = Device("a")
    registry.add(device)
    registry.remove("a")
    registry.add(device)
    device.set("battery.charge", "90")
    assert len(events) == 1
    follower.stop()
