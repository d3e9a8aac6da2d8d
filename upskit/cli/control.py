"""What ``upskit cmd`` and ``upskit set`` share: log in, act, optionally wait for the result.

Messages follow upscmd/upsrw: the server's answer (``OK``, or with ``-w`` the
tracked result such as ``SUCCESS``) goes to stderr; a refusal is printed as
``Unexpected response from upsd: ERR <CODE>`` with exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from upskit.cli import target as t

if TYPE_CHECKING:
    from upskit.client import Client


def add_control_options(parser: argparse.ArgumentParser) -> None:
    """``-u``, ``-p``, ``-w``, ``-t`` as upscmd and upsrw have them."""
    parser.add_argument("-u", "--user", metavar="USER", help="user name (asked for if missing)")
    parser.add_argument("-p", "--password", metavar="PASS", help="password (asked for if missing)")
    parser.add_argument("-w", "--wait", action="store_true",
                        help="wait for the result of the change (tracking)")
    parser.add_argument("-t", "--wait-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long -w waits (default 10)")


@dataclass
class Outcome:
    """Result of one change: exit code, what the server said, the tracking id."""

    code: int
    result: str | None = None
    tracking: str | None = None


def perform(
    args: argparse.Namespace, target: t.Target, action: Callable[[Client], str | None]
) -> Outcome:
    """Authenticate, run ``action`` (which returns a tracking id or None), report."""
    from upskit.client import NutConnectionError, NutError, NutProtocolError

    try:
        user, password = t.ask_credentials(args.user, args.password)
    except t.PromptError as exc:
        sys.stderr.write(f"{exc}\n")
        return Outcome(1)
    try:
        with t.open_client(target, args) as client:
            client.authenticate(user, password)
            if args.wait:
                client.set_tracking(True)
            ident = action(client)
            if not args.wait or ident is None:
                result = "OK"
            else:
                result = client.wait_for_tracking(ident, timeout=args.wait_timeout)
    except (NutConnectionError, NutProtocolError) as exc:
        return Outcome(t.error(exc.message))
    except NutError as exc:
        sys.stderr.write(f"Unexpected response from upsd: ERR {exc}\n")
        return Outcome(1)
    if not args.json:
        sys.stderr.write(f"{result}\n")
    return Outcome(0 if result in ("OK", "SUCCESS") else 1, result, ident)
