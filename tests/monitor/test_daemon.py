"""`upskit monitor` and `upskit run` as daemons: SIGHUP reloads, SIGUSR1/SIGUSR2 never
shut anything down, `-c fsd|reload|stop` over the control socket, a monitor without
SHUTDOWNCMD is refused by --check-config and shouted about at start."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from tests.support import free_port, run_upskit, wait_until

from .daemons import Daemon, write_server, write_upsmon


def control(*args: str) -> subprocess.CompletedProcess[str]:
    return run_upskit("monitor", *args)


def test_monitor_reloads_on_sighup_ignores_usr_signals_and_obeys_c(short_dir: Path) -> None:
    port = free_port()
    server = Daemon("run", "--nut-config-dir", str(short_dir / "srv"), "--no-monitor",
                    "--control-socket", str(short_dir / "srv.sock"))
    write_server(short_dir / "srv", port, monitor=False)
    mon_dir = short_dir / "mon"
    write_upsmon(mon_dir, f"ups1@127.0.0.1:{port}", "sec", "secondary")
    sock = str(short_dir / "mon.sock")
    monitor = Daemon("monitor", "--nut-config-dir", str(mon_dir), "--control-socket", sock)
    try:
        monitor.wait_for("logged in to UPS ups1@127.0.0.1")
        for sig in (signal.SIGUSR1, signal.SIGUSR2):
            monitor.proc.send_signal(sig)
            monitor.wait_for(f"{sig.name} ignored")
        write_upsmon(mon_dir, f"ups1@127.0.0.1:{port}", "sec", "secondary", "DEADTIME 20\n")
        monitor.proc.send_signal(signal.SIGHUP)
        mark = monitor.wait_for("the monitor watches with the new settings")
        monitor.wait_for("logged in to UPS ups1@127.0.0.1", after=mark)
        (mon_dir / "upsmon.conf").write_text("MONITOR ups1@127.0.0.1 1 sec pw bogus\n")
        monitor.proc.send_signal(signal.SIGHUP)
        mark = monitor.wait_for("configuration not reloaded")
        (short_dir / "srv" / "ups1.dev").write_text("device.model: One\nups.status: OB\n")
        monitor.wait_for("on battery", after=mark)  # the old monitor still watches
        assert monitor.alive()
        assert not (mon_dir / "down").exists() and not (mon_dir / "killpower").exists()

        write_upsmon(mon_dir, f"ups1@127.0.0.1:{port}", "sec", "secondary")
        answer = control("-c", "reload", "--control-socket", sock)
        assert answer.returncode == 0, answer.stderr
        assert "reloaded" in answer.stdout
        answer = control("-c", "fsd", "--control-socket", sock)
        assert answer.returncode == 0, answer.stderr
        assert "shutdown sequence started" in answer.stdout
        wait_until((mon_dir / "down").exists, 20, "the shutdown command")
        assert (mon_dir / "killpower").read_text() == "upsmon-shutdown-file\n"
        assert monitor.proc.wait(15) == 0  # SHUTDOWNEXIT yes
    finally:
        monitor.stop()
        server.stop()
    assert "Traceback" not in monitor.output + server.output


def test_c_stop_and_a_missing_daemon(short_dir: Path) -> None:
    write_upsmon(short_dir, f"ups1@127.0.0.1:{free_port()}", "sec", "secondary")
    sock = str(short_dir / "c.sock")
    monitor = Daemon("monitor", "--nut-config-dir", str(short_dir), "--control-socket", sock)
    try:
        monitor.wait_for("control socket")
        answer = control("-c", "stop", "--control-socket", sock)
        assert answer.returncode == 0, answer.stderr
        assert monitor.proc.wait(15) == 0
    finally:
        monitor.stop()
    assert not (short_dir / "down").exists()
    answer = control("-c", "fsd", "--control-socket", sock)
    assert answer.returncode == 1
    assert "cannot reach the daemon" in answer.stderr and "Traceback" not in answer.stderr


def test_run_ignores_usr1_and_forces_shutdown_only_by_command(short_dir: Path) -> None:
    root = short_dir / "srv"
    write_server(root, free_port())
    sock = str(short_dir / "run.sock")
    run = Daemon("run", "--nut-config-dir", str(root), "--control-socket", sock)
    try:
        run.wait_for("control socket")
        run.proc.send_signal(signal.SIGUSR1)
        run.wait_for("SIGUSR1 ignored")
        time.sleep(0.5)
        assert run.alive() and not (root / "down").exists()
        answer = control("-c", "fsd", "--control-socket", sock)
        assert answer.returncode == 0, answer.stderr
        wait_until((root / "down").exists, 20, "the shutdown command")
        assert run.alive()  # the server keeps serving after the monitor's exit
    finally:
        run.stop()


def test_no_shutdowncmd_is_refused_by_check_config_and_shouted_at_start(short_dir: Path) -> None:
    tmp_path = short_dir
    (tmp_path / "upsmon.conf").write_text(
        "MONITOR ups1@localhost 1 mon pw primary\nSHUTDWNCMD \"/sbin/shutdown -h +0\"\n")
    checked = control("--nut-config-dir", str(tmp_path), "--check-config")
    assert checked.returncode != 0
    assert "no SHUTDOWNCMD" in checked.stderr

    monitor = Daemon("monitor", "--nut-config-dir", str(tmp_path), "--control-socket",
                     str(tmp_path / "m.sock"))
    try:
        line = monitor.lines[monitor.wait_for("no SHUTDOWNCMD")]
        assert "CRITICAL" in line
    finally:
        monitor.stop()

    write_server(tmp_path, free_port(), monitor=False)
    run = Daemon("run", "--nut-config-dir", str(tmp_path), "--control-socket",
                 str(tmp_path / "r.sock"))
    try:
        line = run.lines[run.wait_for("no SHUTDOWNCMD")]
        assert "CRITICAL" in line
    finally:
        run.stop()


def test_broken_values_stop_the_start_with_file_and_line(short_dir: Path) -> None:
    conf = short_dir / "upsmon.conf"
    for text, line in ((f"FORCESSL 1\nCERTPATH {short_dir / 'none.pem'}\n", 3),
                       ("NOTIFYCMD \"/bin/echo it's\"\n", 2)):
        conf.write_text("MONITOR ups1@localhost 1 mon pw primary\n" + text)
        for command in ("monitor", "run"):
            result = run_upskit(command, "--nut-config-dir", str(short_dir))
            assert result.returncode == 2, result.stderr
            assert f"{conf}:{line}:" in result.stderr
            assert "Traceback" not in result.stderr
