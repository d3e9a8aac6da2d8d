"""Checks for the values the monitor runs or writes: commands, the power-down flag, CA files.

A command with an unbalanced quote, an empty one or a relative flag file loads without
complaint in NUT and then fails at the worst moment, when the UPS is on battery.  These
converters refuse such values when the file is read, so the loader can name file and line.
Whether a program exists is not checked here: that depends on the machine at run time
(:func:`missing_program` lets the monitor warn about it when it starts).
"""

from __future__ import annotations

import os
import shlex
import shutil

from upskit.config.values import BadValue, show, to_str


def _text(value: object) -> str:
    text = to_str(value)
    if not text.strip():
        raise BadValue("is empty")
    if "\0" in text:
        raise BadValue("contains a NUL character")
    return text


def command_words(command: str, *, comments: bool = False) -> list[str]:
    """Split ``command`` into words as a POSIX shell would; :class:`BadValue` if it cannot."""
    try:
        words = shlex.split(command, comments=comments)
    except ValueError as exc:
        raise BadValue(f"has an unbalanced quote or a trailing backslash ({exc}): "
                       f"{show(command)}") from None
    if not words:
        raise BadValue(f"has no command in it: {show(command)}")
    return words


def program_line(value: object) -> str:
    """A command that is split into words and run without a shell (NOTIFYCMD, CMDSCRIPT)."""
    text = _text(value)
    command_words(text)
    return text


def shell_line(value: object) -> str:
    """A command that ``/bin/sh -c`` runs (SHUTDOWNCMD): quotes must at least balance."""
    text = _text(value)
    command_words(text, comments=True)
    return text


def flag_file(value: object) -> str:
    """POWERDOWNFLAG: an absolute path that is not a directory.

    A relative path would be looked for in whatever directory the late shutdown hook
    runs in, so the flag would never be found and the UPS never told to cut power.
    """
    text = _text(value)
    if not os.path.isabs(text):
        raise BadValue(f"needs an absolute path, got {show(text)}")
    if os.path.isdir(text):
        raise BadValue(f"names a directory: {show(text)}")
    return text


def check_ca_path(path: str) -> None:
    """CERTPATH: an existing directory, or a file of PEM CA certificates."""
    if os.path.isdir(path):
        if not os.access(path, os.R_OK | os.X_OK):
            raise BadValue(f"{path} is a directory that cannot be read")
        return
    if not os.path.exists(path):
        raise BadValue(f"{path} does not exist")
    from upskit.lazyssl import load_ssl

    ssl = load_ssl()
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except ssl.SSLError as exc:
        raise BadValue(f"{path} holds no PEM CA certificate ({exc.reason or exc})") from None
    except OSError as exc:
        raise BadValue(f"{path} cannot be read: {exc.strerror or exc}") from None


def missing_program(command: str, *, shell: bool = False) -> str | None:
    """The program ``command`` would start when it cannot be found, else ``None``.

    For a shell line only a first word with a ``/`` in it is looked at (anything else
    may be a shell keyword, a built-in or a variable assignment).
    """
    try:
        first = shlex.split(command, comments=shell)[0]
    except (ValueError, IndexError):
        return command
    if shell and "/" not in first:
        return None
    if "/" in first:
        return None if os.access(first, os.X_OK) and not os.path.isdir(first) else first
    return None if shutil.which(first) else first
