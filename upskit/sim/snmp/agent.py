"""A simulated SNMP agent on UDP: v1 and v2c, GET, GETNEXT, GETBULK and SET.

One :class:`SnmpAgent` serves any number of simulated UPSes on one port, one per
community (a request with an unknown community gets no answer, as from a real card).
Messages are decoded and encoded with pysnmp's protocol classes (pyasn1 BER); the agent
keeps nothing per peer, so its memory does not grow with the clients it answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from typing import Any, cast

from pyasn1.codec.ber import decoder, encoder  # type: ignore[import-untyped]
from pyasn1.error import PyAsn1Error  # type: ignore[import-untyped]
from pysnmp.proto import api

from upskit.sim.snmp.mib import Kind, MibObject, MibTable, Oid, SetError, Value, oid, oid_text
from upskit.sim.snmp.ups import SnmpUps
from upskit.transport.snmp import ber

#: SNMPv2 error-status numbers (RFC 3416).
ERRORS = {
    "noError": 0, "tooBig": 1, "noSuchName": 2, "badValue": 3, "readOnly": 4, "genErr": 5,
    "noAccess": 6, "wrongType": 7, "wrongLength": 8, "wrongEncoding": 9, "wrongValue": 10,
    "noCreation": 11, "inconsistentValue": 12, "resourceUnavailable": 13,
    "commitFailed": 14, "undoFailed": 15, "authorizationError": 16, "notWritable": 17,
    "inconsistentName": 18,
}
#: How an SNMPv2 error reads in SNMPv1 (RFC 3584 section 4.3).
_V1_ERRORS = {
    "wrongType": "badValue", "wrongLength": "badValue", "wrongEncoding": "badValue",
    "wrongValue": "badValue", "inconsistentValue": "badValue", "noAccess": "noSuchName",
    "notWritable": "noSuchName", "noCreation": "noSuchName", "inconsistentName": "noSuchName",
    "resourceUnavailable": "genErr", "commitFailed": "genErr", "undoFailed": "genErr",
    "authorizationError": "noSuchName",
}
#: At most this many variable bindings in one GETBULK reply.
MAX_BULK = 256
#: Replies waiting for a ``slow`` fault's delay, at most (more are dropped).
MAX_DELAYED = 1024

_V1 = int(api.SNMP_VERSION_1)
_V2C = int(api.SNMP_VERSION_2C)


def _classes(pmod: Any) -> dict[Kind, Any]:
    v1 = pmod is api.v1
    return {
        Kind.INTEGER: pmod.Integer,
        Kind.STRING: pmod.OctetString,
        Kind.OID: pmod.ObjectIdentifier,
        Kind.GAUGE: pmod.Gauge if v1 else pmod.Gauge32,
        Kind.COUNTER: pmod.Counter if v1 else pmod.Counter32,
        Kind.TICKS: pmod.TimeTicks,
    }


_CLASSES = {_V1: _classes(api.v1), _V2C: _classes(api.v2c)}
_BER_TAGS = {Kind.INTEGER: ber.INTEGER, Kind.STRING: ber.OCTETS, Kind.OID: ber.OID,
             Kind.GAUGE: ber.GAUGE32, Kind.COUNTER: ber.COUNTER32, Kind.TICKS: ber.TIMETICKS}
_BER_EXCEPTIONS = {"noSuchObject": ber.NO_SUCH_OBJECT, "noSuchInstance": ber.NO_SUCH_INSTANCE,
                   "endOfMibView": ber.END_OF_MIB_VIEW}
_TAGS = {version: {kind: cls.tagSet for kind, cls in classes.items()}
         for version, classes in _CLASSES.items()}


class _Refused(Exception):
    """A request that fails as a whole: the error name and the 1-based binding index."""

    def __init__(self, status: str, index: int) -> None:
        super().__init__(status)
        self.status, self.index = status, index


def _plain(kind: Kind, value: Any) -> Value:
    if kind is Kind.STRING:
        return bytes(value).decode("utf-8", "replace")
    if kind is Kind.OID:
        return tuple(int(part) for part in value)
    return int(value)


def _peek_version(data: bytes) -> int | None:
    """The version field of an SNMP message, read from its first bytes (a full decode
    only to learn which decoder to use would cost as much as the request itself):
    SEQUENCE header, then a one-byte INTEGER."""
    if len(data) < 5 or data[0] != 0x30:
        return None
    start = 2 + (data[1] & 0x7F if data[1] & 0x80 else 0)
    if data[start:start + 2] != b"\x02\x01" or len(data) <= start + 2:
        return None
    return data[start + 2]


class SnmpAgent:
    """Simulated UPSes answering SNMP on one UDP port, one per community."""

    def __init__(self, units: Iterable[SnmpUps] = ()) -> None:
        self.units: dict[str, SnmpUps] = {}
        self.tables: dict[str, MibTable[SnmpUps]] = {}
        self.requests = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._delayed = 0
        for unit in units:
            self.add(unit)

    def add(self, unit: SnmpUps, table: MibTable[SnmpUps] | None = None) -> None:
        """Serve ``unit`` under its community (its model's table unless given)."""
        if table is None:
            from upskit.sim.snmp.models import load

            table = load(unit.mib).table
        self.units[unit.community] = unit
        self.tables[unit.community] = table

    # ----------------------------------------------------------------- network
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Listen on ``host:port`` (0: a free port); return the address bound."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), local_addr=(host, port))
        self._transport = transport
        bound = transport.get_extra_info("sockname")
        return str(bound[0]), int(bound[1])

    def close(self) -> None:
        """Stop listening (call it in the agent's event loop)."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def forget_transport(self) -> None:
        """Drop the transport of an event loop already closed (its socket went with it)."""
        self._transport = None

    @property
    def serving(self) -> bool:
        return self._transport is not None

    def _send_later(self, delay: float, reply: bytes, addr: Any) -> None:
        if self._delayed >= MAX_DELAYED:
            return
        self._delayed += 1

        def send() -> None:
            self._delayed -= 1
            if self._transport is not None:
                with contextlib.suppress(OSError):
                    self._transport.sendto(reply, addr)

        asyncio.get_running_loop().call_later(delay, send)

    # ---------------------------------------------------------------- messages
    def handle(self, data: bytes) -> tuple[bytes | None, float]:
        """The reply to one datagram (None: no answer) and the delay before it."""
        self.requests += 1
        fast = self._fast(data)
        if fast is not None:
            return fast
        try:
            version = _peek_version(data)
            if version not in _CLASSES:
                return None, 0.0  # SNMPv3 and unknown versions: not simulated
            pmod = api.PROTOCOL_MODULES[version]
            message, _rest = decoder.decode(data, asn1Spec=pmod.Message())
            community = bytes(pmod.apiMessage.get_community(message)).decode("latin-1")
        except (PyAsn1Error, ValueError, TypeError, KeyError):
            return None, 0.0
        unit = self.units.get(community)
        if unit is None:
            return None, 0.0
        try:
            reply = self._answer(version, pmod, message, unit, self.tables[community])
        except (PyAsn1Error, ValueError, TypeError):
            return None, 0.0
        if reply is None:
            return None, 0.0
        return unit.device.faults.apply(reply)

    def _fast(self, data: bytes) -> tuple[bytes | None, float] | None:
        """A v1/v2c read answered through :mod:`upskit.transport.snmp.ber` (a tenth of
        pyasn1's cost); ``None`` for anything else (a SET, an error to report, garbage),
        which the pysnmp path then answers or drops as before."""
        try:
            version, community, pdu, request_id, first, second, names = \
                ber.decode_request(data)
        except (ber.BerError, IndexError):
            return None
        name = community.decode("latin-1")
        unit = self.units.get(name)
        if unit is None:
            return None, 0.0
        table = self.tables[name]
        oids = [oid(name) for name in names]
        with unit.physics.lock:
            unit.refresh()
            try:
                if pdu == ber.GET:
                    found = self._get(version, api.v2c, table, unit, oids, plain=True)
                elif pdu == ber.GETNEXT:
                    found = self._next(version, api.v2c, table, unit, oids, plain=True)
                else:
                    found = self._bulk(api.v2c, table, unit, oids, first, second, plain=True)
            except _Refused:
                return None  # errors are rare: the full path writes them
        binds = [(oid_text(name), value) for name, value in found]
        return unit.device.faults.apply(ber.encode_response(
            version, community, request_id, 0, 0, binds))

    def _answer(self, version: int, pmod: Any, message: Any, unit: SnmpUps,
                table: MibTable[SnmpUps]) -> bytes | None:
        pdu = pmod.apiMessage.get_pdu(message)
        response = pmod.apiMessage.get_response(message)
        rsp_pdu = pmod.apiMessage.get_pdu(response)
        names = [tuple(name) for name, _value in pmod.apiPDU.get_varbinds(pdu)]
        with unit.physics.lock:
            unit.refresh()
            tag = pdu.tagSet
            try:
                if tag == pmod.GetRequestPDU.tagSet:
                    bindings = self._get(version, pmod, table, unit, names)
                elif tag == pmod.GetNextRequestPDU.tagSet:
                    bindings = self._next(version, pmod, table, unit, names)
                elif version == _V2C and tag == pmod.GetBulkRequestPDU.tagSet:
                    bindings = self._bulk(pmod, table, unit, names,
                                          int(pmod.apiBulkPDU.get_non_repeaters(pdu)),
                                          int(pmod.apiBulkPDU.get_max_repetitions(pdu)))
                elif tag == pmod.SetRequestPDU.tagSet:
                    values = [value for _name, value in pmod.apiPDU.get_varbinds(pdu)]
                    self._set(version, table, unit, names, values)
                    bindings = list(zip(names, values, strict=True))
                else:
                    return None
            except _Refused as refused:
                status = refused.status
                if version == _V1:
                    status = _V1_ERRORS.get(status, status)
                pmod.apiPDU.set_error_status(rsp_pdu, ERRORS[status])
                pmod.apiPDU.set_error_index(rsp_pdu, refused.index)
                bindings = list(pmod.apiPDU.get_varbinds(pdu))
        pmod.apiPDU.set_varbinds(rsp_pdu, bindings)
        encoded: bytes = encoder.encode(response)
        return encoded

    @staticmethod
    def _encode(version: int, obj: MibObject[SnmpUps], unit: SnmpUps,
                plain: bool = False) -> Any:
        value = obj.read(unit)
        if plain:
            return ber.encode_value(_BER_TAGS[obj.kind],
                                    oid_text(value) if isinstance(value, tuple) else value)
        return _CLASSES[version][obj.kind](value)

    @staticmethod
    def _exception(kind: str, plain: bool) -> Any:
        """A v2c exception value (``noSuchObject``...) for pysnmp or as BER."""
        if plain:
            return ber.encode_value(_BER_EXCEPTIONS[kind], None)
        return {"noSuchInstance": api.v2c.NoSuchInstance, "noSuchObject": api.v2c.NoSuchObject,
                "endOfMibView": api.v2c.EndOfMibView}[kind]("")

    def _get(self, version: int, pmod: Any, table: MibTable[SnmpUps], unit: SnmpUps,
             names: Sequence[Oid], plain: bool = False) -> list[tuple[Oid, Any]]:
        out: list[tuple[Oid, Any]] = []
        for index, name in enumerate(names, 1):
            obj = table.get(name, unit)
            if obj is not None:
                out.append((name, self._encode(version, obj, unit, plain)))
            elif version == _V1:
                raise _Refused("noSuchName", index)
            elif table.defines(name) or (table.has_prefix(name[:-1])
                                         and not table.has_prefix(name)):
                out.append((name, self._exception("noSuchInstance", plain)))
            else:
                out.append((name, self._exception("noSuchObject", plain)))
        return out

    def _next(self, version: int, pmod: Any, table: MibTable[SnmpUps], unit: SnmpUps,
              names: Sequence[Oid], plain: bool = False) -> list[tuple[Oid, Any]]:
        out: list[tuple[Oid, Any]] = []
        for index, name in enumerate(names, 1):
            obj = table.next_after(name, unit)
            if obj is not None:
                out.append((obj.oid, self._encode(version, obj, unit, plain)))
            elif version == _V1:
                raise _Refused("noSuchName", index)
            else:
                out.append((name, self._exception("endOfMibView", plain)))
        return out

    def _bulk(self, pmod: Any, table: MibTable[SnmpUps], unit: SnmpUps,
              names: Sequence[Oid], non_repeaters: int,
              max_repetitions: int, plain: bool = False) -> list[tuple[Oid, Any]]:
        non_repeaters = max(0, min(non_repeaters, len(names)))
        out = self._next(_V2C, pmod, table, unit, names[:non_repeaters], plain)
        columns = list(names[non_repeaters:])
        end = self._exception("endOfMibView", plain)
        for _round in range(max(0, max_repetitions)):
            if not columns or len(out) + len(columns) > MAX_BULK:
                break
            row = self._next(_V2C, pmod, table, unit, columns, plain)
            out.extend(row)
            columns = [name for name, _value in row]
            if all((value == end) if plain else isinstance(value, api.v2c.EndOfMibView)
                   for _name, value in row):
                break
        return out

    def _set(self, version: int, table: MibTable[SnmpUps], unit: SnmpUps,
             names: Sequence[Oid], values: Sequence[Any]) -> None:
        # Check every binding first, then apply them all: a SET is all or nothing.
        def refuse(status: str, index: int) -> _Refused:
            unit.note_refused(oid_text(names[index - 1]), status)
            return _Refused(status, index)

        checked: list[tuple[MibObject[SnmpUps], Value]] = []
        for index, (name, value) in enumerate(zip(names, values, strict=True), 1):
            obj = table.get(name, unit)
            if obj is None:
                raise refuse("notWritable" if table.defines(name) else "noCreation", index)
            if obj.write is None:
                raise refuse("notWritable", index)
            if value.tagSet != _TAGS[version][obj.kind]:
                raise refuse("wrongType", index)
            plain = _plain(obj.kind, value)
            try:
                obj.check(plain)
            except SetError as refused:
                raise refuse(refused.status, index) from None
            checked.append((obj, plain))
        for index, (obj, plain) in enumerate(checked, 1):
            try:
                assert obj.write is not None
                obj.write(unit, plain)
            except SetError as refused:
                raise refuse(refused.status, index) from None
            unit.note_set(oid_text(obj.oid), plain)
        unit.refresh()


class _Protocol(asyncio.DatagramProtocol):
    """The UDP side of :class:`SnmpAgent`."""

    def __init__(self, agent: SnmpAgent) -> None:
        self.agent = agent
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            reply, delay = self.agent.handle(data)
        except Exception:  # a simulator bug looks like a dead card, never a crash
            return
        if reply is None or self.transport is None:
            return
        if delay > 0:
            self.agent._send_later(delay, reply, addr)
            return
        with contextlib.suppress(OSError):
            self.transport.sendto(reply, addr)

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP port unreachable from a client that went away: nothing to do
