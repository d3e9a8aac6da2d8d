"""Number options of sim:// URLs: every simulator family rejects the same bad values
with a message naming the option (speed must be > 0, the others >= 0)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from upskit.sim import contact, ports
from upskit.sim.snmp import serve

Build = Callable[[Mapping[str, str]], object]
BUILDERS: dict[str, tuple[Build, str]] = {
    "serial": (lambda q: ports.build_device("megatec", q), "sim:// option"),
    "contact": (lambda q: contact.build("contact/2", q), "sim:// option"),
    "snmp": (lambda q: serve.build_unit("ietf", "public", q), "sim://snmp option"),
}


@pytest.mark.parametrize("family", sorted(BUILDERS))
@pytest.mark.parametrize(("query", "problem"), [
    ({"speed": "0"}, "speed is out of range"),
    ({"speed": "fast"}, 'speed needs a number, got "fast"'),
    ({"load": "-1"}, "load is out of range"),
    ({"charge": "nan"}, "charge is out of range"),
    ({"load": "inf"}, "load is out of range"),
])
def test_bad_numbers_name_the_option(family: str, query: dict[str, str],
                                     problem: str) -> None:
    build, prefix = BUILDERS[family]
    with pytest.raises(ValueError, match=f"^{prefix} {problem}"):
        build(query)


@pytest.mark.parametrize("family", sorted(BUILDERS))
def test_zero_load_is_allowed(family: str) -> None:
    build, _prefix = BUILDERS[family]
    assert build({"load": "0", "speed": "2"}) is not None
