"""Dialect name -> simulator responder, plus the canned-table responder.

A dialect's physics-driven responder lives in ``upskit/sim/dialects/<module>.py``
(module named like the dialect module: ``megatec/old`` -> ``megatec_old``) and
defines ``make_responder(physics, options)``.  ``mode=table`` serves the dialect's
canned NUT testing table instead.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable, Mapping

from upskit.sim.base import CommandResponder
from upskit.sim.physics import UpsPhysics

ResponderFactory = Callable[[UpsPhysics, Mapping[str, str]], CommandResponder]


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


def _module_for(dialect: str) -> str:
    return dialect.replace("/", "_").replace("-", "_")


class UnknownDialect(LookupError, ValueError):
    """No simulator answers to this dialect name; the message lists the known ones."""


def simulated_dialects() -> list[str]:
    """Every dialect name a simulator exists for (``megatec/old``, ``voltronic-qs``...)."""
    from upskit.sim import dialects

    names = []
    for info in pkgutil.iter_modules(dialects.__path__):
        if not info.name.startswith("_"):
            name = info.name.replace("_", "-")
            names.append("megatec/old" if name == "megatec-old" else name)
    return sorted(names)


def _unknown(dialect: str, known: list[str]) -> UnknownDialect:
    close = difflib.get_close_matches(dialect.lower(), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return UnknownDialect(f"no simulator for dialect {dialect!r} (known: {', '.join(known)})"
                          f"{hint}")


def make_responder(dialect: str, physics: UpsPhysics,
                   options: Mapping[str, str] | None = None) -> CommandResponder:
    """The responder of ``dialect``; raises :class:`UnknownDialect` when there is none."""
    options = options or {}
    if options.get("mode") == "table":
        from upskit.drivers.qx.dialect import get_dialect

        spec = get_dialect(dialect)
        if spec is None:
            raise _unknown(dialect, simulated_dialects())
        return TableResponder(spec.testing, spec.rejected, spec.terminator.encode("latin-1"))
    known = simulated_dialects()
    if dialect.lower() not in known:
        raise _unknown(dialect, known)
    module = importlib.import_module(f"upskit.sim.dialects.{_module_for(dialect.lower())}")
    factory: ResponderFactory = module.make_responder
    return factory(physics, options)
