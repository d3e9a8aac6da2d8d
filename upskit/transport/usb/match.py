"""Which USB device a port means: identities and the two kinds of matcher.

A :class:`UsbIdentity` is what a device says about itself (ids, strings, place on
the bus).  A :class:`RegexMatcher` is built from the user's options (``vendorid``,
``product``, ``bus`` ...: case-insensitive regexes that must match the whole
value); an :class:`ExactMatcher` pins the device found at open time so that a
reconnect after an unplug finds the same unit again, even on a new address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Option names that select a USB device (each one a regex).
MATCH_OPTIONS: tuple[str, ...] = (
    "vendorid", "productid", "vendor", "product", "serial", "bus", "device", "busport",
)  # fmt: skip


@dataclass(frozen=True)
class UsbIdentity:
    """What one USB device reports: ids, strings and where it sits on the bus."""

    vendorid: int
    productid: int
    vendor: str = ""
    product: str = ""
    serial: str = ""
    bus: str = ""
    device: str = ""
    busport: str = ""
    bcd: int = 0

    @property
    def vid_pid(self) -> str:
        """``vvvv:pppp`` in lower-case hex, as lsusb prints it."""
        return f"{self.vendorid:04x}:{self.productid:04x}"

    def field(self, name: str) -> str:
        """The text a regex option ``name`` is matched against."""
        if name == "vendorid":
            return f"{self.vendorid:04x}"
        if name == "productid":
            return f"{self.productid:04x}"
        value: str = getattr(self, name)
        return value


class RegexMatcher:
    """Matches devices against the user's USB selection options.

    Every given option is a case-insensitive regular expression that must match
    the whole field; an absent option matches anything.  A field the device does
    not have (no serial string) only matches a pattern that accepts "".
    """

    def __init__(self, patterns: Mapping[str, str]) -> None:
        self.patterns: dict[str, re.Pattern[str]] = {}
        for name, text in patterns.items():
            if name not in MATCH_OPTIONS:
                raise ValueError(f"unknown USB match option {name!r}")
            try:
                self.patterns[name] = re.compile(text, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"option {name}={text!r} is not a valid regex: {exc}") from exc

    @classmethod
    def from_options(cls, options: Mapping[str, object]) -> RegexMatcher:
        """Take the match options out of a driver option mapping."""
        chosen: dict[str, str] = {}
        for key, value in options.items():
            name = key.lower()
            if name in MATCH_OPTIONS and isinstance(value, str) and value != "":
                chosen[name] = value
        return cls(chosen)

    def has(self, name: str) -> bool:
        """Whether the user gave option ``name``."""
        return name in self.patterns

    def matches(self, ident: UsbIdentity) -> bool:
        return all(p.fullmatch(ident.field(n)) is not None for n, p in self.patterns.items())

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={p.pattern!r}" for n, p in self.patterns.items())
        return f"RegexMatcher({inner})"


@dataclass(frozen=True)
class ExactMatcher:
    """Matches only the unit found at open time (ids, strings, serial).

    Bus and address are left out on purpose: a replugged device gets a new address
    and may land on another port.
    """

    vendorid: int
    productid: int
    vendor: str
    product: str
    serial: str

    @classmethod
    def of(cls, ident: UsbIdentity) -> ExactMatcher:
        return cls(ident.vendorid, ident.productid, ident.vendor, ident.product, ident.serial)

    def matches(self, ident: UsbIdentity) -> bool:
        return (
            ident.vendorid == self.vendorid
            and ident.productid == self.productid
            and ident.vendor == self.vendor
            and ident.product == self.product
            and ident.serial == self.serial
        )


def parse_usb_url(url: str) -> dict[str, str]:
    """Match options encoded in a ``usb://VID:PID[?key=value&...]`` or ``auto`` URL.

    ``usb://0665:5161`` pins vendor and product id exactly; ``usb://0665`` pins
    the vendor only.  Query parameters are returned as they are (lower-case keys).
    """
    found: dict[str, str] = {}
    if url.startswith("auto"):
        rest = url[4:].lstrip(":")
    else:
        rest = url.split("://", 1)[1] if "://" in url else ""
    rest, _, query = rest.partition("?")
    rest = rest.strip("/")
    if rest:
        vid, _, pid = rest.partition(":")
        for name, text in (("vendorid", vid), ("productid", pid)):
            if not text:
                continue
            if not re.fullmatch(r"[0-9a-fA-F]{1,4}", text):
                raise ValueError(f"bad USB id {text!r} in {url!r} (want hex like 0665:5161)")
            found[name] = f"{int(text, 16):04x}"
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        found[key.lower()] = value
    return found
