"""``upskit scan --snmp HOST[/CIDR][:PORT]``: ask SNMP agents which mapping table they
speak, with snmp-ups's own detection (``mibs=auto``), and read their model.

Only the hosts the user names are asked (a name, an address, or a network of at most
:data:`MAX_HOSTS` addresses): the scan never goes looking on the network by itself.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass

#: The most addresses one ``--snmp`` network may hold (a /24).
MAX_HOSTS = 256


@dataclass(frozen=True)
class Agent:
    """An agent that answered: where, its snmp-ups options (empty when no table fits or
    it refused the credentials), its model and any note."""

    where: str
    options: dict[str, str]
    model: str = ""
    note: str = ""


class BadSnmpTarget(ValueError):
    """A ``--snmp`` value that names no host or too many."""


def expand(spec: str) -> list[tuple[str, int]]:
    """``HOST``, ``HOST:PORT``, ``[V6]:PORT``, ``NET/BITS`` (``:PORT``) -> (host, port)s."""
    text, port = spec.strip(), 161
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], spec)
        text = host
    elif text.count(":") == 1:
        text, _, tail = text.partition(":")
        port = _port(tail, spec)
    if not text:
        raise BadSnmpTarget(f"--snmp {spec!r}: no host")
    if "/" not in text:
        return [(text, port)]
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise BadSnmpTarget(f"--snmp {spec!r}: {exc}") from None
    if net.num_addresses > MAX_HOSTS:
        raise BadSnmpTarget(f"--snmp {spec!r}: {net.num_addresses} addresses; at most "
                            f"{MAX_HOSTS} (a /24) are asked")
    hosts = list(net.hosts()) if net.num_addresses > 2 else list(net)
    return [(str(h), port) for h in hosts]


def _port(text: str, spec: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise BadSnmpTarget(f"--snmp {spec!r}: bad UDP port {text!r}")
    return int(text)


async def probe(host: str, port: int, community: str, version: str,
                timeout: float) -> tuple[str, str, str] | None:
    """``(mib, model, note)`` of the agent at ``host:port``, or ``None`` when nothing
    answers."""
    from upskit.drivers.base import CommunicationError
    from upskit.drivers.snmp.detect import choose_mib
    from upskit.transport.base import TransportError
    from upskit.transport.snmp.client import SnmpAuthError, SnmpPort, SnmpTimeout
    from upskit.transport.snmp.target import SnmpTarget, Version

    target = SnmpTarget(host, port, Version(version), community, timeout=timeout, retries=1)
    snmp = SnmpPort(f"{host}:{port}", target)
    try:
        await snmp.open()
        mib = await choose_mib(snmp)
        model = ""
        model_vars = [v for v in mib.variables
                      if v.name in ("ups.model", "device.model") and v.oid]
        if model_vars:
            values = await snmp.get([v.oid.strip(".") for v in model_vars])
            model = next((str(x).strip() for x in values.values()
                          if isinstance(x, str) and x.strip()), "")
        return mib.name, model, ""
    except SnmpTimeout:
        return None
    except SnmpAuthError as exc:
        return "", "", str(exc)
    except (CommunicationError, TransportError) as exc:
        return "", "", str(exc)
    finally:
        await snmp.close()


async def scan_hosts(specs: list[str], community: str, version: str,
                     timeout: float) -> list[Agent]:
    """One :class:`Agent` per agent that answered."""
    targets = [t for spec in specs for t in expand(spec)]
    limit = asyncio.Semaphore(64)

    async def one(host: str, port: int) -> tuple[str, int, tuple[str, str, str] | None]:
        async with limit:
            return host, port, await probe(host, port, community, version, timeout)

    found = []
    for host, port, result in await asyncio.gather(*(one(h, p) for h, p in targets)):
        if result is None:
            continue
        mib, model, note = result
        where = host if port == 161 else (f"[{host}]:{port}" if ":" in host
                                          else f"{host}:{port}")
        options = {"mibs": mib, "community": community, "snmp_version": version} if mib else {}
        found.append(Agent(where, options, model, note))
    return found
