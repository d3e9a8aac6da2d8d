"""The SNMP mapping tables by ``mibs=`` name, each loaded on first use.

``MIBS`` maps a name to the module holding its ``MIB``; ``DETECTION_ORDER`` is the
order ``mibs=auto`` probes them in when no table claims the agent's ``sysObjectID``
(vendor tables first, the generic ``ietf`` last).  A new table is one module here
and one line in each.
"""

from __future__ import annotations

import importlib

from upskit.drivers.snmp.table import Mib, Poll, Var

#: ``mibs=`` name -> module (under this package) defining ``MIB``.
MIBS: dict[str, str] = {
    "ietf": "ietf",
    "apc_pdu": "apc_pdu",
    "apc_ats": "apc_ats",
    "eaton_epdu": "eaton_epdu",
    "raritan": "raritan",
}

#: Probing order for ``mibs=auto``: vendor tables first, the generic RFC 1628 last.
DETECTION_ORDER: tuple[str, ...] = ("apc_pdu", "apc_ats", "eaton_epdu", "raritan", "ietf")

#: SNMPv2-MIB ``system`` rows published whatever the table (as NUT 2.8 does).
SYSTEM = "1.3.6.1.2.1.1"
SYS_OBJECT_ID = f"{SYSTEM}.2.0"
SYSTEM_VARS = (
    Var("device.description", f"{SYSTEM}.1.0", string=True, poll=Poll.STATIC),
    Var("device.contact", f"{SYSTEM}.4.0", string=True, poll=Poll.STATIC),
    Var("device.location", f"{SYSTEM}.6.0", string=True, poll=Poll.STATIC),
)

_loaded: dict[str, Mib] = {}


class UnknownMib(LookupError):
    """A ``mibs=`` name no table has."""


def names() -> list[str]:
    """Every table name, sorted."""
    return sorted(MIBS)


def load(name: str) -> Mib:
    """The table called ``name`` (:class:`UnknownMib` naming the known ones)."""
    found = _loaded.get(name)
    if found is not None:
        return found
    module = MIBS.get(name)
    if module is None:
        raise UnknownMib(f"unknown MIB table {name!r} (known: {', '.join(names())})")
    mib = importlib.import_module(f"{__name__}.{module}").MIB
    if not isinstance(mib, Mib):
        raise UnknownMib(f"{module}.MIB is not a mapping table")
    _loaded[name] = mib
    return mib


def detection_order() -> list[str]:
    """``DETECTION_ORDER`` followed by any table it does not list (before ``ietf``)."""
    listed = [n for n in DETECTION_ORDER if n in MIBS]
    rest = sorted(n for n in MIBS if n not in listed)
    if "ietf" in listed:
        listed.remove("ietf")
        return listed + rest + ["ietf"]
    return listed + rest
