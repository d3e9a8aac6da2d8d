"""``nut.conf``: shell-style ``NAME=value`` lines (``MODE=standalone``)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from upskit.config.parser import read_text
from upskit.config.settings import ConfigError, NutConf

#: The values ``MODE`` may take.
MODES = ("none", "standalone", "netserver", "netclient")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def load_nut_conf(path: str | Path) -> NutConf:
    """Parse ``nut.conf``; values may be quoted as in a shell script."""
    return parse_nut_conf(read_text(path), str(path))


def parse_nut_conf(text: str, file: str) -> NutConf:
    """Build :class:`NutConf` from the file's text."""
    conf = NutConf()
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            words = shlex.split(raw, comments=True)
        except ValueError:
            raise ConfigError(file, number, "unterminated quote") from None
        if words and words[0] == "export":
            # "export NAME" only marks variables set elsewhere in the file.
            words = [w for w in words[1:] if "=" in w]
        if not words:
            continue
        if len(words) != 1 or "=" not in words[0]:
            raise ConfigError(file, number, 'expected NAME=value (no blanks around "="; '
                              f"quote values with spaces), got {raw.strip()!r}")
        name, _, value = words[0].partition("=")
        if not _NAME_RE.fullmatch(name):
            raise ConfigError(file, number, f'bad variable name "{name}"')
        if name == "MODE":
            if value not in MODES:
                raise ConfigError(file, number, f'MODE must be one of {", ".join(MODES)}, '
                                  f'got "{value}"')
            conf.mode = value
        else:
            conf.values[name] = value
    return conf
