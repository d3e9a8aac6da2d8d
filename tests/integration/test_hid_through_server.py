"""A simulated USB HID Power Device end to end: the APC Back-UPS on the simulated
pyusb backend -> the real pyusb HID port -> usbhid-ups -> the NUT server -> Debian's
``upsc``/``upscmd``/``upsrw``; and the in-process monitor shutting the system down when
the UPS says "on battery, battery low" in interrupt reports."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.nutreal import UPSC, UPSCMD, UPSRW
from tests.support import UPSKIT, eventually, free_port, has_value, read_text, wait_until
from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.config.nutfiles import load_nut_dir
from upskit.runtime import Runtime
from upskit.sim.usb.hidups import HidUpsDevice
from upskit.sim.usb.ports import usb_bus


def upsc(target: str) -> dict[str, str]:
    """``upsc``'s listing of ``target`` ({} while it cannot be read)."""
    assert UPSC is not None
    res = subprocess.run([UPSC, target], capture_output=True, text=True, timeout=10)
    if res.returncode != 0:
        return {}
    pairs = (line.split(": ", 1) for line in res.stdout.splitlines() if ": " in line)
    return {key: value for key, value in pairs}


def tool(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=20)


@pytest.mark.skipif(None in (UPSC, UPSCMD, UPSRW), reason="Debian's NUT clients missing")
def test_upskit_run_serves_a_hid_ups_to_nut_clients(tmp_path: Path) -> None:
    port = free_port()
    target = f"backups@127.0.0.1:{port}"
    (tmp_path / "ups.conf").write_text(
        "[backups]\n  driver = usbhid-ups\n  port = sim://usb/apc-back-ups\n"
        "  pollfreq = 2\n  vendorid = 051d\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text(
        "[admin]\n  password = pw\n  actions = SET\n  instcmds = ALL\n")
    run = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", str(tmp_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: upsc(target).get("ups.status") == "OL", 30, "the UPS on line")
        listing = upsc(target)
        assert listing["driver.name"] == "usbhid-ups"
        assert (listing["ups.vendorid"], listing["ups.productid"]) == ("051d", "0002")
        assert listing["ups.mfr"] == "American Power Conversion"
        assert 0 < float(listing["battery.charge"]) <= 100
        assert float(listing["input.voltage"]) > 200
        assert listing["ups.test.result"] == "No test initiated"

        commands = tool(UPSCMD or "upscmd", "-l", target).stdout
        assert "test.battery.start.quick" in commands and "shutdown.return" in commands
        ran = tool(UPSCMD or "upscmd", "-u", "admin", "-p", "pw", target,
                   "test.battery.start.quick")
        assert ran.returncode == 0 and "OK" in ran.stdout + ran.stderr, ran
        wait_until(lambda: upsc(target).get("ups.test.result") != "No test initiated", 20,
                   "the battery test to show")

        settable = tool(UPSRW or "upsrw", target).stdout
        assert "[battery.charge.low]" in settable
        wrote = tool(UPSRW or "upsrw", "-s", "battery.charge.low=25", "-u", "admin",
                     "-p", "pw", target)
        assert wrote.returncode == 0 and "OK" in wrote.stdout + wrote.stderr, wrote
        wait_until(lambda: upsc(target).get("battery.charge.low") == "25", 20,
                   "the new low-battery limit read back from the UPS")
        refused = tool(UPSRW or "upsrw", "-s", "battery.charge.low=lots", "-u", "admin",
                       "-p", "pw", target)
        assert "OK" not in refused.stdout
        # still served; the quick test may still be discharging the battery on line
        assert upsc(target).get("ups.status", "").split()[0] == "OL"
    finally:
        run.send_signal(signal.SIGTERM)
        out, _ = run.communicate(timeout=20)
    assert run.returncode == 0, out.decode(errors="replace")
    assert b"Traceback" not in out


async def test_the_monitor_shuts_down_on_interrupt_reports(tmp_path: Path) -> None:
    port = free_port()
    key = f"hid-monitor-{port}"
    done, flag = tmp_path / "shutdown-ran", tmp_path / "killpower"
    # polls every minute: only the interrupt reports can say "on battery" in time
    (tmp_path / "ups.conf").write_text(
        f"[ups]\n  driver = usbhid-ups\n  port = sim://usb/apc-back-ups?id={key}\n"
        "  pollinterval = 60\n  pollfreq = 60\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n")
    (tmp_path / "upsmon.conf").write_text(
        f"MONITOR ups@localhost:{port} 1 mon pw primary\n"
        f'SHUTDOWNCMD "touch {done}"\nPOWERDOWNFLAG {flag}\nFINALDELAY 0\n')
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await eventually(lambda: has_value(client, "ups", "ups.status", "OL"), 30,
                             ignore=(NutError, OSError))
            device = usb_bus(key).device
            assert isinstance(device, HidUpsDevice)
            started = time.monotonic()
            device.physics.set_mains(False)
            await eventually(lambda: has_value(client, "ups", "ups.status", "OB DISCHRG"),
                             20, ignore=(NutError, OSError))
            assert time.monotonic() - started < 30  # before the next poll
            assert not done.exists()
            with device.physics.lock:
                device.physics.charge = 0.05
            await eventually(done.exists, 20)
            assert time.monotonic() - started < 55
            assert read_text(flag).strip() == "upsmon-shutdown-file"
    finally:
        await runtime.stop()
