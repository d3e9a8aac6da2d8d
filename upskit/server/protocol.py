"""Wire format of the NUT network protocol: splitting request lines and quoting values."""

from __future__ import annotations

import re

#: Protocol version answered to NETVER and PROTVER.
PROTOCOL_VERSION = "1.3"

_SEPARATORS = frozenset(" \t\r\n\f\v")

# Byte classes of the request tokenizer.
_BLANK = frozenset(b" \t\r\f\v")
_QUOTE, _ESCAPE, _COMMENT, _EQUALS = ord('"'), ord("\\"), ord("#"), ord("=")
#: A byte that bytes.split() would not handle as upsd does.
_NEEDS_TOKENIZER = re.compile(rb'[^\x20-\x7f\t\r\f\v]|["\\#=]')


class NutError(Exception):
    """A request refused with ``ERR <code>``; ``code`` is one of NUT's error words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def reply(self) -> str:
        return f"ERR {self.code}\n"


def split_request(raw: bytes) -> list[str]:
    """Split one request line (without its newline) into words the way upsd reads them.

    * Blanks (space, tab, CR, FF, VT) separate words.
    * A double quote at the start of a word opens a quoted word that runs to the next
      unescaped double quote and may hold blanks (``""`` is an empty word); elsewhere
      a double quote is an ordinary character (``a"b`` is one word).
    * A backslash takes the next byte literally, inside quotes or not.
    * Outside quotes, ``#`` ends the line and ``=`` is always a word of its own.
    * Only printable ASCII (and DEL) is kept: other bytes, including tabs inside
      quotes, are dropped, although they still start a word (``GET DESC u \x01``
      asks about the empty name).
    * A quote left open, or a backslash at the very end, ends with the line.
    """
    if _NEEDS_TOKENIZER.search(raw) is None:
        return [word.decode("ascii") for word in raw.split()]
    words: list[str] = []
    current = bytearray()
    in_word = quoted = escaped = False
    for byte in raw:
        if escaped:
            escaped = False
            in_word = True
            if 0x20 <= byte <= 0x7F:
                current.append(byte)
            continue
        if byte == _ESCAPE:
            escaped = True
            continue
        if quoted:
            if byte == _QUOTE:
                words.append(current.decode("ascii"))
                current.clear()
                quoted = in_word = False
            elif 0x20 <= byte <= 0x7F:
                current.append(byte)
            continue
        if byte in _BLANK or byte in (_COMMENT, _EQUALS):
            if in_word:
                words.append(current.decode("ascii"))
                current.clear()
                in_word = False
            if byte == _COMMENT:
                return words
            if byte == _EQUALS:
                words.append("=")
            continue
        if byte == _QUOTE and not in_word:
            quoted = True
            continue
        in_word = True
        if 0x20 <= byte <= 0x7F:
            current.append(byte)
    if in_word or quoted:
        words.append(current.decode("ascii"))
    return words


def split_line(line: str) -> list[str]:
    """:func:`split_request` for text: the words of a request (or reply) line."""
    return split_request(line.encode("utf-8", "surrogateescape"))


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
    return word == "" or any(c in _SEPARATORS or c in '"\\#=' for c in word)
