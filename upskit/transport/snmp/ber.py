"""SNMP v1/v2c messages in BER, for the requests a poll makes (GET, GETNEXT, GETBULK)
and the agent's Response.

pysnmp decodes a message through pyasn1's generic BER machinery, about 5 ms of CPU for a
20-OID response; a thousand agents polled every 2 s would need more than two cores for
that alone.  These messages have one fixed shape (RFC 1157, RFC 3416), so they are
written and read here directly, at a few hundredths of that.  SNMPv3 and SET stay with
pysnmp (security, typed values), see :mod:`upskit.transport.snmp.client`.

Decoding is defensive: a datagram that is not a well-formed Response raises
:class:`BerError` and is dropped by the caller, never trusted in part.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

GET, GETNEXT, RESPONSE, GETBULK = 0xA0, 0xA1, 0xA2, 0xA5

#: error-status numbers -> the names RFC 3416 gives them
ERROR_NAMES = (
    "", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
    "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue",
    "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError",
    "notWritable", "inconsistentName",
)

Value = int | str | bytes


class BerError(ValueError):
    """Bytes that are not the SNMP message they should be."""


# ------------------------------------------------------------------ encoding
def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _integer(value: int, tag: int = 0x02) -> bytes:
    """A number TLV in the fewest two's-complement octets (BER writes the unsigned
    application types the same way, a leading zero octet where the top bit is set)."""
    size = max(1, (value + (value < 0)).bit_length() // 8 + 1)
    return _tlv(tag, value.to_bytes(size, "big", signed=True))


@functools.lru_cache(maxsize=8192)  # a poll asks for the same OIDs every time
def encode_oid(oid: str) -> bytes:
    """An OBJECT IDENTIFIER TLV for a dotted OID (raises :class:`BerError`)."""
    try:
        parts = [int(p) for p in oid.strip(".").split(".")]
    except ValueError:
        raise BerError(f"not a numeric OID: {oid!r}") from None
    if len(parts) < 2 or parts[0] > 2 or (parts[0] < 2 and parts[1] > 39) or min(parts) < 0:
        raise BerError(f"not a valid OID: {oid!r}")
    body = bytearray()
    for n in [parts[0] * 40 + parts[1], *parts[2:]]:
        chunk = [n & 0x7F]
        n >>= 7
        while n:
            chunk.append(0x80 | (n & 0x7F))
            n >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))


def encode_request(version: int, community: str, pdu: int, request_id: int,
                   oids: Sequence[str], non_repeaters: int = 0,
                   repetitions: int = 0) -> bytes:
    """A v1 (``version`` 0) or v2c (1) GET/GETNEXT/GETBULK message for ``oids``."""
    binds = b"".join(_tlv(0x30, encode_oid(o) + b"\x05\x00") for o in oids)
    first, second = (non_repeaters, repetitions) if pdu == GETBULK else (0, 0)
    body = _integer(request_id) + _integer(first) + _integer(second) + _tlv(0x30, binds)
    return _tlv(0x30, _integer(version) + _tlv(0x04, community.encode("latin-1"))
                + _tlv(pdu, body))


# ------------------------------------------------------------------ decoding
class _Reader:
    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data, self.pos = data, pos
        self.end = len(data) if end is None else end

    def item(self) -> tuple[int, int, int]:
        """The next TLV: ``(tag, start of value, end of value)``; moves past it."""
        data, pos = self.data, self.pos
        if pos + 2 > self.end:
            raise BerError("truncated")
        tag, first = data[pos], data[pos + 1]
        pos += 2
        if first & 0x80:
            count = first & 0x7F
            if count == 0 or count > 4 or pos + count > self.end:
                raise BerError("bad length")
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
        else:
            length = first
        if pos + length > self.end:
            raise BerError("truncated value")
        self.pos = pos + length
        return tag, pos, pos + length

    def expect(self, tag: int) -> tuple[int, int]:
        got, start, end = self.item()
        if got != tag:
            raise BerError(f"tag 0x{got:02x} where 0x{tag:02x} belongs")
        return start, end

    def integer(self) -> int:
        start, end = self.expect(0x02)
        if end == start or end - start > 9:
            raise BerError("bad INTEGER")
        return int.from_bytes(self.data[start:end], "big", signed=True)

    @property
    def done(self) -> bool:
        return self.pos >= self.end


@functools.lru_cache(maxsize=8192)
def decode_oid(data: bytes) -> str:
    """A dotted OID from an OBJECT IDENTIFIER's value bytes."""
    if not data or data[-1] & 0x80:
        raise BerError("bad OID")
    parts: list[int] = []
    n = 0
    for byte in data:
        n = (n << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(n)
            n = 0
    first = parts[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(p) for p in head + parts[1:])


def _text(raw: bytes) -> Value:
    """Octets as text when they are printable UTF-8 (trailing NULs dropped), else bytes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    text = text.rstrip("\x00")
    return text if all(c.isprintable() or c in "\r\n\t" for c in text) else raw


def _value(tag: int, raw: bytes) -> Value | None:
    if tag in (0x02, 0x41, 0x42, 0x43, 0x46):  # INTEGER, Counter32, Gauge32, TimeTicks, Counter64
        if not raw or len(raw) > 9:
            raise BerError("bad number")
        return int.from_bytes(raw, "big", signed=tag == 0x02)
    if tag in (0x04, 0x44):  # OCTET STRING, Opaque
        return _text(raw)
    if tag == 0x06:
        return decode_oid(raw)
    if tag == 0x40:
        if len(raw) != 4:
            raise BerError("bad IpAddress")
        return ".".join(str(b) for b in raw)
    if tag in (0x05, 0x80, 0x81, 0x82):  # NULL, noSuchObject, noSuchInstance, endOfMibView
        return None
    raise BerError(f"unknown value type 0x{tag:02x}")


def decode_response(data: bytes) -> tuple[int, int, str, int, list[tuple[str, Value | None]]]:
    """``(version, request id, error-status name or "", error index, varbinds)`` of a
    Response message (raises :class:`BerError` for anything else)."""
    top = _Reader(data)
    start, end = top.expect(0x30)
    if end != len(data):
        raise BerError("trailing bytes")
    msg = _Reader(data, start, end)
    version = msg.integer()
    msg.expect(0x04)  # community: the caller matched the request by id and address
    pdu_start, pdu_end = msg.expect(RESPONSE)
    pdu = _Reader(data, pdu_start, pdu_end)
    request_id = pdu.integer()
    status = pdu.integer()
    index = pdu.integer()
    binds_start, binds_end = pdu.expect(0x30)
    binds = _Reader(data, binds_start, binds_end)
    found: list[tuple[str, Value | None]] = []
    while not binds.done:
        one_start, one_end = binds.expect(0x30)
        one = _Reader(data, one_start, one_end)
        name_start, name_end = one.expect(0x06)
        tag, value_start, value_end = one.item()
        found.append((decode_oid(data[name_start:name_end]),
                      _value(tag, data[value_start:value_end])))
    name = ERROR_NAMES[status] if 0 <= status < len(ERROR_NAMES) else f"error{status}"
    return version, request_id, name, index, found


# ------------------------------------------------------------------ the agent's side
#: value tags for :func:`encode_value`
INTEGER, OCTETS, NULL, OID, COUNTER32, GAUGE32, TIMETICKS = 0x02, 0x04, 0x05, 0x06, 0x41, 0x42, 0x43
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x80, 0x81, 0x82


def encode_value(tag: int, value: int | str | bytes | None) -> bytes:
    """One value TLV: numbers for INTEGER and the unsigned application types, text or
    octets for OCTET STRING, a dotted OID, nothing for NULL and the v2c exceptions."""
    if value is None or tag in (NULL, NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW):
        return bytes([tag, 0])
    if tag == OID:
        return encode_oid(str(value))
    if tag == OCTETS:
        raw = (value if isinstance(value, bytes) else
               value.encode("utf-8") if isinstance(value, str) else str(value).encode())
        return _tlv(OCTETS, raw)
    return _integer(int(value), tag)


def decode_request(data: bytes) -> tuple[int, bytes, int, int, int, int, list[str]]:
    """``(version, community, PDU tag, request id, non-repeaters, max-repetitions,
    OIDs)`` of a v1/v2c GET, GETNEXT or GETBULK request (raises :class:`BerError` for
    anything else: a SET, a v3 message, garbage)."""
    top = _Reader(data)
    start, end = top.expect(0x30)
    msg = _Reader(data, start, end)
    version = msg.integer()
    if version not in (0, 1):
        raise BerError("not v1/v2c")
    community_start, community_end = msg.expect(0x04)
    pdu_tag, pdu_start, pdu_end = msg.item()
    if pdu_tag not in (GET, GETNEXT, GETBULK) or (pdu_tag == GETBULK and version == 0):
        raise BerError("not a read request")
    pdu = _Reader(data, pdu_start, pdu_end)
    request_id, first, second = pdu.integer(), pdu.integer(), pdu.integer()
    binds_start, binds_end = pdu.expect(0x30)
    binds = _Reader(data, binds_start, binds_end)
    oids: list[str] = []
    while not binds.done:
        one_start, one_end = binds.expect(0x30)
        one = _Reader(data, one_start, one_end)
        name_start, name_end = one.expect(0x06)
        one.item()
        oids.append(decode_oid(data[name_start:name_end]))
    return (version, data[community_start:community_end], pdu_tag, request_id,
            first, second, oids)


def encode_response(version: int, community: bytes, request_id: int, status: int,
                    index: int, binds: Sequence[tuple[str, bytes]]) -> bytes:
    """A Response message; ``binds`` pairs dotted OIDs with value TLVs
    (:func:`encode_value`)."""
    body = b"".join(_tlv(0x30, encode_oid(name) + value) for name, value in binds)
    pdu = _integer(request_id) + _integer(status) + _integer(index) + _tlv(0x30, body)
    return _tlv(0x30, _integer(version) + _tlv(0x04, community) + _tlv(RESPONSE, pdu))
