"""An SNMP UPS end to end: a simulated RFC 1628 card -> snmp-ups -> the NUT server ->
the in-process monitor -> the shutdown command, then ``upskit killpower`` (its own
event loop, as late in a system shutdown) putting the card's shutdown-after-delay SET
on the wire, and the card cutting the load after the delay."""

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
from upskit.sim.snmp.serve import start_agent

SHUTDOWN_AFTER_DELAY = "1.3.6.1.2.1.33.1.8.2.0"


async def test_power_failure_to_killpower_on_an_snmp_card(tmp_path: Path) -> None:
    agent = await start_agent("ietf", {"community": "e2e"})
    card = agent.units[0]
    port = free_port()
    done, flag = tmp_path / "shutdown-ran", tmp_path / "killpower"
    (tmp_path / "ups.conf").write_text(
        f"[rack]\n  driver = snmp-ups\n  port = 127.0.0.1:{agent.port}\n"
        "  community = e2e\n  snmp_version = v2c\n  mibs = auto\n  pollinterval = 0.5\n"
        "  default.ups.delay.shutdown = 2\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n")
    (tmp_path / "upsmon.conf").write_text(
        f"MONITOR rack@localhost:{port} 1 mon pw primary\n"
        f'SHUTDOWNCMD "touch {done}"\nPOWERDOWNFLAG {flag}\nFINALDELAY 0\n')
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await eventually(lambda: has_value(client, "rack", "ups.status", "OL"), 30,
                             ignore=(NutError, OSError))
            assert await client.get_var("rack", "driver.name") == "snmp-ups"
            assert (await client.get_var("rack", "driver.version.data")).startswith("ietf")
            card.physics.set_mains(False)

            async def on_battery() -> bool:
                return "OB" in (await client.get_var("rack", "ups.status")).split()

            await eventually(on_battery, 30, ignore=(NutError, OSError))
            assert not done.exists()
            started = time.monotonic()
            with card.physics.lock:
                card.physics.charge = 0.05
            await eventually(done.exists, 30)
            assert time.monotonic() - started < 25  # polls every 0.5 s, FINALDELAY 0
            assert read_text(flag).strip() == "upsmon-shutdown-file"
    finally:
        await runtime.stop()
    assert card.physics.output_on
    # late in the system shutdown, in a process of its own: killpower asks the card to
    # cut the load after the delay and return with the mains
    code = await asyncio.to_thread(main, ["killpower", "--nut-config-dir", str(tmp_path)])
    assert code == 0
    assert any(oid == SHUTDOWN_AFTER_DELAY for oid, _value in card.sets), list(card.sets)

    def load_cut() -> bool:
        with card.physics.lock:
            card.refresh()  # the card's own clock: nobody polls it any more
            return not card.physics.output_on

    await eventually(load_cut, 30)
    agent.close()
