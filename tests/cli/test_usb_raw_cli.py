"""``upskit raw`` through every USB bridge: the Q1 reply arrives intact."""

from __future__ import annotations

import ast
import re

import pytest

from upskit.cli.main import main
from upskit.transport.usb.bridges import BRIDGES

Q1_REPLY = re.compile(rb"^\(\d{3}\.\d \d{3}\.\d \d{3}\.\d \d{3} \d\d\.\d \d\d\.\d \d\d\.\d [01]{8}\r$")


@pytest.mark.parametrize("bridge", sorted(BRIDGES))
def test_raw_q1_through_bridge(bridge: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["raw", f"sim://usb/{bridge}?id=raw-{bridge}", "Q1"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"reply: (b'.*') \(47 bytes\)", out)
    assert match, out
    reply = ast.literal_eval(match.group(1))  # the printed bytes literal
    assert Q1_REPLY.match(reply), reply
