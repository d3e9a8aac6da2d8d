"""``upskit killpower``: tell each UPS to cut power and return (late in system shutdown)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--nut-config-dir", metavar="DIR",
                     help="NUT configuration directory (ups.conf, upsmon.conf)")
    src.add_argument("--config", metavar="FILE", help="upskit TOML configuration file")
    parser.add_argument("--flag", metavar="FILE",
                        help="power-down flag to look for (default: POWERDOWNFLAG)")
    parser.add_argument("--check", action="store_true",
                        help="only test the flag: exit 0 when set, 1 when not (upsmon -K)")
    parser.add_argument("--force", action="store_true",
                        help="command the UPSes even without the power-down flag")


def run(args: argparse.Namespace) -> int:
    import asyncio
    import sys

    from upskit.config.settings import ConfigError
    from upskit.config.toml import load_any
    from upskit.monitor.killpower import kill_power
    from upskit.monitor.shutdown import powerdown_flag_set

    try:
        settings = load_any(args.nut_config_dir or args.config)
    except (ConfigError, OSError) as exc:
        print(f"upskit killpower: {exc}", file=sys.stderr)
        return 2
    flag = args.flag or (settings.upsmon.powerdownflag if settings.upsmon else None)
    is_set = powerdown_flag_set(flag)
    if args.check:
        return 0 if is_set else 1
    if not is_set and not args.force:
        print(f"upskit killpower: power-down flag {flag or '(POWERDOWNFLAG not configured)'} "
              "is not set; leaving the UPSes alone", file=sys.stderr)
        return 0
    if not settings.ups.ups:
        print("upskit killpower: no UPS configured", file=sys.stderr)
        return 1
    results = asyncio.run(kill_power(settings.ups.ups.values(), settings))
    failed = 0
    for name, result in results.items():
        print(f"{name}: {'shutdown commanded' if result.ok else 'FAILED (' + result.name + ')'}")
        failed += not result.ok
    return 1 if failed else 0
