"""USB capture files: what a bridge chip sent back, replayed packet for packet.

Format (text, UTF-8):

* one IN packet per line, as hex bytes (``c1 28 31 00 00 00 00 00``; spaces,
  colons and a ``0x`` prefix are allowed);
* a line starting with ``>`` names the command the following packets answer
  (``> Q1``); it starts a new reply group, as does a blank line;
* ``#`` starts a comment (whole line or after the data).

Each command the host sends is answered by the next group, so a user's debug
log (the packets their UPS really sent) becomes a test.  For string-descriptor
chips the first packet of a group is the raw string descriptor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Capture:
    """Reply groups (lists of raw packets) and the commands they answered."""

    groups: list[list[bytes]] = field(default_factory=list)
    commands: list[str | None] = field(default_factory=list)


def parse_capture(text: str) -> Capture:
    """Parse capture text; raises ValueError naming the bad line."""
    capture = Capture()
    current: list[bytes] | None = None
    pending_command: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if raw.lstrip().startswith(">"):
            if current:
                capture.groups.append(current)
                capture.commands.append(pending_command)
            current, pending_command = [], raw.lstrip()[1:].strip()
            continue
        if not line:
            if current:
                capture.groups.append(current)
                capture.commands.append(pending_command)
                current, pending_command = None, None
            continue
        cleaned = re.sub(r"0x", "", line, flags=re.IGNORECASE).replace(":", " ")
        try:
            packet = bytes.fromhex(cleaned)
        except ValueError as exc:
            raise ValueError(f"capture line {number}: not hex bytes: {raw!r}") from exc
        if current is None:
            current = []
        current.append(packet)
    if current:
        capture.groups.append(current)
        capture.commands.append(pending_command)
    return capture


def load_capture(path: str | Path) -> Capture:
    return parse_capture(Path(path).read_text(encoding="utf-8"))


def format_capture(groups: list[list[bytes]], commands: list[str] | None = None) -> str:
    """Write groups back in the capture format (for turning logs into tests)."""
    lines = []
    for i, group in enumerate(groups):
        lines.append(f"> {commands[i]}" if commands and i < len(commands) else "")
        lines.extend(" ".join(f"{b:02x}" for b in packet) for packet in group)
    return "\n".join(lines).lstrip("\n") + "\n"
