"""NUT's driver socket: its wire format, mirroring a NUT driver into a Device, and the
driver that runs (or attaches to) a NUT driver program."""
