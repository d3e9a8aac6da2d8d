"""Words and lines of the NUT network protocol, with no I/O.

A line is a sequence of words separated by blanks.  A word that holds blanks, a
quote, a backslash or a ``#`` travels in double quotes, with ``"`` and ``\\``
escaped by a backslash.  ``#`` is escaped too: upsd's parser reads a bare ``#`` as
the start of a comment even inside quotes, swallows the command and never answers.
:func:`split_words` is a small lexer for that syntax and :func:`format_command`
builds a line that the server's parser reads back as the same words.

Text on the wire is bytes.  They are decoded as UTF-8; bytes that are not valid
UTF-8 are kept as surrogate escapes (PEP 383) so that a value read from the server
and written back travels unchanged.
"""

from __future__ import annotations

from upskit.client.errors import NutArgumentError, NutError, NutProtocolError
from upskit.config.addresses import DEFAULT_PORT as DEFAULT_PORT  # the NUT port, re-exported

#: Longest reply line accepted (bytes, without the newline).
MAX_LINE = 65536
#: Most item lines accepted in one LIST reply.
MAX_LIST_ITEMS = 100_000

#: Characters of a word sent bare (any other makes it travel quoted).
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@:+/-")
ENCODING = "utf-8"
ERRORS = "surrogateescape"


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a character no command line can carry: CR, LF or NUL."""
    return "\n" in text or "\r" in text or "\x00" in text


def quote(word: str) -> str:
    """Return ``word`` ready to send: bare when safe, else quoted and escaped."""
    if has_forbidden(word):
        raise NutArgumentError(f"line break or NUL character in {word!r}")
    if word and _SAFE.issuperset(word):
        return word
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("#", "\\#")
    return f'"{escaped}"'


def format_command(*words: str) -> bytes:
    """Build one command line (with its newline) from the given words."""
    return (" ".join(quote(w) for w in words) + "\n").encode(ENCODING, ERRORS)


def decode_line(raw: bytes) -> str:
    """Decode one received line, dropping the line ending."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode(ENCODING, ERRORS)


def split_words(line: str) -> list[str]:
    """Split a protocol line into words, honouring quotes and backslash escapes.

    ``VAR ups ups.mfr "A \\"B\\" \\\\ C"`` gives ``["VAR", "ups", "ups.mfr",
    'A "B" \\ C']``.  An empty quoted string is an empty word.  An unterminated
    quote or a trailing lone backslash raises :class:`NutProtocolError`.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    in_quotes = False
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "\\":
            if i + 1 >= n:
                raise NutProtocolError(f"dangling backslash in {line!r}")
            current.append(line[i + 1])
            in_word = True
            i += 2
            continue
        if in_quotes:
            if ch == '"':
                in_quotes = False
            else:
                current.append(ch)
        elif ch == '"':
            in_quotes = True
            in_word = True
        elif ch in " \t":
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
        else:
            current.append(ch)
            in_word = True
        i += 1
    if in_quotes:
        raise NutProtocolError(f"unterminated quote in {line!r}")
    if in_word:
        words.append("".join(current))
    return words


def parse_reply(line: str) -> list[str]:
    """Split a reply line into words, raising :class:`NutError` for ``ERR`` lines."""
    if line.startswith("ERR ") or line == "ERR":
        parts = line.split(None, 2)
        code = parts[1] if len(parts) > 1 else "UNKNOWN"
        extra = parts[2] if len(parts) > 2 else ""
        raise NutError(code, extra)
    return split_words(line)


def expect(words: list[str], prefix: list[str], count: int, line: str) -> list[str]:
    """Check that ``words`` start with ``prefix`` and carry exactly ``count`` more.

    Returns the words after the prefix; raises :class:`NutProtocolError` otherwise.
    """
    if words[: len(prefix)] != prefix or len(words) != len(prefix) + count:
        raise NutProtocolError(f"unexpected reply {line!r}")
    return words[len(prefix):]
