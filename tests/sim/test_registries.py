"""Simulator names: one registry each, one clear error for a wrong name, no driver needed."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import upskit.sim.dialects
from upskit.plugins import UnknownPlugin
from upskit.sim.canned import CANNED, canned_table
from upskit.sim.physics import UpsPhysics
from upskit.sim.responders import SIMULATORS, TableResponder, make_responder
from upskit.transport import open_transport


def test_every_simulator_module_is_registered_with_a_canned_table() -> None:
    modules = {i.name for i in pkgutil.iter_modules(upskit.sim.dialects.__path__)
               if not i.name.startswith("_")}
    names = SIMULATORS.names()
    assert {n.replace("/", "_").replace("-", "_") for n in names} == modules
    assert set(CANNED) == set(names)


def test_table_mode_serves_the_canned_table_without_the_driver() -> None:
    code = ("import sys; from upskit.sim.responders import make_responder; "
            "from upskit.sim.physics import UpsPhysics; "
            "r = make_responder('voltronic', UpsPhysics(), {'mode': 'table'}); "
            "print(r.respond(b'QPI\\r').decode().strip()); "
            "print(any(m.startswith('upskit.drivers') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["(PI01", "False"]


def test_wrong_names_list_the_known_ones() -> None:
    with pytest.raises(UnknownPlugin, match=r"known: ablerex.*did you mean 'megatec'"):
        make_responder("megatc", UpsPhysics())
    with pytest.raises(UnknownPlugin, match=r"unknown canned table 'megatc'.*'megatec'"):
        canned_table("megatc")
    assert isinstance(make_responder("MEGATEC", UpsPhysics(), {"mode": "table"}),
                      TableResponder)


def test_usb_simulator_with_a_wrong_dialect_is_an_error_not_another_simulator() -> None:
    with pytest.raises(ValueError, match=r"'megatc'.*did you mean 'megatec'"):
        open_transport("sim://usb/cypress?dialect=megatc&id=usb-wrong-dialect", {})
    with pytest.raises(ValueError, match=r"unknown simulated USB device 'cypres'.*cypress"):
        open_transport("sim://usb/cypres?id=usb-wrong-device", {})


def test_plain_simulated_ports_do_not_load_the_usb_simulators() -> None:
    code = ("import sys, asyncio; from upskit.transport import open_transport; "
            "t = open_transport('sim://megatec', {}); "
            "print(any(m.startswith(('upskit.sim.usb', 'usb')) for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "False"
