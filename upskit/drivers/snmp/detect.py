"""Which mapping table an agent speaks (``mibs=auto``), in a documented order.

1. ``sysObjectID`` (1.3.6.1.2.1.1.2.0): the first table in detection order that lists
   it exactly, else the first that lists a prefix of it (``"1.3.6.1.4.1.318."``) --
   the first of those whose ``model_oid`` answers (PowerWalker cards announce CyberPower's
   sysObjectID and speak RFC 1628 only; Huawei cards net-snmp's generic Linux one).
2. Probing, when no table claims the ``sysObjectID`` (or the agent has none): the
   identity OIDs of every table are read in one GET; the first table in detection
   order whose ``model_oid`` answers with a non-empty value wins -- but a table that
   names a ``vendor_oid`` (a vendor table on a standard MIB, Tripp Lite on RFC 1628)
   only when a GETNEXT under that subtree answers too.  The generic ``ietf`` table
   comes last, so an RFC 1628 agent of an unknown vendor is ``ietf``, not the first
   vendor table that happens to reuse ``upsIdentModel`` (what NUT 2.8.0 does).
"""

from __future__ import annotations

from upskit.drivers.base import CommunicationError
from upskit.drivers.snmp import mibs
from upskit.drivers.snmp.table import Mib
from upskit.transport.snmp.client import SnmpPort, Value


class NoMibFits(CommunicationError):
    """No mapping table claims the agent (the message says what it answered)."""


def by_sysoid(tables: list[Mib], sysoid: str) -> Mib | None:
    """The table whose ``sysoids`` list ``sysoid`` exactly, else by prefix."""
    found = claiming(tables, sysoid)
    return found[0] if found else None


def claiming(tables: list[Mib], sysoid: str) -> list[Mib]:
    """Every table claiming ``sysoid``: exact matches first, then prefixes, each in
    ``tables`` order (an Eaton NMC's sysObjectID names its UPS and its ATS tables)."""
    oid = sysoid.strip(".")
    exact = [m for m in tables
             if any(k.strip(".") == oid and not k.endswith(".") for k in m.sysoids)]
    return exact + [m for m in tables if m not in exact and m.matches_sysoid(oid)]


def _answered(value: Value | None) -> bool:
    if value is None:
        return False
    return bool(value.strip()) if isinstance(value, str) else True


async def _has(port: SnmpPort, oid: str) -> bool:
    return (await port.get([oid.strip(".")])).get(oid.strip(".")) is not None


async def _subtree_answers(port: SnmpPort, prefix: str) -> bool:
    root = prefix.strip(".")
    found = await port.get_next([root])
    return any(name.startswith(root + ".") and value is not None for name, value in found)


async def choose_mib(port: SnmpPort, wanted: str = "auto") -> Mib:
    """The table for the agent behind ``port`` (``wanted``: a table name or ``auto``).

    Raises :class:`NoMibFits`, or the port's errors when the agent does not answer.
    """
    if wanted != "auto":
        mib = mibs.load(wanted)
        await port.get([mibs.SYS_OBJECT_ID])  # the agent must answer at all
        return mib
    tables = [mibs.load(name) for name in mibs.detection_order()]
    answer = (await port.get([mibs.SYS_OBJECT_ID])).get(mibs.SYS_OBJECT_ID)
    sysoid = answer if isinstance(answer, str) else ""
    if sysoid:
        # a sysObjectID shared by other agents (net-snmp's generic Linux one, a vendor's
        # reused by another) counts only when the table's model OID answers as well
        for found in claiming(tables, sysoid):
            if not found.model_oid or await _has(port, found.model_oid):
                return found
    probes = [m.model_oid for m in tables if m.model_oid]
    values = await port.get(probes)
    for mib in tables:
        if not mib.model_oid or not _answered(values.get(mib.model_oid.strip("."))):
            continue
        if mib.vendor_oid is None or await _subtree_answers(port, mib.vendor_oid):
            return mib
    raise NoMibFits(f"no MIB table fits the agent (sysObjectID {sysoid or 'absent'}; "
                    f"tables tried: {', '.join(m.name for m in tables)}); set mibs=")
