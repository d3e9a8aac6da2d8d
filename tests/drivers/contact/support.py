"""Helpers for the genericups tests: a driver on a simulated contact-closure UPS."""

from __future__ import annotations

from upskit.drivers.contact.driver import ContactDriver
from upskit.model import Device
from upskit.sim.contact import ContactUps, get_or_create


def contact(upstype: int, key: str = "c", query: str = "", **options: str
            ) -> tuple[ContactDriver, ContactUps, Device]:
    """A genericups driver of ``upstype`` on ``sim://contact/<upstype>?id=<key>``,
    publishing every reading (``debounce = 0``) unless ``options`` say otherwise."""
    url = f"sim://contact/{upstype}?id={key}" + (f"&{query}" if query else "")
    device = Device("ups")
    given = {"port": url, "upstype": str(upstype), "debounce": "0", **options}
    driver = ContactDriver(device, given)
    return driver, get_or_create(url), device


async def start(driver: ContactDriver) -> None:
    """Open and initialise, as the driver loop does."""
    await driver.open()
    await driver.initialise()


def status(device: Device) -> str:
    return device.get("ups.status") or ""
