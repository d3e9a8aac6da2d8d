"""Dialect name -> simulator responder, plus the canned-table responder.

A dialect's physics-driven responder lives in ``upskit/sim/dialects/<module>.py``
(module named like the dialect module: ``megatec/old`` -> ``megatec_old``) and
defines ``make_responder(physics, options)``.  The names are the ``simulators`` plugin
registry (entry-point group ``upskit.simulators``), so a package can add the simulator
of its own dialect.  ``mode=table`` serves the dialect's canned NUT testing table
(:mod:`upskit.sim.canned`) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

from upskit.plugins import PluginRegistry, callable_check
from upskit.sim.base import CommandResponder
from upskit.sim.canned import canned_table
from upskit.sim.physics import UpsPhysics

ResponderFactory = Callable[[UpsPhysics, Mapping[str, str]], CommandResponder]

#: The dialects every simulator is written for (NUT's ``protocol=`` names).
_BUILTIN = (
    "ablerex", "bestups", "gtec", "hunnox", "innovart31", "innovart33", "innovatae",
    "masterguard", "mecer", "megatec", "megatec/old", "mustek", "omron", "q1", "q2", "q6",
    "voltronic", "voltronic-axpert", "voltronic-qs", "voltronic-qs-hex", "zinto",
)


def _module_for(dialect: str) -> str:
    return dialect.replace("/", "_").replace("-", "_")


#: Dialect name -> ``make_responder(physics, options)``.
SIMULATORS: PluginRegistry[ResponderFactory] = PluginRegistry(
    "simulated dialect", "simulators",
    {name: f"upskit.sim.dialects.{_module_for(name)}:make_responder" for name in _BUILTIN},
    check=lambda obj: cast(ResponderFactory, callable_check(obj)),
)


class TableResponder:
    """Replies from a fixed command -> reply table (NUT's TESTING mode).

    Commands match case-insensitively without their terminator; unknown ones get
    ``rejected`` when the dialect defines it, otherwise they are echoed.
    """

    def __init__(self, table: Mapping[str, str | bytes], rejected: str = "",
                 terminator: bytes = b"\r") -> None:
        self.table = {k.upper(): v.encode("latin-1") if isinstance(v, str) else v
                      for k, v in table.items()}
        self.rejected = rejected.encode("latin-1")
        self.terminator = terminator

    def respond(self, command: bytes) -> bytes | None:
        key = command.removesuffix(self.terminator).decode("latin-1").upper()
        reply = self.table.get(key)
        if reply is not None:
            return reply
        return self.rejected or command


def simulated_dialects() -> list[str]:
    """Every dialect name a simulator exists for (``megatec/old``, ``voltronic-qs``...)."""
    return SIMULATORS.names()


def make_responder(dialect: str, physics: UpsPhysics,
                   options: Mapping[str, str] | None = None) -> CommandResponder:
    """The responder of ``dialect``.

    A name nobody simulates raises :class:`~upskit.plugins.UnknownPlugin` (a
    ValueError listing the known names and suggesting the closest).
    """
    options = options or {}
    if options.get("mode") == "table":
        table = canned_table(dialect)
        return TableResponder(table.replies, table.rejected, table.terminator.encode("latin-1"))
    return SIMULATORS.load(dialect)(physics, options)
