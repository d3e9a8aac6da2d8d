"""Debian's NUT driver programs under upskit's server, compared with Debian's upsd
serving the same programs: upsc, upscmd and upsrw agree; commands and sets reach the
program and their TRACKING results come back; a program that dies is started again."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest

from tests.nutreal import UPSCMD, UPSRW, run_tool
from tests.nutsock.nutenv import (
    DUMMY_UPS,
    NutDir,
    children,
    idle_cpu,
    needs_nut,
    served,
    upsc,
    upsc_dict,
)
from tests.support import Processes, run_upskit, wait_until

pytestmark = needs_nut

DEV = """\
ups.status: OL CHRG
battery.charge: 87
battery.runtime: 1800
ups.delay.shutdown: 20
input.voltage: 230.4
ups.mfr: Acme
ups.model: "Big One"
"""


def both(tmp_path: Path, procs: Processes, dev: str = DEV) -> tuple[NutDir, NutDir]:
    """The same dummy-ups program: under Debian's upsd, and under upskit run."""
    (tmp_path / "u1.dev").write_text(dev)
    nut = NutDir(tmp_path / "nut",
                 f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n  user = root\n")
    assert DUMMY_UPS is not None
    procs.start([DUMMY_UPS, "-a", "u1", "-u", "root", "-F"], nut.env, nut.log("dummy-ups"))
    wait_until(lambda: (nut.state / "dummy-ups-u1").exists(), 20, "dummy-ups's socket")
    nut.start_upsd(procs)
    ours = NutDir(tmp_path / "upskit",
                  f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n  user = root\n"
                  f"  upskit.external = yes\n  upskit.statepath = {tmp_path}/upskit/state\n",
                  "MAXAGE 5\n")
    ours.start_upskit(procs)
    for side in (nut, ours):
        served("u1", side.port, "ups.status", "OL CHRG")
    return nut, ours


def tool(argv: list[str]) -> tuple[int, str]:
    code, out, err = run_tool(argv)
    return code, (out + err).decode().replace("Init SSL without certificate database\n", "")


def command_names(listing: str) -> list[str]:
    """upscmd -l's command names (the descriptions are the server's own texts)."""
    return [line.split(" - ")[0] for line in listing.splitlines() if " - " in line]


def without_descriptions(listing: str) -> list[str]:
    """upsrw's listing without the description line under each [name]."""
    lines = listing.splitlines()
    return [line for i, line in enumerate(lines) if i == 0 or not lines[i - 1].startswith("[")]


def test_dummy_ups_under_upskit_equals_debian_upsd(tmp_path: Path, procs: Processes) -> None:
    nut, ours = both(tmp_path, procs)
    try:
        assert upsc_dict("u1", ours.port) == upsc_dict("u1", nut.port)
        time.sleep(6)  # dummy-ups says nothing new: past MAXAGE its PONGs keep it fresh
        assert upsc_dict("u1", ours.port) == upsc_dict("u1", nut.port)
        commands = [UPSCMD or "upscmd", "-l"]
        assert command_names(tool([*commands, f"u1@127.0.0.1:{ours.port}"])[1]) == \
            command_names(tool([*commands, f"u1@127.0.0.1:{nut.port}"])[1])
        listing = [UPSRW or "upsrw", "-u", "admin", "-p", "pw"]
        assert without_descriptions(tool([*listing, f"u1@127.0.0.1:{ours.port}"])[1]) == \
            without_descriptions(tool([*listing, f"u1@127.0.0.1:{nut.port}"])[1])
        # commands and sets, waiting for the TRACKING result (-w)
        for cmd in ("load.off", "test.battery.start", "no.such.command"):
            argv = [UPSCMD or "upscmd", "-u", "admin", "-p", "pw", "-w"]
            ours_result = tool([*argv, f"u1@127.0.0.1:{ours.port}", cmd])
            nut_result = tool([*argv, f"u1@127.0.0.1:{nut.port}", cmd])
            assert ours_result == nut_result, cmd
        for side, value in ((ours, "33"), (nut, "44")):
            argv = [UPSRW or "upsrw", "-u", "admin", "-p", "pw", "-w",
                    "-s", f"ups.delay.shutdown={value}", f"u1@127.0.0.1:{side.port}"]
            assert tool(argv) == (0, "SUCCESS\n")
            served("u1", side.port, "ups.delay.shutdown", value, 10)
        assert "set ups.delay.shutdown" in ours.log(f"upskit-{ours.port}").read_text()
    except AssertionError:
        print(nut.logs(), ours.logs())
        raise


def test_a_program_that_dies_is_started_again(tmp_path: Path, procs: Processes) -> None:
    (tmp_path / "u1.dev").write_text(DEV)
    ours = NutDir(tmp_path / "upskit",
                  f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n  user = root\n"
                  f"  upskit.external = yes\n  upskit.statepath = {tmp_path}/upskit/state\n")
    run = ours.start_upskit(procs)
    served("u1", ours.port, "ups.status", "OL CHRG")
    first = children(run.pid)
    assert len(first) == 1
    os.kill(first[0], signal.SIGKILL)
    wait_until(lambda: upsc("u1", ours.port, "ups.status").startswith("ERROR"), 20,
               "the data to go stale")
    served("u1", ours.port, "ups.status", "OL CHRG")
    assert children(run.pid) != first
    # the restarted program and upskit are both idle
    assert idle_cpu(run.pid, 2) < 0.5
    assert idle_cpu(children(run.pid)[0], 2) < 0.5


def test_attached_to_a_running_program_survives_its_restart(tmp_path: Path,
                                                             procs: Processes) -> None:
    """A program upskit did not start (upskit.socket): restarting it leaves upskit idle
    while it is gone, and the data flows again once it is back."""
    (tmp_path / "u1.dev").write_text(DEV)
    nut = NutDir(tmp_path / "nut",
                 f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n  user = root\n")
    sock = nut.state / "dummy-ups-u1"
    ours = NutDir(tmp_path / "upskit",
                  f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n"
                  f"  upskit.socket = {sock}\n")
    assert DUMMY_UPS is not None
    argv = [DUMMY_UPS, "-a", "u1", "-u", "root", "-F"]
    program = procs.start(argv, nut.env, nut.log("dummy-ups"))
    wait_until(sock.exists, 20, "dummy-ups's socket")
    run = ours.start_upskit(procs)
    served("u1", ours.port, "ups.status", "OL CHRG")
    procs.stop(program)
    wait_until(lambda: upsc("u1", ours.port, "ups.status").startswith("ERROR"), 20,
               "the data to go stale")
    assert idle_cpu(run.pid, 4) < 0.5, "upskit busy while the driver is gone"
    (tmp_path / "u1.dev").write_text(DEV.replace("OL CHRG", "OB DISCHRG"))
    program = procs.start(argv, nut.env, nut.log("dummy-ups"))
    served("u1", ours.port, "ups.status", "OB DISCHRG", 60)
    assert idle_cpu(run.pid, 2) < 0.5
    # upskit restarted under the running program: the data flows again at once; NUT
    # 2.8.0's program spins once its server left (its bug): upskit says so in its log
    procs.stop(run)
    log = ours.log(f"upskit-{ours.port}")
    log.write_text("")
    run = ours.start_upskit(procs)
    served("u1", ours.port, "ups.status", "OB DISCHRG", 20)
    share = idle_cpu(program.pid, 3) / 3
    if share > 0.6:
        wait_until(lambda: "NUT 2.8.0's drivers spin" in log.read_text(), 25, "the warning")
    elif share < 0.1:
        time.sleep(4)
        assert "NUT 2.8.0's drivers spin" not in log.read_text()
    assert idle_cpu(run.pid, 2) < 0.5


def test_a_program_run_as_the_nut_user_gets_its_state_directory(procs: Processes) -> None:
    """Started as root without ``user``, NUT's programs become ``nut`` before making
    their socket: upskit hands them the state directory it made."""
    try:
        pwd.getpwnam("nut")
    except KeyError:
        pytest.skip("no nut user here")
    root = Path(tempfile.mkdtemp(prefix="upskit-nutuser-"))  # pytest's are root-only
    try:
        root.chmod(0o755)
        (root / "u1.dev").write_text(DEV)
        (root / "u1.dev").chmod(0o644)
        ours = NutDir(root / "conf", f"[u1]\n  driver = dummy-ups\n  port = {root}/u1.dev\n"
                      f"  upskit.external = yes\n  upskit.statepath = {root}/state\n")
        ours.start_upskit(procs)
        served("u1", ours.port, "ups.status", "OL CHRG")
        assert (root / "state").stat().st_uid == pwd.getpwnam("nut").pw_uid
    finally:
        procs.stop_all()
        shutil.rmtree(root, ignore_errors=True)


def test_killpower_runs_the_program_with_k(tmp_path: Path) -> None:
    (tmp_path / "u1.dev").write_text(DEV)
    ours = NutDir(tmp_path / "upskit",
                  f"[u1]\n  driver = dummy-ups\n  port = {tmp_path}/u1.dev\n  user = root\n"
                  f"  upskit.external = yes\n  upskit.statepath = {tmp_path}/upskit/state\n")
    done = run_upskit("killpower", "--nut-config-dir", str(ours.root), "--force")
    # Debian's dummy-ups cannot cut power: it says so, and killpower reports the failure
    assert "dummy-ups -a u1 -k -u root -> exit status 1" in done.stderr
    assert "shutdown not supported" in done.stderr and "u1: FAILED" in done.stdout


def test_a_program_left_by_a_killed_upskit_is_stopped(tmp_path: Path, procs: Processes) -> None:
    """upskit killed outright leaves its program running: the next upskit stops it
    before starting its own (two programs never drive one port).  The port is a file
    named relative to the configuration directory, as dummy-ups allows."""
    ours = NutDir(tmp_path / "upskit",
                  "[u1]\n  driver = dummy-ups\n  port = u1.dev\n  user = root\n"
                  f"  upskit.external = yes\n  upskit.statepath = {tmp_path}/upskit/state\n")
    (ours.root / "u1.dev").write_text(DEV)
    run = ours.start_upskit(procs)
    served("u1", ours.port, "ups.status", "OL CHRG")
    [orphan] = children(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(10)
    assert os.path.exists(f"/proc/{orphan}")
    run = ours.start_upskit(procs)
    served("u1", ours.port, "ups.status", "OL CHRG")
    wait_until(lambda: not os.path.exists(f"/proc/{orphan}"), 10, "the old program to stop")
    assert len(children(run.pid)) == 1
    assert "left over by an earlier run" in ours.log(f"upskit-{ours.port}").read_text()
