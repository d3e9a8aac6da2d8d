"""Shared bits of the client commands: ``ups[@host[:port]]`` targets, options, prompts, errors."""

from __future__ import annotations

import os
import sys

from upskit.config.addresses import DEFAULT_HOST, DEFAULT_PORT, split_host_port, split_system
from upskit.config.values import BadValue
from upskit.lean import TYPE_CHECKING, Frozen

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

    from upskit.client import Client

FORMAT_HELP = "Required format: upsname[@hostname[:port]]"


class TargetError(ValueError):
    """A ``ups@host:port`` (or ``host:port``) argument that cannot be understood."""


class Target(Frozen):
    """Where to connect, and (when named) which UPS."""

    _fields = ("ups", "host", "port")
    ups: str | None
    host: str
    port: int

    def __init__(self, ups: str | None, host: str = DEFAULT_HOST,
                 port: int = DEFAULT_PORT) -> None:
        self._init(ups, host, port)


def parse_target(text: str) -> Target:
    """Parse ``ups[@host[:port]]``; the host may be ``[v6::addr]``."""
    try:
        return Target(*split_system(text))
    except BadValue as exc:
        raise TargetError(str(exc)) from None


def parse_host(text: str | None) -> Target:
    """Parse ``host[:port]`` (no UPS name); None means localhost."""
    if text is None:
        return Target(None)
    try:
        return Target(None, *split_host_port(text))
    except BadValue as exc:
        raise TargetError(str(exc)) from None


def add_ups_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    """The ``UPS[@HOST[:PORT]]`` positional argument, read by :func:`on_ups`."""
    parser.add_argument("ups", metavar="UPS[@HOST[:PORT]]", help=help_text)


def on_ups(args: argparse.Namespace, action: Callable[[Target, str], int]) -> int:
    """Run ``action(target, ups)`` for ``args.ups``; a malformed one is upsc's error."""
    try:
        target = parse_target(args.ups)
    except TargetError as exc:
        return target_error(exc)
    assert target.ups is not None
    return action(target, target.ups)


#: Seconds a client command waits for each reply, unless ``--timeout`` says otherwise.
DEFAULT_TIMEOUT = 5.0


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Options every client command shares (their defaults: :func:`connection_defaults`)."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    from upskit.cli.argtypes import positive_number

    parser.add_argument("--timeout", type=positive_number, default=DEFAULT_TIMEOUT,
                        metavar="SECONDS", help="network timeout per reply (default 5)")
    parser.add_argument("--starttls", action="store_true",
                        help="require STARTTLS (verified against the system CAs or --cafile)")
    parser.add_argument("--cafile", metavar="PEM", help="CA certificates for --starttls")


def connection_defaults() -> dict[str, object]:
    """What :func:`add_connection_options` sets when none of its options is given."""
    return {"json": False, "timeout": DEFAULT_TIMEOUT, "starttls": False, "cafile": None}


def open_client(target: Target, args: argparse.Namespace) -> Client:
    """Connect to the target's server with the shared options."""
    from upskit.client import Client

    context = None
    if args.starttls:
        from upskit.lazyssl import load_ssl

        try:
            context = load_ssl().create_default_context(cafile=args.cafile)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            sys.stderr.write(f"Error: cannot use --cafile {args.cafile}: "
                             f"{getattr(exc, 'strerror', None) or exc}\n")
            raise SystemExit(2) from None
    client = Client(target.host, target.port, timeout=args.timeout, ssl_context=context)
    client.connect()
    return client


def error(message: str) -> int:
    """Print ``Error: message`` on stderr, as NUT's tools do; returns exit code 1."""
    sys.stdout.flush()
    sys.stderr.write(f"Error: {message}\n")
    return 1


def target_error(exc: TargetError) -> int:
    """Report a bad ``ups@host:port`` argument the way upsc does."""
    sys.stderr.write(f"Error: invalid UPS definition.\n{FORMAT_HELP}\n")
    return 1


def write(text: str) -> None:
    """Write text to stdout byte for byte (non-UTF-8 bytes from the server included)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()


def write_json(data: Any) -> None:
    """Write ``data`` as indented JSON (non-UTF-8 bytes as U+FFFD)."""
    import json  # only for --json

    text = json.dumps(data, indent=2, ensure_ascii=False)
    write(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") + "\n")


class PromptError(Exception):
    """Standard input ended while asking for credentials."""


def ask_credentials(username: str | None, password: str | None) -> tuple[str, str]:
    """Fill in missing credentials by asking, like upscmd/upsrw.

    The user name prompt offers the login name as default; the password is read
    without echo when a terminal is attached (from stdin otherwise).
    """
    if username is None:
        default = _login_name()
        sys.stdout.write(f"Username ({default}): ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            raise PromptError("Error reading from stdin!")
        username = line.rstrip("\r\n") or default
    if password is None:
        if sys.stdin.isatty():
            import getpass  # only when a password must be asked for

            password = getpass.getpass("Password: ")
        else:
            sys.stderr.write("Password: ")
            sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise PromptError("Error reading from stdin!")
            password = line.rstrip("\r\n")
    return username, password


def _login_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER", "")
