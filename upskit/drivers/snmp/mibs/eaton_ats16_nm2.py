"""``eaton_ats16_nm2``: Eaton ATS16 behind a Network-M2 card (sysObjectID
1.3.6.1.4.1.534.10.2): EATON-ATS2-MIB."""

from __future__ import annotations

from upskit.drivers.snmp.mibs.ats2 import IDENT, table

MIB = table("eaton_ats16_nm2", "0.18", "1.3.6.1.4.1.534.10.2", f"{IDENT}.7.0")
