"""upskit's drivers under Debian's upsd (``upskit driver``, ``upskit drvctl``), the
per-driver control of ``upskit run`` and ``upskit run --check``."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import tempfile
from pathlib import Path

import pytest

from tests.nutreal import UPSCMD, UPSRW, run_tool
from tests.nutsock.nutenv import NutDir, idle_cpu, needs_nut, served, upsc, upsc_dict
from tests.support import Processes, Simulator, free_port, run_upskit, wait_until

DEV = """\
ups.status: OL
battery.charge: 95
ups.delay.shutdown: 20
#RW:ups.delay.shutdown:STRING:8
input.transfer.low: 100
#RW:input.transfer.low:ENUM:100:110
#CMD:test.battery.start
"""


def drvctl(nut: NutDir, *args: str) -> tuple[int, str]:
    done = run_upskit("drvctl", *args, env={**os.environ, **nut.env}, timeout=60)
    return done.returncode, done.stdout + done.stderr


@needs_nut
def test_upsd_serves_an_upskit_driver_as_upskit_run_does(tmp_path: Path,
                                                         procs: Processes) -> None:
    (tmp_path / "u1.dev").write_text(DEV)
    nut = NutDir(tmp_path / "nut",
                 f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n"
                 "  mode = dummy-loop\n")
    assert drvctl(nut, "start") == (0, "u1: driver dummy-ups started\n")
    pidfile = nut.state / "dummy-ups-u1.pid"
    try:
        pid = int(pidfile.read_text())
        assert drvctl(nut, "status")[0] == 0
        assert drvctl(nut, "start", "u1") == (0, f"u1: driver dummy-ups already running "
                                                   f"(PID {pid})\n")
        upsd = nut.start_upsd(procs)
        other = free_port()
        nut.start_upskit(procs, other)
        served("u1", nut.port, "ups.status", "OL")
        served("u1", other, "ups.status", "OL")
        assert upsc_dict("u1", nut.port) == upsc_dict("u1", other)
        results = []
        for port in (nut.port, other):
            results.append([run_tool([UPSCMD or "upscmd", "-u", "admin", "-p", "pw", "-w",
                                      f"u1@127.0.0.1:{port}", cmd]) for cmd in
                            ("test.battery.start", "load.off")])
            code, out, err = run_tool([UPSRW or "upsrw", "-u", "admin", "-p", "pw", "-w", "-s",
                                     "ups.delay.shutdown=30", f"u1@127.0.0.1:{port}"])
            assert code == 0 and b"SUCCESS" in out + err, err
        assert results[0] == results[1]
        # upsd goes away and comes back: the driver stays idle, then serves again
        procs.stop(upsd)
        assert idle_cpu(pid, 5) < 0.5, "the upskit driver is busy without upsd"
        nut.start_upsd(procs)
        served("u1", nut.port, "ups.status", "OL")
        (tmp_path / "u1.dev").write_text(DEV.replace("OL", "OB"))
        served("u1", nut.port, "ups.status", "OB", 20)
        assert idle_cpu(pid, 3) < 0.5
        # upsdrvctl -c reload: the section changed, the same process takes it up
        (tmp_path / "u2.dev").write_text(DEV.replace("OL", "OB LB"))
        (nut.root / "ups.conf").write_text(f"[u1]\n  driver = dummy-ups\n"
                                           f"  port = {tmp_path}/u2.dev\n")
        assert drvctl(nut, "reload", "u1")[0] == 0
        served("u1", nut.port, "ups.status", "OB LB", 20)
        assert int(pidfile.read_text()) == pid
    except AssertionError:
        print(nut.logs())
        raise
    finally:
        code, text = drvctl(nut, "stop")
    assert code == 0, text
    assert not pidfile.exists() and not (nut.state / "dummy-ups-u1").exists()
    assert drvctl(nut, "status")[0] == 1
    assert drvctl(nut, "stop", "u1")[0] == 1
    assert drvctl(nut, "stop", "nosuch")[0] == 1


def test_one_driver_stopped_and_started_inside_upskit_run(tmp_path: Path,
                                                          procs: Processes) -> None:
    for name in ("u1", "u2"):
        (tmp_path / f"{name}.dev").write_text(DEV)
    conf = "".join(f"[{n}]\n  driver = dummy-ups\n  port = {tmp_path}/{n}.dev\n"
                   for n in ("u1", "u2"))
    nut = NutDir(tmp_path / "conf", conf)
    nut.start_upskit(procs)
    served("u1", nut.port, "ups.status", "OL")
    served("u2", nut.port, "ups.status", "OL")
    ctl = str(nut.root / "ctl.sock")
    assert drvctl(nut, "stop", "u1", "--run", ctl) == (0, "u1: driver stopped\n")
    wait_until(lambda: "not connected" in upsc("u1", nut.port, "ups.status").lower(), 10,
               "u1 to be disconnected")
    assert upsc("u2", nut.port, "ups.status") == "OL\n"
    code, text = drvctl(nut, "status", "--run", ctl)
    assert code == 0 and "u1: dummy-ups stopped" in text and "u2: dummy-ups running" in text
    assert drvctl(nut, "stop", "u1", "--run", ctl)[0] == 1
    assert drvctl(nut, "stop", "nosuch", "--run", ctl)[0] == 1
    assert drvctl(nut, "start", "u1", "--run", ctl)[0] == 0
    served("u1", nut.port, "ups.status", "OL")
    assert drvctl(nut, "restart", "u2", "--run", ctl)[0] == 0
    served("u2", nut.port, "ups.status", "OL")
    assert drvctl(nut, "status", "--run", str(tmp_path / "absent.sock"))[0] == 1


def test_run_check(tmp_path: Path) -> None:
    good = NutDir(tmp_path / "good", f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/x.dev\n")
    done = run_upskit("run", "--check", "--nut-config-dir", str(good.root))
    assert done.returncode == 0 and "configuration OK: 1 UPS" in done.stdout
    bad = NutDir(tmp_path / "bad", "[u1]\n  driver = dummy-ups\n  port = x.dev\n"
                 "  bogus_option = 1\n[u2]\n  driver = no-such-driver\n  port = x\n")
    done = run_upskit("run", "--check", "--nut-config-dir", str(bad.root))
    assert done.returncode == 1, done.stdout
    assert "ups.conf:4" in done.stdout and "bogus_option" in done.stdout
    assert "no-such-driver" in done.stdout and "2 problem(s)" in done.stdout


def test_upskit_driver_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    nut = NutDir(tmp_path / "conf", "[u1]\n  driver = no-such-driver\n  port = x\n")
    env = {**os.environ, **nut.env}
    done = run_upskit("driver", "-a", "nosuch", "-F", env=env)
    assert done.returncode == 1 and "no UPS called 'nosuch'" in done.stderr
    done = run_upskit("driver", "-a", "u1", "-F", env=env)
    assert done.returncode == 1 and "no-such-driver" in done.stderr
    # a second driver for the same UPS is refused while the first holds the socket
    (tmp_path / "u1.dev").write_text(DEV)
    (nut.root / "ups.conf").write_text(f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n")
    assert run_upskit("driver", "-a", "u1", env=env).returncode == 0
    pid = int((nut.state / "dummy-ups-u1.pid").read_text())
    try:
        done = run_upskit("driver", "-a", "u1", "-F", env=env)
        assert done.returncode == 1 and "already runs" in done.stderr
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not (nut.state / "dummy-ups-u1.pid").exists(), 10, "the driver to stop")


def test_upskit_driver_becomes_its_user(tmp_path: Path) -> None:
    """``-u nut`` as root: the socket and PID file are nut's, and so is the process."""
    try:
        nut_user = pwd.getpwnam("nut")
    except KeyError:
        pytest.skip("no nut user here")
    if os.geteuid() != 0:
        pytest.skip("needs root")
    root = Path(tempfile.mkdtemp(prefix="upskit-driveruser-"))  # pytest's are root-only
    try:
        root.chmod(0o755)
        nut = NutDir(root, f"[u1]\n  driver = dummy-ups\n  port = {root}/u1.dev\n")
        os.chown(nut.state, nut_user.pw_uid, nut_user.pw_gid)
        (root / "u1.dev").write_text(DEV)
        (root / "u1.dev").chmod(0o644)
        env = {**os.environ, **nut.env}
        assert run_upskit("driver", "-a", "u1", "-u", "nut", env=env).returncode == 0
        pidfile = nut.state / "dummy-ups-u1.pid"
        pid = int(pidfile.read_text())
        try:
            assert os.stat(f"/proc/{pid}").st_uid == nut_user.pw_uid
            assert (nut.state / "dummy-ups-u1").stat().st_uid == nut_user.pw_uid
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(5)
                sock.connect(str(nut.state / "dummy-ups-u1"))
                sock.sendall(b"PING\n")
                assert sock.recv(100) == b"PONG\n"
        finally:
            assert drvctl(nut, "stop", "u1")[0] == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_drvctl_shutdown_stops_the_driver_and_commands_the_ups(tmp_path: Path) -> None:
    """``upsdrvctl shutdown``: each UPS in sdorder order through ``upskit driver -k``;
    a running driver gives up the port first; a UPS that cannot cut power fails."""
    sim = Simulator()
    try:
        (tmp_path / "d.dev").write_text(DEV)
        nut = NutDir(tmp_path / "conf",
                     f"[q]\n  driver = nutdrv_qx\n  port = {sim.path}\n  protocol = megatec\n"
                     f"[d]\n  driver = dummy-ups\n  port = {tmp_path}/d.dev\n"
                     "[never]\n  driver = dummy-ups\n  port = x\n  sdorder = -1\n")
        assert drvctl(nut, "start", "q")[0] == 0
        pidfile = nut.state / "nutdrv_qx-q.pid"
        assert pidfile.exists()
        code, text = drvctl(nut, "shutdown")
        assert code == 1, text  # dummy-ups cannot cut power
        assert "q: shutdown commanded" in text and "d: shutdown not done" in text
        assert "never" not in text
        wait_until(lambda: not pidfile.exists(), 10, "the running driver to stop")
    finally:
        sim.close()
        drvctl(nut, "stop")
