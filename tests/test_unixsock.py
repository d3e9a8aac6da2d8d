"""Listening Unix sockets: a stale file is replaced, a live peer's or a non-socket is
not, the mode is applied, and close removes only our own file."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from upskit.unixsock import alive, bind_unix, unlink_if_ours


def test_bind_replaces_a_stale_socket_and_applies_the_mode(short_dir: Path) -> None:
    path = str(short_dir / "s.sock")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # the file stays, nobody answers
    assert not alive(path)
    sock, inode = bind_unix(path, 0o600, "daemon")
    try:
        assert alive(path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert os.stat(path).st_ino == inode
        with pytest.raises(FileExistsError, match="another driver answers on"):
            bind_unix(path, 0o600, "driver")
    finally:
        sock.close()
    unlink_if_ours(path, inode)
    assert not os.path.exists(path)


def test_a_file_that_is_no_socket_is_kept(short_dir: Path) -> None:
    path = short_dir / "plain"
    path.write_text("keep me")
    with pytest.raises(FileExistsError, match="is not a socket"):
        bind_unix(str(path), 0o600, "daemon")
    assert path.read_text() == "keep me"


def test_a_replaced_file_is_not_removed(short_dir: Path) -> None:
    path = str(short_dir / "s.sock")
    sock, inode = bind_unix(path, 0o660, "driver")
    sock.close()
    os.unlink(path)
    other, other_inode = bind_unix(path, 0o660, "driver")
    try:
        # (a reused inode number would make the two files look alike)
        unlink_if_ours(path, inode if inode != other_inode else -1)
        assert os.path.exists(path)
    finally:
        other.close()
    unlink_if_ours(str(short_dir / "gone"), 1)  # a missing file is no error
