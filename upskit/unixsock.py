"""Listening Unix stream sockets that replace a stale file but never a live peer's, and
are removed on close only while still ours (the monitor's control socket, a driver's
NUT socket)."""

from __future__ import annotations

import contextlib
import os
import socket
import stat


def alive(path: str) -> bool:
    """Whether something accepts connections on the socket at ``path``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


def bind_unix(path: str, mode: int, owner: str) -> tuple[socket.socket, int]:
    """A listening socket at ``path`` created with ``mode``, and its file's inode.

    An old socket nobody answers on is replaced; raises ``FileExistsError`` when
    ``path`` is not a socket or another ``owner`` (``"daemon"``, ``"driver"``) answers
    there, ``OSError`` when the socket cannot be made.
    """
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            raise FileExistsError(f"{path} exists and is not a socket")
        if alive(path):
            raise FileExistsError(f"another {owner} answers on {path}")
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o777 & ~mode)
    try:
        sock.bind(path)
    except OSError:
        sock.close()
        raise
    finally:
        os.umask(old)
    sock.listen(8)
    return sock, os.stat(path).st_ino


def unlink_if_ours(path: str, inode: int | None) -> None:
    """Remove the socket file at ``path`` unless another process replaced it since."""
    with contextlib.suppress(OSError):
        if os.stat(path).st_ino == inode:
            os.unlink(path)
