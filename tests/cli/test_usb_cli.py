"""``upskit udev-rules`` and ``upskit scan`` against the device table and a simulated bus."""

from __future__ import annotations

import re
import time

import pytest

from upskit.cli.main import main
from upskit.drivers.hid.claims import usb_ids as hid_usb_ids
from upskit.sim.usb import simulated_bus
from upskit.transport.usb import set_default_backend
from upskit.transport.usb.bridges.table import QX_USB_TABLE


def test_udev_rules_cover_exactly_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["udev-rules", "--group", "ups"]) == 0
    text = capsys.readouterr().out
    ids = set(re.findall(r'ATTR\{idVendor\}=="([0-9a-f]{4})", ATTR\{idProduct\}=="([0-9a-f]{4})", '
                         r'MODE="0664", GROUP="ups"', text))
    expected = {(f"{e.vendorid:04x}", f"{e.productid:04x}") for e in QX_USB_TABLE if e.bridge}
    expected |= {(f"{vid:04x}", f"{pid:04x}") for vid, pid, _ in hid_usb_ids()}
    assert ids == expected
    assert ("1a86", "7523") not in ids  # plain serial chip: the kernel's tty driver owns it
    assert text.count("ATTR{idVendor}") == len(expected)  # no duplicates


def test_hidraw_rules_cover_exactly_the_hid_claims(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["udev-rules", "--group", "ups", "--mode", "0660"]) == 0
    text = capsys.readouterr().out
    usb, _, hid = text.partition('LABEL="upskit_usbups_end"\n')
    assert "hidraw" not in usb  # the USB rules come first, unchanged
    assert 'SUBSYSTEM!="hidraw", GOTO="upskit_hidraw_end"' in hid
    assert hid.rstrip().endswith('LABEL="upskit_hidraw_end"')
    ids = re.findall(r'SUBSYSTEM=="hidraw", ATTRS\{idVendor\}=="([0-9a-f]{4})", '
                     r'ATTRS\{idProduct\}=="([0-9a-f]{4})", MODE="0660", GROUP="ups"\n', hid)
    expected = {(f"{vid:04x}", f"{pid:04x}") for vid, pid, _ in hid_usb_ids()}
    assert set(ids) == expected and len(ids) == len(expected)
    assert ("0665", "5161") not in set(ids)  # a Q* USB-to-serial bridge has no hidraw node


def test_hwdb_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["udev-rules", "--hwdb"]) == 0
    text = capsys.readouterr().out
    assert "usb:v0665p5161*\n ID_UPSKIT_UPS=1" in text
    assert "usb:v0925p1234*" in text


def test_scan_finds_several_simulated_devices(capsys: pytest.CaptureFixture[str]) -> None:
    bus = simulated_bus("cypress", "ippon-backpro", "vultech-v2000", "energizer-er-hm450",
                        "krauler")
    set_default_backend(bus.backend)
    started = time.monotonic()
    try:
        assert main(["scan", "--no-serial"]) == 0
    finally:
        set_default_backend(None)
    assert time.monotonic() - started < 5
    out = capsys.readouterr().out
    for bridge in ("cypress", "ippon", "armac", "energizer", "krauler"):
        assert f"bridge {bridge}, protocol " in out
        assert f"subdriver = {bridge}" in out
        assert f'subdriver = "{bridge}"' in out
    assert out.count("driver = nutdrv_qx") == 5
    assert "[ups.ups5]" in out and "vendorid = 0925" in out


def test_scan_reports_unknown_product_of_known_vendor(capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    from upskit.sim.usb.catalog import build
    from upskit.sim.usb.serial_chips import CypressDevice
    bus = simulated_bus()
    bus.backend.add(CypressDevice(replace(build("cypress").spec, productid=0x7777), None))
    set_default_backend(bus.backend)
    try:
        main(["scan", "--no-serial"])
    finally:
        set_default_backend(None)
    assert "try subdriver=" in capsys.readouterr().out


def _scan_output(serials: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    from dataclasses import replace

    from upskit.sim.usb.catalog import build
    from upskit.sim.usb.responder import FixedMegatec
    from upskit.sim.usb.serial_chips import CypressDevice
    bus = simulated_bus()
    for serial in serials:
        bus.backend.add(CypressDevice(replace(build("cypress").spec, serial=serial),
                                      FixedMegatec()))
    set_default_backend(bus.backend)
    try:
        assert main(["scan", "--no-serial"]) == 0
    finally:
        set_default_backend(None)
    return capsys.readouterr().out


def test_scan_writes_odd_serial_numbers_that_read_back(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    from upskit.config.parser import tokenize
    from upskit.config.ups_conf import parse_ups_conf

    serial = 'AB "12" #3\\x'
    out = _scan_output([serial, "line\nbreak"], capsys)
    conf_text = out.split("# ups.conf\n", 1)[1].split("# upskit.toml\n", 1)[0]
    toml_text = out.split("# upskit.toml\n", 1)[1]
    conf = parse_ups_conf(list(tokenize(conf_text, "ups.conf")), "ups.conf")
    pattern = conf.ups["ups1"].options["serial"]
    assert isinstance(pattern, str) and re.fullmatch(pattern, serial)  # NUT reads a regex
    assert tomllib.loads(toml_text)["ups"]["ups1"]["serial"] == pattern
    assert "serial" not in conf.ups["ups2"].options  # a line break cannot be written
    assert "serial number unprintable: left out" in out
