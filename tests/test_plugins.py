"""The plugin registry: lazy targets, entry points, one error for wrong names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support import install_fake_distribution
from upskit.plugins import PluginRegistry, PluginUnavailable, UnknownPlugin, subclass_of


class Base:
    """A base class for the checked registry."""


class Child(Base):
    """A valid entry."""


def test_builtin_target_loads_lazily_and_once() -> None:
    reg: PluginRegistry[object] = PluginRegistry("thing", "test-things",
                                                 {"json": "json:dumps"})
    assert reg.load("JSON") is __import__("json").dumps
    assert reg.load("json") is reg.load("Json")


def test_unknown_name_lists_known_and_suggests() -> None:
    reg: PluginRegistry[object] = PluginRegistry("driver", "test-none",
                                                 {"nutdrv_qx": "json:dumps", "dummy-ups": "json:loads"})
    with pytest.raises(UnknownPlugin) as info:
        reg.load("nutdrv_qz")
    text = str(info.value)
    assert "unknown driver 'nutdrv_qz'" in text
    assert "dummy-ups, nutdrv_qx" in text
    assert "did you mean 'nutdrv_qx'" in text
    assert isinstance(info.value, LookupError) and isinstance(info.value, ValueError)


def test_missing_module_names_the_extra() -> None:
    reg: PluginRegistry[object] = PluginRegistry(
        "port scheme", "test-none", {"usb": "upskit_no_such_module.x:y"},
        extras={"upskit_no_such_module": "usb"})
    with pytest.raises(PluginUnavailable, match=r"pip install 'upskit\[usb\]'"):
        reg.load("usb")


def test_missing_attribute_and_failed_check() -> None:
    reg = PluginRegistry("thing", "test-none",
                         {"bad": "json:nothing_here", "notclass": "json:dumps",
                          "good": Child},
                         check=subclass_of(Base))
    with pytest.raises(PluginUnavailable, match="no attribute"):
        reg.load("bad")
    with pytest.raises(PluginUnavailable, match="not a subclass of Base"):
        reg.load("notclass")
    assert reg.load("good") is Child


def test_register_unregister_reset() -> None:
    reg: PluginRegistry[object] = PluginRegistry("thing", "test-none", {"a": "json:dumps"})
    reg.register("b", "json:loads")
    assert reg.names() == ["a", "b"]
    assert reg.load("b") is __import__("json").loads
    reg.register("b", "json:dumps")
    assert reg.load("b") is __import__("json").dumps
    reg.unregister("b")
    assert "b" not in reg
    reg.register("c", 42)
    reg.reset()
    assert reg.names() == ["a"]


def test_entry_points_from_an_installed_package(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_distribution(tmp_path, "fake_plugin", "VALUE = 'from a plugin'\n",
                              {"upskit.test-things": {"Extra": "fake_plugin:VALUE"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    reg: PluginRegistry[object] = PluginRegistry("thing", "test-things", {"a": "json:dumps"})
    assert "extra" in reg
    assert reg.names() == ["a", "extra"]
    assert reg.load("EXTRA") == "from a plugin"
    sys.modules.pop("fake_plugin", None)
