"""TLS for the monitor's server connections: FORCESSL, CERTVERIFY, CERTPATH, CERTHOST."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from upskit.config.settings import UpsmonSettings

if TYPE_CHECKING:
    import ssl


def tls_context_for(settings: UpsmonSettings, host: str) -> ssl.SSLContext | None:
    """The TLS context for connections to ``host``, or None for a plain connection.

    TLS is used when FORCESSL or CERTVERIFY is on (globally or by a CERTHOST line for
    this host); it is then required: a server that refuses STARTTLS is an error,
    never a silent fall-back to plain text.  CERTPATH names a CA file or a directory
    of hashed CA certificates; CERTVERIFY checks the server's certificate against it
    (and the system's CAs) and its host name.
    """
    certhost = settings.certhosts.get(host)
    forcessl = certhost.forcessl if certhost else settings.forcessl
    verify = certhost.certverify if certhost else settings.certverify
    if not (forcessl or verify):
        return None
    from upskit.lazyssl import load_ssl

    load_ssl()
    import ssl

    context = ssl.create_default_context()
    if settings.certpath:
        if os.path.isdir(settings.certpath):
            context.load_verify_locations(capath=settings.certpath)
        else:
            context.load_verify_locations(cafile=settings.certpath)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
