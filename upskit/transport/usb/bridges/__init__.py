"""USB-to-serial bridge wire formats for Q* devices (NUT's "subdriver=" names).

Each bridge lives in its own module and is loaded only when a port uses it.  The
names are a plugin registry (entry-point group ``upskit.bridges``), so a package
can add a bridge chip of its own.
"""

from __future__ import annotations

from upskit.plugins import PluginRegistry, subclass_of
from upskit.transport.usb.bridges.base import Bridge

#: subdriver name -> bridge class.
BRIDGES: PluginRegistry[type[Bridge]] = PluginRegistry(
    "subdriver", "bridges",
    {name: f"{__name__}.{target}" for name, target in {
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
    }.items()},
    check=subclass_of(Bridge),  # type: ignore[type-abstract]
    extras={"usb": "usb"},
)


def bridge_class(name: str) -> type[Bridge]:
    """The bridge class for subdriver ``name`` (case-insensitive).

    An unknown name raises :class:`~upskit.plugins.UnknownPlugin` (a ValueError
    listing the known subdrivers).
    """
    return BRIDGES.load(name)
