"""The power-down flag file and the shutdown command."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from upskit.monitor.runner import ProgramRunner

log = logging.getLogger(__name__)

#: What the flag file holds, as upsmon writes it; ``killpower`` insists on it.
POWERDOWN_MAGIC = "upsmon-shutdown-file"


def write_powerdown_flag(path: str | os.PathLike[str]) -> bool:
    """Create the flag file (atomically); False when that failed."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(POWERDOWN_MAGIC + "\n", encoding="ascii")
        os.replace(tmp, target)
    except OSError as exc:
        log.error("cannot write the power-down flag %s: %s", target, exc)
        tmp.unlink(missing_ok=True)
        return False
    log.info("power-down flag %s written", target)
    return True


def powerdown_flag_set(path: str | os.PathLike[str] | None) -> bool:
    """True when ``path`` exists and holds the flag's magic text (``upsmon -K``)."""
    if not path:
        return False
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            first = fh.readline()
    except OSError:
        return False
    return first.strip() == POWERDOWN_MAGIC


def clear_powerdown_flag(path: str | os.PathLike[str] | None) -> None:
    """Remove a stale flag (at monitor start, as the system is up again)."""
    if path and powerdown_flag_set(path):
        try:
            os.unlink(path)
            log.info("removed stale power-down flag %s", path)
        except OSError as exc:
            log.warning("cannot remove the power-down flag %s: %s", path, exc)


async def run_shutdown_command(command: str, runner: ProgramRunner) -> int | None:
    """Run SHUTDOWNCMD with ``/bin/sh -c``; its exit code, or None if it did not start.

    The command comes from the local configuration only: nothing reported by a UPS or
    a server is ever put into it.
    """
    log.critical("running shutdown command: %s", command)
    return await runner.run(["/bin/sh", "-c", command])
