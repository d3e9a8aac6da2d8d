"""Wire format of the NUT network protocol: splitting request lines and quoting values."""

from __future__ import annotations

#: Protocol version answered to NETVER and PROTVER.
PROTOCOL_VERSION = "1.3"

_SEPARATORS = frozenset(" \t\r\n\f\v")


class NutError(Exception):
    """A request refused with ``ERR <code>``; ``code`` is one of NUT's error words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def reply(self) -> str:
        return f"ERR {self.code}\n"


def split_line(line: str) -> list[str]:
    """Split one request line into words the way upsd reads them.

    Words are separated by blanks.  A double quote starts a word that runs to the
    next unescaped double quote and may hold blanks (``""`` is an empty word).  A
    backslash takes the next character literally, inside quotes or not.  A ``#``
    outside quotes ends the line.  A quote left open runs to the end of the line.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    quoted = False
    escaped = False
    for char in line:
        if escaped:
            current.append(char)
            escaped = False
            in_word = True
            continue
        if char == "\\":
            escaped = True
            continue
        if quoted:
            if char == '"':
                words.append("".join(current))
                current.clear()
                quoted = in_word = False
            else:
                current.append(char)
            continue
        if char == '"':
            if in_word:
                words.append("".join(current))
                current.clear()
            quoted = True
            in_word = False
            continue
        if char == "#":
            break
        if char in _SEPARATORS:
            if in_word:
                words.append("".join(current))
                current.clear()
                in_word = False
            continue
        current.append(char)
        in_word = True
    if in_word or quoted:
        words.append("".join(current))
    return words


def split_request(raw: bytes) -> list[str]:
    """Split one request line as received; bytes that are not UTF-8 become U+FFFD."""
    if b'"' in raw or b"\\" in raw or b"#" in raw:
        return split_line(raw.decode("utf-8", "replace"))
    # bytes.split() separates on exactly the blanks split_line knows
    return [word.decode("utf-8", "replace") for word in raw.split()]


def quote(value: str) -> str:
    """Return ``value`` double-quoted for a reply, with ``"`` and ``\\`` escaped.

    Line breaks inside a value would end the reply line early, so they become blanks.
    """
    if '"' in value or "\\" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    if "\n" in value or "\r" in value:
        value = value.replace("\r", " ").replace("\n", " ")
    return f'"{value}"'


def needs_quotes(word: str) -> bool:
    """Whether a word must be quoted to survive :func:`split_line` unchanged."""
    return word == "" or any(c in _SEPARATORS or c in '"\\#' for c in word)
