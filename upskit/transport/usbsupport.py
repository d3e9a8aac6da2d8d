"""Whether USB ports can work here: pyusb is an optional dependency (the ``usb`` extra)."""

from __future__ import annotations

#: What to do when pyusb is missing.
INSTALL_HINT = "install the usb extra: pip install 'upskit[usb]'"


class UsbUnavailable(ImportError):
    """pyusb is not installed (or cannot be imported), so no USB port can be used."""


def require_pyusb() -> None:
    """Raise :class:`UsbUnavailable` with what to do when pyusb cannot be imported."""
    try:
        import usb.core  # noqa: F401
    except ImportError as exc:
        raise UsbUnavailable(f"USB support needs pyusb, which cannot be imported ({exc}): "
                             f"{INSTALL_HINT}", name="usb") from None
