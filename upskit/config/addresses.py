"""``host[:port]`` and ``ups@host[:port]`` strings, with ``[...]`` around IPv6 literals.

The one parser of these addresses: configuration files, the command line and the
repeater's upstream all read them here.
"""

from __future__ import annotations

from upskit.config.values import BadValue, to_port

#: The NUT network port (IANA).
DEFAULT_PORT = 3493
#: The host of a ``ups`` written without ``@host``.
DEFAULT_HOST = "localhost"


def split_host_port(text: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]``, ``[v6]:port`` or a bare IPv6 literal (no port)."""
    port_text = ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise BadValue(f'has "[" without "]" in "{text}"')
        host, rest = text[1:end], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise BadValue(f'has unexpected text after "]" in "{text}"')
            port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host = text
    if not host or any(c in host for c in " \t[]@"):
        raise BadValue(f'has a bad host name in "{text}"')
    if port_text == "" and text.endswith(":"):
        raise BadValue(f'has an empty port in "{text}"')
    try:
        port = to_port(port_text) if port_text else default_port
    except BadValue as exc:
        raise BadValue(f'port {exc}') from None
    return host, port


def join_host_port(host: str, port: int, *, always_port: bool = True) -> str:
    """The inverse of :func:`split_host_port`; the port is left out when default and allowed."""
    shown = f"[{host}]" if ":" in host else host
    if not always_port and port == DEFAULT_PORT:
        return shown
    return f"{shown}:{port}"


def split_system(text: str) -> tuple[str, str, int]:
    """``ups[@host[:port]]`` as in upsmon's MONITOR lines; the host defaults to localhost."""
    ups, at, where = text.partition("@")
    if not ups or any(c in ups for c in " \t[]:"):
        raise BadValue(f'needs "<ups>@<host>[:<port>]", got "{text}"')
    if not at:
        return ups, DEFAULT_HOST, DEFAULT_PORT
    if not where:
        raise BadValue(f'has nothing after "@" in "{text}"')
    host, port = split_host_port(where)
    return ups, host, port


def join_system(ups: str, host: str, port: int) -> str:
    """The inverse of :func:`split_system`."""
    return f"{ups}@{join_host_port(host, port, always_port=False)}"
