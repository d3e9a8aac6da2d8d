"""A small HID report descriptor builder for tests: each call appends one item."""

from __future__ import annotations


def _encode(value: int, wanted: int | None, signed: bool) -> bytes:
    size = 4
    if wanted is not None:
        size = wanted
    else:
        if value == 0:
            return b""
        for size in (1, 2, 4):
            bits = 8 * size
            lo, hi = ((-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed
                      else (0, (1 << bits) - 1))
            if lo <= value <= hi:
                break
    if size == 0:
        return b""
    return (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")


class Builder:
    """Append items; ``bytes(builder)`` is the descriptor."""

    def __init__(self) -> None:
        self.data = bytearray()

    def __bytes__(self) -> bytes:
        return bytes(self.data)

    def item(self, kind: int, tag: int, value: int = 0, size: int | None = None,
             signed: bool = False) -> Builder:
        payload = _encode(value, size, signed)
        code = {0: 0, 1: 1, 2: 2, 4: 3}[len(payload)]
        self.data.append((tag << 4) | (kind << 2) | code)
        self.data += payload
        return self

    # main items
    def input(self, flags: int = 0x02) -> Builder:
        return self.item(0, 0x8, flags, 1)

    def output(self, flags: int = 0x02) -> Builder:
        return self.item(0, 0x9, flags, 1)

    def feature(self, flags: int = 0x02) -> Builder:
        return self.item(0, 0xB, flags, 1)

    def collection(self, kind: int) -> Builder:
        return self.item(0, 0xA, kind, 1)

    def end(self) -> Builder:
        return self.item(0, 0xC)

    # global items
    def page(self, page: int) -> Builder:
        return self.item(1, 0, page)

    def logical(self, low: int, high: int, size: int | None = None) -> Builder:
        return self.item(1, 1, low, size, True).item(1, 2, high, size, True)

    def physical(self, low: int, high: int) -> Builder:
        return self.item(1, 3, low, None, True).item(1, 4, high, None, True)

    def exponent(self, value: int, size: int = 1) -> Builder:
        return self.item(1, 5, value, size)

    def unit(self, value: int) -> Builder:
        return self.item(1, 6, value)

    def size(self, bits: int) -> Builder:
        return self.item(1, 7, bits)

    def report_id(self, rid: int) -> Builder:
        return self.item(1, 8, rid, 1)

    def count(self, n: int) -> Builder:
        return self.item(1, 9, n)

    def push(self) -> Builder:
        return self.item(1, 10)

    def pop(self) -> Builder:
        return self.item(1, 11)

    # local items
    def usage(self, usage: int, extended: bool = False) -> Builder:
        return self.item(2, 0, usage, 4 if extended else None)

    def usage_range(self, low: int, high: int) -> Builder:
        return self.item(2, 1, low).item(2, 2, high)

    def long_item(self, tag: int, payload: bytes) -> Builder:
        self.data += bytes([0xFE, len(payload), tag]) + payload
        return self

    def field(self, usage: int, bits: int, low: int, high: int,
              main: str = "feature") -> Builder:
        """One variable value with its own usage and logical range."""
        self.usage(usage).logical(low, high).size(bits).count(1)
        return getattr(self, main)()  # type: ignore[no-any-return]
