"""``eaton_ats16_nmc``: Eaton ATS16 behind a legacy NMC card (sysObjectID
1.3.6.1.4.1.705.1): EATON-ATS2-MIB, plus the dry contacts of an EMP001 sensor."""

from __future__ import annotations

from upskit.drivers.snmp.mibs.ats2 import ENV, IDENT, table
from upskit.drivers.snmp.table import Mib, Var, enum_of

_CONTACT = enum_of((-1, "unknown"), (1, "opened"), (2, "closed"), (3, "opened"),
                   (4, "closed"))


def nmc(name: str) -> Mib:
    """The legacy-NMC table under ``name`` (NUT 2.8.0 knows it as ``eaton_ats16``)."""
    return table(name, "0.21", "1.3.6.1.4.1.705.1", f"{IDENT}.4.0", extra=(
        Var("ambient.contacts.1.status", f"{ENV}.4.1.3.1", enum=_CONTACT),
        Var("ambient.contacts.2.status", f"{ENV}.4.1.3.2", enum=_CONTACT),
    ))


MIB = nmc("eaton_ats16_nmc")
