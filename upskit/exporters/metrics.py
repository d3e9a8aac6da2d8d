"""Prometheus metrics: nut_exporter's names and labels, driver health, process metrics.

The mapping (also in docs/web.md):

* every variable whose value is a number -> ``network_ups_tools_<name>`` with ``.`` and
  ``-`` replaced by ``_`` (``battery.charge`` -> ``network_ups_tools_battery_charge``),
  label ``ups``;
* ``ups.status`` -> ``network_ups_tools_ups_status{flag="OL"} 1`` for each word set, and
  0 for the usual words that are not (so a dashboard's ``flag="OB"`` series exists);
* the ``device.*`` variables -> labels of ``network_ups_tools_device_info`` (``model``,
  ``mfr``, ``serial``, ``type``, ``description``, ``contact``, ``location``, ``part``,
  ``macaddr``), value 1;
* upskit's own: ``upskit_ups_stale``, ``upskit_ups_connected``,
  ``upskit_ups_data_age_seconds``, ``upskit_driver_reconnects_total``,
  ``upskit_driver_polls_total``, ``upskit_driver_poll_failures_total``,
  ``upskit_driver_poll_seconds``; and prometheus_client's ``process_*`` and
  ``python_*`` metrics.

Variables of a UPS whose data is stale are left out, as upsd answers ``DATA-STALE``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from upskit.exporters.history.store import numeric
from upskit.model import DeviceRegistry

if TYPE_CHECKING:
    from upskit.drivers.base import Driver

NAMESPACE = "network_ups_tools"
DEVICE_LABELS = ("model", "mfr", "serial", "type", "description", "contact", "location",
                 "part", "macaddr")
#: Status words always present in ``network_ups_tools_ups_status`` (0 when not set).
STATUS_FLAGS = ("OL", "OB", "LB", "HB", "RB", "CHRG", "DISCHRG", "BYPASS", "CAL", "OFF",
                "OVER", "TRIM", "BOOST", "FSD")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_BAD_CHARS = re.compile(r"[^a-zA-Z0-9_]")

Drivers = Callable[[], Mapping[str, "Driver"]]


def metric_name(variable: str) -> str:
    """nut_exporter's name for a NUT variable."""
    return f"{NAMESPACE}_{_BAD_CHARS.sub('_', variable)}"


class UpsCollector:
    """Reads the device model (and the drivers' health) at each scrape."""

    def __init__(self, registry: DeviceRegistry, drivers: Drivers | None = None,
                 only: str | None = None) -> None:
        self.registry = registry
        self.drivers = drivers
        self.only = only

    def describe(self) -> list[Metric]:
        return []  # unchecked: the set of variables changes with the devices

    def collect(self) -> Iterator[Metric]:
        status = GaugeMetricFamily(f"{NAMESPACE}_ups_status", "UPS status flags (ups.status)",
                                   labels=["ups", "flag"])
        info = GaugeMetricFamily(f"{NAMESPACE}_device_info", "UPS device information",
                                 labels=["ups", *DEVICE_LABELS])
        variables: dict[str, GaugeMetricFamily] = {}
        stale = GaugeMetricFamily("upskit_ups_stale", "1 while the UPS's data is stale",
                                  labels=["ups"])
        connected = GaugeMetricFamily("upskit_ups_connected", "1 while the driver is attached",
                                      labels=["ups"])
        age = GaugeMetricFamily("upskit_ups_data_age_seconds",
                                "Seconds since the driver last got fresh data", labels=["ups"])
        devices = [d for d in self.registry if self.only in (None, d.name)]
        now = time.monotonic()
        for device in devices:
            ups = device.name
            stale.add_metric([ups], 1.0 if device.stale else 0.0)
            connected.add_metric([ups], 1.0 if device.connected else 0.0)
            if device.last_ok:
                age.add_metric([ups], now - device.last_ok)
            if device.stale:
                continue
            words = device.status_tokens()
            for flag in dict.fromkeys([*words, *STATUS_FLAGS]):
                status.add_metric([ups, flag], 1.0 if flag in words else 0.0)
            labels = {label: "" for label in DEVICE_LABELS}
            for var in device.variables():
                if var.name.startswith("device.") and var.name.count(".") == 1:
                    label = var.name.split(".", 1)[1]
                    if label in labels:
                        labels[label] = var.value
                if var.name == "ups.status":
                    continue
                value = numeric(var.value)
                if value is None:
                    continue
                name = metric_name(var.name)
                family = variables.get(name)
                if family is None:
                    family = variables[name] = GaugeMetricFamily(name, var.name, labels=["ups"])
                family.add_metric([ups], value)
            info.add_metric([ups, *labels.values()], 1.0)
        yield status
        yield info
        yield from variables.values()
        yield stale
        yield connected
        yield age
        yield from self._health(devices_names={d.name for d in devices})

    def _health(self, devices_names: set[str]) -> Iterator[Metric]:
        if self.drivers is None:
            return
        reconnects = CounterMetricFamily("upskit_driver_reconnects",
                                         "Times the driver had to open its port again",
                                         labels=["ups", "driver"])
        polls = CounterMetricFamily("upskit_driver_polls", "Polls done", labels=["ups", "driver"])
        failures = CounterMetricFamily("upskit_driver_poll_failures", "Polls that failed",
                                       labels=["ups", "driver"])
        poll_time = GaugeMetricFamily("upskit_driver_poll_seconds",
                                      "How long the last poll took", labels=["ups", "driver"])
        for ups, driver in self.drivers().items():
            if ups not in devices_names:
                continue
            labels = [ups, driver.config_name]
            reconnects.add_metric(labels, float(max(0, driver.connects - 1)))
            polls.add_metric(labels, float(driver.polls_done))
            failures.add_metric(labels, float(driver.poll_failures))
            if driver.last_poll_seconds is not None:
                poll_time.add_metric(labels, driver.last_poll_seconds)
        yield from (reconnects, polls, failures, poll_time)


class Metrics:
    """The process's metrics registry: the UPS collector plus process, platform and
    garbage-collector metrics."""

    def __init__(self, registry: DeviceRegistry, drivers: Drivers | None = None) -> None:
        self.devices = registry
        self.drivers = drivers
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(UpsCollector(registry, drivers))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def render(self, only: str | None = None) -> bytes:
        """The text exposition format; with ``only``, that UPS's metrics alone (as
        nut_exporter's ``/ups_metrics?ups=NAME``)."""
        if only is None:
            return generate_latest(self.registry)
        single = CollectorRegistry(auto_describe=False)
        single.register(UpsCollector(self.devices, self.drivers, only))
        return generate_latest(single)
