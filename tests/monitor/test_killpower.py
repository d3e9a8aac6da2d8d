"""killpower: the power-down flag and the per-UPS shutdown in sdorder order."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from upskit.cli import killpower as cli
from upskit.config.settings import UpsSettings
from upskit.drivers.base import Driver
from upskit.drivers.registry import register_driver
from upskit.model import CmdResult
from upskit.monitor.killpower import kill_power, shutdown_order
from upskit.monitor.shutdown import powerdown_flag_set, write_powerdown_flag

CALLS: list[str] = []
#: UPS name -> the options its driver saw.
SEEN: dict[str, dict[str, str | bool]] = {}


class RecordingDriver(Driver):
    """Records open/initialise/shutdown; fails when the port says so."""

    name = "recording"

    async def open(self) -> None:
        CALLS.append(f"open {self.device.name} {self.option('port')}")
        SEEN[self.device.name] = dict(self.options)

    async def initialise(self) -> None:
        if self.option("port") == "broken":
            raise OSError("no such device")

    async def poll(self) -> None:
        pass

    async def shutdown(self) -> CmdResult:
        CALLS.append(f"shutdown {self.device.name}")
        return CmdResult.HANDLED


@pytest.fixture(autouse=True)
def _recording_driver() -> None:
    """The driver name ``test-recording``; the root conftest drops it after each test."""
    register_driver("test-recording", f"{__name__}:RecordingDriver")


def ups(name: str, sdorder: int, port: str = "p") -> UpsSettings:
    return UpsSettings(name, "test-recording", port, options={"port": port}, sdorder=sdorder)


def test_flag_file(tmp_path: Path) -> None:
    flag = tmp_path / "killpower"
    assert not powerdown_flag_set(flag)
    assert write_powerdown_flag(flag)
    assert powerdown_flag_set(flag)
    flag.write_text("something else\n")
    assert not powerdown_flag_set(flag)
    assert not powerdown_flag_set(None)


def test_order_skips_negative_sdorder() -> None:
    order = shutdown_order([ups("a", 1), ups("b", 0), ups("never", -1), ups("c", 1)])
    assert [u.name for u in order] == ["b", "a", "c"]


async def test_kill_power_in_order_and_reports_failures() -> None:
    CALLS.clear()
    results = await kill_power([ups("second", 2), ups("first", 0), ups("bad", 1, "broken")])
    assert CALLS == ["open first p", "shutdown first", "open bad broken", "open second p",
                     "shutdown second"]
    assert results == {"first": CmdResult.HANDLED, "bad": CmdResult.FAILED,
                       "second": CmdResult.HANDLED}


@pytest.mark.parametrize("flag_set,force,expect_calls", [
    (False, False, False), (True, False, True), (False, True, True)])
def test_cli_acts_only_with_flag_or_force(tmp_path: Path, flag_set: bool, force: bool,
                                          expect_calls: bool) -> None:
    flag = tmp_path / "killpower"
    (tmp_path / "ups.conf").write_text("[one]\n driver = test-recording\n port = x\n")
    (tmp_path / "upsmon.conf").write_text(f"POWERDOWNFLAG {flag}\n")
    if flag_set:
        write_powerdown_flag(flag)
    CALLS.clear()
    args = argparse.Namespace(nut_config_dir=str(tmp_path), config=None, flag=None,
                              check=False, force=force)
    assert cli.run(args) == 0
    assert (CALLS == ["open one x", "shutdown one"]) is expect_calls
    check = argparse.Namespace(**{**vars(args), "check": True})
    assert cli.run(check) == (0 if flag_set else 1)


def test_cli_builds_drivers_as_upskit_run_does(tmp_path: Path) -> None:
    # the globals a driver inherits and the configuration directory reach the driver
    (tmp_path / "ups.conf").write_text(
        "pollinterval = 7\nmaxretry = 3\n[one]\n driver = test-recording\n port = x\n")
    SEEN.clear()
    args = argparse.Namespace(nut_config_dir=str(tmp_path), config=None, flag=None,
                              check=False, force=True)
    assert cli.run(args) == 0
    seen = SEEN["one"]
    assert seen["pollinterval"] == "7" and "maxretry" not in seen
    assert Path(str(seen["_confdir"])).resolve() == tmp_path.resolve()


async def test_an_unknown_driver_is_reported_and_the_others_go_on() -> None:
    CALLS.clear()
    results = await kill_power([UpsSettings("odd", "no-such-driver", "p", sdorder=0),
                                ups("fine", 1)])
    assert results == {"odd": CmdResult.UNKNOWN, "fine": CmdResult.HANDLED}
    assert CALLS == ["open fine p", "shutdown fine"]
