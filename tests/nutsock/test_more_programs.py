"""More of Debian's NUT driver programs under upskit: nutdrv_qx on a pty with a
simulated UPS, apcupsd-ups against a fake apcupsd network server; and upskit's Q*
driver under Debian's upsd.  Each compared with the other side serving the same."""

from __future__ import annotations

import contextlib
import os
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.nutreal import UPSCMD, run_tool
from tests.nutsock.nutenv import (
    APCUPSD_UPS,
    NUTDRV_QX,
    NutDir,
    needs_nut,
    served,
    upsc_dict,
)
from tests.support import UPSKIT, Processes, Simulator, wait_until

pytestmark = needs_nut

#: Values sampled from a moving simulation, and the ptys' names: they differ.
SAMPLED = frozenset({"battery.charge", "battery.voltage", "battery.runtime",
                     "driver.parameter.port", "input.voltage", "output.voltage",
                     "input.frequency", "ups.load", "ups.temperature"})


@pytest.fixture
def sims() -> Iterator[tuple[Simulator, Simulator]]:
    pair = (Simulator(), Simulator())
    try:
        yield pair
    finally:
        for sim in pair:
            sim.close()


def compare(a: dict[str, str], b: dict[str, str]) -> None:
    assert set(a) == set(b)
    assert {k: v for k, v in a.items() if k not in SAMPLED} == \
        {k: v for k, v in b.items() if k not in SAMPLED}


@pytest.mark.skipif(NUTDRV_QX is None, reason="Debian's nutdrv_qx is not installed")
def test_nutdrv_qx_under_upskit_equals_debian_upsd(tmp_path: Path, procs: Processes,
                                                   sims: tuple[Simulator, Simulator]) -> None:
    assert NUTDRV_QX is not None
    conf = "[q]\n  driver = nutdrv_qx\n  port = {}\n  protocol = megatec\n  user = root\n" \
           "  pollinterval = 1\n"
    nut = NutDir(tmp_path / "nut", conf.format(sims[0].path))
    procs.start([NUTDRV_QX, "-a", "q", "-u", "root", "-F"], nut.env, nut.log("nutdrv_qx"))
    wait_until(lambda: (nut.state / "nutdrv_qx-q").exists(), 30, "nutdrv_qx's socket")
    nut.start_upsd(procs)
    ours = NutDir(tmp_path / "ours", conf.format(sims[1].path)
                  + f"  upskit.external = yes\n  upskit.statepath = {tmp_path}/ours/state\n")
    ours.start_upskit(procs)
    try:
        for side in (nut, ours):
            served("q", side.port, "ups.status", "OL", 40)
        compare(upsc_dict("q", nut.port), upsc_dict("q", ours.port))
        argv = [UPSCMD or "upscmd", "-u", "admin", "-p", "pw", "-w"]
        for cmd in ("beeper.toggle", "shutdown.stop"):
            theirs = run_tool([*argv, f"q@127.0.0.1:{nut.port}", cmd])
            mine = run_tool([*argv, f"q@127.0.0.1:{ours.port}", cmd])
            assert theirs == mine, cmd
        for sim in sims:
            sim.control("mains off")
        for side in (nut, ours):
            served("q", side.port, "ups.status", word="OB", timeout=20)
    except AssertionError:
        print(nut.logs(), ours.logs())
        raise


def test_upskit_qx_driver_under_debian_upsd_equals_upskit_run(
        tmp_path: Path, procs: Processes, sims: tuple[Simulator, Simulator]) -> None:
    conf = "[q]\n  driver = nutdrv_qx\n  port = {}\n  protocol = megatec\n  pollinterval = 1\n"
    nut = NutDir(tmp_path / "nut", conf.format(sims[0].path))
    procs.start([*UPSKIT, "driver", "-a", "q", "-F"], nut.env, nut.log("upskit-driver"))
    wait_until(lambda: (nut.state / "nutdrv_qx-q").exists(), 30, "the driver's socket")
    nut.start_upsd(procs)
    ours = NutDir(tmp_path / "ours", conf.format(sims[1].path))
    ours.start_upskit(procs)
    try:
        for side in (nut, ours):
            served("q", side.port, "ups.status", "OL", 40)
        compare(upsc_dict("q", nut.port), upsc_dict("q", ours.port))
        sims[0].control("mains off")
        served("q", nut.port, "ups.status", word="OB", timeout=20)
    except AssertionError:
        print(nut.logs(), ours.logs())
        raise


# ------------------------------------------------------------- apcupsd-ups
APCUPSD_STATUS = {
    "APC": "001,036,0878", "HOSTNAME": "fake", "UPSNAME": "lab", "MODEL": "Back-UPS RS 900G",
    "STATUS": "ONLINE", "LINEV": "231.0", "LOADPCT": "12.0", "BCHARGE": "100.0",
    "TIMELEFT": "45.5", "MBATTCHG": "5", "MINTIMEL": "3", "OUTPUTV": "230.0",
    "ITEMP": "29.2", "BATTV": "27.1", "LINEFREQ": "50.0", "SERIALNO": "3B1234X56789",
    "FIRMWARE": "879.L4 .I USB FW:L4", "NOMINV": "230", "NOMBATTV": "24.0",
    "NOMPOWER": "540", "LOTRANS": "176.0", "HITRANS": "282.0", "BATTDATE": "2024-01-01",
}


class _NisHandler(socketserver.BaseRequestHandler):
    """apcupsd's network information server: length-prefixed lines, an empty one last."""

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            size = struct.unpack(">H", self.request.recv(2))[0]
            if self.request.recv(size) != b"status":
                return
            for key, value in APCUPSD_STATUS.items():
                text = f"{key:<9}: {value}\n".encode()
                self.request.sendall(struct.pack(">H", len(text)) + text)
            self.request.sendall(b"\x00\x00")


@contextlib.contextmanager
def fake_apcupsd() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _NisHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(APCUPSD_UPS is None, reason="Debian's apcupsd-ups is not installed")
def test_apcupsd_ups_under_upskit_equals_debian_upsd(tmp_path: Path, procs: Processes) -> None:
    assert APCUPSD_UPS is not None
    with fake_apcupsd() as nis:
        conf = f"[a]\n  driver = apcupsd-ups\n  port = 127.0.0.1:{nis}\n  user = root\n" \
               "  pollinterval = 1\n"
        nut = NutDir(tmp_path / "nut", conf)
        procs.start([APCUPSD_UPS, "-a", "a", "-u", "root", "-F"], nut.env,
                    nut.log("apcupsd-ups"))
        wait_until(lambda: (nut.state / "apcupsd-ups-a").exists(), 30, "the program's socket")
        nut.start_upsd(procs)
        # no upskit.external: upskit has no apcupsd-ups, so NUT's program runs
        ours = NutDir(tmp_path / "ours", conf + f"  upskit.statepath = {tmp_path}/ours/state\n")
        ours.start_upskit(procs)
        try:
            for side in (nut, ours):
                served("a", side.port, "ups.status", "OL", 30)
            theirs, mine = upsc_dict("a", nut.port), upsc_dict("a", ours.port)
            assert mine == theirs
            assert mine["ups.serial"] == "3B1234X56789" and mine["battery.charge"] == "100.0"
            APCUPSD_STATUS["STATUS"] = "ONBATT"
            for side in (nut, ours):
                served("a", side.port, "ups.status", "OB", 20)
        except AssertionError:
            print(nut.logs(), ours.logs())
            raise
        finally:
            APCUPSD_STATUS["STATUS"] = "ONLINE"
    assert os.path.exists(tmp_path / "ours" / "state" / "apcupsd-ups-a")


@pytest.mark.parametrize(("driver", "port"), [
    ("usbhid-ups", "sim://usb/apc-back-ups"),  # a HID Power Device
    ("nutdrv_qx", "sim://usb/ippon-backpro"),  # a Q* UPS behind the Ippon USB bridge
])
def test_upskit_usb_drivers_on_a_simulated_bus_under_debian_upsd(
        tmp_path: Path, procs: Processes, driver: str, port: str) -> None:
    conf = f"[b]\n  driver = {driver}\n  port = {port}\n  pollinterval = 1\n"
    nut = NutDir(tmp_path / "nut", conf)
    procs.start([*UPSKIT, "driver", "-a", "b", "-F"], nut.env, nut.log("upskit-driver"))
    wait_until(lambda: (nut.state / f"{driver}-b").exists(), 30, "the driver's socket")
    nut.start_upsd(procs)
    ours = NutDir(tmp_path / "ours", conf)
    ours.start_upskit(procs)
    try:
        for side in (nut, ours):
            served("b", side.port, "ups.status", word="OL", timeout=40)
        compare(upsc_dict("b", nut.port), upsc_dict("b", ours.port))
    except AssertionError:
        print(nut.logs(), ours.logs())
        raise
