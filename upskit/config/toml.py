"""upskit's own TOML configuration file, and choosing a loader by path.

:func:`load_toml` reads the TOML file (schema in :mod:`upskit.config.toml_reader` and
``docs/configuration.md``), :func:`dump_toml` writes settings back as TOML (to convert
a NUT directory), :func:`load_any` takes either a NUT directory or a TOML file.
"""

from __future__ import annotations

from pathlib import Path

from upskit.config.nutfiles import NUT_FILES, load_nut_dir
from upskit.config.settings import ConfigError, Settings
from upskit.config.toml_reader import load_toml, parse_toml
from upskit.config.toml_writer import dump_toml

__all__ = ["dump_toml", "load_any", "load_toml", "parse_toml"]


def load_any(path: str | Path, *, strict: bool = False) -> Settings:
    """Load a NUT configuration directory, or a ``.toml`` file.

    A path to one of NUT's own files (``/etc/nut/ups.conf``) loads its whole directory.
    """
    where = Path(path)
    if where.is_dir():
        return load_nut_dir(where, strict=strict)
    if where.suffix.lower() == ".toml":
        return load_toml(where, strict=strict)
    if where.name in NUT_FILES and where.is_file():
        return load_nut_dir(where.parent, strict=strict)
    if not where.exists():
        raise ConfigError(str(path), None, "no such file or directory")
    raise ConfigError(str(path), None, "expected a NUT configuration directory or a .toml file")
