"""SNMP ports (pysnmp 7, asyncio): one shared engine, one :class:`SnmpPort` per agent.

:mod:`.target` (addresses, versions, credentials) is plain data; :mod:`.client` needs
pysnmp (``pip install 'upskit[snmp]'``) and is imported only by what talks SNMP.
"""

from upskit.transport.snmp.target import (
    BadTarget,
    SecLevel,
    SnmpTarget,
    Version,
    split_host,
)

__all__ = ["BadTarget", "SecLevel", "SnmpTarget", "Version", "split_host"]
