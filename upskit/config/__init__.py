"""NUT-format configuration files and the native TOML file, as typed settings."""
