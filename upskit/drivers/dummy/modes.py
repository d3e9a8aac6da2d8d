"""Choosing the dummy driver's mode from ``port`` and ``mode``, and reading upstream names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from upskit.config.addresses import DEFAULT_PORT, join_host_port, split_system
from upskit.config.values import BadValue

ONCE = "dummy-once"
LOOP = "dummy-loop"
LEGACY = "dummy"
REPEATER = "repeater"
MODES = (ONCE, LOOP, LEGACY, REPEATER)


class BadUpstream(ValueError):
    """A repeater port is not of the form ``ups@host[:port]``."""


@dataclass(frozen=True, slots=True)
class Upstream:
    """The remote UPS a repeater relays: ``ups@host[:port]``."""

    ups: str
    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        return f"{self.ups}@{join_host_port(self.host, self.port)}"


def guess_mode(port: str) -> str:
    """The mode NUT picks for a port: ``@`` means repeater, then by file extension."""
    if "@" in port:
        return REPEATER
    suffix = Path(port).suffix.lower()
    if suffix == ".dev":
        return ONCE
    if suffix == ".seq":
        return LOOP
    return LEGACY


def choose_mode(port: str, requested: str | None) -> tuple[str, str | None]:
    """Return ``(mode, problem)``: the ``mode=`` option wins when it is a known mode.

    ``problem`` describes an unknown ``mode=`` value (then the guessed mode is used).
    """
    if requested:
        wanted = requested.strip().lower()
        if wanted in MODES:
            return wanted, None
        return guess_mode(port), (
            f"unknown mode {requested!r} (expected one of {', '.join(MODES)})"
        )
    return guess_mode(port), None


def parse_upstream(port: str) -> Upstream:
    """Parse ``ups@host[:port]`` (an IPv6 host goes in brackets)."""
    text = port.strip()
    if "@" not in text:
        raise BadUpstream(f"repeater port {port!r} is not of the form ups@host[:port]")
    try:
        return Upstream(*split_system(text))
    except BadValue as exc:
        raise BadUpstream(f"repeater upstream {exc}") from None


def resolve_data_path(port: str, confdir: str | None) -> Path:
    """A relative data file name is taken from the configuration directory (else the cwd).

    ``confdir`` may also name the configuration file itself; its directory is used.
    """
    path = Path(port).expanduser()
    if path.is_absolute():
        return path
    base = Path(confdir) if confdir else Path.cwd()
    if base.is_file():
        base = base.parent
    return base / path
