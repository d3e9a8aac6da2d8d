"""Krauler bridge (0001:0000 catch-all, Legrand Daker 1cb0:0035): string descriptors."""

from __future__ import annotations

from upskit.transport.usb.bridges.strings import StringBridge


class KraulerBridge(StringBridge):
    """Krauler: Megatec commands as string indexes, 10 tries on "UPS No Ack"."""

    name = "krauler"
    indexes = {"Q1": 0x03, "F": 0x0D, "I": 0x0C, "T": 0x04, "TL": 0x05, "Q": 0x07,
               "C": 0x0B, "CT": 0x0B}
