"""A contact-closure UPS end to end: ``sim://contact/2`` (APC Back-UPS, 940-0020B cable)
-> genericups -> the NUT server -> the in-process monitor -> the shutdown command, then
``upskit killpower`` raising the cable's shutdown lines (DTR+RTS) for ``sdtime``."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.support import eventually, free_port, has_value, read_text
from upskit.cli.main import main
from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.config.nutfiles import load_nut_dir
from upskit.runtime import Runtime
from upskit.sim.contact import get_or_create


async def test_power_failure_to_killpower_on_a_contact_closure_ups(tmp_path: Path) -> None:
    port = free_port()
    key = f"contact-e2e-{port}"
    url = f"sim://contact/2?id={key}"
    done, flag = tmp_path / "shutdown-ran", tmp_path / "killpower"
    (tmp_path / "ups.conf").write_text(
        f"[ups]\n  driver = genericups\n  port = {url}\n  upstype = 2\n  sdtime = 0.5\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n")
    (tmp_path / "upsmon.conf").write_text(
        f"MONITOR ups@localhost:{port} 1 mon pw primary\n"
        f'SHUTDOWNCMD "touch {done}"\nPOWERDOWNFLAG {flag}\nFINALDELAY 0\n')
    ups = get_or_create(url)
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await eventually(lambda: has_value(client, "ups", "ups.status", "OL"), 20,
                             ignore=(NutError, OSError))
            assert await client.get_var("ups", "ups.mfr") == "APC"
            assert await client.get_var("ups", "driver.name") == "genericups"
            ups.mains(False)
            await eventually(lambda: has_value(client, "ups", "ups.status", "OB"), 10,
                             ignore=(NutError, OSError))
            assert not done.exists()
            started = time.monotonic()
            with ups.physics.lock:
                ups.physics.charge = 0.05
            await eventually(done.exists, 10)
            assert time.monotonic() - started < 8
            assert read_text(flag).strip() == "upsmon-shutdown-file"
    finally:
        await runtime.stop()
    # the driver only ever raised the cable power (RTS), and left it on when stopping
    assert [(e.dtr, e.rts) for e in ups.events if e.kind == "outputs"] == [(False, True)]
    assert ups.physics.output_on

    # late in the system shutdown: killpower sets DTR+RTS and holds them for sdtime
    started = time.monotonic()
    code = await asyncio.to_thread(main, ["killpower", "--nut-config-dir", str(tmp_path)])
    assert code == 0
    assert time.monotonic() - started >= 0.5
    held = ups.held(True, True)
    assert held is not None and held >= 0.5
    assert ups.kinds()[-1] == "shutdown"
    assert not ups.physics.output_on
    ups.mains(True)
    ups.physics.update()
    assert ups.physics.output_on  # the load returns with the mains


def test_real_processes_on_a_simulated_contact_ups(tmp_path: Path) -> None:
    """``upskit run`` and ``upskit killpower`` as processes: the UPS starts on battery with
    a low battery, the monitor shuts down at once, killpower commands the UPS (type 2)
    and refuses the one whose type has no shutdown signal (type 8)."""
    import signal
    import subprocess

    from tests.support import UPSKIT, run_upskit, ups_status, wait_until

    port = free_port()
    done, flag = tmp_path / "shutdown-ran", tmp_path / "killpower"
    (tmp_path / "ups.conf").write_text(
        "[ups]\n  driver = genericups\n  port = sim://contact/2?mains=off&charge=0.05\n"
        "  upstype = 2\n  sdtime = 0.2\n"
        "[nitram]\n  driver = genericups\n  port = sim://contact/8\n  upstype = 8\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n")
    (tmp_path / "upsmon.conf").write_text(
        f"MONITOR ups@localhost:{port} 1 mon pw primary\n"
        f'SHUTDOWNCMD "touch {done}"\nPOWERDOWNFLAG {flag}\nFINALDELAY 0\n')
    run = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", str(tmp_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(done.exists, 30, "the shutdown command")
        assert ups_status(port).split() == ["FSD", "OB", "LB"]
    finally:
        run.send_signal(signal.SIGTERM)
        out, _ = run.communicate(timeout=15)
    assert run.returncode == 0, out.decode(errors="replace")
    assert b"Traceback" not in out
    killpower = run_upskit("killpower", "--nut-config-dir", str(tmp_path))
    text = killpower.stdout + killpower.stderr
    assert killpower.returncode == 1, text
    assert "ups: shutdown commanded" in text
    assert "nitram: FAILED" in text and "no shutdown signal is defined" in text
