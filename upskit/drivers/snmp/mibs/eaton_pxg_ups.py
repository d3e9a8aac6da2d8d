"""``eaton_pxg_ups`` (NUT 2.8.0 spells it ``pxgx_ups``): Eaton Power Xpert Gateway UPS
cards, which serve the XUPS-MIB rows of :mod:`.pw` under their own ``sysObjectID``."""

from __future__ import annotations

from upskit.drivers.snmp.mibs.pw import ALARMS, COMMANDS, MODEL, VARIABLES
from upskit.drivers.snmp.table import Mib


def pxg(name: str) -> Mib:
    """The Power Xpert Gateway table under the ``mibs=`` name ``name``."""
    return Mib(
        name=name,
        version="0.104",
        description="Eaton Power Xpert Gateway (XUPS-MIB)",
        sysoids=("1.3.6.1.4.1.534.2.12", "1.3.6.1.4.1.534.2.12."),
        model_oid=MODEL,
        variables=VARIABLES,
        commands=COMMANDS,
        alarms=(ALARMS,),
    )


MIB = pxg("eaton_pxg_ups")
