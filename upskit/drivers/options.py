"""The ups.conf options of a UPS, split once between its driver and its port.

NUT's drivers refuse to start on an option they do not know (``'protocl' is not a
valid variable name for this driver``); upskit does the same, naming the file and line
of the option, suggesting the closest known name and saying which form a bad value
should take.  Each layer declares its own keys as a typed
:class:`~upskit.options.OptionSet`: every driver takes :class:`CommonOptions` (NUT's
``main.c`` ones), a driver family adds its own, and the port scheme of ``port`` takes
its keys (:mod:`upskit.transport.options`).  :func:`split_options` parses each key once
for the layer that declares it; ``default.*`` / ``override.*`` go to the device model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from upskit.config.settings import ConfigError, UpsSettings
from upskit.options import (
    BadOption,
    Given,
    NoOptions,
    Option,
    OptionSet,
    choice,
    flag,
    number,
    text,
    whole,
)


class CommonOptions(OptionSet):
    """The options every driver takes: NUT's driver core (``main.c``) and ``upsdrvctl``
    read them from a UPS section (``driver``, ``desc`` and ``alias`` never reach a
    driver), plus ``_confdir``, the configuration directory the runtime adds."""

    port = Option(text, None, help="where the device is: a port URL, a file, a host")
    sdorder = Option(whole(), None, help="killpower order (upsdrvctl)")
    nolock = flag(help="do not lock the port")
    ignorelb = flag(help="ignore the device's LB; use battery.*.low thresholds")
    maxstartdelay = Option(whole(0, unit="seconds"), None)
    maxretry = Option(whole(0), None)
    retrydelay = Option(whole(0, unit="seconds"), None)
    synchronous = Option(choice("yes", "no", "auto"), None)
    pollinterval = Option(number(0, unit="seconds"), None, help="seconds between polls")
    user = Option(text, None)
    group = Option(text, None)
    debug_min = Option(whole(0), None)
    libusb_debug = Option(whole(0), None, key="LIBUSB_DEBUG")
    sddelay = Option(text, None, help="obsolete; NUT logs it and goes on")
    confdir = Option(text, None, key="_confdir",
                     help="the configuration directory (set by the runtime)")


#: The common options by name, as a ups.conf may write them.
COMMON_OPTIONS: Mapping[str, Option[object]] = {
    k: v for k, v in CommonOptions.spec.items() if not k.startswith("_")}

_PREFIXES = ("default.", "override.")


class OptionError(ConfigError, ValueError):
    """An option a driver refuses (a :class:`ConfigError` naming file and line, and a
    ``ValueError`` like any other refusal of a driver's options)."""


class UpsOptions(Mapping[str, Given]):
    """The options of one UPS split once between its layers.

    As a mapping: every option as written (what NUT publishes as
    ``driver.parameter.*``).  ``driver``: the driver's typed options (the common ones
    and its own); ``port``: its port's (the keys the scheme of ``port`` declares).
    """

    def __init__(self, given: Mapping[str, Given], driver: CommonOptions,
                 port: OptionSet) -> None:
        self._given = dict(given)
        self.driver = driver
        self.port = port

    def __getitem__(self, key: str) -> Given:
        return self._given[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._given)

    def __len__(self) -> int:
        return len(self._given)


def split_options(driver: str, given: Mapping[str, Given], ups: UpsSettings, *,
                  driver_set: type[CommonOptions], port_set: type[OptionSet] = NoOptions,
                  tolerated: Sequence[type[OptionSet]] = ()) -> UpsOptions:
    """Parse ``given`` (the options of ``ups``) once: the keys of ``driver_set`` for the
    driver ``driver``, those of ``port_set`` for its port.

    ``tolerated`` are option sets whose keys the driver accepts whatever its port (as
    NUT's nutdrv_qx accepts serial and USB keys): their values are checked, and
    handed on only when the port's own set declares them.  Raises :class:`OptionError`
    naming the file and line of the first key no layer declares, or whose value does
    not have the declared form.
    """
    problems: dict[str, str] = {}

    def note(exc: BadOption) -> None:
        problems.setdefault(exc.key, str(exc))

    sets = [driver_set(given, on_problem=note), port_set(given, on_problem=note)]
    sets += [kind(given, on_problem=note) for kind in tolerated if kind is not port_set]
    for key in given:
        if key.startswith("_") or key.lower().startswith(_PREFIXES):
            continue
        if not any(kind.claims(key) for kind in (driver_set, port_set, *tolerated)):
            known = _names(driver_set, port_set, *tolerated)
            problem = f'unknown option "{key}" for driver {driver}{_hint(key, known)}'
        else:
            problem = problems.get(key, "")
        if problem:
            line = ups.option_lines.get(key) or ups.origin.line or None
            raise OptionError(ups.origin.file, line, f"[{ups.name}]: {problem}")
    driver_options, port_options = sets[0], sets[1]
    assert isinstance(driver_options, CommonOptions)
    return UpsOptions(given, driver_options, port_options)


def _names(*kinds: type[OptionSet]) -> set[str]:
    return {k for kind in kinds for k in kind.spec if not k.startswith("_")}


def _hint(key: str, known: Iterable[str]) -> str:
    names = sorted(known)
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(key.lower(), [n.lower() for n in names], n=1, cutoff=0.7)
    if close:
        match = next(n for n in names if n.lower() == close[0])
        return f' (did you mean "{match}"?)'
    return f" (known: {', '.join(names)})" if len(names) <= 24 else ""
