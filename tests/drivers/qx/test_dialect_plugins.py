"""Q* dialects as plugins: ``protocol=`` names come from one registry that an installed
package can extend through the entry-point group ``upskit.dialects``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drivers.qx.util import running
from tests.support import install_fake_distribution
from upskit.config.values import BadValue
from upskit.drivers.qx import dialect as dialect_module
from upskit.drivers.qx.detect import detect
from upskit.drivers.qx.dialect import DIALECTS, PROBE_ORDER, dialects, load_dialect
from upskit.drivers.qx.options import protocol
from upskit.model import Device
from upskit.plugins import PluginUnavailable, UnknownPlugin
from upskit.sim.ports import make_transport

#: A third party's dialect: Megatec's Q1 status and nothing else, under its own name.
ACME_SOURCE = '''
    from upskit.drivers.qx.dialect import Claim, Dialect
    from upskit.drivers.qx.protocols import megatec

    DIALECT = Dialect(
        name="acme",
        version="1.0",
        title="Acme",
        position=30,
        items=megatec.status_rows("Q1"),
        claim=Claim(("input.voltage",)),
        accepted="ACK",
    )
    NOT_A_DIALECT = 42
'''

BROKEN_SOURCE = "raise RuntimeError('this plugin is broken')\n"


def _forget_plugins() -> None:
    dialect_module._reported.clear()
    for module in ("acme_dialect", "broken_dialect"):
        sys.modules.pop(module, None)


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The package ``acme_dialect`` installed, declaring dialects in ``upskit.dialects``."""
    install_fake_distribution(tmp_path, "acme_dialect", ACME_SOURCE, {"upskit.dialects": {
        "acme": "acme_dialect", "wrong-name": "acme_dialect:DIALECT",
        "number": "acme_dialect:NOT_A_DIALECT"}})
    broken = tmp_path / "broken"
    broken.mkdir()
    install_fake_distribution(broken, "broken_dialect", BROKEN_SOURCE,
                              {"upskit.dialects": {"broken": "broken_dialect:DIALECT"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(broken))
    _forget_plugins()
    yield
    _forget_plugins()


def test_builtin_dialects_load_lazily_in_probe_order() -> None:
    assert set(PROBE_ORDER) <= set(DIALECTS.names())
    assert load_dialect("MEGATEC/OLD").name == "megatec/old"
    assert load_dialect("voltronic-qs").name == "voltronic-qs"
    assert [d.name for d in dialects()] == list(PROBE_ORDER)


def test_unknown_protocol_lists_the_known_names() -> None:
    with pytest.raises(UnknownPlugin) as info:
        load_dialect("voltronix")
    text = str(info.value)
    assert text.startswith("unknown Q* protocol 'voltronix' (known: ablerex, bestups, ")
    assert "megatec/old" in text and text.endswith("did you mean 'voltronic'?")
    with pytest.raises(BadValue, match=r"needs a known protocol, got \"voltronix\" "
                                       r"\(known: ablerex, .*did you mean 'voltronic'\?"):
        protocol("voltronix")


async def test_detect_with_an_unknown_protocol_says_which_are_known(
        caplog: pytest.LogCaptureFixture) -> None:
    transport = make_transport("sim://megatec?id=plugin-unknown", {})
    await transport.open()
    try:
        with caplog.at_level(logging.ERROR):
            found = await detect(transport, Device("ups"), {"protocol": "megatc"}, timeout=0.2)
    finally:
        await transport.close()
    assert found is None
    assert "unknown Q* protocol 'megatc' (known: ablerex" in caplog.text
    assert "did you mean 'megatec'?" in caplog.text


@pytest.mark.usefixtures("installed")
def test_an_installed_dialect_joins_the_registry_and_probe_order(
        caplog: pytest.LogCaptureFixture) -> None:
    assert {"acme", "broken", "number", "wrong-name"} <= set(DIALECTS.names())
    acme = load_dialect("Acme")  # a module target: its DIALECT
    assert acme.label == "Acme 1.0"
    assert load_dialect("acme") is acme
    assert protocol("acme") == "acme"
    with caplog.at_level(logging.ERROR):
        names = [d.name for d in dialects()]
        dialects()
    assert names == [*PROBE_ORDER, "acme"]  # position 30: after q1, NUT's last resort
    # the broken ones are skipped, each said once
    assert caplog.text.count("'broken' failed to load: this plugin is broken") == 1
    assert caplog.text.count("'number'") == 1
    assert caplog.text.count("'wrong-name' loads a dialect named 'acme'") == 1


@pytest.mark.usefixtures("installed")
def test_a_broken_installed_dialect_is_a_clear_error() -> None:
    with pytest.raises(PluginUnavailable, match="'broken' failed to load: this plugin is broken"):
        load_dialect("broken")
    with pytest.raises(PluginUnavailable, match=r"'number'.*not a Q\* Dialect"):
        load_dialect("number")
    with pytest.raises(PluginUnavailable, match="'wrong-name' loads a dialect named 'acme'"):
        load_dialect("wrong-name")
    with pytest.raises(BadValue, match=r"cannot work here: .*this plugin is broken"):
        protocol("broken")


@pytest.mark.usefixtures("installed")
async def test_the_driver_selects_an_installed_dialect_with_protocol() -> None:
    async with running("sim://megatec?id=plugin-acme", protocol="acme") as drv:
        assert drv.dialect is not None and drv.dialect.name == "acme"
        assert drv.device.get("driver.version.data") == "Acme 1.0"
        assert drv.device.get("input.voltage") is not None
        assert drv.device.get("ups.status") == "OL"
        assert drv.device.get("device.mfr") is None  # acme reads only Q1


def test_a_module_without_dialect_is_refused() -> None:
    DIALECTS.register("json-module", "json")
    with pytest.raises(PluginUnavailable, match="nor a module defining DIALECT"):
        load_dialect("json-module")
