"""Simulator pieces: physics, responders, faults and sim:// ports."""

from __future__ import annotations

import pytest

from upskit.sim.dialects.megatec import MegatecResponder
from upskit.sim.faults import Faults
from upskit.sim.physics import UpsPhysics
from upskit.sim.ports import make_transport, sim_device
from upskit.sim.responders import TableResponder
from upskit.transport import PortSilent


def test_battery_drains_to_low_then_output_off_and_mains_restores() -> None:
    now = [0.0]
    ups = UpsPhysics(clock=lambda: now[0], full_load_runtime=100.0)
    ups.load = 100.0
    ups.set_mains(False)
    ups.advance(85)
    assert ups.battery_low and ups.output_on
    ups.advance(20)
    assert ups.charge == 0.0 and not ups.output_on
    ups.set_mains(True)
    ups.update()
    assert ups.output_on


def test_megatec_responder_commands_drive_the_model() -> None:
    ups = UpsPhysics(clock=lambda: 0.0)
    r = MegatecResponder(ups)
    assert r.respond(b"Q1\r") == b"(230.0 195.0 230.0 014 50.0 27.3 30.0 00001001\r"
    assert r.respond(b"F\r") == b"#230.0 003 24.00 50.0\r"
    assert len(r.respond(b"I\r") or b"") == 39
    assert r.respond(b"S.5R0001\r") == b"" and ups.shutdown_at == 30
    ups.advance(31)
    assert not ups.output_on
    ups.advance(60)
    assert ups.output_on
    assert r.respond(b"NOPE\r") == b"NOPE\r"


def test_table_responder_echoes_or_rejects() -> None:
    t = TableResponder({"Q1": "(x\r"}, rejected="")
    assert t.respond(b"q1\r") == b"(x\r" and t.respond(b"ZZ\r") == b"ZZ\r"
    assert TableResponder({}, rejected="(NAK\r").respond(b"ZZ\r") == b"(NAK\r"


def test_faults_modes_and_count() -> None:
    f = Faults()
    reply = b"(230.0 195.0 230.0 014 50.0 27.3 30.0 00001001\r"
    f.set("truncate", count=1)
    assert f.apply(reply) == (reply[:23], 0.0)
    assert f.apply(reply) == (reply, 0.0)
    f.set("leading")
    assert f.apply(reply)[0][:1] == b"X"
    f.set("nul")
    assert b"\x00" in (f.apply(reply)[0] or b"")
    f.set("silence")
    assert f.apply(reply) == (None, 0.0)
    with pytest.raises(ValueError):
        f.set("bogus")


async def test_sim_port_registry_and_query_options() -> None:
    t = make_transport("sim://megatec?id=reg&mains=off&fault=silence&load=40", {})
    await t.open()
    with pytest.raises(PortSilent):
        await t.exchange(b"Q1\r")
    dev = sim_device("reg")
    dev.fault(None)
    assert (await t.exchange(b"Q1\r"))[38:39] == b"1"  # utility fail
    assert (await t.exchange(b"Q1\r"))[19:22] == b"040"
