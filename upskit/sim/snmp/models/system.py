"""MIB-II's system group (RFC 1213), the same on every simulated card."""

from __future__ import annotations

from collections.abc import Callable

from upskit.sim.snmp.mib import Builder, Kind, SetError
from upskit.sim.snmp.ups import SnmpUps


def _text_setter(key: str, limit: int = 255) -> Callable[[SnmpUps, str], None]:
    def write(state: SnmpUps, value: str) -> None:
        if len(value) > limit:
            raise SetError("wrongLength")
        state.settings[key] = value
    return write


def _text_getter(key: str, default: str) -> Callable[[SnmpUps], str]:
    def read(state: SnmpUps) -> str:
        return str(state.settings.get(key, default or state.community))
    return read


def add_system(b: Builder[SnmpUps], descr: str, object_id: str) -> None:
    """sysDescr, sysObjectID, sysUpTime, sysContact, sysName, sysLocation, sysServices."""
    base = "1.3.6.1.2.1.1"
    b.add(f"{base}.1.0", Kind.STRING,
          lambda s: str(s.settings.get("sysDescr", descr)), name="sysDescr")
    b.const(f"{base}.2.0", Kind.OID, tuple(int(p) for p in object_id.split(".")),
            name="sysObjectID")
    b.add(f"{base}.3.0", Kind.TICKS, SnmpUps.uptime_ticks, name="sysUpTime")
    for sub, key, default in ((4, "sysContact", "upskit simulator"),
                              (5, "sysName", ""), (6, "sysLocation", "loopback")):
        b.add(f"{base}.{sub}.0", Kind.STRING, _text_getter(key, default),
              _text_setter(key), name=key)
    b.const(f"{base}.7.0", Kind.INTEGER, 72, name="sysServices")
