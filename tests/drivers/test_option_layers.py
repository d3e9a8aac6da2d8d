"""ups.conf options are split once, at build time: each layer receives only its own keys.

The port's factory gets the keys its scheme declares (typed), the driver the common
ones and its own; ``driver.parameter.*`` still shows every option as written, as NUT.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError
from upskit.drivers.base import Driver
from upskit.drivers.build import build_driver
from upskit.drivers.options import CommonOptions
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.qx.engine import Context
from upskit.drivers.registry import DRIVERS, register_driver
from upskit.model import Device
from upskit.options import NoOptions, Option, OptionSet, whole
from upskit.sim.ports import SimTransport
from upskit.sim.ports import forget as forget_sim
from upskit.transport import Transport
from upskit.transport import serial as serial_port
from upskit.transport.options import SerialOptions
from upskit.transport.url import PORT_SCHEMES, PortScheme, register_scheme
from upskit.transport.usb.options import UsbOptions

#: What each recording port factory received: (scheme, option set class, options).
RECEIVED: list[tuple[str, str, dict[str, str | bool]]] = []
PARSES: list[str] = []


def counted_level(value: str) -> int:
    PARSES.append(value)
    return whole(0, 9)(value)


class RecOptions(OptionSet):
    """The one option of the ``rec://`` test scheme."""

    level = Option(counted_level, 3)


class BaudOptions(CommonOptions):
    """A driver that reads the line speed itself."""

    baudrate = Option(whole(1), None)


class PlainDriver(Driver):
    """Declares no option of its own."""

    name = "test-plain"

    async def initialise(self) -> None:
        pass

    async def poll(self) -> None:
        pass


class BaudDriver(PlainDriver):
    """Declares ``baudrate`` as its own option."""

    name = "test-baud"
    option_set = BaudOptions


def _recording(scheme: str, make: Any) -> Any:
    def factory(url: str, options: Mapping[str, str | bool]) -> Transport:
        RECEIVED.append((scheme, type(options).__name__, dict(options)))
        port: Transport = make(url, options)
        return port

    return factory


def _sim_line(url: str, options: Mapping[str, str | bool]) -> Transport:
    return SimTransport(url, object())  # type: ignore[arg-type]  # never opened


@pytest.fixture(autouse=True)
def schemes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Recording serial, ``rec://`` (declares RecOptions) and ``plain://`` (a bare
    factory) schemes, and the test drivers; all undone after the test."""
    for registry in (PORT_SCHEMES, DRIVERS):
        monkeypatch.setattr(registry, "_entries", dict(registry._entries))
        monkeypatch.setattr(registry, "_loaded", dict(registry._loaded))
    register_scheme("serial", PortScheme(
        _recording("serial", serial_port.make_transport), SerialOptions))
    register_scheme("rec", PortScheme(_recording("rec", _sim_line), RecOptions))
    register_scheme("plain", _recording("plain", _sim_line))
    register_driver("test-plain", PlainDriver)
    register_driver("test-baud", BaudDriver)
    RECEIVED.clear()
    PARSES.clear()


def build(tmp_path: Path, driver: str, body: str) -> Driver:
    (tmp_path / "ups.conf").write_text(f"[u]\n  driver = {driver}\n{body}")
    settings = load_nut_dir(tmp_path)
    return build_driver(settings, settings.ups.ups["u"], Device("u"))


SERIAL_UPS = ("  port = /dev/ttyUPSKIT-none\n  baudrate = 9600\n  cablepower = reverse\n"
              "  offdelay = 60\n  protocol = megatec\n  vendorid = 0665\n  pollfreq = 5\n")


def test_a_serial_port_never_sees_driver_keys(tmp_path: Path) -> None:
    drv = build(tmp_path, "nutdrv_qx", SERIAL_UPS)
    port = drv.open_port()
    assert RECEIVED == [("serial", "SerialOptions", {"baudrate": "9600",
                                                     "cablepower": "reverse"})]
    assert isinstance(port, serial_port.SerialTransport)
    assert (port.baudrate, port.cablepower) == (9600, "reverse")


def test_the_qx_driver_never_sees_port_keys_but_publishes_them(tmp_path: Path) -> None:
    drv = build(tmp_path, "nutdrv_qx", SERIAL_UPS)
    assert isinstance(drv, QxDriver)
    for key in ("baudrate", "cablepower", "vendorid"):
        assert key not in drv.options
        assert drv.option(key) is None
        assert Context(drv.device, drv.options).option(key) is None  # what dialects read
    assert drv.options.offdelay == 60.0 and drv.options.protocol == "megatec"
    assert drv.pollfreq == 5.0
    assert isinstance(drv.port_options, SerialOptions) and drv.port_options.speed == 9600
    published = drv.device.snapshot()
    assert published["driver.parameter.baudrate"] == "9600"
    assert published["driver.parameter.offdelay"] == "60"


def test_a_driver_that_declares_a_port_key_sees_it_too(tmp_path: Path) -> None:
    drv = build(tmp_path, "test-baud", "  port = /dev/ttyUPSKIT-none\n  baudrate = 4800\n")
    assert isinstance(drv.options, BaudOptions) and drv.options.baudrate == 4800
    drv.open_port()
    assert RECEIVED == [("serial", "SerialOptions", {"baudrate": "4800"})]


def test_a_scheme_declares_its_own_keys_parsed_once(tmp_path: Path) -> None:
    drv = build(tmp_path, "test-plain", "  port = rec://one\n  level = 7\n  pollinterval = 2\n")
    assert "level" not in drv.options and drv.options.pollinterval == 2.0
    drv.open_port()
    drv.open_port()
    assert RECEIVED == [("rec", "RecOptions", {"level": "7"})] * 2
    assert isinstance(drv.port_options, RecOptions) and drv.port_options.level == 7
    assert PARSES == ["7"]


def test_a_bad_port_value_names_file_line_and_form(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        build(tmp_path, "test-plain", "  port = rec://one\n  pollinterval = 2\n  level = 12\n")
    assert str(info.value) == (f'{tmp_path / "ups.conf"}:5: [u]: option "level" needs a '
                               'value from 0 to 9, got "12"')


def test_a_scheme_without_a_spec_gets_no_keys(tmp_path: Path) -> None:
    drv = build(tmp_path, "test-plain", "  port = plain://one\n  pollinterval = 2\n")
    drv.open_port()
    assert RECEIVED == [("plain", "NoOptions", {})]
    assert isinstance(drv.port_options, NoOptions)
    with pytest.raises(ConfigError) as info:
        build(tmp_path, "test-plain", "  port = plain://one\n  baudrate = 9600\n")
    assert str(info.value).startswith(f'{tmp_path / "ups.conf"}:4: [u]: unknown option '
                                      '"baudrate" for driver test-plain')


def test_port_keys_of_another_scheme_are_refused_unless_the_driver_takes_them(
        tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='unknown option "level" for driver nutdrv_qx'):
        build(tmp_path, "nutdrv_qx", "  port = /dev/ttyUPSKIT-none\n  level = 1\n")
    drv = build(tmp_path, "nutdrv_qx", "  port = sim://megatec?id=layers\n  baudrate = 9600\n"
                                       "  langid_fix = 0x409\n")
    try:
        assert isinstance(drv.port_options, NoOptions)  # a simulated line takes none
        assert "baudrate" not in drv.options and "langid_fix" not in drv.options
    finally:
        forget_sim("layers")


def test_a_simulated_usb_port_gets_the_usb_keys_typed(tmp_path: Path) -> None:
    drv = build(tmp_path, "nutdrv_qx", "  port = sim://usb/cypress?id=layers-usb\n"
                                       "  langid_fix = 0x409\n  offdelay = 30\n"
                                       "  baudrate = 2400\n  novendor\n")
    assert isinstance(drv.port_options, UsbOptions)
    assert dict(drv.port_options) == {"langid_fix": "0x409", "novendor": True}
    assert drv.port_options.langid_fix == 0x409 and drv.port_options.novendor is True
    assert drv.flag("novendor") and "langid_fix" not in drv.options  # both declare novendor


def test_a_driver_built_directly_warns_and_keeps_defaults(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        drv = QxDriver(Device("d"), {"port": "sim://megatec?id=direct", "pollfreq": "often",
                                     "baudrate": "9600"})
    assert drv.pollfreq == 30.0
    assert 'option "pollfreq" needs a number of seconds, got "often"' in caplog.text
    assert "baudrate" not in drv.options and drv.parameters["baudrate"] == "9600"
