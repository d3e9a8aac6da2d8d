"""Loaders for NUT's own configuration files, read unchanged.

One function per file, plus :func:`load_nut_dir` for a whole configuration
directory such as ``/etc/nut``.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from upskit.config.integrations_conf import (
    MQTT_CONF,
    NOTIFY_CONF,
    load_mqtt_conf,
    load_notify_conf,
)
from upskit.config.nut_conf import load_nut_conf
from upskit.config.settings import ConfigError, Settings
from upskit.config.ups_conf import load_ups_conf
from upskit.config.upsd_conf import load_upsd_conf
from upskit.config.upsd_users import load_upsd_users
from upskit.config.upsmon_conf import load_upsmon_conf
from upskit.config.upssched_conf import load_upssched_conf
from upskit.config.web_conf import WEB_CONF, load_web_conf

__all__ = [
    "NUT_FILES",
    "load_nut_conf",
    "load_nut_dir",
    "load_ups_conf",
    "load_upsd_conf",
    "load_upsd_users",
    "load_upsmon_conf",
    "load_upssched_conf",
]

#: The files :func:`load_nut_dir` reads; each one is optional.
NUT_FILES = ("nut.conf", "ups.conf", "upsd.conf", "upsd.users", "upsmon.conf", "upssched.conf")


def load_nut_dir(directory: str | Path, *, strict: bool = False) -> Settings:
    """Read every NUT file present in ``directory``.

    Missing files keep their defaults; ``upsmon`` and ``upssched`` stay ``None``
    when their files are absent.  A symbolic link to a missing file, or a loop of links,
    is a :class:`ConfigError`, not an absent file.  Relative ``port`` paths are kept as written.
    """
    base = Path(directory)
    if not base.is_dir():
        reason = "is not a directory" if base.exists() else "directory not found"
        raise ConfigError(str(directory), None, reason)
    settings = Settings(source=str(directory))
    if _present(base / "nut.conf"):
        settings.nut = load_nut_conf(base / "nut.conf")
    if _present(base / "ups.conf"):
        settings.ups = load_ups_conf(base / "ups.conf", strict=strict)
    if _present(base / "upsd.conf"):
        settings.upsd = load_upsd_conf(base / "upsd.conf", strict=strict)
    if _present(base / "upsd.users"):
        settings.users = load_upsd_users(base / "upsd.users", strict=strict)
    if _present(base / "upsmon.conf"):
        settings.upsmon = load_upsmon_conf(base / "upsmon.conf", strict=strict)
    if _present(base / "upssched.conf"):
        settings.upssched = load_upssched_conf(base / "upssched.conf", strict=strict)
    if _present(base / WEB_CONF):
        settings.web = load_web_conf(base / WEB_CONF, strict=strict)
    if _present(base / MQTT_CONF):
        settings.mqtt = load_mqtt_conf(base / MQTT_CONF, strict=strict)
    if _present(base / NOTIFY_CONF):
        settings.notify = load_notify_conf(base / NOTIFY_CONF, strict=strict)
    return settings


def _present(path: Path) -> bool:
    """Whether ``path`` is there to be read; a symbolic link that leads nowhere is an error
    (as in NUT), not a missing file."""
    if not path.is_symlink():
        return path.exists()
    try:
        path.stat()
    except FileNotFoundError:
        raise ConfigError(str(path), None, f"symbolic link to a missing file "
                          f"({os.readlink(path)})") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(str(path), None, "symbolic link loop") from None
        raise ConfigError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    return True
