"""An exporter-style consumer follows every model change through events alone.

The consumer starts from nothing, listens to the registry and to each device it
announces, applies only what the events carry, and must end (and stay, step by step)
equal to the snapshots the model itself gives.  Every public method is classified as
changing state or not, and silencing the events of any one changing method must make
the consumer fall behind: a mutation that forgets to emit cannot go unnoticed.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pytest

from upskit.model import (
    Device,
    DeviceEvent,
    DeviceRegistry,
    DeviceSnapshot,
    EventKind,
    RegistryEvent,
    RegistryEventKind,
    RegistrySnapshot,
    VarFlag,
    Variable,
    VariableSnapshot,
)

# ------------------------------------------------------------------ the consumer


@dataclass
class MirrorVar:
    value: str
    flags: VarFlag = VarFlag.NONE
    aux: int = 0
    enums: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()


@dataclass
class MirrorDevice:
    """One device rebuilt from a snapshot plus the events that followed it."""

    name: str
    desc: str
    connected: bool
    stale: bool
    fsd: bool
    vars: dict[str, MirrorVar] = field(default_factory=dict)
    commands: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, snap: DeviceSnapshot) -> MirrorDevice:
        mirror = cls(snap.name, snap.desc, snap.connected, snap.stale, snap.fsd)
        for v in snap.variables:
            mirror.vars[v.name] = MirrorVar(v.value, v.flags, v.aux, v.enums, v.ranges)
        mirror.commands.update(snap.commands)
        return mirror

    def apply(self, event: DeviceEvent) -> None:
        kind = event.kind
        if kind in (EventKind.VARIABLE, EventKind.STATUS):
            if event.value is None:
                del self.vars[event.name]
            elif event.name in self.vars:
                self.vars[event.name].value = event.value
            else:
                self.vars[event.name] = MirrorVar(event.value)
        elif kind is EventKind.FLAGS:
            assert event.flags is not None
            self.vars[event.name].flags = event.flags
        elif kind is EventKind.AUX:
            assert event.aux is not None
            self.vars[event.name].aux = event.aux
        elif kind is EventKind.ENUMS:
            assert event.enums is not None
            self.vars[event.name].enums = event.enums
        elif kind is EventKind.RANGES:
            assert event.ranges is not None
            self.vars[event.name].ranges = event.ranges
        elif kind is EventKind.COMMAND_ADDED:
            self.commands.add(event.name)
        elif kind is EventKind.COMMAND_REMOVED:
            self.commands.remove(event.name)
        elif kind is EventKind.DESC:
            assert event.value is not None
            self.desc = event.value
        elif kind is EventKind.CONNECTED:
            self.connected = event.value == "1"
        elif kind is EventKind.STALE:
            self.stale = True
        elif kind is EventKind.OK:
            self.stale = False
        elif kind is EventKind.FSD:
            self.fsd = True
        elif kind is EventKind.FSD_CLEARED:
            self.fsd = False
        else:  # a new kind of event the consumer does not know yet
            raise AssertionError(f"unhandled event kind {kind}")

    def snapshot(self) -> DeviceSnapshot:
        variables = tuple(VariableSnapshot(n, v.value, v.flags, v.aux, v.enums, v.ranges)
                          for n, v in sorted(self.vars.items()))
        return DeviceSnapshot(self.name, self.desc, variables, tuple(sorted(self.commands)),
                              self.connected, self.stale, self.fsd)


class Exporter:
    """Mirrors a whole registry from its events and its devices' events only."""

    def __init__(self, registry: DeviceRegistry) -> None:
        self.devices: dict[str, MirrorDevice] = {}
        self.aliases: dict[str, str] = {}
        self.errors: list[str] = []
        self._unsubscribe: dict[str, Callable[[], None]] = {}
        registry.subscribe(self._guarded(self.on_registry))

    def _guarded(self, apply: Callable[[Any], None]) -> Callable[[Any], None]:
        def listener(event: Any) -> None:
            try:
                apply(event)
            except Exception as exc:  # the model swallows listener errors: keep them
                self.errors.append(f"{event}: {exc!r}")

        return listener

    def on_registry(self, event: RegistryEvent) -> None:
        if event.kind is RegistryEventKind.ADDED:
            assert event.device is not None and event.snapshot is not None
            assert event.name not in self.devices
            self.devices[event.name] = MirrorDevice.start(event.snapshot)
            self._unsubscribe[event.name] = event.device.subscribe(
                self._guarded(self.on_device))
        elif event.kind is RegistryEventKind.REMOVED:
            del self.devices[event.name]
            self._unsubscribe.pop(event.name)()
        elif event.kind is RegistryEventKind.ALIAS:
            if event.target is None:
                del self.aliases[event.name]
            else:
                self.aliases[event.name] = event.target
        else:
            raise AssertionError(f"unhandled registry event kind {event.kind}")

    def on_device(self, event: DeviceEvent) -> None:
        self.devices[event.device].apply(event)

    def snapshot(self) -> RegistrySnapshot:
        return RegistrySnapshot(tuple(d.snapshot() for d in self.devices.values()),
                                tuple(sorted(self.aliases.items())))


# ------------------------------------------------------------------ the changes

VARS = ("ups.status", "ups.alarm", "battery.charge", "ups.id", "ups.delay.start",
        "input.voltage", "outlet.1.desc")
VALUES = ("", "0", "1", "OL", "OB LB", "230.1", "abc")
COMMANDS = ("load.off", "load.on", "beeper.toggle", "test.battery.start")
FLAG_CHOICES = (VarFlag.NONE, VarFlag.RW, VarFlag.RW | VarFlag.STRING,
                VarFlag.RW | VarFlag.NUMBER, VarFlag.NUMBER, VarFlag.IMMUTABLE)

Change = Callable[[random.Random, Device], object]


def _var(rng: random.Random) -> str:
    return rng.choice(VARS)


def _value(rng: random.Random) -> str:
    return rng.choice(VALUES)


def _with(rng: random.Random, dev: Device, attr: str) -> str:
    """Mostly a variable that has enums (or ranges), so that clearing them does something."""
    names = [v.name for v in dev.variables() if getattr(v, attr)]
    return rng.choice(names) if names and rng.random() < 0.8 else _var(rng)


def _set_desc(rng: random.Random, dev: Device) -> None:
    dev.desc = rng.choice(("", "rack 1", "office"))


#: One random call of every method (or settable property) that changes a device.
DEVICE_CHANGES: dict[str, Change] = {
    "set": lambda r, d: d.set(_var(r), _value(r), force=r.random() < 0.2),
    "set_default": lambda r, d: d.set_default(_var(r), _value(r)),
    "override": lambda r, d: d.override(_var(r), _value(r)) if r.random() < 0.3 else None,
    "delete": lambda r, d: d.delete(_var(r)),
    "set_flags": lambda r, d: d.set_flags(_var(r), r.choice(FLAG_CHOICES)),
    "add_flags": lambda r, d: d.add_flags(_var(r), r.choice(FLAG_CHOICES)),
    "set_aux": lambda r, d: d.set_aux(_var(r), r.choice((0, 8, 32))),
    "add_enum": lambda r, d: d.add_enum(_var(r), _value(r)),
    "clear_enums": lambda r, d: d.clear_enums(_with(r, d, "enums")),
    "add_range": lambda r, d: d.add_range(_var(r), r.choice((0, 10)), r.choice((60, 600))),
    "clear_ranges": lambda r, d: d.clear_ranges(_with(r, d, "ranges")),
    "add_command": lambda r, d: d.add_command(r.choice(COMMANDS)),
    "delete_command": lambda r, d: d.delete_command(r.choice(COMMANDS)),
    "set_status": lambda r, d: d.set_status(
        r.sample(("OL", "OB", "LB", "CHRG", "ALARM"), r.randint(0, 3)),
        r.sample(("Replace battery!", "Overheat"), r.randint(0, 2))),
    "publish_status": lambda r, d: d.publish_status(
        r.choice(("OL", "OB LB", "ALARM OL CHRG")), r.choice((None, "Overheat"))),
    "set_fsd": lambda r, d: d.set_fsd() if r.random() < 0.3 else None,
    "clear_fsd": lambda r, d: d.clear_fsd() if r.random() < 0.3 else None,
    "data_ok": lambda r, d: d.data_ok(),
    "data_stale": lambda r, d: d.data_stale(),
    "set_connected": lambda r, d: d.set_connected(r.random() < 0.5),
    "desc": _set_desc,
}

#: Public members of Device that change nothing a snapshot shows.
DEVICE_READERS = {
    "get", "variable", "variables", "rw_variables", "has_command", "commands",
    "status_tokens", "is_stale", "fresh_until", "check_set", "snapshot", "subscribe",
    "name", "connected", "stale", "fsd",
    # these reach the owning driver; its answers come back as the changes above
    "bind", "instcmd", "setvar",
}

REGISTRY_CHANGES = {"add", "add_alias", "remove", "set_aliases"}
REGISTRY_READERS = {"aliases_of", "get", "names", "devices", "snapshot", "subscribe"}

ALIASES = ("ups", "qnapups", "rack", "spare")
#: Duplicate or unknown names are refused; the scenario tries them on purpose.
REFUSED = (KeyError, ValueError)


class Scenario:
    """A seeded random life of a registry: devices come, change, get aliases and go."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.registry = DeviceRegistry()
        self.exporter = Exporter(self.registry)
        self.detached: list[Device] = []  # removed (or never added): still changing
        self.counter = 0
        self.effects: dict[str, int] = dict.fromkeys(
            [*DEVICE_CHANGES, *REGISTRY_CHANGES], 0)

    def new_device(self) -> Device:
        self.counter += 1
        dev = Device(f"ups{self.counter}", self.rng.choice(("", "new")))
        for _ in range(self.rng.randint(0, 6)):  # state that only ADDED's snapshot carries
            DEVICE_CHANGES[self.rng.choice(list(DEVICE_CHANGES))](self.rng, dev)
        return dev

    def step(self) -> None:
        rng = self.rng
        before = self.registry.snapshot()
        roll = rng.random()
        if roll < 0.03 or not len(self.registry):
            name = "add"
            pool = [d for d in self.detached if d.name not in self.registry]
            dev = rng.choice(pool) if pool and rng.random() < 0.5 else self.new_device()
            with suppress(*REFUSED):
                self.registry.add(dev, rng.sample(ALIASES, rng.randint(0, 2)))
                if dev in self.detached:
                    self.detached.remove(dev)
        elif roll < 0.05:
            name = "remove"
            gone = self.registry.remove(rng.choice(self.registry.names()))
            if gone is not None:
                self.detached.append(gone)
        elif roll < 0.08:
            name = "add_alias"
            with suppress(*REFUSED):
                self.registry.add_alias(rng.choice(ALIASES), rng.choice(self.registry.names()))
        elif roll < 0.11:
            name = "set_aliases"
            with suppress(*REFUSED):
                self.registry.set_aliases(rng.choice(self.registry.names()),
                                          rng.sample(ALIASES, rng.randint(0, 2)))
        else:
            name = rng.choice(list(DEVICE_CHANGES))
            detached = self.detached and rng.random() < 0.1
            targets = self.detached if detached else self.registry.devices()
            DEVICE_CHANGES[name](rng, rng.choice(targets))
        if self.registry.snapshot() != before:
            self.effects[name] += 1

    def behind(self) -> str:
        """Why the exporter does not match the model ("" when it does)."""
        if self.exporter.errors:
            return self.exporter.errors[0]
        ours, theirs = self.exporter.snapshot(), self.registry.snapshot()
        return "" if ours == theirs else f"mirror {ours}\n != model {theirs}"

    def run(self, steps: int) -> str:
        for index in range(steps):
            self.step()
            problem = self.behind()
            if problem:
                return f"step {index}: {problem}"
        return ""


STEPS = 4000


def test_exporter_follows_every_change_through_events_only() -> None:
    scenario = Scenario(seed=9)
    assert scenario.run(STEPS) == ""
    final = scenario.registry.snapshot()
    assert scenario.exporter.snapshot() == final
    assert [m.snapshot() for m in scenario.exporter.devices.values()] == [
        d.snapshot() for d in scenario.registry]
    # the run really exercised every kind of change, repeatedly
    assert all(count >= 5 for count in scenario.effects.values()), scenario.effects
    assert len(final.devices) >= 2 and final.aliases


def test_every_public_member_is_classified() -> None:
    """A new method must be added to DEVICE_CHANGES (and emit) or to the readers."""
    device_public = {n for n in dir(Device) if not n.startswith("_")}
    assert device_public == set(DEVICE_CHANGES) | DEVICE_READERS
    settable = {n for n, a in inspect.getmembers(Device) if isinstance(a, property) and a.fset}
    assert settable <= set(DEVICE_CHANGES)
    registry_public = {n for n in dir(DeviceRegistry) if not n.startswith("_")}
    assert registry_public == REGISTRY_CHANGES | REGISTRY_READERS


def test_snapshot_covers_all_device_state() -> None:
    """Every stored attribute is in the snapshot, or is deliberately not state."""
    shown = {"_name": "name", "_desc": "desc", "_vars": "variables",
             "_commands": "commands", "_connected": "connected", "_stale": "stale",
             "_fsd": "fsd"}
    not_state = {"_listeners", "_instcmd", "_setvar", "last_ok", "ignore_lb"}
    assert set(vars(Device("ups"))) == set(shown) | not_state
    assert set(shown.values()) == {f.name for f in dataclasses.fields(DeviceSnapshot)}
    assert [f.name for f in dataclasses.fields(VariableSnapshot)] == [
        f.name for f in dataclasses.fields(Variable)]


@contextmanager
def _muted(obj: object) -> Iterator[None]:
    if "_emit" in vars(obj):
        yield
        return
    obj._emit = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del obj._emit  # type: ignore[attr-defined]


def _silence(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> None:
    """Make ``cls.name`` change state exactly as before but emit nothing."""
    original = inspect.getattr_static(cls, name)
    if isinstance(original, property):
        setter = original.fset
        assert setter is not None

        def fset(self: object, value: object) -> None:
            with _muted(self):
                setter(self, value)

        monkeypatch.setattr(cls, name, property(original.fget, fset))
        return

    def silenced(self: object, *args: object, **kwargs: object) -> object:
        with _muted(self):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, silenced)


@pytest.mark.parametrize("name", sorted(DEVICE_CHANGES))
def test_a_device_change_without_its_event_is_caught(
        monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _silence(monkeypatch, Device, name)
    assert Scenario(seed=9).run(STEPS) != ""


@pytest.mark.parametrize("name", sorted(REGISTRY_CHANGES))
def test_a_registry_change_without_its_event_is_caught(
        monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _silence(monkeypatch, DeviceRegistry, name)
    assert Scenario(seed=9).run(STEPS) != ""


def test_events_carry_their_payload() -> None:
    dev = Device("ups")
    seen: list[DeviceEvent] = []
    dev.subscribe(seen.append)
    dev.set("ups.id", "abc")
    dev.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    dev.set_aux("ups.id", 8)
    dev.add_enum("ups.id", "abc")
    dev.add_enum("ups.id", "def")
    dev.add_range("ups.id", 0, 9)
    dev.clear_ranges("ups.id")
    dev.add_command("load.off")
    dev.delete_command("load.off")
    dev.override("ups.id", "abc")
    dev.desc = "rack"
    assert [(e.kind, e.name) for e in seen] == [
        (EventKind.VARIABLE, "ups.id"), (EventKind.FLAGS, "ups.id"), (EventKind.AUX, "ups.id"),
        (EventKind.ENUMS, "ups.id"), (EventKind.ENUMS, "ups.id"), (EventKind.RANGES, "ups.id"),
        (EventKind.RANGES, "ups.id"), (EventKind.COMMAND_ADDED, "load.off"),
        (EventKind.COMMAND_REMOVED, "load.off"), (EventKind.FLAGS, "ups.id"),
        (EventKind.DESC, "")]
    assert seen[1].flags == VarFlag.RW | VarFlag.STRING and seen[2].aux == 8
    assert seen[4].enums == ("abc", "def") and seen[5].ranges == ((0, 9),)
    assert seen[6].ranges == ()
    assert seen[9].flags == VarFlag.RW | VarFlag.STRING | VarFlag.IMMUTABLE
    assert seen[10].value == "rack"


def test_unchanged_values_emit_nothing() -> None:
    dev = Device("ups", "rack")
    dev.set("x", "1")
    dev.set_flags("x", VarFlag.RW)
    dev.set_aux("x", 4)
    dev.add_enum("x", "1")
    dev.add_range("x", 0, 1)
    dev.add_command("load.off")
    seen: list[DeviceEvent] = []
    dev.subscribe(seen.append)
    dev.set_flags("x", VarFlag.RW)
    dev.add_flags("x", VarFlag.RW)
    dev.set_aux("x", 4)
    dev.add_enum("x", "1")
    dev.add_range("x", 0, 1)
    dev.add_command("load.off")
    dev.delete_command("load.on")
    dev.clear_enums("nope")
    dev.desc = "rack"
    assert seen == []


def test_registry_events_in_order() -> None:
    reg = DeviceRegistry()
    seen: list[RegistryEvent] = []
    reg.subscribe(seen.append)
    dev = Device("a")
    dev.set("ups.status", "OL")
    reg.add(dev, ["ups"])
    reg.set_aliases("a", ["qnapups"])
    reg.remove("a")
    assert [(e.kind, e.name, e.target) for e in seen] == [
        (RegistryEventKind.ADDED, "a", None), (RegistryEventKind.ALIAS, "ups", "a"),
        (RegistryEventKind.ALIAS, "ups", None), (RegistryEventKind.ALIAS, "qnapups", "a"),
        (RegistryEventKind.ALIAS, "qnapups", None), (RegistryEventKind.REMOVED, "a", None)]
    assert seen[0].device is dev and seen[0].snapshot == dev.snapshot()


def test_refused_alias_changes_change_nothing() -> None:
    reg = DeviceRegistry()
    reg.add(Device("a"), ["ups"])
    reg.add(Device("b"))
    seen: list[RegistryEvent] = []
    reg.subscribe(seen.append)
    with pytest.raises(ValueError):
        reg.set_aliases("a", ["qnapups", "b"])
    with pytest.raises(ValueError):
        reg.add(Device("c"), ["x", "a"])
    with pytest.raises(ValueError):
        reg.add(Device("d"), ["y", "y"])
    with pytest.raises(KeyError):
        reg.set_aliases("nope", ["z"])
    assert reg.aliases_of("a") == ["ups"]
    assert reg.names() == ["a", "b", "ups"]
    assert seen == []
    reg.set_aliases("a", ["ups", "rack"])  # keeping one's own alias is fine
    assert reg.aliases_of("a") == ["rack", "ups"]


def test_snapshot_is_plain_data_and_reads_as_values() -> None:
    reg = DeviceRegistry()
    dev = Device("ups", "rack")
    dev.set("ups.id", "abc")
    dev.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    dev.set_aux("ups.id", 8)
    dev.set("ups.delay.start", "180")
    dev.add_range("ups.delay.start", 0, 600)
    dev.add_command("load.off")
    reg.add(dev, ["qnapups"])
    snap = dev.snapshot()
    assert dict(snap) == {"ups.delay.start": "180", "ups.id": "abc"}
    assert snap["ups.id"] == "abc" and "ups.model" not in snap and len(snap) == 2
    var = snap.variable("ups.id")
    assert var is not None and var.type_words() == ["RW", "STRING:8"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.desc = "x"  # type: ignore[misc]
    dev.set("ups.id", "changed")
    assert snap["ups.id"] == "abc"  # a snapshot does not follow the device
    data = json.loads(json.dumps(dataclasses.asdict(reg.snapshot())))
    assert data["aliases"] == [["qnapups", "ups"]]
    (device,) = data["devices"]
    assert device["desc"] == "rack" and device["commands"] == ["load.off"]
    assert device["stale"] is True and device["connected"] is False
    assert device["variables"][0] == {"name": "ups.delay.start", "value": "180", "flags": 0,
                                      "aux": 0, "enums": [], "ranges": [[0, 600]]}
    assert device["variables"][1]["flags"] == int(VarFlag.RW | VarFlag.STRING)
