"""The USB ids the HID subdrivers claim, for udev rules and ``upskit scan``."""

from __future__ import annotations

from collections.abc import Iterator

from upskit.drivers.hid.subdriver import Claim
from upskit.drivers.hid.subdrivers import SUBDRIVERS, pick


def usb_ids() -> Iterator[tuple[int, int, str]]:
    """Every VID:PID a vendor subdriver names, with a comment (a claim of a whole
    vendor names no product and gets no rule: udev rules list products)."""
    seen: set[tuple[int, int]] = set()
    for sub in SUBDRIVERS:
        for pairs, how in ((sub.supported, "supported"), (sub.possibly, "possibly supported")):
            for vid, pid in pairs:
                if pid is not None and (vid, pid) not in seen:
                    seen.add((vid, pid))
                    yield vid, pid, f"usbhid-ups {sub.name} ({how})"


def claim_of(vendor: int, product: int) -> str | None:
    """Which subdriver claims ``vendor:product`` and how (``"apc"``, ``"mge (possibly
    supported)"``), or None when only the generic one would serve it."""
    sub, how = pick(vendor, product)
    if how is None:
        return None
    return sub.name if how is Claim.SUPPORTED else f"{sub.name} ({how.value})"
