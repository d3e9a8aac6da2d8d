"""Side by side with Debian's NUT: snmp-ups and upskit's SNMP driver on the same agents.

``python -m bench.snmp_compare RECORDINGS [DEVICE ...] [--json] [--brief]``

RECORDINGS is a folder of ``<device>/agent.snmprec`` files (snmpsim recordings of
real cards).  Each is copied into a temporary data folder as ``<device>.snmprec`` and
served by one snmpsim on 127.0.0.1 (the community is the device name).  For every
device, Debian's ``/lib/nut/snmp-ups -a <device> -d 1`` (dump mode: one update, print,
exit; ``NUT_CONFPATH`` is a temporary folder with a ``ups.conf``) and upskit's
``snmp-ups`` driver (in this process, ``mibs=auto``) read the agent; the script prints
which MIB each side chose and the variables equal, different and only on one side.
``driver.*`` variables (names and versions of the two programs) are left out; the
MIB each side chose is printed instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.transport.snmp.agents import SNMPSIM, free_udp_port, wait_for_agent
from upskit.drivers.context import DriverContext
from upskit.drivers.snmp.driver import SnmpDriver
from upskit.model import Device
from upskit.transport.snmp.client import SnmpEngineService

NUT_DRIVER = Path("/lib/nut/snmp-ups")


@dataclass
class Comparison:
    """What both drivers published for one device."""

    device: str
    nut_mib: str = ""
    upskit_mib: str = ""
    equal: list[str] = field(default_factory=list)
    different: list[tuple[str, str, str]] = field(default_factory=list)
    only_nut: list[tuple[str, str]] = field(default_factory=list)
    only_upskit: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def serve(recordings: Path, devices: list[str], work: Path) -> tuple[subprocess.Popen[bytes], int]:
    """snmpsim serving every device's recording under its own community."""
    data = work / "data"
    data.mkdir()
    (work / "cache").mkdir()
    for name in devices:
        shutil.copy(recordings / name / "agent.snmprec", data / f"{name}.snmprec")
    port = free_udp_port()
    proc = subprocess.Popen(
        [str(SNMPSIM), f"--data-dir={data}", f"--cache-dir={work / 'cache'}",
         f"--agent-udpv4-endpoint=127.0.0.1:{port}", "--logging-method=null"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, SNMPSIM_ALLOW_ROOT="true"))
    wait_for_agent(port, devices[0], timeout=60)
    return proc, port


def _dump_lines(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition(": ")
        if sep and name and " " not in name:
            found[name] = value
    return found


def run_nut(name: str, port: int, work: Path) -> tuple[dict[str, str], str]:
    """Debian's snmp-ups in dump mode: (variables, error text)."""
    conf = work / "nut" / name
    state = conf / "state"
    state.mkdir(parents=True)
    (conf / "ups.conf").write_text(
        f"[{name}]\n  driver = snmp-ups\n  port = 127.0.0.1:{port}\n  community = {name}\n")
    env = dict(os.environ, NUT_CONFPATH=str(conf), NUT_STATEPATH=str(state))
    try:
        done = subprocess.run([str(NUT_DRIVER), "-a", name, "-d", "1"], env=env,
                              capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {}, "snmp-ups did not finish in 120 s"
    found = _dump_lines(done.stdout)
    error = "" if found else (done.stderr.strip().splitlines() or ["no output"])[-1]
    return found, error


async def run_upskit(name: str, port: int, engine: SnmpEngineService) -> tuple[dict[str, str],
                                                                                 str]:
    """upskit's SNMP driver after its first poll: (variables, error text)."""
    context = DriverContext()
    context.services.get(SnmpEngineService, lambda: engine)
    engine.devices = 0
    options = {"port": f"127.0.0.1:{port}", "community": name, "snmp_timeout": "2",
               "snmp_retries": "2"}
    driver = SnmpDriver(Device(name), options, context=context)
    try:
        await driver.open()
        await driver.initialise()
    except Exception as exc:  # reported per device; the run goes on
        return {}, f"{type(exc).__name__}: {exc}"
    finally:
        await driver.close()
    return dict(driver.device.snapshot()), ""


def compare(name: str, nut: dict[str, str], ours: dict[str, str]) -> Comparison:
    result = Comparison(name, nut.get("driver.version.data", ""),
                        ours.get("driver.version.data", ""))
    keys = sorted((set(nut) | set(ours)) - {k for k in set(nut) | set(ours)
                                          if k.startswith("driver.")})
    for key in keys:
        if key in nut and key in ours:
            if nut[key] == ours[key]:
                result.equal.append(key)
            else:
                result.different.append((key, nut[key], ours[key]))
        elif key in nut:
            result.only_nut.append((key, nut[key]))
        else:
            result.only_upskit.append((key, ours[key]))
    return result


def report(result: Comparison, brief: bool) -> str:
    lines = [f"== {result.device}: NUT {result.nut_mib or '-'} | upskit {result.upskit_mib or '-'}",
             f"   equal {len(result.equal)}, different {len(result.different)}, "
             f"only NUT {len(result.only_nut)}, only upskit {len(result.only_upskit)}"]
    lines += [f"   ! {error}" for error in result.errors]
    if not brief:
        lines += [f"   ~ {k}: NUT {a!r} upskit {b!r}" for k, a, b in result.different]
        lines += [f"   - {k}: NUT {v!r}" for k, v in result.only_nut]
        lines += [f"   + {k}: upskit {v!r}" for k, v in result.only_upskit]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    recordings = Path(args.recordings)
    devices = args.devices or sorted(p.parent.name for p in recordings.glob("*/agent.snmprec"))
    missing = [d for d in devices if not (recordings / d / "agent.snmprec").is_file()]
    if not devices or missing:
        print(f"snmp-compare: no recording for {', '.join(missing) or 'any device'} "
              f"under {recordings}", file=sys.stderr)
        return 2
    if not SNMPSIM.exists():
        print("snmp-compare: snmpsim is not installed in this environment", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="snmp-compare-") as tmp:
        work = Path(tmp)
        proc, port = serve(recordings, devices, work)
        engine = SnmpEngineService()
        results = []
        try:
            for name in devices:
                if NUT_DRIVER.exists():
                    nut, nut_error = await asyncio.to_thread(run_nut, name, port, work)
                else:
                    nut, nut_error = {}, f"{NUT_DRIVER} is not installed"
                ours, our_error = await run_upskit(name, port, engine)
                result = compare(name, nut, ours)
                result.errors = [f"NUT: {nut_error}"] * bool(nut_error) + \
                    [f"upskit: {our_error}"] * bool(our_error)
                results.append(result)
                if not args.json:
                    print(report(result, args.brief), flush=True)
        finally:
            proc.terminate()
            proc.wait(10)
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="snmp-compare", description=__doc__.split("\n")[0])
    parser.add_argument("recordings", help="folder of <device>/agent.snmprec recordings")
    parser.add_argument("devices", nargs="*", help="only these devices (folder names)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--brief", action="store_true", help="counts only")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
