"""The HID capability: report descriptor, feature and output reports, input reports.

A HID Power Device driver reads the report descriptor once, then gets and sets
feature reports and listens to the interrupt IN stream for status changes.  Ports
implementing it: pyusb on the shared USB access (:mod:`upskit.transport.usb.hid`),
and later hidraw.  Report ids are the first byte of every report the device numbers;
``report_id=0`` means the device uses no ids.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from enum import IntEnum

from upskit.transport.base import Port


class ReportType(IntEnum):
    """HID report types, as GET_REPORT/SET_REPORT put them in ``wValue``'s high byte."""

    INPUT = 1
    OUTPUT = 2
    FEATURE = 3


class HidPort(Port):
    """A port that speaks HID reports."""

    @abc.abstractmethod
    async def report_descriptor(self) -> bytes:
        """The raw HID report descriptor of the device's HID interface."""

    @abc.abstractmethod
    async def get_feature(self, report_id: int, length: int) -> bytes:
        """Feature report ``report_id`` (at most ``length`` bytes, id byte included)."""

    @abc.abstractmethod
    async def set_feature(self, report_id: int, data: bytes) -> None:
        """Write feature report ``report_id`` (``data`` starts with the id byte when ids
        are used)."""

    @abc.abstractmethod
    async def set_output(self, report_id: int, data: bytes) -> None:
        """Write output report ``report_id``."""

    async def string(self, index: int) -> str | None:
        """USB string descriptor ``index`` as text (HID fields such as
        ``iDeviceChemistry`` hold such indexes); ``None`` when this port cannot read
        strings or the device has none at ``index``."""
        return None

    @abc.abstractmethod
    def input_reports(self) -> AsyncIterator[bytes]:
        """Input reports as the device sends them, until the port closes or is gone
        (then :class:`~upskit.transport.base.PortGone` is raised)."""
