"""What ``upskit history`` and ``upskit events`` share: finding the database, ``--since``,
and printing rows as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upskit.exporters.history import HistoryStore


def since(text: str) -> float:
    """``--since``: a duration back from now (``90``, ``30m``, ``2h``, ``7d``)."""
    from upskit.config.values import BadValue
    from upskit.config.web_conf import duration

    try:
        return duration(text)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_common(parser: argparse.ArgumentParser, default_since: str) -> None:
    from upskit.cli.common import add_config_arguments

    parser.add_argument("--since", type=since, default=since(default_since), metavar="AGE",
                        help=f"how far back: 90, 30m, 2h, 7d ... (default {default_since})")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--csv", action="store_true", help="print CSV with a header line")
    parser.add_argument("--db", metavar="FILE",
                        help="the history database (default: the configuration's, or "
                             "$STATE_DIRECTORY/history.sqlite, /var/lib/upskit/history.sqlite)")
    add_config_arguments(parser)


def open_store(args: argparse.Namespace) -> HistoryStore | None:
    """The database, read-only; None (after a message) when it cannot be opened."""
    from upskit.config.web import HistorySettings
    from upskit.exporters.history import HistoryError, HistoryStore

    path = args.db
    if path is None:
        if args.config or args.nut_config_dir:
            from upskit.cli.common import load_settings

            path = load_settings(args).web.history.database()
        else:
            path = _default_path() or HistorySettings().database()
    try:
        return HistoryStore(path, readonly=True)
    except HistoryError as exc:
        print(f"upskit: {exc}", file=sys.stderr)
        return None


def _default_path() -> str | None:
    """The path in /etc/nut/upskit-http.conf, when that file says one."""
    import os

    from upskit.config.settings import ConfigError
    from upskit.config.web_conf import WEB_CONF, load_web_conf

    conf = os.path.join("/etc/nut", WEB_CONF)
    if not os.path.exists(conf):
        return None
    try:
        return load_web_conf(conf).history.database()
    except ConfigError as exc:
        print(f"upskit: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def when(t: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


def show(rows: Sequence[dict[str, Any]], columns: Sequence[str], args: argparse.Namespace,
         key: str) -> None:
    """Print ``rows`` as JSON (``{key: rows}``), CSV or an aligned table."""
    if args.json:
        import json

        print(json.dumps({key: list(rows)}, indent=1))
        return
    if args.csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
        return
    table = [[_cell(c, row[c]) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in table)]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for line in table:
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def _cell(column: str, value: object) -> str:
    if value is None:
        return "-"
    if column == "t" and isinstance(value, float):
        return when(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
