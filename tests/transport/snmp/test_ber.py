"""The v1/v2c fast path's BER: requests byte for byte as pysnmp encodes them,
responses of every value type read as pysnmp reads them, garbage refused cleanly, and
the shared channel dropping answers that are not for a pending request."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket

import pytest
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905

from upskit.transport.snmp import ber
from upskit.transport.snmp.channel import CommunityChannel

OIDS = ["1.3.6.1.2.1.33.1.2.4.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.318.1.1.1.2.2.1.0",
        "1.3.6.1.4.1.99999.4294967295.128.16383"]


def pysnmp_request(version: int, pdu_kind: str, request_id: int, oids: list[str],
                   bulk: tuple[int, int] = (0, 0)) -> bytes:
    pmod = api.PROTOCOL_MODULES[api.SNMP_VERSION_1 if version == 0 else api.SNMP_VERSION_2C]
    pdu = {"get": pmod.GetRequestPDU, "next": pmod.GetNextRequestPDU,
           "bulk": getattr(pmod, "GetBulkRequestPDU", None)}[pdu_kind]()
    if pdu_kind == "bulk":
        api.v2c.apiBulkPDU.set_defaults(pdu)
        api.v2c.apiBulkPDU.set_request_id(pdu, request_id)
        api.v2c.apiBulkPDU.set_non_repeaters(pdu, bulk[0])
        api.v2c.apiBulkPDU.set_max_repetitions(pdu, bulk[1])
        api.v2c.apiBulkPDU.set_varbinds(pdu, [(o, pmod.Null("")) for o in oids])
    else:
        pmod.apiPDU.set_defaults(pdu)
        pmod.apiPDU.set_request_id(pdu, request_id)
        pmod.apiPDU.set_varbinds(pdu, [(o, pmod.Null("")) for o in oids])
    msg = pmod.Message()
    pmod.apiMessage.set_defaults(msg)
    pmod.apiMessage.set_community(msg, "pub lic")
    pmod.apiMessage.set_pdu(msg, pdu)
    return bytes(encoder.encode(msg))


@pytest.mark.parametrize("request_id", [1, 127, 128, 65535, 0x7FFFFFFF])
@pytest.mark.parametrize(("version", "kind", "tag"), [
    (0, "get", ber.GET), (1, "get", ber.GET), (0, "next", ber.GETNEXT), (1, "next", ber.GETNEXT)])
def test_requests_are_what_pysnmp_writes(version: int, kind: str, tag: int,
                                         request_id: int) -> None:
    assert ber.encode_request(version, "pub lic", tag, request_id, OIDS) == pysnmp_request(
        version, kind, request_id, OIDS)


def test_a_bulk_request_is_what_pysnmp_writes() -> None:
    assert ber.encode_request(1, "pub lic", ber.GETBULK, 9, OIDS[:2], 1, 25) == \
        pysnmp_request(1, "bulk", 9, OIDS[:2], (1, 25))


def pysnmp_response(version: int, request_id: int, binds: list[tuple[str, object]],
                    status: int = 0, index: int = 0) -> bytes:
    pmod = api.PROTOCOL_MODULES[api.SNMP_VERSION_1 if version == 0 else api.SNMP_VERSION_2C]
    pdu = pmod.GetResponsePDU()
    pmod.apiPDU.set_defaults(pdu)
    pmod.apiPDU.set_request_id(pdu, request_id)
    pmod.apiPDU.set_error_status(pdu, status)
    pmod.apiPDU.set_error_index(pdu, index)
    pmod.apiPDU.set_varbinds(pdu, binds)
    msg = pmod.Message()
    pmod.apiMessage.set_defaults(msg)
    pmod.apiMessage.set_community(msg, "public")
    pmod.apiMessage.set_pdu(msg, pdu)
    return bytes(encoder.encode(msg))


def test_responses_of_every_type_read_as_plain_values() -> None:
    data = pysnmp_response(1, 4242, [
        ("1.3.6.1.2.1.1.1.0", rfc1902.OctetString("Smart-UPS 1500\x00\x00")),
        ("1.3.6.1.2.1.1.2.0", rfc1902.ObjectIdentifier("1.3.6.1.4.1.318.1.3.27")),
        ("1.3.6.1.2.1.33.1.2.4.0", rfc1902.Integer32(-1)),
        ("1.3.6.1.2.1.33.1.2.3.0", rfc1902.Integer32(2_147_483_647)),
        ("1.3.6.1.2.1.2.2.1.10.1", rfc1902.Counter32(4_294_967_295)),
        ("1.3.6.1.2.1.2.2.1.5.1", rfc1902.Gauge32(1_000_000_000)),
        ("1.3.6.1.2.1.1.3.0", rfc1902.TimeTicks(123456)),
        ("1.3.6.1.2.1.31.1.1.1.6.1", rfc1902.Counter64(2**64 - 1)),
        ("1.3.6.1.2.1.4.20.1.1.1", rfc1902.IpAddress("192.168.7.10")),
        ("1.3.6.1.2.1.2.2.1.6.1", rfc1902.OctetString(b"\x00\x1b\x21\xff\x10\x80")),
        ("1.3.6.1.2.1.1.9.9", rfc1905.NoSuchObject("")),
        ("1.3.6.1.2.1.1.9.8", rfc1905.NoSuchInstance("")),
        ("1.3.6.1.2.1.1.9.7", rfc1905.EndOfMibView("")),
    ])
    version, request_id, status, index, binds = ber.decode_response(data)
    assert (version, request_id, status, index) == (1, 4242, "", 0)
    assert binds == [
        ("1.3.6.1.2.1.1.1.0", "Smart-UPS 1500"),
        ("1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.318.1.3.27"),
        ("1.3.6.1.2.1.33.1.2.4.0", -1),
        ("1.3.6.1.2.1.33.1.2.3.0", 2_147_483_647),
        ("1.3.6.1.2.1.2.2.1.10.1", 4_294_967_295),
        ("1.3.6.1.2.1.2.2.1.5.1", 1_000_000_000),
        ("1.3.6.1.2.1.1.3.0", 123456),
        ("1.3.6.1.2.1.31.1.1.1.6.1", 2**64 - 1),
        ("1.3.6.1.2.1.4.20.1.1.1", "192.168.7.10"),
        ("1.3.6.1.2.1.2.2.1.6.1", b"\x00\x1b\x21\xff\x10\x80"),
        ("1.3.6.1.2.1.1.9.9", None), ("1.3.6.1.2.1.1.9.8", None), ("1.3.6.1.2.1.1.9.7", None),
    ]


def test_error_status_names_as_rfc_3416() -> None:
    data = pysnmp_response(0, 7, [("1.3.6.1.2.1.1.5.0", rfc1902.Null(""))], status=2, index=1)
    assert ber.decode_response(data)[2:4] == ("noSuchName", 1)
    data = pysnmp_response(1, 7, [("1.3.6.1.2.1.1.5.0", rfc1902.Null(""))], status=1)
    assert ber.decode_response(data)[2] == "tooBig"


def test_garbage_is_refused_and_never_anything_else() -> None:
    good = pysnmp_response(1, 99, [("1.3.6.1.2.1.1.1.0", rfc1902.OctetString("x"))])
    with pytest.raises(ber.BerError):
        ber.decode_response(good[:-1])
    with pytest.raises(ber.BerError):
        ber.decode_response(good + b"\x00")
    request = ber.encode_request(1, "public", ber.GET, 99, OIDS)
    with pytest.raises(ber.BerError):  # a request is no response
        ber.decode_response(request)
    rng = random.Random(1628)
    for _ in range(3000):
        junk = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            junk[rng.randrange(len(junk))] = rng.randrange(256)
        with contextlib.suppress(ber.BerError):
            ber.decode_response(bytes(junk))
    for _ in range(500):
        with contextlib.suppress(ber.BerError):
            ber.decode_response(rng.randbytes(rng.randint(0, 80)))


def test_bad_oids_are_refused() -> None:
    for bad in ("1.3.six", "3.1", "1", "1.40.1"):
        with pytest.raises(ber.BerError):
            ber.encode_oid(bad)
    assert decoder.decode(ber.encode_oid("2.999.3"), asn1Spec=rfc1902.ObjectName())[0] == \
        rfc1902.ObjectName("2.999.3")


async def test_the_channel_takes_only_the_answer_it_waits_for() -> None:
    loop = asyncio.get_running_loop()
    agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    agent.bind(("127.0.0.1", 0))
    agent.setblocking(False)
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.bind(("127.0.0.1", 0))
    address = agent.getsockname()
    channel = CommunityChannel()
    try:
        request_id = channel.new_id()
        message = ber.encode_request(1, "public", ber.GET, request_id, OIDS[:1])
        waiting = asyncio.ensure_future(channel.request(address, socket.AF_INET, message,
                                                        request_id, 5.0, 0))
        data, peer = await loop.sock_recvfrom(agent, 1500)
        assert data == message
        answer = pysnmp_response(1, request_id, [(OIDS[0], rfc1902.Integer32(55))])
        stranger.sendto(answer, peer)  # right id, wrong sender: dropped
        agent.sendto(b"\x30\x03\x02\x01", peer)  # garbage: dropped
        agent.sendto(pysnmp_response(1, request_id + 1, [(OIDS[0], rfc1902.Integer32(1))]),
                     peer)  # nobody asked for that id
        await asyncio.sleep(0.2)
        assert not waiting.done()
        agent.sendto(answer, peer)
        assert await asyncio.wait_for(waiting, 5) == ("", 0, [(OIDS[0], 55)])
        # silence: None after the tries, and nothing left pending
        assert await channel.request(address, socket.AF_INET, message, channel.new_id(),
                                     0.1, 1) is None
        assert not channel._pending
    finally:
        channel.close()
        agent.close()
        stranger.close()


def test_the_agent_side_reads_requests_and_writes_responses_as_pysnmp() -> None:
    assert ber.decode_request(pysnmp_request(1, "bulk", 77, OIDS[:2], (1, 25))) == (
        1, b"pub lic", ber.GETBULK, 77, 1, 25, OIDS[:2])
    assert ber.decode_request(pysnmp_request(0, "next", 5, OIDS)) == (
        0, b"pub lic", ber.GETNEXT, 5, 0, 0, OIDS)
    with pytest.raises(ber.BerError):  # a response is no request
        ber.decode_request(pysnmp_response(1, 5, [(OIDS[0], rfc1902.Integer32(1))]))
    binds = [("1.3.6.1.2.1.1.1.0", rfc1902.OctetString("UPS 1500"), ber.OCTETS, "UPS 1500"),
             ("1.3.6.1.2.1.1.2.0", rfc1902.ObjectIdentifier("1.3.6.1.4.1.534.1"), ber.OID,
              "1.3.6.1.4.1.534.1"),
             ("1.3.6.1.2.1.33.1.2.4.0", rfc1902.Integer32(-300), ber.INTEGER, -300),
             ("1.3.6.1.2.1.33.1.4.4.1.4.1", rfc1902.Gauge32(4_000_000_000), ber.GAUGE32,
              4_000_000_000),
             ("1.3.6.1.2.1.1.3.0", rfc1902.TimeTicks(99), ber.TIMETICKS, 99),
             ("1.3.6.1.2.1.2.2.1.10.1", rfc1902.Counter32(7), ber.COUNTER32, 7),
             ("1.3.6.1.2.1.1.9.9", rfc1905.NoSuchObject(""), ber.NO_SUCH_OBJECT, None)]
    mine = ber.encode_response(1, b"public", 31337, 0, 0,
                               [(name, ber.encode_value(tag, plain))
                                for name, _obj, tag, plain in binds])
    assert mine == pysnmp_response(1, 31337, [(name, obj) for name, obj, _t, _p in binds])


async def test_a_cancel_that_comes_with_the_answer_is_not_swallowed() -> None:
    """A stopping driver cancels its request just as the answer lands: the request must
    end cancelled (Python 3.11's wait_for returned the answer instead, and the driver
    went on polling while the runtime waited for it to stop)."""
    agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    agent.bind(("127.0.0.1", 0))
    channel = CommunityChannel()
    try:
        request_id = channel.new_id()
        message = ber.encode_request(1, "public", ber.GET, request_id, OIDS[:1])
        task = asyncio.ensure_future(channel.request(agent.getsockname(), socket.AF_INET,
                                                     message, request_id, 5.0, 0))
        for _ in range(3):
            await asyncio.sleep(0)  # the request is sent and waits
        answer = pysnmp_response(1, request_id, [(OIDS[0], rfc1902.Integer32(1))])
        channel._arrived(answer, agent.getsockname())
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        channel.close()
        agent.close()
