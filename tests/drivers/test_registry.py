"""Driver names: only what can be loaded is advertised; NUT names not written yet say so."""

from __future__ import annotations

import pytest

from upskit.drivers import registry
from upskit.drivers.base import Driver
from upskit.drivers.registry import (
    UnknownDriver,
    driver_class,
    known_drivers,
    register_driver,
)


def test_every_advertised_driver_loads() -> None:
    names = known_drivers()
    assert {"dummy-ups", "nutdrv_qx", "blazer_ser", "blazer_usb", "usbhid-ups",
            "snmp-ups"} <= set(names)
    for name in names:
        assert issubclass(driver_class(name), Driver), name


@pytest.mark.parametrize("name", ["nutdrv_future"])
def test_nut_drivers_not_written_yet_say_so(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "NOT_IMPLEMENTED", frozenset({name}))
    assert name not in known_drivers()
    with pytest.raises(UnknownDriver) as info:
        driver_class(name)
    text = str(info.value)
    assert f"driver {name!r} is not implemented in this version of upskit" in text
    assert "nutdrv_qx" in text  # and what is available instead


def test_a_wrong_name_lists_the_known_ones_and_suggests_the_closest() -> None:
    with pytest.raises(UnknownDriver, match=r"unknown driver 'nutdrv_qz' \(known: .*"
                                            r"did you mean 'nutdrv_qx'"):
        driver_class("nutdrv_qz")


def test_a_registered_target_that_is_no_driver_is_refused() -> None:
    register_driver("test-not-a-driver", "json:dumps")
    with pytest.raises(UnknownDriver, match="not a subclass of Driver"):
        driver_class("test-not-a-driver")
