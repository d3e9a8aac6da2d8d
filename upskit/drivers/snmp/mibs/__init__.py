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
    "apcc": "apcc",
    "pw": "pw",
    "mge": "mge",
    "cyberpower": "cyberpower",
    "tripplite": "tripplite",
    "xppc": "xppc",
    "huawei": "huawei",
    "delta_ups": "delta_ups",
    "eaton_pxg_ups": "eaton_pxg_ups",
    "pxgx_ups": "pxgx_ups",
    "netvision": "netvision",
    "bestpower": "bestpower",
    "cpqpower": "cpqpower",
    "vertiv": "vertiv",
    "apc_pdu": "apc_pdu",
    "apc_ats": "apc_ats",
    "eaton_epdu": "eaton_epdu",
    "raritan": "raritan",
    "raritan-px2": "raritan_px2",
    "baytech": "baytech",
    "hpe_epdu": "hpe_epdu",
    "emerson_avocent_pdu": "emerson_avocent_pdu",
    "eaton_ats16_nmc": "eaton_ats16_nmc",
    "eaton_ats16_nm2": "eaton_ats16_nm2",
    "eaton_ats16": "eaton_ats16",
    "eaton_ats30": "eaton_ats30",
}

#: Probing order for ``mibs=auto``: vendor tables first, the generic RFC 1628 last.
DETECTION_ORDER: tuple[str, ...] = ("apc_pdu", "apc_ats", "eaton_epdu", "raritan",
                                     "raritan-px2", "hpe_epdu", "emerson_avocent_pdu",
                                     "eaton_ats16_nm2", "eaton_ats16_nmc", "eaton_ats30",
                                     "baytech",
                                     "apcc", "pw", "eaton_pxg_ups", "mge", "cyberpower",
                                     "huawei", "delta_ups", "netvision", "cpqpower", "vertiv",
                                     "bestpower", "xppc", "tripplite", "ietf")

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


#: Entry-point group of installed tables: ``name = "package.module"`` (whose ``MIB`` is
#: the table) or ``"package.module:ATTRIBUTE"``; see docs/snmp.md (generated tables).
ENTRY_POINT_GROUP = "upskit.snmp_mibs"
_installed: dict[str, str] | None = None


def installed() -> dict[str, str]:
    """Tables installed by other packages (entry points), read once."""
    global _installed
    if _installed is None:
        from upskit.entrypoints import entry_points

        _installed = {}
        for name, value in entry_points(ENTRY_POINT_GROUP):
            if name not in MIBS:
                _installed.setdefault(name, value)
    return _installed


def register(mib: Mib) -> None:
    """Make ``mib`` known by its name in this process (a table built at run time)."""
    _loaded[mib.name] = mib


def known(name: str) -> bool:
    """Whether ``name`` is a table: built in, registered or installed."""
    return name in MIBS or name in _loaded or name in installed()


def names() -> list[str]:
    """Every table name, sorted."""
    return sorted({*MIBS, *_loaded, *installed()})


def load(name: str) -> Mib:
    """The table called ``name`` (:class:`UnknownMib` naming the known ones)."""
    found = _loaded.get(name)
    if found is not None:
        return found
    module = MIBS.get(name)
    target = f"{__name__}.{module}" if module is not None else installed().get(name)
    if target is None:
        raise UnknownMib(f"unknown MIB table {name!r} (known: {', '.join(names())})")
    path, _, attribute = target.partition(":")
    try:
        mib = getattr(importlib.import_module(path), attribute or "MIB", None)
    except Exception as exc:  # an installed plugin that does not import
        raise UnknownMib(f"MIB table {name!r} ({target}) cannot be loaded: {exc}") from None
    if not isinstance(mib, Mib):
        raise UnknownMib(f"{target} defines no mapping table")
    _loaded[name] = mib
    return mib


def detection_order() -> list[str]:
    """``DETECTION_ORDER`` followed by any table it does not list (before ``ietf``)."""
    listed = [n for n in DETECTION_ORDER if n in MIBS]
    rest = [n for n in names() if n not in listed]
    if "ietf" in listed:
        listed.remove("ietf")
        return listed + rest + ["ietf"]
    return listed + rest
