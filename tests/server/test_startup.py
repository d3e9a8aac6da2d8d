"""Starting the server: no UPS defined, descriptor limits, the order of LIST UPS."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.support import free_port, run_upskit
from upskit.config.settings import UpsdSettings
from upskit.config.upsd_conf import allow_no_device
from upskit.model import Device, DeviceRegistry
from upskit.server import server as server_module
from upskit.server.limits import DescriptorBudget
from upskit.server.server import NoDeviceError

from .conftest import LineClient, make_device, start_server

REPO = Path(__file__).resolve().parents[2]


async def test_no_ups_is_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOW_NO_DEVICE", raising=False)
    with pytest.raises(NoDeviceError, match=r"at least one UPS must be defined in ups\.conf"):
        await start_server(DeviceRegistry())
    server = await start_server(DeviceRegistry(), allow_no_device=True)
    try:
        client = await LineClient.connect(server.ports[0][1])
        assert await client.ask("LIST UPS") == "BEGIN LIST UPS\nEND LIST UPS"
        await client.close()
    finally:
        await server.stop()


@pytest.mark.parametrize(("value", "in_file", "expected"), [
    (None, False, False), (None, True, True),
    ("yes", False, True), ("TRUE", False, True), ("on", False, True), ("1", False, True),
    ("no", True, False), ("False", True, False), ("off", True, False), ("0", True, False),
    ("maybe", True, True), ("maybe", False, False), ("", True, True),
])
def test_allow_no_device_from_the_environment_wins_when_it_says_yes_or_no(
        value: str | None, in_file: bool, expected: bool) -> None:
    environ = {} if value is None else {"ALLOW_NO_DEVICE": value}
    assert allow_no_device(UpsdSettings(allow_no_device=in_file), environ) is expected


def test_upskit_run_without_a_ups_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "ups.conf").write_text("# nothing yet\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {free_port()}\n")
    (tmp_path / "upsd.users").write_text("")
    env = {k: v for k, v in os.environ.items() if k != "ALLOW_NO_DEVICE"}
    proc = run_upskit("run", "--nut-config-dir", str(tmp_path), "--no-monitor",
                      "--control-socket", str(tmp_path / "ctl.sock"), env=env, cwd=REPO)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("upskit: at least one UPS must be defined")


async def test_maxconn_is_lowered_to_what_the_descriptors_allow(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    budget = DescriptorBudget(limit=100, in_use=20)
    assert budget.connections == 100 - 20 - 12
    monkeypatch.setattr(server_module, "descriptor_budget", lambda: budget)
    registry = DeviceRegistry()
    registry.add(make_device())
    with caplog.at_level(logging.WARNING, logger="upskit.server"):
        server = await start_server(registry, maxconn=1024)
    try:
        assert server.maxconn == budget.connections
        assert "MAXCONN 1024 does not fit in the open files limit of 100" in caplog.text
        fits = UpsdSettings(listen=server.settings.listen, maxconn=10)
        server.reload(fits, {})
        assert server.maxconn == 10
    finally:
        await server.stop()


def test_descriptor_budget_keeps_a_reserve_and_at_least_one_connection() -> None:
    assert DescriptorBudget(limit=1024, in_use=20).connections == 1024 - 20 - 64
    assert DescriptorBudget(limit=65536, in_use=30).connections == 65536 - 30 - 64
    assert DescriptorBudget(limit=16, in_use=15).connections == 1


async def test_list_ups_keeps_the_configuration_order() -> None:
    registry = DeviceRegistry()
    for name in ("zeta", "alpha", "mid"):
        device = Device(name, desc=f"{name} UPS")
        device.set_connected(True)
        device.data_ok()
        registry.add(device, aliases=[f"{name}-b", f"{name}-a"] if name == "zeta" else [])
    server = await start_server(registry)
    try:
        client = await LineClient.connect(server.ports[0][1])
        assert await client.ask("LIST UPS") == (
            'BEGIN LIST UPS\nUPS zeta "zeta UPS"\nUPS alpha "alpha UPS"\nUPS mid "mid UPS"\n'
            'UPS zeta-a "zeta UPS"\nUPS zeta-b "zeta UPS"\nEND LIST UPS')
        await client.close()
    finally:
        await server.stop()
