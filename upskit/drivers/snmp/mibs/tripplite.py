"""``tripplite``: Tripp Lite SNMPWEBCARD / PowerAlert agents, which serve RFC 1628
under Tripp Lite's ``sysObjectID`` (1.3.6.1.4.1.850.1): the :mod:`.ietf` rows.

NUT 2.8.0 probes this table by RFC 1628's model OID and so names any RFC 1628 agent
"tripplite"; here it needs Tripp Lite's ``sysObjectID``, or -- when probing -- an
answer from Tripp Lite's own subtree (``vendor_oid``).
"""

from __future__ import annotations

from upskit.drivers.snmp.mibs import ietf
from upskit.drivers.snmp.table import Mib

TRIPPLITE = "1.3.6.1.4.1.850"

MIB = Mib(
    name="tripplite",
    version="1.54",
    description="Tripp Lite (RFC 1628 UPS-MIB)",
    sysoids=(f"{TRIPPLITE}.1", f"{TRIPPLITE}.1."),
    model_oid=ietf.MIB.model_oid,
    vendor_oid=TRIPPLITE,
    variables=ietf.MIB.variables,
    commands=ietf.MIB.commands,
    alarms=ietf.MIB.alarms,
)
