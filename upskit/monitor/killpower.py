"""Late in a power-fail shutdown: tell each UPS to cut the load and come back.

This is NUT's ``upsmon -K`` plus ``upsdrvctl shutdown`` in one step.  It acts only
when the power-down flag written by the monitor is present (or when forced), and
talks to each UPS of ``ups.conf`` directly through its driver, in ``sdorder`` order
(UPSes with a negative ``sdorder`` are never commanded).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from upskit.config.settings import Settings, UpsSettings
from upskit.drivers.context import DriverContext
from upskit.model import CmdResult, Device

log = logging.getLogger(__name__)


def shutdown_order(ups: Iterable[UpsSettings]) -> list[UpsSettings]:
    """The UPSes to command, by ascending ``sdorder``, ties in file order."""
    return sorted((u for u in ups if u.sdorder >= 0), key=lambda u: u.sdorder)


async def shutdown_ups(ups: UpsSettings, settings: Settings | None = None,
                       context: DriverContext | None = None) -> CmdResult:
    """Open the driver of ``ups``, detect the device and send its shutdown command.

    The driver is built as ``upskit run`` builds it: with the global options of
    ``settings`` it inherits and the configuration directory.
    """
    from upskit.drivers.build import build_driver

    try:
        driver = build_driver(settings or Settings(), ups, Device(ups.name, ups.desc), context)
    except (LookupError, ValueError) as exc:
        log.error("UPS %s: %s", ups.name, exc)
        return CmdResult.UNKNOWN
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


async def kill_power(ups: Iterable[UpsSettings],
                     settings: Settings | None = None) -> dict[str, CmdResult]:
    """Command every UPS in order; name -> result.  ``settings`` (the loaded
    configuration) gives the drivers their inherited globals."""
    context = DriverContext()
    results: dict[str, CmdResult] = {}
    try:
        for item in shutdown_order(ups):
            log.warning("UPS %s: commanding shutdown (driver %s, port %s)",
                        item.name, item.driver, item.port)
            results[item.name] = await shutdown_ups(item, settings, context)
    finally:
        await context.aclose()
    return results
