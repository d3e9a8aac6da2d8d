"""The driver-socket line format (NUT's ``docs/sock-protocol.txt``), without I/O.

Lines are parsed as NUT's parseconf reads them: blanks separate words, a double quote
opens a word that may hold blanks, a backslash takes the next character literally.
:class:`LineBuffer` splits a byte stream into lines with a bound: an over-long line is
dropped whole (reported once) instead of growing memory.
"""

from __future__ import annotations

from collections.abc import Iterable

from upskit.model import VarFlag

#: Longest line either side accepts (NUT's own limit is far smaller for most lines).
MAX_LINE = 16384
_BLANKS = " \t\r"
#: Flag words of SETFLAGS, as NUT names them.
FLAG_WORDS = {"RW": VarFlag.RW, "STRING": VarFlag.STRING, "NUMBER": VarFlag.NUMBER}


def split_words(line: str) -> list[str]:
    """The words of one line (without its newline)."""
    words: list[str] = []
    current: list[str] = []
    in_word = quoted = escaped = False
    for char in line:
        if escaped:
            current.append(char)
            in_word, escaped = True, False
        elif char == "\\":
            escaped = True
        elif quoted:
            if char == '"':
                words.append("".join(current))
                current.clear()
                quoted = in_word = False
            else:
                current.append(char)
        elif char in _BLANKS:
            if in_word:
                words.append("".join(current))
                current.clear()
                in_word = False
        elif char == '"' and not in_word:
            quoted = True
        else:
            current.append(char)
            in_word = True
    if in_word or quoted:
        words.append("".join(current))
    return words


def quote(value: str) -> str:
    """``value`` as one quoted word, with quotes and backslashes escaped and line
    breaks turned into blanks (a value never ends a line early)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", " ").replace("\n", " ") + '"'


def word(value: str) -> str:
    """``value`` as it must be written to stay one word (quoted only when needed)."""
    if value and not any(c in value for c in ' \t\r\n"\\'):
        return value
    return quote(value)


def line(*words: str) -> bytes:
    """One encoded line: the words joined (``words`` already quoted as wanted)."""
    return (" ".join(words) + "\n").encode("utf-8", "replace")


def flag_words(flags: VarFlag) -> list[str]:
    """SETFLAGS's words for ``flags`` (the immutable bit is upskit's, never sent)."""
    return [name for name, bit in FLAG_WORDS.items() if flags & bit]


def parse_flags(words: Iterable[str]) -> VarFlag:
    """The flags SETFLAGS's words name (unknown words are ignored, as upsd does)."""
    flags = VarFlag.NONE
    for name in words:
        flags |= FLAG_WORDS.get(name.upper(), VarFlag.NONE)
    return flags


class LineBuffer:
    """Bytes in, complete lines out, never holding more than ``limit`` bytes.

    A line longer than ``limit`` is discarded up to its newline; ``dropped`` counts
    such lines so the caller can log them.
    """

    def __init__(self, limit: int = MAX_LINE) -> None:
        self.limit = limit
        self._data = bytearray()
        self._skipping = False
        self.dropped = 0

    def feed(self, data: bytes) -> list[str]:
        """Add ``data``; the lines it completed, decoded (bad bytes replaced)."""
        lines: list[str] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            if self._skipping:
                self._skipping = False
            else:
                self._data += data[start:end]
                if len(self._data) <= self.limit:
                    lines.append(self._data.decode("utf-8", "replace").rstrip("\r"))
                else:
                    self.dropped += 1
            self._data.clear()
            start = end + 1
        if not self._skipping:
            self._data += data[start:]
            if len(self._data) > self.limit:
                self._data.clear()
                self._skipping = True
                self.dropped += 1
        return lines
