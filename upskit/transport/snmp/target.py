"""Where an SNMP agent is and how to talk to it: address, version, credentials, timing.

Plain data, parsed once from ups.conf-style text (NUT's snmp-ups options); building
it imports nothing of pysnmp.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

DEFAULT_PORT = 161


class Version(enum.Enum):
    """The SNMP version (``snmp_version``)."""

    V1 = "v1"
    V2C = "v2c"
    V3 = "v3"


class SecLevel(enum.Enum):
    """SNMPv3 security level (``secLevel``)."""

    NO_AUTH_NO_PRIV = "noAuthNoPriv"
    AUTH_NO_PRIV = "authNoPriv"
    AUTH_PRIV = "authPriv"


#: ``authProtocol`` values (NUT's, and the RFC 7860 spellings).
AUTH_PROTOCOLS = ("MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512")
#: ``privProtocol`` values: AES192/AES256 use net-snmp's (Blumenthal) key extension,
#: AES192C/AES256C the Cisco (Reeder) one.
PRIV_PROTOCOLS = ("DES", "AES", "AES128", "AES192", "AES256", "AES192C", "AES256C")


class BadTarget(ValueError):
    """Settings that cannot describe an agent; the message says which and why."""


@dataclass(frozen=True, slots=True)
class SnmpTarget:
    """One agent: ``host`` (name, IPv4 or IPv6), UDP ``port``, version and credentials.

    ``timeout`` is seconds per try, ``retries`` the tries after the first; ``max_oids``
    the most OIDs put in one GET (agents that refuse bigger PDUs get smaller ones).
    """

    host: str
    port: int = DEFAULT_PORT
    version: Version = Version.V1
    community: str = "public"
    sec_level: SecLevel = SecLevel.NO_AUTH_NO_PRIV
    sec_name: str = ""
    auth_password: str = ""
    priv_password: str = ""
    auth_protocol: str = "MD5"
    priv_protocol: str = "DES"
    timeout: float = 1.0
    retries: int = 5
    max_oids: int = 32

    def __post_init__(self) -> None:
        if not self.host:
            raise BadTarget("no agent address given")
        if not 0 < self.port < 65536:
            raise BadTarget(f"UDP port {self.port} is out of range")
        if self.auth_protocol not in AUTH_PROTOCOLS:
            raise BadTarget(f"authProtocol {self.auth_protocol!r} is not one of "
                            f"{', '.join(AUTH_PROTOCOLS)}")
        if self.priv_protocol not in PRIV_PROTOCOLS:
            raise BadTarget(f"privProtocol {self.priv_protocol!r} is not one of "
                            f"{', '.join(PRIV_PROTOCOLS)}")
        if self.version is Version.V3:
            self._check_v3()
        if self.timeout <= 0:
            raise BadTarget("the timeout must be positive")
        if self.retries < 0 or self.max_oids < 1:
            raise BadTarget("retries must be >= 0 and max_oids >= 1")

    def _check_v3(self) -> None:
        if not self.sec_name:
            raise BadTarget("SNMPv3 needs secName")
        needs_auth = self.sec_level is not SecLevel.NO_AUTH_NO_PRIV
        if needs_auth and len(self.auth_password) < 8:
            raise BadTarget(f"secLevel {self.sec_level.value} needs authPassword "
                            "(at least 8 characters)")
        if self.sec_level is SecLevel.AUTH_PRIV and len(self.priv_password) < 8:
            raise BadTarget("secLevel authPriv needs privPassword (at least 8 characters)")

    @property
    def address(self) -> str:
        """``host:port`` as a log line shows it (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def is_ipv6(self) -> bool:
        return ":" in self.host


def split_host(text: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 address ->
    ``(host, port)`` (:class:`BadTarget` when it is none of them)."""
    text = text.strip()
    if not text:
        raise BadTarget("no agent address given")
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not host:
            raise BadTarget(f"bad address {text!r}: unclosed [")
        if not rest:
            return host, default_port
        if not rest.startswith(":"):
            raise BadTarget(f"bad address {text!r}: text after ]")
        return host, _port(rest[1:], text)
    if text.count(":") > 1:  # a bare IPv6 address
        return text, default_port
    host, sep, port = text.partition(":")
    if not host:
        raise BadTarget(f"bad address {text!r}: no host")
    return host, _port(port, text) if sep else default_port


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise BadTarget(f"bad address {whole!r}: port must be 1..65535")
    return int(text)
