"""SNMP requests on one shared pysnmp engine: GET of many OIDs, GETNEXT walks, GETBULK
and typed SETs, with errors a driver can act on.

One :class:`SnmpEngineService` serves every agent of a process (drivers get it from
``DriverContext.service``); each :class:`SnmpPort` holds one agent's address and
credentials.  Requests never block the loop: a silent agent costs its own coroutine
``timeout * (retries + 1)`` seconds and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import ipaddress
import socket
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    SnmpEngine,
    Udp6TransportTarget,
    UdpTransportTarget,
    UsmUserData,
)
from pysnmp.hlapi.v3arch.asyncio import auth as _auth
from pysnmp.hlapi.v3arch.asyncio.cmdgen import LCD
from pysnmp.proto import errind, rfc1902, rfc1905

from upskit.transport.base import Port, PortGarbled, PortGone, PortSilent, TransportError
from upskit.transport.snmp import ber
from upskit.transport.snmp.channel import CommunityChannel
from upskit.transport.snmp.target import SecLevel, SnmpTarget, Version

#: A value read from an agent: a number, text (strings, OIDs, addresses) or raw octets.
Value = int | str | bytes
#: The SNMP types of a SET, by net-snmp's letters.
SET_TYPES = ("i", "u", "t", "s", "x", "o", "a", "g")


class SnmpError(TransportError):
    """An SNMP request failed for a reason other than silence or credentials."""


class SnmpTimeout(PortSilent, SnmpError):
    """The agent did not answer (down, unreachable, or a wrong community)."""


class SnmpAuthError(SnmpError):
    """SNMPv3 credentials the agent refuses (the message names the problem)."""


class SnmpRefused(SnmpError):
    """The agent answered with an error status (a SET of a read-only OID, a wrong type
    ...); ``status`` is the SNMP error-status name, ``oid`` the OID it points at."""

    def __init__(self, message: str, status: str = "", oid: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.oid = oid


_AUTH = {
    "MD5": _auth.USM_AUTH_HMAC96_MD5,
    "SHA": _auth.USM_AUTH_HMAC96_SHA,
    "SHA224": _auth.USM_AUTH_HMAC128_SHA224,
    "SHA256": _auth.USM_AUTH_HMAC192_SHA256,
    "SHA384": _auth.USM_AUTH_HMAC256_SHA384,
    "SHA512": _auth.USM_AUTH_HMAC384_SHA512,
}
_PRIV = {
    "DES": _auth.USM_PRIV_CBC56_DES,
    "AES": _auth.USM_PRIV_CFB128_AES,
    "AES128": _auth.USM_PRIV_CFB128_AES,
    "AES192": _auth.USM_PRIV_CFB192_AES_BLUMENTHAL,
    "AES256": _auth.USM_PRIV_CFB256_AES_BLUMENTHAL,
    "AES192C": _auth.USM_PRIV_CFB192_AES,
    "AES256C": _auth.USM_PRIV_CFB256_AES,
}

#: errorIndication classes that mean the v3 credentials are wrong, and what to say.
_AUTH_PROBLEMS: tuple[tuple[type[errind.ErrorIndication], str], ...] = (
    (errind.UnknownUserName, "unknown secName (user) at the agent"),
    (errind.UnknownSecurityName, "unknown secName (user) at the agent"),
    (errind.WrongDigest, "wrong authPassword or authProtocol"),
    (errind.AuthenticationFailure, "wrong authPassword or authProtocol"),
    (errind.AuthenticationError, "wrong authPassword or authProtocol"),
    (errind.DecryptionError, "wrong privPassword or privProtocol"),
    (errind.UnsupportedSecurityLevel, "secLevel not allowed for this user at the agent"),
    (errind.NotInTimeWindow, "agent clock out of the SNMPv3 time window"),
)


class SnmpEngineService:
    """The one pysnmp engine of a process, shared by every SNMP port.

    pysnmp binds its dispatcher to an event loop; the engine is made for the running
    loop on first use and remade if a later caller runs in another loop.
    """

    def __init__(self) -> None:
        self._engine: SnmpEngine | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: the v1/v2c GET/GETNEXT/GETBULK path (our own BER on one socket per family)
        self.channel = CommunityChannel()
        #: requests sent, and SNMP devices using the engine (drivers count themselves)
        self.requests = 0
        self.devices = 0

    def engine(self) -> SnmpEngine:
        loop = asyncio.get_running_loop()
        if self._engine is None or self._loop is not loop or loop.is_closed():
            self.close()
            self._engine = SnmpEngine()
            self._loop = loop
        return self._engine

    def close(self) -> None:
        """Close the engine's sockets (the runtime calls this when it stops)."""
        self.channel.close()
        engine, self._engine, self._loop = self._engine, None, None
        if engine is not None:
            # a dispatcher of a closed loop: nothing left to close
            with contextlib.suppress(Exception):
                engine.close_dispatcher()


_fallback: SnmpEngineService | None = None


def default_engine() -> SnmpEngineService:
    """An engine service for ports built without one (tools, tests)."""
    global _fallback
    if _fallback is None:
        _fallback = SnmpEngineService()
    return _fallback


class SnmpPort(Port):
    """One SNMP agent, reached through the shared engine.

    ``open`` resolves the address (a name that does not resolve is :class:`PortGone`);
    requests raise :class:`SnmpTimeout`, :class:`SnmpAuthError`, :class:`SnmpRefused`
    or :class:`SnmpError`.  OIDs are dotted strings without a leading dot.
    """

    def __init__(self, url: str, target: SnmpTarget,
                 engine: SnmpEngineService | None = None) -> None:
        super().__init__(url)
        self.target = target
        self.timeout = target.timeout
        self.service = engine if engine is not None else default_engine()
        self._transport: UdpTransportTarget | Udp6TransportTarget | None = None
        #: the resolved agent address and its socket family (the v1/v2c fast path)
        self._address: tuple[str, int] = (target.host, target.port)
        self._family: int = socket.AF_INET
        self._auth = _auth_data(target)
        #: The most OIDs one GET carries; halved when the agent says tooBig.
        self.max_oids = target.max_oids

    @property
    def is_open(self) -> bool:
        return self._transport is not None

    def describe(self) -> str:
        return f"snmp {self.target.version.value} {self.target.address}"

    async def open(self) -> None:
        target = self.target
        kind = Udp6TransportTarget if _is_v6(target.host) else UdpTransportTarget
        try:
            self._transport = await kind.create((target.host, target.port),
                                                timeout=target.timeout, retries=target.retries)
        except Exception as exc:  # pysnmp wraps resolver errors in PySnmpError
            raise PortGone(f"cannot resolve {target.address}: {exc}") from None
        if target.version is not Version.V3:
            try:
                found = await asyncio.get_running_loop().getaddrinfo(
                    target.host, target.port, type=socket.SOCK_DGRAM)
            except OSError as exc:
                self._transport = None
                raise PortGone(f"cannot resolve {target.address}: {exc}") from None
            family, _type, _proto, _name, sockaddr = found[0]
            self._family = int(family)
            self._address = (str(sockaddr[0]), int(sockaddr[1]))

    async def close(self) -> None:
        self._transport = None

    # ------------------------------------------------------------ requests
    async def get(self, oids: Sequence[str]) -> dict[str, Value | None]:
        """Read ``oids`` in as few GETs as the agent accepts: oid -> value, ``None``
        for an OID the agent does not have."""
        result: dict[str, Value | None] = {}
        pending = list(dict.fromkeys(o.strip(".") for o in oids if o))
        while pending:
            chunk, pending = pending[:self.max_oids], pending[self.max_oids:]
            result.update(await self._get_chunk(chunk))
        return result

    async def _get_chunk(self, oids: list[str]) -> dict[str, Value | None]:
        found: dict[str, Value | None] = {}
        todo = list(oids)
        while todo:
            status, index, binds = await self._request(_GET, todo)
            if status == "tooBig" and len(todo) > 1:
                self.max_oids = max(1, len(todo) // 2)
                half = len(todo) // 2
                found.update(await self._get_chunk(todo[:half]))
                found.update(await self._get_chunk(todo[half:]))
                return found
            if status:
                # v1 (and some v2c agents): one bad OID fails the whole PDU; drop it
                if 0 < index <= len(todo):
                    found[todo.pop(index - 1)] = None
                    continue
                raise SnmpRefused(f"{self.target.address}: GET failed: {status}", status)
            for oid, (_, value) in zip(todo, binds, strict=False):
                found[oid] = value
            return found
        return found

    async def get_next(self, oids: Sequence[str]) -> list[tuple[str, Value | None]]:
        """One GETNEXT: for each OID, the next OID and its value (``None`` at the end)."""
        status, _, binds = await self._request(_NEXT, [o.strip(".") for o in oids])
        if status == "noSuchName":  # v1: the end of the MIB
            return [(o, None) for o in oids]
        if status:
            raise SnmpRefused(f"{self.target.address}: GETNEXT failed: {status}", status)
        return binds

    async def get_bulk(self, oids: Sequence[str], repetitions: int = 10,
                       non_repeaters: int = 0) -> list[tuple[str, Value | None]]:
        """One GETBULK (v2c and v3): up to ``repetitions`` successors of each OID."""
        if self.target.version is Version.V1:
            raise SnmpError("GETBULK needs SNMP v2c or v3")
        status, _, binds = await self._request(_BULK, [o.strip(".") for o in oids],
                                               bulk=(non_repeaters, repetitions))
        if status:
            raise SnmpRefused(f"{self.target.address}: GETBULK failed: {status}", status)
        return binds

    async def walk(self, oid: str, *, limit: int = 10_000) -> list[tuple[str, Value]]:
        """Every OID under ``oid`` with its value, by GETBULK (v2c, v3) or GETNEXT (v1)."""
        root = oid.strip(".")
        prefix = root + "."
        found: list[tuple[str, Value]] = []
        current = root
        while len(found) < limit:
            if self.target.version is Version.V1:
                batch = await self.get_next([current])
            else:
                batch = await self.get_bulk([current], repetitions=25)
            if not batch:
                return found
            for name, value in batch:
                if not name.startswith(prefix) or value is None or _oid_key(name) <= _oid_key(
                        current):
                    return found
                found.append((name, value))
                current = name
        return found

    async def set(self, oid: str, value: Value, kind: str = "i") -> None:
        """SET ``oid`` to ``value`` of the SNMP type ``kind`` (net-snmp's letters:
        ``i`` INTEGER, ``u`` Unsigned32, ``g`` Gauge32, ``t`` TimeTicks, ``s`` string,
        ``x`` hex octets, ``o`` OID, ``a`` IpAddress)."""
        typed = _typed(value, kind)
        status, _, _ = await self._request(_SET, [oid.strip(".")], typed=typed)
        if status:
            raise SnmpRefused(f"{self.target.address}: SET {oid} = {value!r} refused: {status}",
                              status, oid)

    async def _request(self, kind: Any, names: list[str],
                       bulk: tuple[int, int] | None = None, typed: Any = None,
                       ) -> tuple[str, int, list[tuple[str, Value | None]]]:
        """Send one request for the OIDs ``names`` (a SET of ``typed``): ``(error-status
        name or "", error index, varbinds as (dotted OID, value))``.

        v1/v2c reads go through :mod:`~upskit.transport.snmp.ber` on the shared
        :class:`~upskit.transport.snmp.channel.CommunityChannel`; SNMPv3 and SET through
        pysnmp's command generators (directly: its high-level commands resolve every
        OID through a MIB view, most of their CPU time).
        """
        if self._transport is None:
            raise PortGone(f"{self.target.address}: the port is not open")
        self.service.requests += 1
        if self.target.version is not Version.V3 and kind in _FAST:
            return await self._fast_request(_FAST[kind], names, bulk)
        binds = [(rfc1902.ObjectName(o), _NULL if typed is None else typed) for o in names]
        engine = self.service.engine()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[Any, Any, Any, Any]] = loop.create_future()

        def done(_engine: Any, _handle: Any, indication: Any, status: Any, index: Any,
                 answer: Any, _ctx: Any) -> None:
            if not future.done():
                future.set_result((indication, status, index, answer))

        try:
            address, _ = LCD.configure(engine, self._auth, self._transport, b"")
            if bulk is None:
                kind().send_varbinds(engine, address, None, b"", binds, done, None)
            else:
                kind().send_varbinds(engine, address, None, b"", bulk[0], bulk[1], binds,
                                     done, None)
            indication, status, index, answer = await future
        except TransportError:
            raise
        except Exception as exc:  # pyasn1 encoding or decoding, a value of the wrong type
            raise PortGarbled(f"{self.target.address}: {type(exc).__name__}: {exc}") from None
        if indication:
            raise _indication_error(indication, self.target)
        name = status.prettyPrint() if status else ""
        return (name if name not in ("", "0", "noError") else "",
                int(index or 0), [(_dotted(n), _python(v)) for n, v in answer or ()])

    async def _fast_request(self, pdu: int, names: list[str], bulk: tuple[int, int] | None,
                            ) -> tuple[str, int, list[tuple[str, Value | None]]]:
        target = self.target
        channel = self.service.channel
        request_id = channel.new_id()
        non_repeaters, repetitions = bulk or (0, 0)
        try:
            message = ber.encode_request(0 if target.version is Version.V1 else 1,
                                         target.community, pdu, request_id, names,
                                         non_repeaters, repetitions)
        except (ber.BerError, UnicodeEncodeError) as exc:
            raise SnmpError(f"{target.address}: cannot ask for {names[:3]}: {exc}") from None
        answer = await channel.request(self._address, self._family, message, request_id,
                                       target.timeout, target.retries)
        if answer is None:
            raise _indication_error(errind.requestTimedOut, target)
        return answer


_GET = cmdgen.GetCommandGenerator
_NEXT = cmdgen.NextCommandGenerator
_BULK = cmdgen.BulkCommandGenerator
_SET = cmdgen.SetCommandGenerator
_NULL = rfc1902.Null("")
#: the reads that take the v1/v2c fast path, with their PDU tags
_FAST: dict[Any, int] = {_GET: ber.GET, _NEXT: ber.GETNEXT, _BULK: ber.GETBULK}


def _dotted(name: object) -> str:
    as_tuple = getattr(name, "asTuple", None)
    if callable(as_tuple):
        return ".".join(str(p) for p in as_tuple())
    return str(name)


#: URL schemes of ``port`` that name an agent started elsewhere: scheme -> async
#: ``"module:function"`` taking the URL and returning ``(host, port, community)``.
RESOLVERS: dict[str, str] = {"sim": "upskit.sim.snmp.serve:serve_url"}


async def resolve_url(url: str) -> tuple[str, int, str]:
    """The agent a ``scheme://...`` port names (``sim://snmp/ietf`` starts one)."""
    scheme = url.split("://", 1)[0].lower()
    target = RESOLVERS.get(scheme)
    if target is None:
        raise ValueError(f"an SNMP port is host[:port] or one of "
                         f"{', '.join(s + '://' for s in RESOLVERS)}, not {url!r}")
    module, _, attribute = target.partition(":")
    resolver = getattr(importlib.import_module(module), attribute)
    host, port, community = await resolver(url)
    return str(host), int(port), str(community)


def _indication_error(indication: object, target: SnmpTarget) -> SnmpError:
    where = target.address
    if isinstance(indication, errind.RequestTimedOut):
        tries = target.retries + 1
        hint = ("agent down, unreachable or wrong credentials"
                if target.version is Version.V3 else "agent down, unreachable or wrong community")
        return SnmpTimeout(f"{where}: no answer after {tries} tr{'y' if tries == 1 else 'ies'} "
                           f"of {target.timeout:g} s ({hint})")
    for kind, problem in _AUTH_PROBLEMS:
        if isinstance(indication, kind):
            return SnmpAuthError(f"{where}: SNMPv3 {problem} ({indication})")
    text = str(indication)
    lower = text.lower()
    if "ciphering services not available" in lower:
        return SnmpError(f"{where}: SNMPv3 privacy needs the Python package 'cryptography' "
                         "(pip install 'upskit[snmp]')")
    if "digest" in lower or "authentic" in lower:
        return SnmpAuthError(f"{where}: SNMPv3 wrong authPassword or authProtocol ({text})")
    if "decrypt" in lower or "privacy" in lower:
        return SnmpAuthError(f"{where}: SNMPv3 wrong privPassword or privProtocol ({text})")
    if "user" in lower or "security name" in lower:
        return SnmpAuthError(f"{where}: SNMPv3 unknown secName ({text})")
    return SnmpError(f"{where}: {text}")


def _auth_data(target: SnmpTarget) -> CommunityData | UsmUserData:
    if target.version is not Version.V3:
        model = 0 if target.version is Version.V1 else 1
        # an index of our own: the same community in v1 and v2c must not share a row
        digest = hashlib.sha1(f"{model}:{target.community}".encode()).hexdigest()[:16]
        return CommunityData(f"c{model}{digest}", target.community, mpModel=model)
    level = target.sec_level
    if level is SecLevel.NO_AUTH_NO_PRIV:
        return UsmUserData(target.sec_name)
    auth = _AUTH[target.auth_protocol]
    if level is SecLevel.AUTH_NO_PRIV:
        return UsmUserData(target.sec_name, authKey=target.auth_password, authProtocol=auth)
    return UsmUserData(target.sec_name, authKey=target.auth_password, authProtocol=auth,
                       privKey=target.priv_password, privProtocol=_PRIV[target.priv_protocol])


def _is_v6(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def _oid_key(oid: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in oid.strip(".").split("."))
    except ValueError:
        return ()


_INTEGERS = (rfc1902.Integer32, rfc1902.Integer, rfc1902.Unsigned32, rfc1902.Gauge32,
             rfc1902.Counter32, rfc1902.Counter64, rfc1902.TimeTicks)
_MISSING = (rfc1905.NoSuchObject, rfc1905.NoSuchInstance, rfc1905.EndOfMibView)


def _python(value: object) -> Value | None:
    """A pysnmp value as a plain Python one (``None``: no such object, end of MIB)."""
    if isinstance(value, (*_MISSING, rfc1902.Null)):
        return None
    if isinstance(value, _INTEGERS):
        return int(value)
    if isinstance(value, rfc1902.ObjectIdentifier):
        return ".".join(str(p) for p in value.asTuple())
    if isinstance(value, rfc1902.IpAddress):
        return ".".join(str(b) for b in value.asOctets())
    if isinstance(value, (rfc1902.OctetString, rfc1902.Opaque, rfc1902.Bits)):
        raw = bytes(value.asOctets())
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
        printable = all(c.isprintable() or c in "\r\n\t" for c in text.rstrip("\x00"))
        return text.rstrip("\x00") if printable else raw
    return str(value)


def _typed(value: Value, kind: str) -> Any:
    try:
        if kind == "i":
            return rfc1902.Integer32(int(value))
        if kind == "u":
            return rfc1902.Unsigned32(int(value))
        if kind == "g":
            return rfc1902.Gauge32(int(value))
        if kind == "t":
            return rfc1902.TimeTicks(int(value))
        if kind == "s":
            return rfc1902.OctetString(value if isinstance(value, bytes) else str(value))
        if kind == "x":
            raw = value if isinstance(value, bytes) else bytes.fromhex(str(value))
            return rfc1902.OctetString(raw)
        if kind == "o":
            return rfc1902.ObjectIdentifier(str(value).strip("."))
        if kind == "a":
            return rfc1902.IpAddress(str(value))
    except Exception as exc:
        raise SnmpError(f"cannot send {value!r} as SNMP type {kind!r}: {exc}") from None
    raise SnmpError(f"unknown SNMP type {kind!r} (one of {', '.join(SET_TYPES)})")


def values_text(values: Mapping[str, Value | None] | Iterable[tuple[str, Value | None]]) -> str:
    """``oid = value`` lines, for logs and ``upskit`` tools."""
    pairs = values.items() if isinstance(values, Mapping) else values
    return "\n".join(f"{oid} = {value!r}" for oid, value in pairs)
