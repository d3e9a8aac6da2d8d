"""Helpers for the simulated SNMP agent tests: an in-process SNMP client that feeds
:meth:`SnmpAgent.handle` directly, and an agent served from a thread for tools that
run as subprocesses (net-snmp, Debian's snmp-ups)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyasn1.codec.ber import decoder, encoder  # type: ignore[import-untyped]
from pysnmp.proto import api, rfc1905

from upskit.sim.snmp.agent import SnmpAgent
from upskit.sim.snmp.serve import ServedAgent, start_agent
from upskit.sim.snmp.ups import SnmpUps

V1, V2C = 0, 1


@dataclass
class Reply:
    """A decoded response: error status and index, then (dotted OID, value) pairs;
    values are ints, strs, dotted OID strs, or the class name of a v2c exception
    (``NoSuchObject``, ``NoSuchInstance``, ``EndOfMibView``)."""

    status: int
    index: int
    bindings: list[tuple[str, Any]]

    def value(self, position: int = 0) -> Any:
        return self.bindings[position][1]


_EXCEPTIONS = {rfc1905.noSuchObject.tagSet: "NoSuchObject",
               rfc1905.noSuchInstance.tagSet: "NoSuchInstance",
               rfc1905.endOfMibView.tagSet: "EndOfMibView"}


def _python(value: Any) -> Any:
    if value.tagSet in _EXCEPTIONS:
        return _EXCEPTIONS[value.tagSet]
    name = type(value).__name__
    if name == "Null":
        return None
    if name == "ObjectIdentifier":
        return ".".join(map(str, value))
    if name == "OctetString":
        return bytes(value).decode()
    return int(value)


def encode_request(kind: str, bindings: Sequence[tuple[str, Any]], *, community: str = "public",
                   version: int = V2C, non_repeaters: int = 0, repetitions: int = 10) -> bytes:
    pmod = api.PROTOCOL_MODULES[version]
    classes = {"get": pmod.GetRequestPDU, "next": pmod.GetNextRequestPDU,
               "set": pmod.SetRequestPDU}
    if version == V2C:
        classes["bulk"] = pmod.GetBulkRequestPDU
    pdu = classes[kind]()
    if kind == "bulk":
        pmod.apiBulkPDU.set_defaults(pdu)
        pmod.apiBulkPDU.set_non_repeaters(pdu, non_repeaters)
        pmod.apiBulkPDU.set_max_repetitions(pdu, repetitions)
    else:
        pmod.apiPDU.set_defaults(pdu)
    pmod.apiPDU.set_varbinds(pdu, [(name, pmod.Null("") if value is None else value)
                                   for name, value in bindings])
    message = pmod.Message()
    pmod.apiMessage.set_defaults(message)
    pmod.apiMessage.set_community(message, community)
    pmod.apiMessage.set_pdu(message, pdu)
    data: bytes = encoder.encode(message)
    return data


def decode_reply(data: bytes, version: int = V2C) -> Reply:
    pmod = api.PROTOCOL_MODULES[version]
    message, _ = decoder.decode(data, asn1Spec=pmod.Message())
    pdu = pmod.apiMessage.get_pdu(message)
    return Reply(int(pmod.apiPDU.get_error_status(pdu)), int(pmod.apiPDU.get_error_index(pdu)),
                 [(".".join(map(str, name)), _python(value))
                  for name, value in pmod.apiPDU.get_varbinds(pdu)])


def ask(agent: SnmpAgent, kind: str, *oids: str, community: str = "public",
        version: int = V2C, values: Sequence[Any] = (), **bulk: int) -> Reply | None:
    """One request through ``agent.handle``; None when the agent stays silent."""
    bindings = [(name, values[i] if i < len(values) else None) for i, name in enumerate(oids)]
    reply, _delay = agent.handle(encode_request(kind, bindings, community=community,
                                                version=version, **bulk))
    return None if reply is None else decode_reply(reply, version)


def get(agent: SnmpAgent, oid: str, **kw: Any) -> Any:
    reply = ask(agent, "get", oid, **kw)
    assert reply is not None and reply.status == 0, reply
    return reply.value()


def set_value(agent: SnmpAgent, oid: str, value: Any, **kw: Any) -> Reply:
    reply = ask(agent, "set", oid, values=[value], **kw)
    assert reply is not None
    return reply


def local_agent(mib: str, query: Mapping[str, str] | None = None) -> tuple[SnmpAgent, SnmpUps]:
    """An agent that is not listening (requests go through ``handle``) and its UPS."""
    from upskit.sim.snmp.serve import build_units

    units = build_units(mib, query or {})
    agent = SnmpAgent()
    for unit in units:
        agent.add(unit)
    return agent, units[0]


class AgentThread:
    """A simulated agent listening on 127.0.0.1, its event loop in a thread."""

    def __init__(self, mib: str, query: Mapping[str, str] | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(start_agent(mib, query), self.loop)
        self.served: ServedAgent = future.result(timeout=10)

    @property
    def address(self) -> str:
        return f"{self.served.host}:{self.served.port}"

    @property
    def unit(self) -> SnmpUps:
        return self.served.units[0]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.served.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    def __enter__(self) -> AgentThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
