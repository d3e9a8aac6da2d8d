"""``upskit raw`` through every USB bridge: the Q1 reply arrives intact."""

from __future__ import annotations

import ast
import re

import pytest

from upskit.cli.main import main
from upskit.sim.usb.ports import forget
from upskit.transport.usb.bridges import BRIDGES

Q1_REPLY = re.compile(rb"^\(\d{3}\.\d \d{3}\.\d \d{3}\.\d \d{3} \d\d\.\d \d\d\.\d \d\d\.\d [01]{8}\r$")


@pytest.mark.parametrize("bridge", sorted(BRIDGES))
def test_raw_q1_through_bridge(bridge: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sim://usb/{bridge}?id=raw-{bridge}"
    try:
        assert main(["raw", url, "Q1"]) == 0
    finally:
        forget(f"raw-{bridge}")
    out = capsys.readouterr().out
    match = re.search(r"reply: (b'.*') \(47 bytes\)", out)
    assert match, out
    reply = ast.literal_eval(match.group(1))  # the printed bytes literal
    assert Q1_REPLY.match(reply), reply
