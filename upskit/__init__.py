"""upskit: UPS monitoring, control and safe shutdown, speaking the NUT network protocol."""

__version__ = "0.1.0"

#: Version string published as ``driver.version`` and in the server's VER reply.
NUT_COMPAT_VERSION = "2.8.0"
