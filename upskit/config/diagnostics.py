"""Warnings about configuration that NUT itself accepts with a complaint.

NUT logs unknown directives in ``upsd.conf``, ``upsd.users``, ``upsmon.conf`` and
``upssched.conf`` and carries on; upskit does the same through :mod:`logging`
(logger ``upskit.config``), naming file and line.  Loaders called with
``strict=True`` raise :class:`ConfigError` instead, for configuration checks.
"""

from __future__ import annotations

import logging

from upskit.config.settings import ConfigError

log = logging.getLogger("upskit.config")


def warn(file: str, line: int | None, message: str, strict: bool = False) -> None:
    """Log ``file:line: message`` as a warning, or raise it when ``strict``."""
    if strict:
        raise ConfigError(file, line, message)
    where = f"{file}:{line}" if line else file
    log.warning("%s: %s", where, message)
