"""NUT network protocol server: asyncio, users, access control, TLS."""
