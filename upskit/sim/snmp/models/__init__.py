"""The MIBs a simulated SNMP UPS can serve: ``ietf`` (RFC 1628 UPS-MIB), ``apcc``
(APC PowerNet), ``pw`` (Eaton XUPS / Powerware).  Each module defines ``MODEL``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from upskit.sim.snmp.mib import MibTable
from upskit.sim.snmp.ups import SnmpUps

#: Simulated MIB name -> module.
_MODULES = {"ietf": "ietf", "apcc": "apcc", "pw": "pw"}


@dataclass(frozen=True)
class Model:
    """A simulated card: its MIB table, identity and default settings."""

    name: str
    table: MibTable[SnmpUps]
    sys_object_id: str
    sys_descr: str
    defaults: dict[str, Any] = field(default_factory=dict)
    #: Physics set-up of this kind of unit (nominal voltage, model name ...).
    physics: dict[str, Any] = field(default_factory=dict)
    describe: Callable[[], str] | None = None


def names() -> list[str]:
    """Every simulated MIB name."""
    return sorted(_MODULES)


def load(name: str) -> Model:
    """The model called ``name``; ValueError naming the known ones otherwise."""
    module = _MODULES.get(name.lower())
    if module is None:
        raise ValueError(f"no simulated SNMP MIB {name!r} (known: {', '.join(names())})")
    model = importlib.import_module(f"upskit.sim.snmp.models.{module}").MODEL
    assert isinstance(model, Model)
    return model
