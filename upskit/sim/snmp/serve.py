"""Build simulated SNMP UPSes from URL-style options and serve them.

Options (``sim://snmp/<mib>?...`` query, or :func:`start_agent` keywords):
``community`` (default ``public``), ``count`` (that many UPSes on one port, with the
communities ``<community>1`` ... ``<community>N``), ``port`` (0: any free port),
``id`` (registry key of the first UPS, as for every ``sim://`` device), and the usual
simulator ones: ``mains=off``, ``load``, ``charge``, ``speed``, ``fault=silent|slow|
garbage`` with ``delay``.  Every UPS is also a :class:`~upskit.sim.device.SimDevice`
reachable with :func:`upskit.sim.ports.sim_device`, so a test pulls the mains with
``sim_device("ups1").mains(False)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from upskit.config.values import parse_bool
from upskit.sim import ports
from upskit.sim.device import SimDevice
from upskit.sim.physics import UpsPhysics
from upskit.sim.snmp.agent import SnmpAgent
from upskit.sim.snmp.models import load
from upskit.sim.snmp.ups import NoCommands, SnmpUps

#: The most simulated UPSes one agent serves.
MAX_COUNT = 10000
#: ``fault=silent`` is the ``silence`` of the other simulators.
_FAULT_ALIASES = {"silent": "silence"}


@dataclass
class ServedAgent:
    """A running simulated agent: where it listens and the UPSes it serves."""

    agent: SnmpAgent
    host: str
    port: int
    units: list[SnmpUps] = field(default_factory=list)

    @property
    def community(self) -> str:
        """The community of the first (or only) UPS."""
        return self.units[0].community

    def close(self) -> None:
        self.agent.close()


def build_unit(mib: str, community: str, query: Mapping[str, str]) -> SnmpUps:
    """One simulated UPS serving ``mib`` (physics set up from ``query``)."""
    model = load(mib)
    options = dict(query)
    fault = options.get("fault")
    if fault:
        options["fault"] = _FAULT_ALIASES.get(fault, fault)
    physics = UpsPhysics(speed=_number(options, "speed", 1.0, positive=True), **model.physics)
    if parse_bool(options.get("mains", "on")) is False:
        physics.mains = False
    physics.load = _number(options, "load", physics.load)
    physics.charge = min(1.0, _number(options, "charge", physics.charge))
    device = SimDevice(f"snmp/{model.name}", physics, options, responder=NoCommands())
    if options.get("fault"):
        delay = _number(options, "delay", 0.0) if "delay" in options else None
        device.faults.set(options["fault"], delay=delay)
    return SnmpUps(model.name, device, community, model.defaults)


def _number(options: Mapping[str, str], key: str, default: float, *,
            positive: bool = False) -> float:
    return ports.option_number(options, key, default, positive=positive, scheme="sim://snmp")


def _count(query: Mapping[str, str]) -> int:
    text = query.get("count", "1")
    try:
        count = int(text)
    except ValueError:
        raise ValueError(f'sim://snmp option count needs a whole number, got "{text}"') from None
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"sim://snmp option count must be 1..{MAX_COUNT}, got {count}")
    return count


def build_units(mib: str, query: Mapping[str, str]) -> list[SnmpUps]:
    """The UPSes one agent serves: one per community (``count`` of them)."""
    community = query.get("community", "public")
    count = _count(query)
    if count == 1:
        return [build_unit(mib, community, query)]
    return [build_unit(mib, f"{community}{index}", query) for index in range(1, count + 1)]


async def start_agent(mib: str, query: Mapping[str, str] | None = None, *,
                      host: str = "127.0.0.1", port: int | None = None,
                      register_as: str | None = None) -> ServedAgent:
    """Serve simulated ``mib`` UPSes in the running event loop.

    Returns the :class:`ServedAgent` (``host``, ``port``, ``community``).  With
    ``register_as`` the first UPS is registered under that key (the others under
    ``key/<community>``) for :func:`upskit.sim.ports.sim_device`.
    """
    query = dict(query or {})
    units = build_units(mib, query)
    agent = SnmpAgent()
    for unit in units:
        agent.add(unit)
    if port is None:
        port = int(query.get("port", "0"))
    bound_host, bound_port = await agent.start(host, port)
    if register_as is not None:
        ports.register(register_as, units[0].device)
        for unit in units[1:]:
            ports.register(f"{register_as}/{unit.community}", unit.device)
    return ServedAgent(agent, bound_host, bound_port, units)


#: Agents started for ``sim://snmp`` URLs, by registry key, with their event loop.
_SERVED: dict[str, tuple[asyncio.AbstractEventLoop, ServedAgent]] = {}


async def serve_url(url: str) -> tuple[str, int, str]:
    """The agent a ``sim://snmp/<mib>[?options]`` URL names, started in the running
    loop on first use (later calls with the same ``id`` or URL in the same loop reuse
    it: a driver that reconnects finds its card as it left it).

    Returns ``(host, port, community)`` for an SNMP transport.
    """
    name, query = ports.parse_sim_url(url)
    kind, _, mib = name.partition("/")
    if kind != "snmp" or not mib:
        raise ValueError(f"{url}: name the simulated MIB (sim://snmp/ietf, apcc, pw)")
    key = query.get("id", url)
    loop = asyncio.get_running_loop()
    known = _SERVED.get(key)
    if known is None or known[0] is not loop or not known[1].agent.serving:
        if known is not None:
            _close(known)
        served = await start_agent(mib, query, register_as=key)
        _SERVED[key] = (loop, served)
        return served.host, served.port, served.community
    served = known[1]
    return served.host, served.port, served.community


def _close(entry: tuple[asyncio.AbstractEventLoop, ServedAgent]) -> None:
    loop, served = entry
    if loop.is_closed():
        served.agent.forget_transport()
    else:
        served.close()


def served_agent(key: str) -> ServedAgent:
    """The agent :func:`serve_url` started for ``key`` (the URL's ``id`` or the URL)."""
    return _SERVED[key][1]


def stop_all() -> None:
    """Close every agent :func:`serve_url` started (tests, a runtime that stops)."""
    for entry in _SERVED.values():
        _close(entry)
    _SERVED.clear()
