"""Late in a power-fail shutdown: tell each UPS to cut the load and come back.

This is NUT's ``upsmon -K`` plus ``upsdrvctl shutdown`` in one step.  It acts only
when the power-down flag written by the monitor is present (or when forced), and
talks to each UPS of ``ups.conf`` directly through its driver, in ``sdorder`` order
(UPSes with a negative ``sdorder`` are never commanded).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from upskit.config.settings import UpsSettings
from upskit.model import CmdResult, Device

log = logging.getLogger(__name__)


def shutdown_order(ups: Iterable[UpsSettings]) -> list[UpsSettings]:
    """The UPSes to command, by ascending ``sdorder``, ties in file order."""
    return sorted((u for u in ups if u.sdorder >= 0), key=lambda u: u.sdorder)


async def shutdown_ups(ups: UpsSettings) -> CmdResult:
    """Open the driver of ``ups``, detect the device and send its shutdown command."""
    from upskit.drivers.registry import driver_class

    try:
        cls = driver_class(ups.driver)
    except LookupError as exc:
        log.error("UPS %s: %s", ups.name, exc)
        return CmdResult.UNKNOWN
    driver = cls(Device(ups.name, ups.desc), ups.options, config_name=ups.driver)
    try:
        await driver.open()
        await driver.initialise()
        result = await driver.shutdown()
    except Exception as exc:  # report and go on with the next UPS
        log.error("UPS %s: shutdown failed: %s", ups.name, exc)
        result = CmdResult.FAILED
    finally:
        try:
            await driver.close()
        except Exception as exc:
            log.debug("UPS %s: closing the driver failed: %s", ups.name, exc)
    return result


async def kill_power(ups: Iterable[UpsSettings]) -> dict[str, CmdResult]:
    """Command every UPS in order; name -> result."""
    results: dict[str, CmdResult] = {}
    for item in shutdown_order(ups):
        log.warning("UPS %s: commanding shutdown (driver %s, port %s)",
                    item.name, item.driver, item.port)
        results[item.name] = await shutdown_ups(item)
    return results
