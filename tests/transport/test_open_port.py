"""open_port hands out a port only when it offers the capability the caller asks for."""

from __future__ import annotations

import pytest

from upskit.transport import HidPort, Port, PortUnavailable, Transport, open_port


def test_a_command_port_is_a_transport_and_not_a_hid_port() -> None:
    port = open_port("sim://megatec", {}, Transport)  # type: ignore[type-abstract]
    assert isinstance(port, Transport)
    assert isinstance(open_port("sim://megatec", {}), Port)
    with pytest.raises(PortUnavailable, match="not a HidPort"):
        open_port("sim://megatec", {}, HidPort)  # type: ignore[type-abstract]
