"""The systemd units as shipped: each ExecReload line, run against the real daemon,
reloads it and never shuts anything down; each unit waits for READY and has a watchdog."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import time
from pathlib import Path

import pytest

from tests.monitor.daemons import Daemon, write_server, write_upsmon
from tests.support import free_port, run_upskit

UNITS = Path(__file__).resolve().parents[2] / "packaging" / "systemd"


def service(name: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return dict(parser["Service"])


def start_command(unit: str, confdir: Path, sock: Path) -> list[str]:
    """The unit's ExecStart with this checkout's upskit and a test directory."""
    words = shlex.split(service(unit)["ExecStart"])
    assert words[0] == "/usr/bin/upskit"
    args = [str(confdir) if w == "/etc/nut" else w for w in words[1:]]
    helptext = run_upskit(args[0], "--help").stdout
    if "--control-socket" in helptext:  # keep off the system's /run/upskit
        args += ["--control-socket", str(sock)]
    return args


def reload_with_unit(unit: str, pid: int) -> None:
    line = service(unit)["ExecReload"].replace("$MAINPID", str(pid))
    subprocess.run(shlex.split(line), check=True, timeout=30)


def test_exec_reload_reloads_and_never_shuts_down(short_dir: Path) -> None:
    port = free_port()
    srv, mon = short_dir / "srv", short_dir / "mon"
    write_server(srv, port)
    write_upsmon(mon, f"ups1@127.0.0.1:{port}", "sec", "secondary")
    run = Daemon(*start_command("upskit.service", srv, short_dir / "r.sock"))
    monitor = Daemon(*start_command("upskit-monitor.service", mon, short_dir / "m.sock"))
    try:
        run.wait_for("serving 1 UPS")
        monitor.wait_for("logged in to UPS ups1@127.0.0.1")

        write_server(srv, port, upsmon_extra="DEADTIME 20\n")
        reload_with_unit("upskit.service", run.pid)
        run.wait_for("monitor restarted with the new settings")

        write_upsmon(mon, f"ups1@127.0.0.1:{port}", "sec", "secondary", "DEADTIME 20\n")
        reload_with_unit("upskit-monitor.service", monitor.pid)
        mark = monitor.wait_for("the monitor watches with the new settings")
        monitor.wait_for("logged in to UPS ups1@127.0.0.1", after=mark)

        time.sleep(1.0)
        assert run.alive() and monitor.alive()
        for root in (srv, mon):
            assert not (root / "down").exists(), "a reload ran SHUTDOWNCMD"
            assert not (root / "killpower").exists(), "a reload wrote the power-down flag"
    finally:
        codes = (monitor.stop(), run.stop())
    assert codes == (0, 0), monitor.output + run.output
    assert "Traceback" not in monitor.output + run.output


@pytest.mark.parametrize("unit", ["upskit.service", "upskit-monitor.service"])
def test_units_wait_for_ready_and_keep_a_watchdog(unit: str) -> None:
    svc = service(unit)
    assert svc["Type"] == "notify"
    assert int(svc["WatchdogSec"]) > 0
    assert svc["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert int(svc["LimitNOFILE"]) >= 65536
    assert "USR1" not in (UNITS / unit).read_text()

