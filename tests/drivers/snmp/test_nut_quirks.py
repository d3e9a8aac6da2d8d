"""snmp-ups behaviours NUT users rely on: ``symmetrathreephase`` (line-to-neutral
transfer voltages on three-phase Symmetras) and killpower's order of commands."""

from __future__ import annotations

from tests.drivers.snmp.pdu_support import started
from upskit.drivers.snmp.driver import SHUTDOWN_ORDER, SnmpDriver
from upskit.model import CmdResult
from upskit.sim.snmp.serve import start_agent


async def test_symmetrathreephase_gives_line_to_neutral_transfer_voltages() -> None:
    agent = await start_agent("apcc", {"community": "sym"})
    try:
        plain = await started(agent.port, "sym", mibs="apcc")
        await plain.poll()
        quirk = await started(agent.port, "sym", mibs="apcc", symmetrathreephase="yes")
        await quirk.poll()
        for name in ("input.transfer.low", "input.transfer.high"):
            line_to_line = float(plain.device.get(name) or "nan")
            assert quirk.device.get(name) == f"{line_to_line * 0.707:.2f}"
        assert quirk.device.get("input.voltage") == plain.device.get("input.voltage")
        for drv in (plain, quirk):
            await drv.close()
    finally:
        agent.close()


async def test_killpower_tries_nut_s_commands_in_nut_s_order() -> None:
    agent = await start_agent("ietf", {"community": "kp"})
    try:
        drv = await started(agent.port, "kp", mibs="ietf")
        tried: list[str] = []
        real = SnmpDriver.instcmd

        async def refuse_return(name: str, param: str | None) -> CmdResult:
            tried.append(name)
            if name == "shutdown.return":
                return CmdResult.FAILED
            return await real(drv, name, param)

        drv.instcmd = refuse_return  # type: ignore[method-assign]
        assert await drv.shutdown() is CmdResult.HANDLED
        assert tried == ["shutdown.return", "shutdown.reboot"]
        assert SHUTDOWN_ORDER == ("shutdown.return", "shutdown.reboot", "load.off.delay",
                                  "shutdown.stayoff")
        await drv.close()
    finally:
        agent.close()
