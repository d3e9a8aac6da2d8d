"""The ups.conf options of the SNMP driver: NUT's snmp-ups ones (snmp-ups(8)).

NUT spells the SNMPv3 keys in camel case (``secLevel``, ``authPassword`` ...); so do we.
"""

from __future__ import annotations

from collections.abc import Callable

from upskit.drivers.options import CommonOptions
from upskit.drivers.snmp import mibs
from upskit.options import BadValue, Option, choice, flag, number, text, whole
from upskit.transport.snmp.target import AUTH_PROTOCOLS, PRIV_PROTOCOLS


def _mib_name(value: str) -> str:
    name = value.strip()
    if name == "auto" or mibs.known(name):
        return name
    raise BadValue(f"needs auto or one of {', '.join(mibs.names())}, got \"{value}\"")


def _upper_choice(*words: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        word = value.strip().upper().replace("-", "")
        if word in words:
            return word
        raise BadValue(f"needs one of {', '.join(words)}, got \"{value}\"")
    return parse


class SnmpOptions(CommonOptions):
    """snmp-ups's options; ``port`` is the agent's ``host[:port]`` (or a ``sim://snmp``
    URL)."""

    community = Option(text, "public", help="SNMP v1/v2c community")
    snmp_version = Option(choice("v1", "v2c", "v3"), "v1", help="SNMP version")
    mibs = Option(_mib_name, "auto", help="the MIB table, or auto to detect it")
    pollfreq = Option(number(1, unit="seconds"), 30.0,
                      help="seconds between full updates (status is read every poll)")
    notransferoids = flag(help="do not read the input.transfer.* OIDs")
    snmp_retries = Option(whole(0, 100), 5, help="retries of a request")
    snmp_timeout = Option(number(0.05, 600, unit="seconds"), 1.0,
                          help="seconds to wait for an answer")
    sec_level = Option(choice("noAuthNoPriv", "authNoPriv", "authPriv"), "noAuthNoPriv",
                       key="secLevel", help="SNMPv3 security level")
    sec_name = Option(text, None, key="secName", help="SNMPv3 user")
    auth_password = Option(text, None, key="authPassword", help="SNMPv3 authentication key")
    priv_password = Option(text, None, key="privPassword", help="SNMPv3 privacy key")
    auth_protocol = Option(_upper_choice(*AUTH_PROTOCOLS), "MD5", key="authProtocol",
                           help="MD5, SHA, SHA224, SHA256, SHA384 or SHA512")
    priv_protocol = Option(_upper_choice(*PRIV_PROTOCOLS), "DES", key="privProtocol",
                           help="DES, AES, AES192 or AES256")
    symmetrathreephase = flag(help="APC Symmetra three-phase OIDs (apcc table)")
    outlet_count = Option(whole(0, 1024), None,
                          help="outlets to read when the agent does not say")
