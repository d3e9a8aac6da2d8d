"""Wire codecs shared by drivers and the simulators of their devices.

Pure functions on bytes, below both: a driver frames what it sends with them and a
simulated device checks and frames its replies with the same code.
"""

from __future__ import annotations

#: CRC bytes the Voltronic Axpert family never sends as they are: "(", CR and LF.
_AXPERT_ESCAPED = (0x28, 0x0D, 0x0A)


def crc16(data: bytes) -> bytes:
    """Voltronic Axpert CRC: CRC-16/XMODEM of ``data``, bytes 0x28/0x0D/0x0A bumped by one."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    out = bytearray(crc.to_bytes(2, "big"))
    for i, byte in enumerate(out):
        if byte in _AXPERT_ESCAPED:
            out[i] = byte + 1
    return bytes(out)


def with_crc(text: str) -> str:
    """``text`` followed by its two Axpert CRC characters."""
    raw = text.encode("latin-1")
    return (raw + crc16(raw)).decode("latin-1")
