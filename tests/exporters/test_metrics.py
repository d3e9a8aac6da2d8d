"""/metrics: nut_exporter's names and labels, upskit's health metrics, process metrics;
and a real Prometheus scraping it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.exporters.conftest import Served
from tests.support import eventually, free_port
from upskit.config.nutfiles import load_nut_dir
from upskit.runtime import Runtime
from upskit.runtime.exporters import add_exporters

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


async def fetch(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_nut_exporter_names_and_labels(served: Served) -> None:
    status, kind, text = await fetch(served.url + "/metrics")
    assert status == 200 and kind.startswith("text/plain; version=0.0.4")
    found = samples(text)
    assert found[key("network_ups_tools_battery_charge", ups="ups")] == 87
    assert found[key("network_ups_tools_battery_runtime", ups="ups")] == 1800
    assert found[key("network_ups_tools_ups_load", ups="ups")] == 31
    assert found[key("network_ups_tools_input_voltage", ups="ups")] == 229.5
    assert found[key("network_ups_tools_input_transfer_high", ups="ups")] == 264
    assert found[key("network_ups_tools_ups_status", ups="ups", flag="OL")] == 1
    assert found[key("network_ups_tools_ups_status", ups="ups", flag="OB")] == 0
    assert found[key("network_ups_tools_device_info", ups="ups", model="Rack 1500", mfr="ACME",
                     serial="AB123", type="ups", description="", contact="", location="",
                     part="", macaddr="")] == 1
    # a stale UPS: its values are not offered as current, its staleness is
    assert key("network_ups_tools_battery_charge", ups="old") not in found
    assert found[key("upskit_ups_stale", ups="old")] == 1
    assert found[key("upskit_ups_stale", ups="ups")] == 0
    assert found[key("upskit_ups_connected", ups="ups")] == 1
    assert any(name == "process_resident_memory_bytes" for name, _ in found)
    assert any(name.startswith("python_gc_") for name, _ in found)
    # strings that are not numbers are left out
    assert not any("ups_id" in name for name, _ in found)

    served.ups.set_status(["OB", "DISCHRG", "LB"])
    found = samples((await fetch(served.url + "/metrics"))[2])
    assert found[key("network_ups_tools_ups_status", ups="ups", flag="OB")] == 1
    assert found[key("network_ups_tools_ups_status", ups="ups", flag="LB")] == 1
    assert found[key("network_ups_tools_ups_status", ups="ups", flag="OL")] == 0

    # nut_exporter's per-UPS path
    status, _, text = await fetch(served.url + "/ups_metrics?ups=ups")
    assert status == 200
    names = {labels for _, labels in samples(text)}
    assert all(("ups", "ups") in labels for labels in names)
    status, _, text = await fetch(served.url + "/ups_metrics?ups=nope")
    assert status == 404 and json.loads(text)["error"] == "UNKNOWN-UPS"


@pytest.fixture
async def simulated(tmp_path: Path) -> Iterator[tuple[Runtime, int]]:
    port = free_port()
    (tmp_path / "ups.conf").write_text(
        f"[sim]\n  driver = nutdrv_qx\n  port = sim://megatec?id=prom-{id(tmp_path)}\n"
        "  pollinterval = 0.5\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {free_port()}\n")
    (tmp_path / "upskit-http.conf").write_text(
        f"LISTEN 127.0.0.1 {port}\nHISTORY_PATH {tmp_path / 'h.sqlite'}\n")
    runtime = Runtime(load_nut_dir(tmp_path), with_monitor=False)
    add_exporters(runtime)
    await runtime.start()
    try:
        yield runtime, port
    finally:
        await runtime.stop()


async def test_driver_health_comes_from_the_running_driver(
        simulated: tuple[Runtime, int]) -> None:
    _, port = simulated

    async def polled() -> bool:
        found = samples((await fetch(f"http://127.0.0.1:{port}/metrics"))[2])
        return found.get(key("upskit_driver_polls_total", ups="sim", driver="nutdrv_qx"),
                         0) >= 2
    await eventually(polled, 20, "polls counted")
    found = samples((await fetch(f"http://127.0.0.1:{port}/metrics"))[2])
    assert found[key("upskit_driver_reconnects_total", ups="sim", driver="nutdrv_qx")] == 0
    assert found[key("upskit_driver_poll_failures_total", ups="sim", driver="nutdrv_qx")] == 0
    assert 0 < found[key("upskit_driver_poll_seconds", ups="sim", driver="nutdrv_qx")] < 5
    assert found[key("network_ups_tools_battery_charge", ups="sim")] > 0


def _query(port: int, promql: str) -> list[dict[str, object]]:
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as answer:
        body = json.load(answer)
    assert body["status"] == "success", body
    return list(body["data"]["result"])


@pytest.mark.skipif(not os.access(PROMETHEUS, os.X_OK), reason="prometheus is not installed")
async def test_a_real_prometheus_scrapes_the_charge(simulated: tuple[Runtime, int],
                                                    tmp_path: Path) -> None:
    runtime, port = simulated
    prom_port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "scrape_configs:\n  - job_name: upskit\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{port}']\n")
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{prom_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        device = runtime.registry.get("sim")
        assert device is not None
        found: list[dict[str, object]] = []

        async def scraped() -> bool:
            nonlocal found
            try:
                found = await asyncio.to_thread(
                    _query, prom_port, 'network_ups_tools_battery_charge{ups="sim"}')
            except OSError:
                return False
            return bool(found)

        await eventually(scraped, 60, "Prometheus to scrape the charge", interval=0.5)
        value = float(found[0]["value"][1])  # type: ignore[index]
        assert value == float(device.get("battery.charge") or "nan")
        assert found[0]["metric"]["job"] == "upskit"  # type: ignore[index]
        online = await asyncio.to_thread(
            _query, prom_port, 'network_ups_tools_ups_status{ups="sim",flag="OL"}')
        assert float(online[0]["value"][1]) == 1  # type: ignore[index]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


async def test_a_lost_and_regained_port_shows_in_the_health_metrics(
        simulated: tuple[Runtime, int]) -> None:
    from upskit.sim.ports import SimTransport

    runtime, port = simulated
    url = f"http://127.0.0.1:{port}/metrics"
    driver = runtime.supervisor.drivers["sim"]
    labels = {"ups": "sim", "driver": "nutdrv_qx"}

    async def current() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        return samples((await fetch(url))[2])

    async def value(name: str, **extra: str) -> float | None:
        return (await current()).get(key(name, **extra))

    await eventually(lambda: getattr(driver, "transport", None) is not None
                     and runtime.registry.get("sim").connected, 20,  # type: ignore[union-attr]
                     "the driver on line")
    transport = driver.transport  # type: ignore[attr-defined]
    assert isinstance(transport, SimTransport)
    transport.unplugged = True

    async def stale() -> bool:
        return await value("upskit_ups_stale", ups="sim") == 1
    await eventually(stale, 20, "the UPS to go stale")
    found = await current()
    assert key("network_ups_tools_battery_charge", ups="sim") not in found
    transport.unplugged = False

    async def back() -> bool:
        return (await value("upskit_ups_stale", ups="sim") == 0
                and (await value("upskit_driver_reconnects_total", **labels) or 0) >= 1)
    await eventually(back, 30, "the driver to reconnect")
    assert (await value("network_ups_tools_battery_charge", ups="sim") or 0) > 0
