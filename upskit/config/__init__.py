"""NUT-format configuration files and the native TOML file, as typed settings.

``nutfiles`` reads NUT's own files unchanged, ``toml`` reads and writes upskit's
single TOML file; both produce the objects of ``settings``.
"""
