"""The shared test machinery: the root conftest really resets what tests register."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import SIMULATED_DEVICES, loaded_registries, reset_registries
from tests.support import eventually, wait_until


def test_reset_forgets_simulated_devices_and_registered_plugins() -> None:
    from upskit.drivers.registry import DRIVERS, register_driver
    from upskit.sim.ports import make_transport, sim_device
    from upskit.sim.usb.ports import make_transport as make_usb_transport
    from upskit.sim.usb.ports import usb_bus

    make_transport("sim://megatec?id=support-reset", {})
    make_usb_transport("sim://usb/cypress?id=support-reset-usb", {})
    register_driver("support-reset-driver", "json:dumps")
    assert DRIVERS in loaded_registries()
    reset_registries()
    with pytest.raises(KeyError):
        sim_device("support-reset")
    with pytest.raises(KeyError):
        usb_bus("support-reset-usb")
    assert "support-reset-driver" not in DRIVERS


@pytest.mark.parametrize("name", SIMULATED_DEVICES)
def test_every_simulated_device_module_has_forget(name: str) -> None:
    assert callable(importlib.import_module(name).forget)


def test_wait_until_says_what_it_waited_for() -> None:
    with pytest.raises(AssertionError, match="waiting for the moon"):
        wait_until(lambda: False, 0.05, "the moon")


async def test_eventually_awaits_and_counts_ignored_errors_as_not_yet() -> None:
    calls = []

    async def flaky() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise OSError("not yet")
        return True

    await eventually(flaky, 5, ignore=(OSError,), interval=0.001)
    assert len(calls) == 3

    def gone() -> bool:
        raise OSError("gone")

    with pytest.raises(AssertionError, match=r"the sun \(last error: gone\)"):
        await eventually(gone, 0.05, "the sun", ignore=(OSError,))
