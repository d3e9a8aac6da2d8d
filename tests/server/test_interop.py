"""Real NUT clients against upskit's server: Debian's upsc/upscmd/upsrw, PyNUTClient, aionut."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from tests.nutreal import UPSC, UPSCMD, UPSRW

from .conftest import Served

needs_upsc = pytest.mark.skipif(UPSC is None, reason="upsc not installed")
needs_upscmd = pytest.mark.skipif(UPSCMD is None, reason="upscmd not installed")
needs_upsrw = pytest.mark.skipif(UPSRW is None, reason="upsrw not installed")


async def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, list(argv), capture_output=True, text=True, timeout=20,
    )


@needs_upsc
async def test_upsc_reads_everything(served: Served) -> None:
    target = f"ups1@127.0.0.1:{served.port}"
    result = await run(UPSC or "upsc", target)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = [f"{v.name}: {v.value}" for v in served.device.variables()]
    assert lines == expected
    assert "ups.model: Smart \"Quoted\" \\ UPS" in lines
    single = await run(UPSC or "upsc", target, "battery.charge")
    assert single.stdout.strip() == "100"
    missing = await run(UPSC or "upsc", target, "no.such")
    assert missing.returncode != 0 and "Variable not supported" in missing.stderr
    unknown = await run(UPSC or "upsc", f"nope@127.0.0.1:{served.port}")
    assert unknown.returncode != 0 and "Unknown UPS" in unknown.stderr


@needs_upsc
async def test_upsc_lists_ups_and_clients(served: Served) -> None:
    listing = await run(UPSC or "upsc", "-l", f"127.0.0.1:{served.port}")
    assert listing.stdout.split() == ["ups1", "ups"]
    long = await run(UPSC or "upsc", "-L", f"127.0.0.1:{served.port}")
    assert "ups1: Rack UPS" in long.stdout
    clients = await run(UPSC or "upsc", "-c", f"ups1@127.0.0.1:{served.port}")
    assert clients.returncode == 0 and clients.stdout.strip() == ""


@needs_upsc
async def test_upsc_through_an_alias(served: Served) -> None:
    result = await run(UPSC or "upsc", f"ups@127.0.0.1:{served.port}", "ups.status")
    assert result.stdout.strip() == "OL CHRG"


@needs_upscmd
async def test_upscmd_lists_and_runs(served: Served) -> None:
    target = f"ups1@127.0.0.1:{served.port}"
    listing = await run(UPSCMD or "upscmd", "-l", target)
    assert listing.returncode == 0, listing.stderr
    assert "load.off - Cut power to the load right away" in listing.stdout
    assert "test.battery.start - Run a battery test" in listing.stdout
    ok = await run(UPSCMD or "upscmd", "-u", "admin", "-p", "secret", target, "load.off")
    assert ok.returncode == 0, ok.stderr
    with_param = await run(UPSCMD or "upscmd", "-u", "admin", "-p", "secret", target,
                           "test.battery.start", "30")
    assert with_param.returncode == 0, with_param.stderr
    assert served.recorder.calls[-2:] == [("instcmd", "load.off", None),
                                          ("instcmd", "test.battery.start", "30")]
    denied = await run(UPSCMD or "upscmd", "-u", "reader", "-p", "pw", target, "load.off")
    assert denied.returncode != 0 and "ACCESS-DENIED" in denied.stderr.upper().replace(" ", "-")
    bad_pw = await run(UPSCMD or "upscmd", "-u", "admin", "-p", "nope", target, "load.off")
    assert bad_pw.returncode != 0
    unknown = await run(UPSCMD or "upscmd", "-u", "admin", "-p", "secret", target, "no.such")
    assert unknown.returncode != 0 and "CMD-NOT-SUPPORTED" in unknown.stderr
    assert len(served.recorder.calls) == 2


@needs_upsrw
async def test_upsrw_lists_and_sets(served: Served) -> None:
    target = f"ups1@127.0.0.1:{served.port}"
    listing = await run(UPSRW or "upsrw", target)
    assert listing.returncode == 0, listing.stderr
    out = listing.stdout
    assert "[ups.id]" in out and "Maximum length: 8" in out and "Value: rack-1" in out
    assert '[ups.beeper.status]' in out and 'Option: "disabled"' in out
    assert 'Option: "160-190" SELECTED' in out and 'Option: "200-210"' in out
    ok = await run(UPSRW or "upsrw", "-s", "ups.id=spare", "-u", "admin", "-p", "secret", target)
    assert ok.returncode == 0, ok.stderr
    assert served.recorder.calls == [("setvar", "ups.id", "spare")]
    too_long = await run(UPSRW or "upsrw", "-s", "ups.id=far-too-long-for-it", "-u", "admin",
                         "-p", "secret", target)
    assert too_long.returncode != 0
    denied = await run(UPSRW or "upsrw", "-s", "ups.id=x", "-u", "reader", "-p", "pw", target)
    assert denied.returncode != 0 and "ACCESS-DENIED" in denied.stderr.upper().replace(" ", "-")
    assert len(served.recorder.calls) == 1


async def test_pynutclient(served: Served) -> None:
    pynut = pytest.importorskip("PyNUTClient.PyNUT")
    port = served.port

    def talk() -> dict[str, object]:
        anon = pynut.PyNUTClient(host="127.0.0.1", port=port, timeout=5)
        admin = pynut.PyNUTClient(host="127.0.0.1", port=port, login="admin",
                                  password="secret", timeout=5)
        primary = pynut.PyNUTClient(host="127.0.0.1", port=port, login="monpri",
                                    password="pw", timeout=5)
        return {
            "list": anon.GetUPSList(),
            "vars": anon.GetUPSVars("ups1"),
            "cmds": anon.GetUPSCommands("ups1"),
            "rw": anon.GetRWVars("ups1"),
            "run": admin.RunUPSCommand("ups1", "beeper.toggle"),
            "set": admin.SetRWVar("ups1", "ups.id", "pynut"),
            "login": primary.DeviceLogin("ups1"),
            "clients": anon.ListClients("ups1"),
            "fsd": primary.FSD("ups1"),
            "ver": anon.ver(),
            "help": anon.help(),
        }

    result = await asyncio.to_thread(talk)
    assert result["list"] == {b"ups1": b"Rack UPS", b"ups": b"Rack UPS"}
    assert result["vars"][b"battery.charge"] == b"100"  # type: ignore[index]
    # PyNUTClient 2.8.5 formats the command name as b'...' in GET CMDDESC, so only the
    # names are meaningful here (the real upsd answers it the same way).
    assert set(result["cmds"]) == {b"beeper.toggle", b"load.off", b"test.battery.start"}  # type: ignore[arg-type]
    assert result["rw"] == {b"input.transfer.low": b"180", b"ups.beeper.status": b"enabled",
                            b"ups.id": b"rack-1"}
    assert result["run"] == "OK" and result["set"] == "OK" and result["login"] == "OK"
    assert result["fsd"] == "OK"
    assert served.device.fsd
    assert served.recorder.calls == [("instcmd", "beeper.toggle", None), ("setvar", "ups.id", "pynut")]
    assert result["clients"] == {"ups1": ["127.0.0.1"]} or b"127.0.0.1" in repr(result["clients"]).encode()
    assert result["ver"].startswith(b"Network UPS Tools upsd ")  # type: ignore[union-attr]
    assert b"PROTVER" in result["help"]  # type: ignore[operator]


async def test_aionut(served: Served) -> None:
    aionut = pytest.importorskip("aionut")
    client = aionut.AIONUTClient("127.0.0.1", served.port, "admin", "secret", timeout=5.0)
    try:
        assert await client.list_ups() == {"ups1": "Rack UPS", "ups": "Rack UPS"}
        variables = await client.list_vars("ups")
        assert variables["battery.charge"] == "100"
        assert variables["ups.status"] == "OL CHRG"
        assert await client.description("ups1") == "Rack UPS"
        assert await client.list_commands("ups1") == {"beeper.toggle", "load.off",
                                                       "test.battery.start"}
        await client.run_command("ups1", "test.battery.start", "10")
        assert served.recorder.calls == [("instcmd", "test.battery.start", "10")]
        with pytest.raises(aionut.NUTError):
            await client.run_command("ups1", "no.such")
    finally:
        client.shutdown()


async def test_aionut_bad_login_raises_login_error(served: Served) -> None:
    aionut = pytest.importorskip("aionut")
    client = aionut.AIONUTClient("127.0.0.1", served.port, "admin", "wrong", timeout=5.0)
    try:
        with pytest.raises(aionut.NUTLoginError):
            await client.run_command("ups1", "load.off")
    finally:
        client.shutdown()
    assert served.recorder.calls == []
