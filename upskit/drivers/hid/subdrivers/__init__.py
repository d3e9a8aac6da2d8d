"""The HID subdrivers, and picking one for a unit."""

from __future__ import annotations

from upskit.drivers.hid.subdriver import Claim, Subdriver
from upskit.drivers.hid.subdrivers.apc import APC
from upskit.drivers.hid.subdrivers.arduino import ARDUINO
from upskit.drivers.hid.subdrivers.belkin import BELKIN
from upskit.drivers.hid.subdrivers.cps import FAMILIES as CPS
from upskit.drivers.hid.subdrivers.delta_ups import DELTA_UPS
from upskit.drivers.hid.subdrivers.ecoflow import ECOFLOW
from upskit.drivers.hid.subdrivers.ever import EVER
from upskit.drivers.hid.subdrivers.generic import GENERIC
from upskit.drivers.hid.subdrivers.idowell import IDOWELL
from upskit.drivers.hid.subdrivers.installed import installed
from upskit.drivers.hid.subdrivers.legrand import LEGRAND
from upskit.drivers.hid.subdrivers.liebert import LIEBERT
from upskit.drivers.hid.subdrivers.mge import MGE
from upskit.drivers.hid.subdrivers.openups import MODELS as OPENUPS
from upskit.drivers.hid.subdrivers.powercom import POWERCOM
from upskit.drivers.hid.subdrivers.powervar import POWERVAR
from upskit.drivers.hid.subdrivers.salicru import SALICRU
from upskit.drivers.hid.subdrivers.tripplite import FAMILIES as TRIPPLITE

#: Vendor subdrivers, asked in order; the generic one is the fallback.
SUBDRIVERS: tuple[Subdriver, ...] = (
    APC, ARDUINO, BELKIN, *CPS, DELTA_UPS, ECOFLOW, EVER, IDOWELL, LEGRAND, LIEBERT, MGE,
    *OPENUPS, POWERCOM, POWERVAR, SALICRU, *TRIPPLITE,
)


def by_name(name: str) -> Subdriver:
    """The subdriver called ``name`` (any case); KeyError naming the known ones."""
    every = (*installed(), *SUBDRIVERS, GENERIC)  # installed ones first: see installed.py
    for sub in every:
        if sub.name.lower() == name.lower():
            return sub
    known = ", ".join(s.name for s in every)
    raise KeyError(f"no HID subdriver {name!r} (known: {known})")


def pick(vendor: int, product: int) -> tuple[Subdriver, Claim | None]:
    """The subdriver for ``vendor:product``: the first that supports it, else the first
    that possibly does, else the generic one (with no claim)."""
    possible: Subdriver | None = None
    for sub in (*installed(), *SUBDRIVERS):
        how = sub.claim(vendor, product)
        if how is Claim.SUPPORTED:
            return sub, how
        if how is Claim.POSSIBLY and possible is None:
            possible = sub
    if possible is not None:
        return possible, Claim.POSSIBLY
    return GENERIC, None
