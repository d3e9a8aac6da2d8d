"""The ``upskit`` command."""
