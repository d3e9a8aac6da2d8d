"""USB-to-serial bridge wire formats for Q* devices (NUT's "subdriver=" names).

Each bridge lives in its own module and is loaded only when a port uses it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.drivers.qx.bridges.base import Bridge

#: subdriver name -> "module:Class".
BRIDGES: dict[str, str] = {
    "cypress": "cypress:CypressBridge",
    "phoenix": "phoenix:PhoenixBridge",
    "phoenixtec": "phoenixtec:PhoenixtecBridge",
    "ippon": "ippon:IpponBridge",
    "gtec": "gtec:GtecBridge",
    "omron": "omron:OmronBridge",
    "sgs": "sgs:SgsBridge",
    "krauler": "krauler:KraulerBridge",
    "fabula": "fabula:FabulaBridge",
    "hunnox": "hunnox:HunnoxBridge",
    "snr": "snr:SnrBridge",
    "fuji": "fuji:FujiBridge",
    "ablerex": "ablerex:AblerexBridge",
    "armac": "armac:ArmacBridge",
    "energizer": "energizer:EnergizerBridge",
}


def bridge_class(name: str) -> type[Bridge]:
    """The bridge class for subdriver ``name`` (case-insensitive)."""
    target = BRIDGES.get(name.lower())
    if target is None:
        raise ValueError(f"unknown subdriver {name!r} (known: {', '.join(sorted(BRIDGES))})")
    module, _, attr = target.partition(":")
    cls: type[Bridge] = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    return cls
