"""SnmpPort against real agents: snmpsim (records written here) for v1/v2c, GET of
many OIDs, walks, GETBULK, SET; Debian's snmpd for v3 with authentication and privacy,
right and wrong credentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.transport.snmp.agents import Record, Snmpsim, snmpd, snmpsim
from upskit.transport.base import PortGone, PortSilent
from upskit.transport.snmp import SecLevel, SnmpTarget, Version
from upskit.transport.snmp.client import (
    SnmpAuthError,
    SnmpEngineService,
    SnmpError,
    SnmpPort,
    SnmpRefused,
    SnmpTimeout,
)

#: one event loop (so one pysnmp engine, made once) for the whole module
pytestmark = pytest.mark.asyncio(loop_scope="module")
ENGINE = SnmpEngineService()
UPS = "1.3.6.1.2.1.33.1"
AGENT: list[Record] = [
    ("1.3.6.1.2.1.1.1.0", "4", "Test agent"),
    ("1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.99999.1"),
    ("1.3.6.1.2.1.1.3.0", "67", 12345),
    ("1.3.6.1.2.1.1.4.0", "4:writecache", "nobody"),
    (f"{UPS}.1.1.0", "4", "ACME"),
    (f"{UPS}.1.2.0", "4", "Model 9"),
    (f"{UPS}.1.6.0", "4x", "00ff10"),
    (f"{UPS}.2.3.0", "2", 42),
    (f"{UPS}.2.5.0", "2", 2716),
    (f"{UPS}.3.3.1.3.1", "2", 230),
    (f"{UPS}.3.3.1.3.2", "2", 231),
    (f"{UPS}.3.3.1.3.3", "2", 229),
    (f"{UPS}.4.4.1.5.1", "66", 17),
    (f"{UPS}.8.2.0", "2:writecache", -1),
    (f"{UPS}.7.1.0", "6:writecache", "1.3.6.1.2.1.33.1.7.7.1"),
]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("snmpsim"), {"acme": AGENT}) as sim:
        yield sim


def port_for(sim: Snmpsim, version: Version = Version.V2C, community: str = "acme",
             **kwargs: object) -> SnmpPort:
    settings: dict[str, object] = {"timeout": 2.0, "retries": 1, **kwargs}
    target = SnmpTarget("127.0.0.1", sim.port, version, community, **settings)  # type: ignore[arg-type]
    return SnmpPort(f"127.0.0.1:{sim.port}", target, ENGINE)


@pytest.mark.parametrize("version", [Version.V1, Version.V2C])
async def test_get_many_reads_values_and_marks_missing_oids(agent: Snmpsim,
                                                            version: Version) -> None:
    port = port_for(agent, version)
    await port.open()
    got = await port.get([f"{UPS}.1.1.0", "1.3.6.1.2.1.1.2.0", f"{UPS}.9.9.0",
                          f"{UPS}.2.3.0", "1.3.6.1.2.1.1.3.0", f"{UPS}.4.4.1.5.1",
                          f"{UPS}.1.6.0"])
    assert got == {f"{UPS}.1.1.0": "ACME", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99999.1",
                   f"{UPS}.9.9.0": None, f"{UPS}.2.3.0": 42, "1.3.6.1.2.1.1.3.0": 12345,
                   f"{UPS}.4.4.1.5.1": 17, f"{UPS}.1.6.0": b"\x00\xff\x10"}


async def test_many_oids_go_in_few_requests(agent: Snmpsim) -> None:
    port = port_for(agent, max_oids=4)
    await port.open()
    before = ENGINE.requests
    oids = [oid for oid, tag, _ in AGENT if ":" not in tag]
    got = await port.get(oids)
    assert all(got[o] is not None for o in oids)
    # 12 OIDs, 4 per PDU: 3 requests, not 12
    assert len(oids) == 12
    assert ENGINE.requests - before == 3


@pytest.mark.parametrize("version", [Version.V1, Version.V2C])
async def test_walk_returns_a_subtree_in_order(agent: Snmpsim, version: Version) -> None:
    port = port_for(agent, version)
    await port.open()
    rows = await port.walk(f"{UPS}.3.3.1.3")
    assert rows == [(f"{UPS}.3.3.1.3.1", 230), (f"{UPS}.3.3.1.3.2", 231),
                    (f"{UPS}.3.3.1.3.3", 229)]
    assert await port.walk(f"{UPS}.5") == []


async def test_getbulk_and_getnext(agent: Snmpsim) -> None:
    port = port_for(agent)
    await port.open()
    bulk = await port.get_bulk([f"{UPS}.3.3.1.3"], repetitions=2)
    assert bulk == [(f"{UPS}.3.3.1.3.1", 230), (f"{UPS}.3.3.1.3.2", 231)]
    assert await port.get_next([f"{UPS}.2.3.0"]) == [(f"{UPS}.2.5.0", 2716)]
    with pytest.raises(SnmpError, match="v2c"):
        await port_for(agent, Version.V1).get_bulk(["1.3"])


async def test_set_puts_the_typed_value_on_the_agent(agent: Snmpsim) -> None:
    port = port_for(agent)
    await port.open()
    await port.set(f"{UPS}.8.2.0", 30, "i")
    await port.set(f"{UPS}.7.1.0", "1.3.6.1.2.1.33.1.7.7.4", "o")
    await port.set("1.3.6.1.2.1.1.4.0", "ops team", "s")
    got = await port.get([f"{UPS}.8.2.0", f"{UPS}.7.1.0", "1.3.6.1.2.1.1.4.0"])
    assert got == {f"{UPS}.8.2.0": 30, f"{UPS}.7.1.0": "1.3.6.1.2.1.33.1.7.7.4",
                   "1.3.6.1.2.1.1.4.0": "ops team"}
    with pytest.raises(SnmpError, match="type"):
        await port.set(f"{UPS}.8.2.0", "abc", "i")


async def test_a_wrong_community_is_a_timeout_that_says_so(agent: Snmpsim) -> None:
    port = port_for(agent, community="wrong", timeout=0.3, retries=0)
    await port.open()
    with pytest.raises(SnmpTimeout, match="wrong community") as info:
        await port.get(["1.3.6.1.2.1.1.2.0"])
    assert isinstance(info.value, PortSilent)


async def test_a_name_that_does_not_resolve_is_port_gone() -> None:
    port = SnmpPort("x", SnmpTarget("no-such-host.invalid"), ENGINE)
    with pytest.raises(PortGone, match="resolve"):
        await port.open()


async def test_requests_on_a_closed_port_fail_cleanly(agent: Snmpsim) -> None:
    port = port_for(agent)
    with pytest.raises(PortGone):
        await port.get(["1.3.6.1.2.1.1.2.0"])


# --------------------------------------------------------------- v3 on snmpd
SNMPD_CONF = """\
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
createUser shaaes SHA "authpass123" AES "privpass123"
createUser md5des MD5 "authpass123" DES "privpass123"
createUser sha512 SHA-512 "authpass123" AES "privpass123"
createUser authonly SHA-256 "authpass123"
rouser shaaes priv
rouser md5des priv
rouser sha512 priv
rouser authonly auth
"""


@pytest.fixture(scope="module")
def snmpd_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with snmpd(tmp_path_factory.mktemp("snmpd"), SNMPD_CONF) as port:
        yield port


def v3(port: int, user: str, level: SecLevel, auth: str = "authpass123",
       priv: str = "privpass123", auth_protocol: str = "SHA",
       priv_protocol: str = "AES") -> SnmpPort:
    target = SnmpTarget("127.0.0.1", port, Version.V3, sec_name=user, sec_level=level,
                        auth_password=auth, priv_password=priv, auth_protocol=auth_protocol,
                        priv_protocol=priv_protocol, timeout=1.0, retries=0)
    return SnmpPort("x", target, ENGINE)


@pytest.mark.parametrize(("user", "level", "auth", "priv"), [
    ("shaaes", SecLevel.AUTH_PRIV, "SHA", "AES"),
    ("md5des", SecLevel.AUTH_PRIV, "MD5", "DES"),
    ("sha512", SecLevel.AUTH_PRIV, "SHA512", "AES"),
    ("authonly", SecLevel.AUTH_NO_PRIV, "SHA256", "DES"),
])
async def test_v3_reads_with_right_credentials(snmpd_port: int, user: str, level: SecLevel,
                                               auth: str, priv: str) -> None:
    port = v3(snmpd_port, user, level, auth_protocol=auth, priv_protocol=priv)
    await port.open()
    got = await port.get(["1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0"])
    assert str(got["1.3.6.1.2.1.1.2.0"]).startswith("1.3.6.1.4.1.8072.")
    assert got["1.3.6.1.2.1.1.5.0"]


@pytest.mark.parametrize(("user", "auth", "priv", "problem"), [
    ("shaaes", "wrongpass123", "privpass123", "authPassword"),
    ("nosuchuser", "authpass123", "privpass123", "secName"),
])
async def test_v3_wrong_credentials_give_a_clear_error(snmpd_port: int, user: str, auth: str,
                                                       priv: str, problem: str) -> None:
    port = v3(snmpd_port, user, SecLevel.AUTH_PRIV, auth=auth, priv=priv)
    await port.open()
    with pytest.raises(SnmpAuthError, match=problem):
        await port.get(["1.3.6.1.2.1.1.2.0"])


async def test_v3_wrong_privacy_key_never_reads(snmpd_port: int) -> None:
    port = v3(snmpd_port, "shaaes", SecLevel.AUTH_PRIV, priv="wrongpriv123")
    await port.open()
    # the agent cannot decrypt the request: it drops it or reports a decryption error
    with pytest.raises((SnmpAuthError, SnmpTimeout)):
        await port.get(["1.3.6.1.2.1.1.2.0"])


async def test_set_refused_by_a_read_only_community(snmpd_port: int) -> None:
    target = SnmpTarget("127.0.0.1", snmpd_port, Version.V2C, "public", timeout=1.0, retries=0)
    port = SnmpPort("x", target, ENGINE)
    await port.open()
    with pytest.raises(SnmpRefused) as info:
        await port.set("1.3.6.1.2.1.1.6.0", "rack 4", "s")
    assert info.value.status in ("noAccess", "notWritable", "authorizationError")
    rw = SnmpPort("x", SnmpTarget("127.0.0.1", snmpd_port, Version.V2C, "private",
                                  timeout=1.0, retries=0), ENGINE)
    await rw.open()
    await rw.set("1.3.6.1.2.1.1.6.0", "rack 4", "s")
    assert (await port.get(["1.3.6.1.2.1.1.6.0"]))["1.3.6.1.2.1.1.6.0"] == "rack 4"
