"""File descriptors: how many the process may open, and how many connections that allows."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: Descriptors kept free for everything that is not a client connection and may be
#: opened later (serial and USB ports reopened by drivers, notification commands,
#: the monitor's own connections, log files): at most this many ...
_RESERVE_MAX = 64
#: ... and at least this share of the limit when the limit is small.
_RESERVE_SHARE = 8


@dataclass(frozen=True)
class DescriptorBudget:
    """The soft ``RLIMIT_NOFILE`` after start-up and what was already open then."""

    limit: int
    in_use: int

    @property
    def connections(self) -> int:
        """How many client connections fit: the limit minus what is open and a reserve."""
        reserve = min(_RESERVE_MAX, max(4, self.limit // _RESERVE_SHARE))
        return max(1, self.limit - self.in_use - reserve)


def raise_open_files_limit() -> int | None:
    """Raise the soft ``RLIMIT_NOFILE`` to the hard limit; return the soft limit in force.

    None when the platform has no such limit.
    """
    try:
        import resource
    except ImportError:  # not a POSIX system
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    # Linux refuses RLIM_INFINITY above fs.nr_open: ask for that finite value instead
    target = _nr_open() if hard == resource.RLIM_INFINITY else hard
    if soft >= target:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as exc:
        log.warning("could not raise the open files limit from %d to %d: %s", soft, target, exc)
        return soft
    log.debug("open files limit raised from %d to %d", soft, target)
    return target


def _nr_open() -> int:
    try:
        with open("/proc/sys/fs/nr_open") as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        return 65536


def descriptors_in_use() -> int:
    """How many descriptors the process holds now (an estimate where /proc is missing)."""
    for directory in ("/proc/self/fd", "/dev/fd"):
        try:
            return max(0, len(os.listdir(directory)) - 1)  # the listing's own descriptor
        except OSError:
            continue
    return 16


def descriptor_budget() -> DescriptorBudget | None:
    """Raise the limit as far as allowed and take stock; None when there is no limit."""
    limit = raise_open_files_limit()
    if limit is None:
        return None
    return DescriptorBudget(limit, descriptors_in_use())
