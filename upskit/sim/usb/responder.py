"""The UPS behind a simulated USB chip: the project's Megatec simulator when it
is there, else a small fixed Megatec responder of this package's own."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.base import CommandResponder


class FixedMegatec:
    """A minimal Megatec/Q1 UPS with fixed readings (used when no simulator is found).

    Unknown commands are echoed, like real units reject them.
    """

    def __init__(self, info: str = "#UPSKIT SIM      USB-1000   V1.0      ",
                 status: str = "(230.0 230.0 230.0 015 50.0 13.6 25.0 00001001") -> None:
        self.info = info
        self.status = status

    def respond(self, command: bytes) -> bytes | None:
        text = command.rstrip(b"\r\x00").decode("ascii", "replace")
        if text == "Q1":
            return self.status.encode() + b"\r"
        if text == "I":
            return self.info.encode() + b"\r"
        if text == "F":
            return b"#230.0 004 12.00 50.0\r"
        if text in ("Q", "T", "TL", "C", "CT") or text.startswith(("S", "T")):
            return b""
        return command


def megatec_responder(options: Mapping[str, str] | None = None,
                      key: str | None = None) -> CommandResponder:
    """The shared UPS simulator of ``dialect`` (megatec unless the options name another),
    registered under ``key``; an unknown dialect or a bad option raises ValueError."""
    options = dict(options or {})
    dialect = options.pop("dialect", "megatec")
    from upskit.sim import ports as sim_ports

    device = sim_ports.build_device(dialect, options)
    if key is not None:
        sim_ports.register(key, device)
    return _SharedDevice(device)


class _SharedDevice:
    """Adapts the shared simulated UPS (reply, delay) to a plain responder."""

    def __init__(self, device: object) -> None:
        self.device = device

    def respond(self, command: bytes) -> bytes | None:
        reply, _delay = self.device.respond(command)  # type: ignore[attr-defined]
        return reply  # type: ignore[no-any-return]
