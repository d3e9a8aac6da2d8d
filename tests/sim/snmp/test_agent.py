"""The simulated SNMP agent, in process: PDU handling, errors, SET checks, faults and
many communities on one agent (requests through ``SnmpAgent.handle``)."""

from __future__ import annotations

import pytest
from pyasn1.codec.ber import encoder  # type: ignore[import-untyped]
from pysnmp.proto import api

from tests.sim.snmp.support import V1, V2C, ask, encode_request, get, local_agent, set_value
from upskit.sim.snmp.models import load
from upskit.sim.snmp.serve import build_units

SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
LOW_BATT_TIME = "1.3.6.1.2.1.33.1.9.7.0"  # upsConfigLowBattTime, read-write
OUTPUT_VA = "1.3.6.1.2.1.33.1.9.5.0"  # upsConfigOutputVA, read-only
Int = api.v2c.Integer
S = api.v2c.OctetString


@pytest.mark.parametrize(("mib", "prefix"), [
    ("ietf", "1.3.6.1.2.1.33"), ("apcc", "1.3.6.1.4.1.318.1.3."), ("pw", "1.3.6.1.4.1.534.1")])
def test_identity_per_mib(mib: str, prefix: str) -> None:
    agent, _unit = local_agent(mib)
    for version in (V1, V2C):
        assert get(agent, SYS_OBJECT_ID, version=version).startswith(prefix)
        assert get(agent, SYS_DESCR, version=version)


def test_wrong_community_garbage_and_other_pdus_get_no_answer() -> None:
    agent, _unit = local_agent("ietf", {"community": "secret"})
    assert ask(agent, "get", SYS_DESCR, community="public") is None
    assert ask(agent, "get", SYS_DESCR, community="secret") is not None
    assert agent.handle(b"\x30\x03\x02\x01\x05")[0] is None  # truncated BER
    assert agent.handle(b"not snmp at all")[0] is None
    v3 = b"\x30\x0e\x02\x01\x03\x30\x09\x02\x01\x01\x02\x01\x00\x04\x01\x04"
    assert agent.handle(v3)[0] is None  # SNMPv3 is not simulated: no answer
    pmod = api.v2c
    trap = pmod.SNMPv2TrapPDU()
    pmod.apiTrapPDU.set_defaults(trap)
    message = pmod.Message()
    pmod.apiMessage.set_defaults(message)
    pmod.apiMessage.set_community(message, "secret")
    pmod.apiMessage.set_pdu(message, trap)
    assert agent.handle(encoder.encode(message))[0] is None


def test_get_missing_objects() -> None:
    agent, _unit = local_agent("ietf")
    v1 = ask(agent, "get", SYS_DESCR, "1.3.6.1.2.1.33.1.99.0", version=V1)
    assert v1 is not None and (v1.status, v1.index) == (2, 2)  # noSuchName, 2nd binding
    v2 = ask(agent, "get", SYS_DESCR, "1.3.6.1.2.1.33.1.2.1.1", "1.3.6.1.4.1.9.9.0")
    assert v2 is not None and v2.status == 0
    assert v2.value(1) == "NoSuchInstance"  # upsBatteryStatus exists, instance .1 not
    assert v2.value(2) == "NoSuchObject"


@pytest.mark.parametrize("mib", ["ietf", "apcc", "pw"])
def test_getnext_walks_the_whole_table_in_order(mib: str) -> None:
    agent, unit = local_agent(mib)
    seen, oid = [], "1.3.6"
    while True:
        reply = ask(agent, "next", oid)
        assert reply is not None and reply.status == 0
        if reply.value() == "EndOfMibView":
            break
        oid = reply.bindings[0][0]
        seen.append(tuple(int(p) for p in oid.split(".")))
    table = load(mib).table
    assert seen == sorted(seen) and len(seen) == len([o for o in table if o.exists(unit)])
    end = ask(agent, "next", oid, version=V1)
    assert end is not None and (end.status, end.index) == (2, 1)


def test_getbulk_non_repeaters_and_repetitions() -> None:
    agent, _unit = local_agent("ietf")
    reply = ask(agent, "bulk", "1.3.6.1.2.1.1", "1.3.6.1.2.1.33.1.4.4.1.2",
                "1.3.6.1.2.1.33.1.4.4.1.3", non_repeaters=1, repetitions=3)
    assert reply is not None and reply.status == 0
    names = [name for name, _ in reply.bindings]
    assert names[0] == "1.3.6.1.2.1.1.1.0"
    assert names[1:3] == ["1.3.6.1.2.1.33.1.4.4.1.2.1", "1.3.6.1.2.1.33.1.4.4.1.3.1"]
    assert len(names) == 1 + 2 * 3
    tail = ask(agent, "bulk", "1.3.6.1.2.1.33.1.9.10.0", repetitions=5)
    assert tail is not None and [v for _, v in tail.bindings] == ["EndOfMibView"]


def test_set_writes_and_reads_back() -> None:
    agent, unit = local_agent("ietf")
    reply = set_value(agent, LOW_BATT_TIME, Int(7))
    assert (reply.status, reply.value()) == (0, 7)
    assert get(agent, LOW_BATT_TIME) == 7
    assert list(unit.sets) == [(LOW_BATT_TIME, 7)]
    assert set_value(agent, "1.3.6.1.2.1.1.5.0", S("rack-4"), version=V1).status == 0
    assert get(agent, "1.3.6.1.2.1.1.5.0") == "rack-4"


@pytest.mark.parametrize(("oid", "value", "v2_status", "v1_status"), [
    (LOW_BATT_TIME, S("7"), 7, 3),  # wrongType / badValue
    (LOW_BATT_TIME, Int(61), 10, 3),  # wrongValue / badValue (0..60 minutes)
    (OUTPUT_VA, Int(1500), 17, 2),  # notWritable / noSuchName
    ("1.3.6.1.2.1.33.1.9.99.0", Int(1), 11, 2),  # noCreation / noSuchName
    ("1.3.6.1.2.1.33.1.8.5.0", Int(3), 10, 3),  # upsAutoRestart: on(1) or off(2) only
])
def test_set_errors(oid: str, value: object, v2_status: int, v1_status: int) -> None:
    agent, unit = local_agent("ietf")
    for version, status in ((V2C, v2_status), (V1, v1_status)):
        reply = set_value(agent, oid, value, version=version)
        assert (reply.status, reply.index) == (status, 1)
    assert not unit.sets
    assert len(unit.refused) == 2 and unit.refused[0][0] == oid


def test_set_is_all_or_nothing() -> None:
    agent, unit = local_agent("ietf")
    reply = ask(agent, "set", LOW_BATT_TIME, OUTPUT_VA, values=[Int(9), Int(1)])
    assert reply is not None and (reply.status, reply.index) == (17, 2)
    assert get(agent, LOW_BATT_TIME) == 2 and not unit.sets


def test_many_communities_on_one_agent_are_separate_upses() -> None:
    units = build_units("ietf", {"community": "ups", "count": "3"})
    from upskit.sim.snmp.agent import SnmpAgent

    agent = SnmpAgent(units)
    assert sorted(agent.units) == ["ups1", "ups2", "ups3"]
    units[1].device.mains(False)
    source = "1.3.6.1.2.1.33.1.4.1.0"
    assert [get(agent, source, community=c) for c in ("ups1", "ups2", "ups3")] == [3, 5, 3]
    set_value(agent, LOW_BATT_TIME, Int(5), community="ups3")
    assert [get(agent, LOW_BATT_TIME, community=c) for c in ("ups1", "ups3")] == [2, 5]
    assert ask(agent, "get", source, community="ups4") is None


def test_nothing_grows_with_requests() -> None:
    agent, unit = local_agent("ietf")
    for n in range(200):
        set_value(agent, LOW_BATT_TIME, Int(n % 60))
    assert len(unit.sets) == unit.sets.maxlen
    assert not [name for name, value in vars(agent).items()
                if isinstance(value, dict) and name not in ("units", "tables")]


def test_faults() -> None:
    agent, unit = local_agent("ietf", {"fault": "silent"})
    assert ask(agent, "get", SYS_DESCR) is None
    unit.device.fault("slow")
    unit.device.faults.delay = 3.0
    reply, delay = agent.handle(b"")  # undecodable: never delayed, never answered
    assert reply is None and delay == 0
    from tests.sim.snmp.support import encode_request

    reply, delay = agent.handle(encode_request("get", [(SYS_DESCR, None)]))
    assert reply is not None and delay == 3.0
    unit.device.fault("garbage")
    reply, _ = agent.handle(encode_request("get", [(SYS_DESCR, None)]))
    assert reply is not None
    with pytest.raises(Exception):  # noqa: B017 - pyasn1 raises its own error types
        from tests.sim.snmp.support import decode_reply

        decode_reply(reply)
    unit.device.fault(None)
    assert get(agent, SYS_DESCR)


def test_bad_options_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="count"):
        build_units("ietf", {"count": "many"})
    with pytest.raises(ValueError, match="known: apcc, ietf, pw"):
        build_units("nope", {})
    with pytest.raises(ValueError, match="charge"):
        build_units("ietf", {"charge": "full"})
    with pytest.raises(ValueError, match="option delay needs a number"):
        build_units("ietf", {"fault": "slow", "delay": "soon"})


def test_version_peek_refuses_what_is_not_v1_or_v2c() -> None:
    from upskit.sim.snmp.agent import _peek_version

    v1 = encode_request("get", [(SYS_DESCR, None)], version=V1)
    v2 = encode_request("get", [(SYS_DESCR, None)])
    assert (_peek_version(v1), _peek_version(v2)) == (0, 1)
    assert _peek_version(b"") is None and _peek_version(b"\x30\x03\x04\x01\x00") is None
    long_form = b"\x30\x82\x00\x10\x02\x01\x01" + b"\x00" * 13
    assert _peek_version(long_form) == 1
