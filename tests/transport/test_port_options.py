"""A port takes only the options its scheme declares, parsed into typed values."""

from __future__ import annotations

import pytest

from upskit.options import BadOption, NoOptions
from upskit.transport import open_transport
from upskit.transport.serial import SerialTransport
from upskit.transport.url import PortScheme, port_options, port_scheme
from upskit.transport.usb import UsbTransport
from upskit.transport.usb.options import UsbOptions


def test_open_transport_takes_the_serial_keys_of_any_mapping() -> None:
    port = open_transport("/dev/ttyUPSKIT-none", {"baud": "4800", "serial_timeout": "2.5",
                                                  "cablepower": "Both", "offdelay": "60"})
    assert isinstance(port, SerialTransport)
    assert (port.baudrate, port.timeout, port.cablepower) == (4800, 2.5, "both")
    default = open_transport("serial:///dev/ttyUPSKIT-none")
    assert isinstance(default, SerialTransport)
    assert (default.baudrate, default.timeout, default.cablepower) == (2400, 1.0, "normal")


@pytest.mark.parametrize(("options", "message"), [
    ({"baudrate": "fast"}, 'option "baudrate" needs a whole number, got "fast"'),
    ({"baudrate": "0"}, 'option "baudrate" needs a value of at least 1, got "0"'),
    ({"serial_timeout": "0"}, 'option "serial_timeout" needs a value of at least 0.01'),
    ({"cablepower": "sideways"}, 'option "cablepower" needs one of normal, reverse, both'),
])
def test_a_bad_serial_value_says_which_form(options: dict[str, str], message: str) -> None:
    with pytest.raises(BadOption) as info:
        open_transport("/dev/ttyUPSKIT-none", options)
    assert str(info.value).startswith(message)


def test_usb_options_come_typed_from_options_and_url() -> None:
    port = UsbTransport("usb://0665:5161?langid_fix=0x4095&drain=no",
                        {"novendor": True, "protocol": "megatec", "vendorid": "ffff"})
    assert port.bridge_options.langid_fix == 0x4095
    assert port.bridge_options.novendor is True and port.bridge_options.drain is False
    assert dict(port.options) == {"novendor": True, "vendorid": "0665", "productid": "5161",
                                  "langid_fix": "0x4095", "drain": "no"}
    with pytest.raises(ValueError, match='option "langid_fix" needs a hex number like 0x409'):
        UsbTransport("auto", {"langid_fix": "zz"})


def test_the_schemes_declare_their_options() -> None:
    assert port_options("/dev/ttyS0").__name__ == "SerialOptions"
    assert port_options("auto") is UsbOptions and port_options("usb://0665") is UsbOptions
    assert port_options("sim://usb/cypress") is UsbOptions
    assert port_options("sim://megatec") is NoOptions
    assert port_options("replay:///tmp/x") is NoOptions  # a bare factory takes none
    assert isinstance(port_scheme("replay://x"), PortScheme)
