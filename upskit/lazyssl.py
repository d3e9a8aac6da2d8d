"""Load :mod:`ssl` only when TLS is really used.

Importing :mod:`asyncio` normally drags in :mod:`ssl`, which maps OpenSSL's
libraries: about 4.5 MB of resident memory that a daemon without TLS never needs.
:func:`import_asyncio` imports asyncio with ssl held back; :func:`load_ssl`
imports ssl later and hands it to the asyncio modules that looked for it, so TLS
works exactly as usual once something asks for it.
"""

from __future__ import annotations

import sys

from upskit.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

#: asyncio modules that bind ``ssl`` at import time (``None`` when it was held back).
_ASYNCIO_USERS = ("asyncio.base_events", "asyncio.selector_events", "asyncio.proactor_events")
_held_back = False


def import_asyncio() -> None:
    """Import asyncio without ssl, unless either is already loaded."""
    global _held_back
    if "asyncio" in sys.modules or "ssl" in sys.modules:
        return
    sys.modules["ssl"] = None  # type: ignore[assignment]  # makes "import ssl" fail
    try:
        import asyncio  # noqa: F401
    finally:
        del sys.modules["ssl"]
    _held_back = True


def load_ssl() -> ModuleType:
    """Import ssl and make asyncio's TLS support whole again; returns the module."""
    global _held_back
    import ssl

    if _held_back:
        for name in _ASYNCIO_USERS:
            module = sys.modules.get(name)
            if module is not None and getattr(module, "ssl", ssl) is None:
                module.ssl = ssl  # type: ignore[attr-defined]
        proto = sys.modules.get("asyncio.sslproto")
        if proto is not None and getattr(proto, "ssl", ssl) is None:
            import importlib

            importlib.reload(proto)
        _held_back = False
    return ssl
