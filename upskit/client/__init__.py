"""NUT network protocol client library, async and sync."""
